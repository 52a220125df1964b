"""The topology model: what a `config/topology.yaml` file means, independent of any cloud target.

Field constraints here are the ones any sane mesh has (types, ranges of numbers a person could
mean). Cross-field rules (references, name spaces, protocol agreement) and the limits of a given
target live in `checks.py` and the check modules it gathers, so every problem is reported with its
location in one pass. Parts of the model that are a concept of their own have their own module
(`listeners`, `matches`, `resilience`, `tls`, `observability`); they are re-exported here, so
`from mesh_components.topology.model import HealthCheck, RouteMatch, ...` keeps working.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Optional

from pydantic import (Field, PrivateAttr, SerializerFunctionWrapHandler, StrictBool, StrictInt, StrictStr,
                      model_serializer, model_validator)

from .egress import Egress
from .listeners import (INLINE_GATEWAY_LISTENER_KEYS, INLINE_LISTENER_KEYS, GatewayListener, GatewayListenerFields,
                        GatewayProtocol, HealthCheck, Listener, ListenerFields, Protocol, PublicTls)
from .matches import GatewayRouteMatch, HttpMethod, RouteMatch
from .container_settings import STOP_TIMEOUT_MAX, STOP_TIMEOUT_MIN, EnvoySettings
from .observability import AccessLog, Observability
from .permissions import Permission
from .resilience import ConnectionPool, OutlierDetection, RetryPolicy, Timeouts
from .spec import NonEmptyStr, Port, Priority, Spec
from .tls import ClientTls, ListenerTls, TlsRequirement

EgressFilter = Literal["DROP_ALL", "ALLOW_ALL"]

Weight = Annotated[StrictInt, Field(ge=0, le=100)]
TaskCount = Annotated[StrictInt, Field(ge=0, le=1000)]
Cpu = Annotated[StrictInt, Field(ge=1, description="CPU units; the target says which sizes it runs.")]
MemoryMiB = Annotated[StrictInt, Field(ge=1, description="Task memory in MiB; the target says which sizes it runs.")]
Arguments = Annotated[tuple[StrictStr, ...], Field(min_length=1)]


class ListenerHolder(Spec):
    """A color or gateway: written with one inline listener (port, protocol, ...) or a `listeners` list.

    Loading normalises the two: `listeners` always holds the listeners, an inline one as `listeners[0]`.
    The inline keys stay fields (editors are offered them, errors point at them); `listed` says which
    way the file wrote it, and a dump gives back what was written.
    """

    LISTENER_TYPE: ClassVar[type]
    INLINE_LISTENER_KEYS: ClassVar[tuple[str, ...]]
    EMPTY_LIST_SERVES_NOTHING: ClassVar[bool] = False  # `listeners: []`: no listener (a worker), else the inline one
    _written_listeners: Optional[tuple] = PrivateAttr(default=None)
    _normalised: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _normalise_listeners(self):
        if self._normalised:  # a holder passed as a model (not a mapping) into a Topology is validated again
            return self
        self._normalised = True
        written = self.__dict__["listeners"]
        self._written_listeners = written
        if written == () and self.EMPTY_LIST_SERVES_NOTHING:
            return self
        if not written:
            inline = self.LISTENER_TYPE(**{key: getattr(self, key) for key in self.INLINE_LISTENER_KEYS})
            self.__dict__["listeners"] = (inline,)
        return self

    @model_serializer(mode="wrap")
    def _dump_as_written(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        if self._written_listeners is None:
            data.pop("listeners", None)
        elif not self._written_listeners:
            data["listeners"] = []
        return data

    @property
    def written_listeners(self) -> Optional[tuple]:
        """`listeners` as the file wrote it: None when it left the key out (or empty)."""
        return self._written_listeners

    @property
    def listed(self) -> bool:
        """The file lists the listeners (else `listeners[0]` is the one written inline)."""
        return bool(self._written_listeners)

    @property
    def inline_listener_keys_given(self) -> list[str]:
        return [key for key in self.INLINE_LISTENER_KEYS if key in self.model_fields_set]


class Mesh(Spec):
    name: NonEmptyStr = Field(description="Mesh name, e.g. color-mesh.")
    namespace: NonEmptyStr = Field(description="Private DNS namespace services are reached under, e.g. colors.local.")
    egress_filter: EgressFilter = Field(
        default="DROP_ALL",
        description="DROP_ALL lets services reach only their declared backends. ALLOW_ALL exists so policy can reject it.",
    )
    tls: TlsRequirement = Field(
        default="optional", description="required: every color listener STRICT and every backend call TLS-enforced.")
    backend_tls: Optional[ClientTls] = Field(default=None, description="Default client TLS for every caller's backends.")
    observability: Observability = Field(default_factory=Observability)
    envoy: Optional[EnvoySettings] = Field(default=None, description="Every Envoy's settings unless its color or gateway sets its own.")


class Color(ListenerHolder, ListenerFields):
    """A service: one container image behind one listener (or several), and the services it may call.
    Its inline listener's keys (port, protocol, health_check, ...) are `ListenerFields`'."""

    image: NonEmptyStr
    env: dict[NonEmptyStr, StrictStr] = Field(default_factory=dict)
    secrets: dict[NonEmptyStr, NonEmptyStr] = Field(
        default_factory=dict, description="ENV_NAME -> Secrets Manager secret or SSM parameter ARN, injected by ECS.")
    secrets_kms_key: Optional[NonEmptyStr] = Field(default=None, description="The customer-managed KMS key ARN the secrets are encrypted with.")
    permissions: tuple[Permission, ...] = Field(default=(), description="IAM statements for the application (its task role only).")
    managed_policies: tuple[NonEmptyStr, ...] = Field(default=(), description="Customer-managed IAM policy ARNs for the task role.")
    command: Optional[Arguments] = Field(default=None, description="Replaces the image's CMD.")
    entry_point: Optional[Arguments] = Field(default=None, description="Replaces the image's ENTRYPOINT.")
    working_directory: Optional[NonEmptyStr] = None
    health_check_command: Optional[Arguments] = Field(default=None, description='["CMD", ...] or ["CMD-SHELL", "..."]')
    stop_timeout: Optional[Annotated[StrictInt, Field(ge=STOP_TIMEOUT_MIN, le=STOP_TIMEOUT_MAX)]] = Field(
        default=None, description="Seconds between SIGTERM and SIGKILL (ECS's default: 30).")
    envoy: Optional[EnvoySettings] = Field(default=None, description="This color's Envoy (replaces mesh.envoy).")
    cpu: Cpu = 256
    memory: MemoryMiB = 512
    count: TaskCount = Field(default=1, description="Desired number of tasks.")
    listeners: Optional[tuple[Listener, ...]] = Field(
        default=None, description="Several listeners; then leave port, protocol and the other listener keys out. "
                                  "[]: a worker, which serves nothing and only calls out.")
    backends: tuple[NonEmptyStr, ...] = Field(default=(), description="Colors or routers this color may call.")
    egress: tuple[Egress, ...] = Field(
        default=(), description="Destinations outside the mesh this color may reach, each a host, cidr or prefix_list on a port.")
    backend_tls: Optional[ClientTls] = Field(default=None, description="Client TLS for every backend (replaces mesh.backend_tls).")
    backend_tls_for: dict[NonEmptyStr, ClientTls] = Field(default_factory=dict, description="Backend name -> client TLS for it.")
    access_log: AccessLog = Field(default_factory=AccessLog)

    LISTENER_TYPE: ClassVar[type] = Listener
    INLINE_LISTENER_KEYS: ClassVar[tuple[str, ...]] = INLINE_LISTENER_KEYS
    EMPTY_LIST_SERVES_NOTHING: ClassVar[bool] = True

    @property
    def is_worker(self) -> bool:
        """`listeners: []`: the color serves nothing (no listener, no name, no ingress); it only calls out."""
        return not self.listeners


class Route(Spec):
    match: RouteMatch = Field(default_factory=RouteMatch)
    targets: dict[NonEmptyStr, Weight] = Field(description="Color name -> relative weight.")
    priority: Optional[Priority] = None
    protocol: Optional[Protocol] = Field(default=None, description="Defaults to the router's protocol; must equal it.")
    retry_policy: Optional[RetryPolicy] = None
    timeouts: Optional[Timeouts] = None


class Router(Spec):
    """A virtual service with no tasks of its own that spreads calls over colors by weight."""

    protocol: Protocol = "http"
    port: Port = 80
    routes: dict[NonEmptyStr, Route] = Field(default_factory=dict)
    auth: Optional[Literal["iam"]] = Field(
        default=None, description="iam: only its callers' task roles may invoke it, with SigV4-signed requests "
                                  "(service-connect: a VPC Lattice auth policy; app-mesh refuses it).")


class PrefixRewrite(Spec):
    """Exactly one of `value` (replaces the matched prefix) or `default` (false keeps the path as sent)."""

    value: Optional[NonEmptyStr] = None
    default: Optional[StrictBool] = Field(default=None, description="true: rewrite the matched prefix to / (App Mesh's default).")


class GatewayRewrite(Spec):
    prefix: Optional[PrefixRewrite] = None
    path: Optional[NonEmptyStr] = Field(default=None, description="Replace an exact path match with this path.")
    hostname: Optional[StrictBool] = Field(default=None, description="false keeps the caller's Host header instead of the target's name.")


class GatewayRoute(Spec):
    match: GatewayRouteMatch
    target: NonEmptyStr = Field(description="Color or router the matching requests go to.")
    target_port: Optional[Port] = Field(default=None, description="Target listener port, for targets with several.")
    priority: Optional[Priority] = None
    rewrite: Optional[GatewayRewrite] = None


class Gateway(ListenerHolder, GatewayListenerFields):
    """The mesh's single entrance from outside (behind a load balancer). Its inline listener's keys are
    `GatewayListenerFields`'."""

    name: NonEmptyStr = "gateway"
    cpu: Cpu = 256
    memory: MemoryMiB = 512
    count: TaskCount = 1
    envoy: Optional[EnvoySettings] = Field(default=None, description="The gateway's Envoy (replaces mesh.envoy).")
    listeners: Optional[tuple[GatewayListener, ...]] = Field(
        default=None, description="Several listeners; then leave port, protocol, health_check, tls, public_port and public_tls out "
                                  "and give every route a match.port.")
    backend_tls: Optional[ClientTls] = Field(default=None, description="Client TLS towards route targets (replaces mesh.backend_tls).")
    access_log: AccessLog = Field(default_factory=AccessLog)
    routes: dict[NonEmptyStr, GatewayRoute] = Field(default_factory=dict)

    LISTENER_TYPE: ClassVar[type] = GatewayListener
    INLINE_LISTENER_KEYS: ClassVar[tuple[str, ...]] = INLINE_GATEWAY_LISTENER_KEYS

    def protocol_of(self, route: GatewayRoute) -> str:
        """The protocol of the listener a route serves: the one its match.port names, else the first."""
        for listener in self.listeners:
            if listener.port == route.match.port:
                return listener.protocol
        return self.listeners[0].protocol


class Topology(Spec):
    mesh: Mesh
    colors: dict[NonEmptyStr, Color] = Field(min_length=1)
    routers: dict[NonEmptyStr, Router] = Field(default_factory=dict)
    gateway: Optional[Gateway] = None
