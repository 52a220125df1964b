"""The mesh graph: facts derived once from a valid topology.

Who serves each virtual service, who may call whom and on which port. Security groups, IAM
scoping, App Mesh backends and the review commands all read these facts; none re-derives them.
The graph assumes the topology passed `checks.validate_topology` and never re-checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Literal, Mapping, Optional

from .model import GatewayRoute, Topology
from .tls import ClientTls

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
    """A name callers use (`<name>.<namespace>`) and the colors that answer it.

    `protocol` and `port` are the first listener's; a color with several listeners lists them all
    in `ports`, and a call to it may reach each of them.
    """

    name: str
    dns_name: str
    kind: Literal["color", "router"]
    protocol: str
    port: int
    serving_colors: tuple[str, ...]  # a router's targets, weight-0 ones included: weights change without redeploys
    ports: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.ports:
            object.__setattr__(self, "ports", (self.port,))


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


@dataclass(frozen=True)
class CallerTls:
    """The client TLS one caller's calls use: a default for every backend it calls, and its own per backend.

    The one place that says which policy applies: App Mesh specs, IAM grants, checks and reviews all read it.
    """

    default: Optional[ClientTls]
    per_backend: Mapping[str, ClientTls]

    def towards(self, service: str) -> Optional[ClientTls]:
        return self.per_backend.get(service) or self.default

    @property
    def policies(self) -> tuple[ClientTls, ...]:
        """Every policy in effect: the per-backend ones, then the default."""
        return (*self.per_backend.values(), *((self.default,) if self.default else ()))

    @property
    def trusted_authorities(self) -> list[str]:
        """AWS Private CA ARNs this caller's Envoy must be able to read, sorted."""
        return sorted({arn for policy in self.policies for arn in (policy.trust.acm or ())})


@dataclass(frozen=True, order=True)
class PublicEntry:
    """The internet reaches `gateway`'s listener on `port` through the load balancer, on `public_port` when
    the load balancer's port differs (`internet_port` is the one the internet uses)."""

    gateway: Workload
    protocol: str
    port: int
    public_port: Optional[int] = None

    @property
    def internet_port(self) -> int:
        return self.public_port or self.port


