"""Render a `Diagram` as Graphviz DOT."""

from __future__ import annotations

from .diagram import Diagram

_SHAPES = {"internet": "ellipse", "gateway": "hexagon", "router": "diamond", "color": "box"}
_STYLES = {"public": "bold", "gateway_route": "solid", "weighted_route": "solid", "call": "dashed"}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(diagram: Diagram) -> str:
    lines = ["digraph mesh {", "    rankdir=LR;"]
    lines += [
        f"    {_quote(node.key)} [label={_quote(chr(10).join(node.lines))}, shape={_SHAPES[node.kind]}];"
        for node in diagram.nodes
    ]
    lines += [
        f"    {_quote(edge.source)} -> {_quote(edge.target)} [label={_quote(edge.label)}, style={_STYLES[edge.kind]}];"
        for edge in diagram.edges
    ]
    return "\n".join(lines + ["}"]) + "\n"
