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
    """Every color's Service Connect facts, in the topology's order."""
    namespace = topology.mesh.namespace
    return tuple(ColorServiceConnect(name, namespace,
                                     tuple(service(name, namespace, index, listener)
                                           for index, listener in enumerate(color.listeners)),
                                     access_log_configuration(color.access_log))
                 for name, color in topology.colors.items())


def port_name(listener: Listener) -> str:
    """Unique within the task (ports are), and what ECS shows: e.g. `http-80`."""
    return f"{listener.protocol}-{listener.port}"


def discovery_name(color: str, index: int, port: int) -> str:
    """The color for its first listener; `<color>_<port>` for the others. Colors are DNS labels without
    '_', so these never collide with another color's."""
    return color if index == 0 else f"{color}_{port}"


def service(color: str, namespace: str, index: int, listener: Listener) -> ServiceConnectService:
    return ServiceConnectService(port_name(listener), listener.port,
                                 None if listener.protocol == "tcp" else listener.protocol,
                                 discovery_name(color, index, listener.port), f"{color}.{namespace}",
                                 timeout(listener))


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


def tls_issuer(topology: Topology, color: str) -> tuple[Optional[str], tuple[str, ...]]:
    """(the Private CA `color`'s callers trust, every CA they name): one CA is what Service Connect TLS takes."""
    graph = MeshGraph(topology)
    callers = {edge.caller for edge in graph.edges if edge.service == color}
    policies: list[Optional[ClientTls]] = [graph.client_tls(caller, color) for caller in sorted(callers)]
    authorities = tuple(sorted({arn for policy in policies if policy and policy.trust.acm for arn in policy.trust.acm}))
    return (authorities[0] if len(authorities) == 1 else None), authorities
