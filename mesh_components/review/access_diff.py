"""What changed between two topologies, in the terms a reviewer asks about, and whether access widened.

Access WIDENED when the new topology lets something open a connection, or use a mesh path, that the
old one did not. Precisely, when any of these holds:

1. a call edge (caller, virtual service, callee, port) of the new graph is not in the old one: a new
   backend, a new router or gateway route target (even at weight 0), a callee's port moved to a port
   the caller could not reach before, or a renamed caller;
2. a public entry (internet → gateway through the NLB, one per gateway listener port) is new: a
   gateway was added, a listener (or its public_port) moved to another port, or the gateway gained a listener;
3. the mesh egress filter changed from DROP_ALL to ALLOW_ALL;
4. a color may reach a destination outside the mesh (an `egress` host, cidr or prefix list on a port) it
   could not reach before.

Not widening on their own: removed edges, weight changes between existing targets, protocol
changes on an unchanged port, new gateway route prefixes that lead to services the gateway already
exposes (the gateway rewrites the matched prefix, so the service sees the same requests), and new
colors nobody calls. They are still reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Optional, TypeVar

from mesh_components.topology.graph import CallEdge, MeshGraph, PublicEntry, Workload
from mesh_components.topology.model import GatewayRoute

T = TypeVar("T")


@dataclass(frozen=True)
class Change(Generic[T]):
    """`name` went from `old` to `new`; None on one side means it was added or removed."""

    name: str
    old: Optional[T]
    new: Optional[T]


@dataclass(frozen=True)
class CallerChange:
    callee: str
    added: tuple[Workload, ...]
    removed: tuple[Workload, ...]


@dataclass(frozen=True)
class WeightChange:
    router: str
    route: str
    target: str
    old: Optional[int]  # None: the target is new in this route
    new: Optional[int]  # None: the target left this route


@dataclass(frozen=True, order=True)
class EgressGrant:
    """`color` may open connections to `destination` (a host, cidr or prefix list outside the mesh) on `port`."""

    color: str
    destination: str
    port: int
    protocol: str

    def __str__(self) -> str:
        return f"{self.color} → {self.destination}:{self.port} ({self.protocol}, outside the mesh)"


@dataclass(frozen=True)
class AccessDiff:
    edges_added: tuple[CallEdge, ...]
    edges_removed: tuple[CallEdge, ...]
    callers: tuple[CallerChange, ...]
    services: tuple[Change[str], ...]  # added/removed virtual services, value = kind
    weights: tuple[WeightChange, ...]
    router_routes: tuple[Change[str], ...]  # value = the route's match, e.g. "GET /"
    gateway_routes: tuple[Change[GatewayRoute], ...]
    public_entries: tuple[Change[PublicEntry], ...]  # keyed by the port the internet reaches
    exposed_added: tuple[str, ...]
    exposed_removed: tuple[str, ...]
    listeners: tuple[Change[str], ...]  # virtual services and the gateway, value = "protocol:port"
    egress_filter: Optional[Change[str]]
    egress_added: tuple[EgressGrant, ...] = ()
    egress_removed: tuple[EgressGrant, ...] = ()

    @property
    def widening_reasons(self) -> tuple[str, ...]:
        """Why access widened, one line per reason (empty when it did not); see the module docstring."""
        reasons = [f"new call edge {describe_edge(edge)}" for edge in self.edges_added]
        reasons += [f"internet can reach gateway {entry.new.gateway.name} on port {entry.new.internet_port}"
                    for entry in self.public_entries if entry.new and entry.old is None]
        if self.egress_filter and self.egress_filter.new == "ALLOW_ALL":
            reasons.append("mesh egress filter is now ALLOW_ALL: services may call anything, not just their backends")
        reasons += [f"new egress {grant}" for grant in self.egress_added]
        return tuple(reasons)

    @property
    def widened(self) -> bool:
        return bool(self.widening_reasons)

    @property
    def unchanged(self) -> bool:
        return not any(
            (self.edges_added, self.edges_removed, self.callers, self.services, self.weights, self.router_routes,
             self.gateway_routes, self.public_entries, self.exposed_added, self.exposed_removed, self.listeners,
             self.egress_filter, self.egress_added, self.egress_removed)
        )


def describe_edge(edge: CallEdge) -> str:
    via = "" if edge.service == edge.callee else f" via {edge.service}"
    return f"{edge.caller} → {edge.callee}:{edge.port}{via}"


def diff_access(old: MeshGraph, new: MeshGraph) -> AccessDiff:
    old_edges, new_edges = set(old.edges), set(new.edges)
    exposed_old, exposed_new = set(old.exposed_services), set(new.exposed_services)
    return AccessDiff(
        edges_added=tuple(sorted(new_edges - old_edges)),
        edges_removed=tuple(sorted(old_edges - new_edges)),
        callers=_caller_changes(old, new),
        services=_changes({n: s.kind for n, s in old.services.items()}, {n: s.kind for n, s in new.services.items()},
                          added_and_removed_only=True),
        weights=_weight_changes(old, new),
        router_routes=_router_route_changes(old, new),
        gateway_routes=_changes(_gateway_routes(old), _gateway_routes(new)),
        public_entries=_changes(_public_entries(old), _public_entries(new)),
        exposed_added=tuple(sorted(exposed_new - exposed_old)),
        exposed_removed=tuple(sorted(exposed_old - exposed_new)),
        listeners=_changes(_listeners(old), _listeners(new), changed_only=True),
        egress_filter=_single_change("egress_filter", old.topology.mesh.egress_filter, new.topology.mesh.egress_filter),
        egress_added=tuple(sorted(_egress(new) - _egress(old))),
        egress_removed=tuple(sorted(_egress(old) - _egress(new))),
    )


def _egress(graph: MeshGraph) -> set[EgressGrant]:
    return {EgressGrant(name, entry.destination, entry.port, entry.protocol)
            for name, color in graph.topology.colors.items() for entry in color.egress}


def _changes(old: dict[str, T], new: dict[str, T], *, changed_only: bool = False,
             added_and_removed_only: bool = False) -> tuple[Change[T], ...]:
    changes = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        both = before is not None and after is not None
        if before == after or (changed_only and not both) or (added_and_removed_only and both):
            continue
        changes.append(Change(name, before, after))
    return tuple(changes)


def _single_change(name: str, old: Optional[T], new: Optional[T]) -> Optional[Change[T]]:
    return None if old == new else Change(name, old, new)


def _caller_changes(old: MeshGraph, new: MeshGraph) -> tuple[CallerChange, ...]:
    changes = []
    for color in sorted(old.topology.colors.keys() | new.topology.colors.keys()):
        before = set(old.callers_of(color)) if color in old.topology.colors else set()
        after = set(new.callers_of(color)) if color in new.topology.colors else set()
        if before != after:
            changes.append(CallerChange(color, tuple(sorted(after - before)), tuple(sorted(before - after))))
    return tuple(changes)


def _route_targets(graph: MeshGraph) -> dict[tuple[str, str], dict[str, int]]:
    return {
        (router_name, route_name): dict(route.targets)
        for router_name, router in graph.topology.routers.items()
        for route_name, route in router.routes.items()
    }


def _weight_changes(old: MeshGraph, new: MeshGraph) -> tuple[WeightChange, ...]:
    before, after = _route_targets(old), _route_targets(new)
    changes = []
    for router, route in sorted(before.keys() & after.keys()):
        old_targets, new_targets = before[router, route], after[router, route]
        for target in sorted(old_targets.keys() | new_targets.keys()):
            if old_targets.get(target) != new_targets.get(target):
                changes.append(WeightChange(router, route, target, old_targets.get(target), new_targets.get(target)))
    return tuple(changes)


def _router_route_changes(old: MeshGraph, new: MeshGraph) -> tuple[Change[str], ...]:
    def matches(graph: MeshGraph) -> dict[str, str]:
        return {
            f"{router_name}/{route_name}": _describe_match(route.match.method, route.match.prefix, route.priority)
            for router_name, router in graph.topology.routers.items()
            for route_name, route in router.routes.items()
        }

    return _changes(matches(old), matches(new))


def _describe_match(method: Optional[str], prefix: str, priority: Optional[int]) -> str:
    text = " ".join(part for part in (method, prefix) if part)
    return text + (f" (priority {priority})" if priority is not None else "")


def _gateway_routes(graph: MeshGraph) -> dict[str, GatewayRoute]:
    return dict(graph.topology.gateway.routes) if graph.topology.gateway else {}


def _public_entries(graph: MeshGraph) -> dict[str, PublicEntry]:
    return {str(entry.internet_port): entry for entry in graph.public_entries}


def _listeners(graph: MeshGraph) -> dict[str, str]:
    listeners = {name: _listing(graph.listeners_of(name)) for name in graph.services}
    if graph.public_entries:
        listeners[str(graph.gateway)] = _listing((e.protocol, e.port) for e in graph.public_entries)
    return listeners


def _listing(listeners) -> str:
    return ", ".join(f"{protocol}:{port}" for protocol, port in listeners)
