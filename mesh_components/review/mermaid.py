"""Render a `Diagram` as a Mermaid flowchart (GitHub draws it in markdown)."""

from __future__ import annotations

import re

from .diagram import Diagram, Node

_SHAPES = {  # (open, close) around the quoted label
    "internet": ("((", "))"),
    "gateway": ("{{", "}}"),
    "router": ("{", "}"),
    "color": ("[", "]"),
}
_ARROWS = {"public": "==>", "gateway_route": "-->", "weighted_route": "-->", "call": "-.->"}


def node_id(key: str) -> str:
    """A Mermaid id from a node key; characters Mermaid ids cannot hold become `_<hex>_`, so ids stay unique."""
    return re.sub(r"[^A-Za-z0-9]", lambda m: "_" if m.group() == ":" else f"_{ord(m.group()):x}_", key)


def _text(text: str) -> str:
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _node(node: Node) -> str:
    opening, closing = _SHAPES[node.kind]
    label = "<br/>".join(_text(line) for line in node.lines)
    return f'    {node_id(node.key)}{opening}"{label}"{closing}'


def render_mermaid(diagram: Diagram) -> str:
    lines = ["flowchart LR"]
    lines += [_node(node) for node in diagram.nodes]
    lines += [
        f'    {node_id(edge.source)} {_ARROWS[edge.kind]}|"{_text(edge.label)}"| {node_id(edge.target)}'
        for edge in diagram.edges
    ]
    return "\n".join(lines) + "\n"
