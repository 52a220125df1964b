"""Who may open connections to whom: the caller → callee matrix, the internet and the gateway included.

Rows are callers (the internet, the gateway, every color), columns are callees (the gateway and every
color); a cell lists the listener a caller reaches and the virtual services it goes through.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from mesh_components.topology.graph import MeshGraph

from .markdown import table

INTERNET = "internet (NLB)"
NO_ACCESS = "·"


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

    @cached_property
    def _cells(self) -> dict[tuple[str, str], list[str]]:
        cells: dict[tuple[str, str], list[str]] = defaultdict(list)
        for reach in self.reaches:
            cells[reach.caller, reach.callee].append(str(reach))
        return cells

    def cell(self, caller: str, callee: str) -> str:
        return "; ".join(self._cells.get((caller, callee), ())) or NO_ACCESS


def access_matrix(graph: MeshGraph) -> AccessMatrix:
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


def render_access_markdown(matrix: AccessMatrix) -> str:
    header = ["caller ↓ / callee →", *matrix.callees]
    rows = [[caller, *(matrix.cell(caller, callee) for callee in matrix.callees)] for caller in matrix.callers]
    lines = table(header, rows)
    lines.append("")
    lines.append(f"`{NO_ACCESS}` = no access. Cells show the callee's listener and, when the caller addresses it "
                 "through another virtual service (a router), that service.")
    if matrix.unreachable:
        lines.append(f"No caller can reach: {', '.join(matrix.unreachable)}.")
    return "\n".join(lines) + "\n"
