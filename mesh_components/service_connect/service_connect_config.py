"""What each color is on Service Connect: its named port mappings and the Service Connect services that
publish them under the names applications already call (`<color>.<namespace>` on the listener port).

Facts (ECS API model, botocore ecs 2014-11-13): `appProtocol` is http, http2 or grpc (tcp ports leave it
out); `discoveryName` is at most 64 of lowercase letters, digits, '_' and '-', unique in the namespace;
one client alias per service, its `dnsName` at most 127 characters, each (name, port) unique in the
namespace; `TimeoutConfiguration` takes whole seconds 0..2147483647 where 0 disables; the idle default
is 5 minutes (1 hour for tcp). App Mesh's listener defaults are 15 s per request and 300 s idle (user
guide, virtual nodes), the same as Service Connect's for http.

What the provider sends: terraform-provider-aws `expandTimeout` (internal/service/ecs/service.go) puts
both timeout fields into the request whenever the block is given, an unset one as 0, i.e. "disabled";
so a block always carries both values here. On a tcp port ECS refuses that 0 ("Per request timeout 0
can't be set for tcp application", pulumi-aws#4265, terraform-provider-aws#38432): a tcp listener gets
no timeout block, and `capabilities` refuses an idle timeout on one.

TLS: a listener with `tls` is published with Service Connect TLS (`carries_tls`, the one place that says so:
the service's `tls` block, the ALB's and Lattice's target protocol follow it), its certificates issued by
the one AWS Private CA its callers trust (`tls_issuers`; `capabilities` refuses none or several).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from ..topology.graph import MeshGraph
from ..topology.listeners import Listener
from ..topology.model import Topology
from ..topology.observability import AccessLog
from ..topology.tls import ClientTls

DISCOVERY_NAME_MAX = 64
CLIENT_ALIAS_MAX = 127
APP_MESH_PER_REQUEST_SECONDS = 15
APP_MESH_IDLE_SECONDS = 300
MS_PER_SECOND = 1000

AppProtocol = Literal["http", "http2", "grpc"]


@dataclass(frozen=True)
class Timeout:
    idle_timeout_seconds: int
    per_request_timeout_seconds: int


@dataclass(frozen=True)
class ServiceConnectService:
    """One listener of a color, published in the namespace."""

    port_name: str  # the task definition's port mapping name
    port: int
    app_protocol: Optional[AppProtocol]  # None: a tcp port mapping has no appProtocol
    discovery_name: str
    client_alias_dns_name: str  # on `port`
    timeout: Optional[Timeout]
    tls_issuer: Optional[str] = None  # the Private CA issuing this listener's certificates; None: no TLS


@dataclass(frozen=True)
class AccessLogConfiguration:
    format: Literal["TEXT", "JSON"]
    include_query_parameters: Literal["ENABLED", "DISABLED"]


@dataclass(frozen=True)
class ColorServiceConnect:
    color: str
    namespace: str
    services: tuple[ServiceConnectService, ...]
    access_log: AccessLogConfiguration


def service_connect_config(topology: Topology) -> tuple[ColorServiceConnect, ...]:
    """Every color's Service Connect facts, in the topology's order. Assumes `capabilities` passed (one
    issuer for every color with listener TLS)."""
    namespace = topology.mesh.namespace
    issuers = tls_issuers(topology) if any(carries_tls(listener) for color in topology.colors.values()
                                           for listener in color.listeners) else {}
    return tuple(ColorServiceConnect(name, namespace,
                                     tuple(service(name, namespace, index, listener,
                                                   issuers[name].issuer if name in issuers else None)
                                           for index, listener in enumerate(color.listeners)),
                                     access_log_configuration(color.access_log))
                 for name, color in topology.colors.items())


def carries_tls(listener: Listener) -> bool:
    """Whether Service Connect publishes this listener with TLS: exactly when it has `tls` (on this target
    every caller then speaks TLS 1.3 to it, through its own Service Connect proxy, the ALB or Lattice)."""
    return listener.tls is not None


def target_protocol(listener: Listener) -> Literal["HTTP", "HTTPS"]:
    """What the ALB and Lattice speak to the listener's port: they reach it through its Service Connect proxy."""
    return "HTTPS" if carries_tls(listener) else "HTTP"