@dataclass(frozen=True, order=True)
class ExternalHost:
    """A DNS name outside the mesh some colors may reach, and the (port, protocol) pairs they reach it on."""

    host: str
    listeners: tuple[tuple[int, str], ...]


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
        services = {}
        for name, color in self.topology.colors.items():
            if color.is_worker:  # serves nothing: no name to call
                continue
            listeners = color.listeners
            services[name] = VirtualService(name, self.dns_name(name), "color", listeners[0].protocol, listeners[0].port,
                                            (name,), tuple(listener.port for listener in listeners))
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
                edges |= self._edges_to(self.gateway, route.target, route.target_port)
        return tuple(sorted(edges))

    def _edges_to(self, caller: Workload, service: str, only_port: int | None = None) -> set[CallEdge]:
        virtual_service = self.services[service]
        if virtual_service.kind == "color":
            ports = (only_port,) if only_port else virtual_service.ports
            return {CallEdge(caller, service, service, port) for port in ports}
        return {
            CallEdge(caller, service, callee, port)
            for callee in virtual_service.serving_colors
            for port in self.ports_speaking(callee, virtual_service.protocol)
        }

    def listeners_of(self, service: str) -> tuple[tuple[str, int], ...]:
        """(protocol, port) of each listener callers of `service` address: a color's own, or the router's one."""
        if self.services[service].kind == "router":
            router = self.topology.routers[service]
            return ((router.protocol, router.port),)
        return tuple((listener.protocol, listener.port) for listener in self.topology.colors[service].listeners)

    def ports_speaking(self, color: str, protocol: str) -> tuple[int, ...]:
        """The ports of `color`'s listeners that speak `protocol` (what a router in front of it reaches)."""
        return tuple(listener.port for listener in self.topology.colors[color].listeners
                     if listener.protocol == protocol)

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
    def public_entries(self) -> tuple[PublicEntry, ...]:
        """One per gateway listener: the load balancer forwards each listener port from the internet."""
        gateway = self.topology.gateway
        if not gateway:
            return ()
        return tuple(PublicEntry(self.gateway, listener.protocol, listener.port, listener.public_port)
                     for listener in gateway.listeners)

    @cached_property
    def public_entry(self) -> PublicEntry | None:
        """The first (for a single-listener gateway, the only) public entry."""
        return self.public_entries[0] if self.public_entries else None

    @cached_property
    def exposed_services(self) -> tuple[str, ...]:
        """Virtual services a gateway route forwards internet traffic to, sorted."""
        return tuple(sorted({edge.service for edge in self.edges if edge.caller == self.gateway}))

    @cached_property
    def gateway_routes_by_precedence(self) -> tuple[tuple[str, GatewayRoute, int], ...]:
        """(name, route, priority) in the order App Mesh is to try them, with priorities 1, 2, 3, ...

        Routes with a priority come first, lowest first (App Mesh tries routes without one after every
        route with one); the others follow most specific first: whole-path matches before prefixes,
        longer prefixes before shorter ones, and among equal prefixes more conditions (hostname,
        headers, ...) first. Every route gets a priority from 1, never 0: the provider sends a
        priority only when it is above 0, so a 0 would reach AWS as "no priority".
        """
        gateway = self.topology.gateway
        if not gateway:
            return ()
        given = sorted((item for item in gateway.routes.items() if item[1].priority is not None),
                       key=lambda item: item[1].priority)
        rest = sorted((item for item in gateway.routes.items() if item[1].priority is None),
                      key=lambda item: (_specificity(item[1]), item[0]))
        return tuple((name, route, rank) for rank, (name, route) in enumerate(given + rest, start=1))

    def route_priorities(self, router: str) -> dict[str, int | None]:
        """Route name -> the priority App Mesh gets: the rank (1 first) of its priority among the router's.

        Ranks keep the order the topology's priorities (0-1000) give and never send 0, which the
        provider would leave out; routes without a priority keep none (App Mesh tries them last).
        """
        routes = self.topology.routers[router].routes
        ranked = sorted((route.priority, name) for name, route in routes.items() if route.priority is not None)
        ranks = {name: rank for rank, (_, name) in enumerate(ranked, start=1)}
        return {name: ranks.get(name) for name in routes}

    def caller_tls(self, caller: Workload) -> CallerTls:
        """Which client TLS `caller` uses towards each service it calls (nothing when it calls nothing).

        A color's own `backend_tls_for` entry wins, then its `backend_tls`, then `mesh.backend_tls`; the
        gateway has only the default (`gateway.backend_tls`, else the mesh's), for its route targets.
        Reads only the model, so checks may ask before the topology is known to be valid.
        """
        mesh_default = self.topology.mesh.backend_tls
        if caller.kind == "gateway":
            gateway = self.topology.gateway
            calls = bool(gateway and gateway.routes)
            return CallerTls((gateway.backend_tls or mesh_default) if calls else None, MappingProxyType({}))
        color = self.topology.colors[caller.name]
        per_backend = {backend: policy for backend, policy in color.backend_tls_for.items() if backend in color.backends}
        default = (color.backend_tls or mesh_default) if color.backends else None
        return CallerTls(default, MappingProxyType(per_backend))

    def client_tls(self, caller: Workload, service: str) -> Optional[ClientTls]:
        """The client TLS `caller` uses when it calls `service`."""
        return self.caller_tls(caller).towards(service)

    def served_certificates(self, workload: Workload) -> list[str]:
        """ACM certificate ARNs the workload's listeners serve, sorted."""
        holder = self.topology.gateway if workload.kind == "gateway" else self.topology.colors[workload.name]
        return sorted({listener.tls.certificate.acm for listener in holder.listeners
                       if listener.tls and listener.tls.certificate.acm})

    @cached_property
    def unreachable_colors(self) -> tuple[str, ...]:
        """Colors that no color and no gateway route can reach: deployed, but nobody can call them."""
        reached = {edge.callee for edge in self.edges}
        return tuple(name for name, color in self.topology.colors.items()
                     if name not in reached and not color.is_worker)

    @cached_property
    def external_hosts(self) -> tuple[ExternalHost, ...]:
        """Every `egress` host of every color, by name, each with the (port, protocol) pairs colors reach it on."""
        pairs: dict[str, set[tuple[int, str]]] = {}
        for color in self.topology.colors.values():
            for entry in color.egress:
                if entry.host is not None:
                    pairs.setdefault(entry.host, set()).add((entry.port, entry.protocol))
        return tuple(ExternalHost(host, tuple(sorted(pairs[host]))) for host in sorted(pairs))

    @cached_property
    def workers(self) -> tuple[str, ...]:
        """Colors that serve nothing (`listeners: []`)."""
        return tuple(name for name, color in self.topology.colors.items() if color.is_worker)


def _specificity(route: GatewayRoute) -> tuple[int, int, int]:
    """Sort key: lower sorts first, i.e. is tried first."""
    match = route.match
    conditions = len(match.given("hostname", "headers", "query_parameters", "port"))
    return (0 if match.path else 1, -len(match.prefix or match.service_name or ""), -conditions)
