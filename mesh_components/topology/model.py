"""The topology model: what a `config/topology.yaml` file means, independent of any cloud target.

Field constraints here are the ones any sane mesh has (types, ranges of numbers a person could
mean). Cross-field rules (references, name spaces, protocol agreement) and the limits of a given
target live in `checks.py`, so every problem is reported with its location in one pass.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

Protocol = Literal["http", "http2", "grpc", "tcp"]
GatewayProtocol = Literal["http", "http2", "grpc"]
HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
EgressFilter = Literal["DROP_ALL", "ALLOW_ALL"]

Port = Annotated[StrictInt, Field(ge=1, le=65535)]
Weight = Annotated[StrictInt, Field(ge=0, le=100)]
Priority = Annotated[StrictInt, Field(ge=0, le=1000)]
TaskCount = Annotated[StrictInt, Field(ge=0, le=1000)]
Cpu = Literal[256, 512, 1024, 2048, 4096, 8192, 16384]
MemoryMiB = Annotated[StrictInt, Field(ge=512, le=122880)]
NonEmptyStr = Annotated[StrictStr, Field(min_length=1)]


class Spec(BaseModel):
    """Base of every topology type: unknown keys are errors and a loaded model never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Mesh(Spec):
    name: NonEmptyStr = Field(description="Mesh name, e.g. color-mesh.")
    namespace: NonEmptyStr = Field(description="Private DNS namespace services are reached under, e.g. colors.local.")
    egress_filter: EgressFilter = Field(
        default="DROP_ALL",
        description="DROP_ALL lets services reach only their declared backends. ALLOW_ALL exists so policy can reject it.",
    )


class HealthCheck(Spec):
    path: Optional[NonEmptyStr] = Field(default=None, description="HTTP path probed; omit for tcp services.")
    healthy_threshold: Annotated[StrictInt, Field(ge=2, le=10)] = 2
    unhealthy_threshold: Annotated[StrictInt, Field(ge=2, le=10)] = 2
    interval_seconds: Annotated[StrictInt, Field(ge=5, le=300)] = 5
    timeout_seconds: Annotated[StrictInt, Field(ge=2, le=60)] = 2


class Color(Spec):
    """A service: one container image behind one listener, and the services it may call."""

    image: NonEmptyStr
    port: Port = 80
    protocol: Protocol = "http"
    env: dict[NonEmptyStr, StrictStr] = Field(default_factory=dict)
    cpu: Cpu = 256
    memory: MemoryMiB = 512
    count: TaskCount = Field(default=1, description="Desired number of tasks.")
    health_check: Optional[HealthCheck] = None
    backends: tuple[NonEmptyStr, ...] = Field(default=(), description="Colors or routers this color may call.")


class RouteMatch(Spec):
    prefix: NonEmptyStr = "/"
    method: Optional[HttpMethod] = None


class Route(Spec):
    match: RouteMatch = Field(default_factory=RouteMatch)
    targets: dict[NonEmptyStr, Weight] = Field(description="Color name -> relative weight.")
    priority: Optional[Priority] = None
    protocol: Optional[Protocol] = Field(default=None, description="Defaults to the router's protocol; must equal it.")


class Router(Spec):
    """A virtual service with no tasks of its own that spreads calls over colors by weight."""

    protocol: Protocol = "http"
    port: Port = 80
    routes: dict[NonEmptyStr, Route] = Field(default_factory=dict)


class GatewayRouteMatch(Spec):
    prefix: NonEmptyStr


class GatewayRoute(Spec):
    match: GatewayRouteMatch
    target: NonEmptyStr = Field(description="Color or router the matching requests go to.")
    priority: Optional[Priority] = None


class Gateway(Spec):
    """The mesh's single entrance from outside, behind a network load balancer."""

    name: NonEmptyStr = "gateway"
    protocol: GatewayProtocol = "http"
    port: Port = 80
    cpu: Cpu = 256
    memory: MemoryMiB = 512
    count: TaskCount = 1
    routes: dict[NonEmptyStr, GatewayRoute] = Field(default_factory=dict)


class Topology(Spec):
    mesh: Mesh
    colors: dict[NonEmptyStr, Color] = Field(min_length=1)
    routers: dict[NonEmptyStr, Router] = Field(default_factory=dict)
    gateway: Optional[Gateway] = None
