"""Who may open connections to whom: the caller → callee matrix, the internet and the gateway included.

Rows are callers (the internet, the gateway, every color), columns are callees (the gateway and every
color); a cell lists the listener a caller reaches and the virtual services it goes through.

Per target. On app-mesh the internet reaches the gateway's Envoy tasks through the NLB, and they call the
colors. On service-connect the gateway is the ALB itself: the internet reaches its listeners, and it reaches
the colors' target groups (through a router's weights where the rule was compiled from one); a color's call
to a router goes through VPC Lattice. Color to color, both targets admit exactly the graph's edges (security
groups; on app-mesh Envoy's backends too).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from mesh_components.service_connect.lattice_routers import called_routers
from mesh_components.targets import DEFAULT_TARGET
from mesh_components.topology.graph import MeshGraph

from .alb_forwards import alb_forwards
from .markdown import table

INTERNET = "internet (NLB)"
INTERNET_TO_ALB = "internet (ALB)"
NO_ACCESS = "·"
LATTICE = "VPC Lattice"
LEGEND = {
    "app-mesh": "Cells show the callee's listener and, when the caller addresses it through another virtual "
                "service (a router), that service.",
    "service-connect": "Cells show the callee's listener and, when the caller reaches it through a router, that "
                       "router: the ALB's rules forward with the router's weights, a color's call goes through "
                       f"{LATTICE}. The ALB (the gateway on service-connect) forwards to the colors' target groups "
                       "itself. Security groups admit the ALB's and the direct calls, caller's group to callee's group, "
                       "on these ports only.",
}


@dataclass(frozen=True)
class Reach:
    """`caller` can open connections to `callee` on `protocol:port`, addressing it through `via`."""

    caller: str
    callee: str
    protocol: str
    port: int
    via: tuple[str, ...]

    def __str__(self) -> str:
        listener = f"{self.protocol}:{self.port}"
        indirect = [name for name in self.via if name != self.callee]
        return f"{listener} via {', '.join(indirect)}" if indirect else listener


@dataclass(frozen=True)
class AccessMatrix:
    callers: tuple[str, ...]
    callees: tuple[str, ...]
    reaches: tuple[Reach, ...]
    unreachable: tuple[str, ...]
    target: str = DEFAULT_TARGET

    @cached_property
    def _cells(self) -> dict[tuple[str, str], list[str]]:
        cells: dict[tuple[str, str], list[str]] = defaultdict(list)
        for reach in self.reaches:
            cells[reach.caller, reach.callee].append(str(reach))
        return cells

    def cell(self, caller: str, callee: str) -> str:
        return "; ".join(self._cells.get((caller, callee), ())) or NO_ACCESS


def access_matrix(graph: MeshGraph, target: str = DEFAULT_TARGET) -> AccessMatrix:
    if target == "service-connect":
        return _service_connect_matrix(graph)
    colors = tuple(graph.topology.colors)
    reaches: list[Reach] = []
    gateway_names: tuple[str, ...] = ()
    if graph.gateway:
        gateway_names = (str(graph.gateway),)
        reaches += [Reach(INTERNET, str(entry.gateway), entry.protocol, entry.port, ("NLB",))
                    for entry in graph.public_entries]
    services_by_access: dict = defaultdict(set)
    for edge in graph.edges:
        services_by_access[edge.access].add(edge.service)
    for access in graph.access:
        via = tuple(sorted(services_by_access[access]))
        protocol = graph.services[access.target].protocol
        reaches.append(Reach(str(access.source), access.target, protocol, access.port, via))
    callers = ((INTERNET,) if gateway_names else ()) + gateway_names + colors
    return AccessMatrix(callers, gateway_names + colors, tuple(reaches), graph.unreachable_colors)


def _service_connect_matrix(graph: MeshGraph) -> AccessMatrix:
    topology = graph.topology
    colors = tuple(topology.colors)
    reaches: list[Reach] = []
    gateway_names: tuple[str, ...] = ()
    if graph.gateway:
        alb = f"{graph.gateway.name} (ALB)"
        gateway_names = (alb,)
        reaches += [Reach(INTERNET_TO_ALB, alb, entry.protocol, entry.port, ()) for entry in graph.public_entries]
        reaches += dict.fromkeys(Reach(alb, forward.color, _protocol(graph, forward.color, forward.port), forward.port,
                                       (forward.router,) if forward.router else ())
                                 for forward in alb_forwards(topology))  # one per cell and router, in rule order
    lattice = set(called_routers(topology))
    services_by_access: dict = defaultdict(set)
    for edge in graph.edges:
        if edge.caller.kind == "color":
            services_by_access[edge.access].add(f"{edge.service} ({LATTICE})" if edge.service in lattice else edge.service)
    for access, via in sorted(services_by_access.items()):
        reaches.append(Reach(access.source.name, access.target, _protocol(graph, access.target, access.port),
                             access.port, tuple(sorted(via))))
    callers = ((INTERNET_TO_ALB,) if gateway_names else ()) + gateway_names + colors
    return AccessMatrix(callers, gateway_names + colors, tuple(reaches), graph.unreachable_colors, "service-connect")


def _protocol(graph: MeshGraph, color: str, port: int) -> str:
    return next(protocol for protocol, listener_port in graph.listeners_of(color) if listener_port == port)


def render_access_markdown(matrix: AccessMatrix) -> str:
    header = ["caller ↓ / callee →", *matrix.callees]
    rows = [[caller, *(matrix.cell(caller, callee) for callee in matrix.callees)] for caller in matrix.callers]
    lines = table(header, rows)
    lines.append("")
    lines.append(f"`{NO_ACCESS}` = no access. {LEGEND[matrix.target]}")
    if matrix.unreachable:
        lines.append(f"No caller can reach: {', '.join(matrix.unreachable)}.")
    return "\n".join(lines) + "\n"
