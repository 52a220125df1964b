"""The mesh graph: facts derived once from a valid topology.

Who serves each virtual service, who may call whom and on which port. Security groups, IAM
scoping, App Mesh backends and the review commands all read these facts; none re-derives them.
The graph assumes the topology passed `checks.validate_topology` and never re-checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from .model import GatewayRoute, Topology

WorkloadKind = Literal["color", "gateway"]


@dataclass(frozen=True, order=True)
class Workload:
    """Something that runs tasks and so owns a security group: a color or the gateway."""

    kind: WorkloadKind
    name: str

    def __str__(self) -> str:
        return self.name if self.kind == "color" else f"{self.name} (gateway)"


@dataclass(frozen=True)
class VirtualService:
    """A name callers use (`<name>.<namespace>`) and the colors that answer it."""

    name: str
    dns_name: str
    kind: Literal["color", "router"]
    protocol: str
    port: int
    serving_colors: tuple[str, ...]  # a router's targets, weight-0 ones included: weights change without redeploys


@dataclass(frozen=True, order=True)
class Access:
    """Network access one edge needs: `source` opens TCP connections to `target`'s tasks on `port`."""

    source: Workload
    target: str  # a color
    port: int


@dataclass(frozen=True, order=True)
class CallEdge:
    """`caller` may call virtual service `service`; the call lands on `callee` on `port`."""

    caller: Workload
    service: str
    callee: str
    port: int

    @property
    def access(self) -> Access:
        return Access(self.caller, self.callee, self.port)


@dataclass(frozen=True, order=True)
class PublicEntry:
    """The internet reaches `gateway`'s tasks through the network load balancer on `port`."""

    gateway: Workload
    protocol: str
    port: int


class MeshGraph:
    def __init__(self, topology: Topology) -> None:
        self.topology = topology

    @property
    def namespace(self) -> str:
        return self.topology.mesh.namespace

    def dns_name(self, service: str) -> str:
        return f"{service}.{self.namespace}"

    @cached_property
    def services(self) -> dict[str, VirtualService]:
        """Every virtual service by name: one per color and one per router."""
        services = {
            name: VirtualService(name, self.dns_name(name), "color", color.protocol, color.port, (name,))
            for name, color in self.topology.colors.items()
        }
        for name, router in self.topology.routers.items():
            targets = tuple(sorted({color for route in router.routes.values() for color in route.targets}))
            services[name] = VirtualService(name, self.dns_name(name), "router", router.protocol, router.port, targets)
        return services

    @cached_property
    def gateway(self) -> Workload | None:
        gateway = self.topology.gateway
        return Workload("gateway", gateway.name) if gateway else None

    @cached_property
    def edges(self) -> tuple[CallEdge, ...]:
        """Every (caller, service, callee, port) the topology allows, the gateway's included, sorted."""
        edges: set[CallEdge] = set()
        for caller, color in self.topology.colors.items():
            for service in color.backends:
                edges |= self._edges_to(Workload("color", caller), service)
        if self.gateway:
            for route in self.topology.gateway.routes.values():
                edges |= self._edges_to(self.gateway, route.target)
        return tuple(sorted(edges))

    def _edges_to(self, caller: Workload, service: str) -> set[CallEdge]:
        return {
            CallEdge(caller, service, callee, self.topology.colors[callee].port)
            for callee in self.services[service].serving_colors
        }

    @cached_property
    def access(self) -> tuple[Access, ...]:
        """The network access the edges need, deduplicated: what security-group rules must allow."""
        return tuple(sorted({edge.access for edge in self.edges}))

    def backends_of(self, color: str) -> tuple[VirtualService, ...]:
        return tuple(self.services[name] for name in self.topology.colors[color].backends)

    def callers_of(self, color: str) -> tuple[Workload, ...]:
        return tuple(sorted({a.source for a in self.access if a.target == color}))

    def peers_of(self, source: Workload) -> tuple[Access, ...]:
        return tuple(a for a in self.access if a.source == source)

    @cached_property
    def workloads(self) -> tuple[Workload, ...]:
        colors = tuple(Workload("color", name) for name in self.topology.colors)
        return colors + ((self.gateway,) if self.gateway else ())

    @cached_property
    def public_entry(self) -> PublicEntry | None:
        gateway = self.topology.gateway
        return PublicEntry(self.gateway, gateway.protocol, gateway.port) if gateway else None

    @cached_property
    def exposed_services(self) -> tuple[str, ...]:
        """Virtual services a gateway route forwards internet traffic to, sorted."""
        return tuple(sorted({edge.service for edge in self.edges if edge.caller == self.gateway}))

    @cached_property
    def gateway_routes_by_precedence(self) -> tuple[tuple[str, GatewayRoute, int], ...]:
        """(name, route, priority), longest prefix first: an explicit priority is kept, others get their rank."""
        gateway = self.topology.gateway
        if not gateway:
            return ()
        ordered = sorted(gateway.routes.items(), key=lambda item: (-len(item[1].match.prefix or ""), item[0]))
        return tuple((name, route, rank if route.priority is None else route.priority)
                     for rank, (name, route) in enumerate(ordered))

    @cached_property
    def unreachable_colors(self) -> tuple[str, ...]:
        """Colors that no color and no gateway route can reach: deployed, but nobody can call them."""
        reached = {edge.callee for edge in self.edges}
        return tuple(name for name in self.topology.colors if name not in reached)