def port_name(listener: Listener) -> str:
    """Unique within the task (ports are), and what ECS shows: e.g. `http-80`."""
    return f"{listener.protocol}-{listener.port}"


def discovery_name(color: str, index: int, port: int) -> str:
    """The color for its first listener; `<color>_<port>` for the others. Colors are DNS labels without
    '_', so these never collide with another color's."""
    return color if index == 0 else f"{color}_{port}"


def service(color: str, namespace: str, index: int, listener: Listener,
            issuer: Optional[str] = None) -> ServiceConnectService:
    return ServiceConnectService(port_name(listener), listener.port,
                                 None if listener.protocol == "tcp" else listener.protocol,
                                 discovery_name(color, index, listener.port), f"{color}.{namespace}",
                                 timeout(listener), issuer if carries_tls(listener) else None)


def timeout(listener: Listener) -> Optional[Timeout]:
    """The listener's timeouts in whole seconds, the one not given at App Mesh's default; None without
    timeouts and on tcp. Assumes `capabilities` passed (whole seconds, no tcp idle timeout)."""
    given = listener.timeouts
    if given is None or listener.protocol == "tcp":
        return None
    idle = APP_MESH_IDLE_SECONDS if given.idle_ms is None else given.idle_ms // MS_PER_SECOND
    per_request = APP_MESH_PER_REQUEST_SECONDS if given.per_request_ms is None else given.per_request_ms // MS_PER_SECOND
    return Timeout(idle, per_request)


def access_log_configuration(log: AccessLog) -> AccessLogConfiguration:
    """JSON lines for a json_format, text otherwise. App Mesh's default Envoy line logs the path with its
    query string, so the query parameters stay in."""
    return AccessLogConfiguration("JSON" if log.json_format is not None else "TEXT", "ENABLED")


@dataclass(frozen=True)
class TlsIssuer:
    """Which AWS Private CA may issue a color's Service Connect certificates."""

    authorities: tuple[str, ...]  # every CA its callers trust (`trust.acm`), sorted

    @property
    def issuer(self) -> Optional[str]:
        """The one CA, or None when the callers trust none or several (Service Connect TLS takes one)."""
        return self.authorities[0] if len(self.authorities) == 1 else None


def tls_issuers(topology: Topology) -> dict[str, TlsIssuer]:
    """Every color's TLS issuer, from one pass over the call edges: what each caller that reaches the color
    trusts for the name it calls (the color, or a router the gateway's ALB or VPC Lattice compiles into
    target groups of the color). A color no caller reaches with a trust takes the CAs `mesh.backend_tls` trusts:
    whoever calls it later will trust those by default."""
    graph = MeshGraph(topology)
    trusted: dict[str, set[str]] = {name: set() for name in topology.colors}
    for edge in graph.edges:
        policy: Optional[ClientTls] = graph.client_tls(edge.caller, edge.service)
        if policy is not None and policy.trust.acm:
            trusted[edge.callee].update(policy.trust.acm)
    mesh_default = topology.mesh.backend_tls
    fallback = set(mesh_default.trust.acm or ()) if mesh_default is not None else set()
    return {name: TlsIssuer(tuple(sorted(authorities or fallback))) for name, authorities in trusted.items()}


def service_connect_tls_authorities(configs: tuple[ColorServiceConnect, ...]) -> tuple[str, ...]:
    """The Private CAs that issue some service's certificates, sorted: what the TLS role may use."""
    return tuple(sorted({service.tls_issuer for config in configs for service in config.services
                         if service.tls_issuer is not None}))
