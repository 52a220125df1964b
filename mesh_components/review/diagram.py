"""The mesh as a diagram, independent of the drawing language: nodes, edges and their labels.

`mermaid.py` and `dot.py` render the same `Diagram`, so both formats always show the same mesh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mesh_components.topology.graph import MeshGraph

NodeKind = Literal["internet", "gateway", "router", "color"]
EdgeKind = Literal["public", "gateway_route", "weighted_route", "call"]


@dataclass(frozen=True)
class Node:
    key: str  # unique across kinds: "<kind>:<name>"
    kind: NodeKind
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    label: str


@dataclass(frozen=True)
class Diagram:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


INTERNET = "internet"


def node_key(kind: NodeKind, name: str) -> str:
    return INTERNET if kind == "internet" else f"{kind}:{name}"


def build_diagram(graph: MeshGraph) -> Diagram:
    nodes: list[Node] = []
    edges: list[Edge] = []
    _add_gateway(graph, nodes, edges)
    _add_routers(graph, nodes, edges)
    _add_colors(graph, nodes, edges)
    return Diagram(tuple(nodes), tuple(edges))


def _service_key(graph: MeshGraph, service: str) -> str:
    return node_key(graph.services[service].kind, service)


def _add_gateway(graph: MeshGraph, nodes: list[Node], edges: list[Edge]) -> None:
    entries = graph.public_entries
    if not entries:
        return
    gateway_key = node_key("gateway", graph.gateway.name)
    listeners = ", ".join(f"{entry.protocol}:{entry.port}" for entry in entries)
    nodes.append(Node(INTERNET, "internet", ("internet",)))
    nodes.append(Node(gateway_key, "gateway", (graph.gateway.name, f"virtual gateway · {listeners}")))
    edges.append(Edge(INTERNET, gateway_key, "public", "NLB " + ", ".join(f"tcp:{entry.internet_port}" for entry in entries)))
    for route in graph.topology.gateway.routes.values():
        label = route.match.prefix + (f" · priority {route.priority}" if route.priority is not None else "")
        edges.append(Edge(gateway_key, _service_key(graph, route.target), "gateway_route", label))


def _add_routers(graph: MeshGraph, nodes: list[Node], edges: list[Edge]) -> None:
    for name, router in graph.topology.routers.items():
        service = graph.services[name]
        key = node_key("router", name)
        nodes.append(Node(key, "router", (name, service.dns_name, f"router · {service.protocol}:{service.port}")))
        for route_name, route in router.routes.items():
            total = sum(route.targets.values())
            match = " ".join(part for part in (route.match.method, route.match.prefix) if part)
            for color, weight in route.targets.items():
                share = f" ({weight * 100 / total:.0f}%)" if total else ""
                edges.append(Edge(key, node_key("color", color), "weighted_route",
                                  f"{route_name}: {match} · weight {weight}{share}"))


def _add_colors(graph: MeshGraph, nodes: list[Node], edges: list[Edge]) -> None:
    unreachable = set(graph.unreachable_colors)
    for name, color in graph.topology.colors.items():
        service = graph.services.get(name)  # a worker has none
        lines = (name, service.dns_name, f"{service.protocol}:{service.port}") if service else (name, "worker · serves nothing")
        lines += tuple(f"egress {entry}" for entry in color.egress)
        nodes.append(Node(node_key("color", name), "color", lines + (("no callers",) if name in unreachable else ())))
    for name in graph.topology.colors:
        for backend in graph.backends_of(name):
            edges.append(Edge(node_key("color", name), _service_key(graph, backend.name), "call", "calls"))
