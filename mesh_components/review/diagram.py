"""The mesh as a diagram, independent of the drawing language: nodes, edges and their labels.

`mermaid.py` and `dot.py` render the same `Diagram`, so both formats always show the same mesh.

Per target: on app-mesh the gateway is a virtual gateway behind the NLB, routing to virtual services, and
every router is a virtual router. On service-connect the gateway is an Application Load Balancer whose rules
forward straight to the colors' target groups (with a router's weights where a rule was compiled from one),
and only routers that colors call exist as such, as VPC Lattice services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mesh_components.service_connect.lattice_routers import called_routers
from mesh_components.targets import DEFAULT_TARGET
from mesh_components.topology.graph import MeshGraph

from .alb_forwards import alb_forwards

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


def build_diagram(graph: MeshGraph, target: str = DEFAULT_TARGET) -> Diagram:
    nodes: list[Node] = []
    edges: list[Edge] = []
    if target == "service-connect":
        lattice = called_routers(graph.topology)
        if graph.public_entries:
            _add_load_balancer(graph, nodes, edges)
        _add_routers(graph, nodes, edges, lattice, f"router · {LATTICE}")
        _add_colors(graph, nodes, edges, {name: f"calls via {LATTICE}" for name in lattice})
    else:
        if graph.public_entries:
            _add_gateway(graph, nodes, edges)
        _add_routers(graph, nodes, edges, tuple(graph.topology.routers), "router")
        _add_colors(graph, nodes, edges, {})
    return Diagram(tuple(nodes), tuple(edges))


LATTICE = "VPC Lattice service"


def _service_key(graph: MeshGraph, service: str) -> str:
    return node_key(graph.services[service].kind, service)


def _add_gateway(graph: MeshGraph, nodes: list[Node], edges: list[Edge]) -> None:
    entries = graph.public_entries
    if not entries:
        return
    gateway_key = _add_front(graph, nodes, edges, "virtual gateway",
                             "NLB " + ", ".join(f"tcp:{entry.internet_port}" for entry in entries))
    for route in graph.topology.gateway.routes.values():
        label = route.match.prefix + (f" · priority {route.priority}" if route.priority is not None else "")
        edges.append(Edge(gateway_key, _service_key(graph, route.target), "gateway_route", label))


def _add_front(graph: MeshGraph, nodes: list[Node], edges: list[Edge], what: str, public_label: str) -> str:
    """The internet and the gateway (`what` it is, on which listeners), the edge between them; the gateway's key."""
    gateway_key = node_key("gateway", graph.gateway.name)
    listeners = ", ".join(f"{entry.protocol}:{entry.port}" for entry in graph.public_entries)
    nodes.append(Node(INTERNET, "internet", ("internet",)))
    nodes.append(Node(gateway_key, "gateway", (graph.gateway.name, f"{what} · {listeners}")))
    edges.append(Edge(INTERNET, gateway_key, "public", public_label))
    return gateway_key


def _add_load_balancer(graph: MeshGraph, nodes: list[Node], edges: list[Edge]) -> None:
    """The ALB: the internet reaches its listeners, each rule forwards to target groups (color:port)."""
    entries = graph.public_entries
    gateway_key = _add_front(graph, nodes, edges, "Application Load Balancer",
                             "ALB " + ", ".join(f"{entry.protocol}:{entry.internet_port}" for entry in entries))
    several = len(entries) > 1
    for forward in alb_forwards(graph.topology):
        listener = f":{forward.listener_port} " if several else ""
        label = (f"{listener}rule {forward.priority} {forward.rule}: {forward.match} → tg {forward.color}:{forward.port}"
                 f"{forward.share}")
        edges.append(Edge(gateway_key, node_key("color", forward.color), "gateway_route", label))


def _add_routers(graph: MeshGraph, nodes: list[Node], edges: list[Edge], names: tuple[str, ...], kind: str) -> None:
    for name in names:
        router = graph.topology.routers[name]
        service = graph.services[name]
        key = node_key("router", name)
        nodes.append(Node(key, "router", (name, service.dns_name, f"{kind} · {service.protocol}:{service.port}")))
        for route_name, route in router.routes.items():
            total = sum(route.targets.values())
            match = " ".join(part for part in (route.match.method, route.match.prefix) if part)
            for color, weight in route.targets.items():
                share = f" ({weight * 100 / total:.0f}%)" if total else ""
                edges.append(Edge(key, node_key("color", color), "weighted_route",
                                  f"{route_name}: {match} · weight {weight}{share}"))


def _add_colors(graph: MeshGraph, nodes: list[Node], edges: list[Edge], call_labels: dict[str, str]) -> None:
    """Every color and its calls; `call_labels` names how a call to a service goes when not plainly ("calls")."""
    unreachable = set(graph.unreachable_colors)
    for name, color in graph.topology.colors.items():
        service = graph.services.get(name)  # a worker has none
        lines = (name, service.dns_name, f"{service.protocol}:{service.port}") if service else (name, "worker · serves nothing")
        lines += tuple(f"egress {entry}" for entry in color.egress)
        nodes.append(Node(node_key("color", name), "color", lines + (("no callers",) if name in unreachable else ())))
    for name in graph.topology.colors:
        for backend in graph.backends_of(name):
            edges.append(Edge(node_key("color", name), _service_key(graph, backend.name), "call",
                              call_labels.get(backend.name, "calls")))
