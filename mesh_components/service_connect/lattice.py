"""The VPC Lattice configuration routers compile into, as plain frozen values, and the Lattice limits the
compiler enforces.

Shapes follow the VPC Lattice API (botocore `vpc-lattice/2022-11-30`: CreateServiceNetwork, CreateService,
CreateListener, CreateRule with HttpMatch / PathMatch / HeaderMatch / ForwardAction / FixedResponseAction,
CreateTargetGroup with TargetGroupConfig / HealthCheckConfig) so a component can pass them on field by field.
Target groups are named by `LatticeTargetGroupKey`; the component turns keys into the target groups it creates.

What the provider sends (terraform-provider-aws internal/service/vpclattice): a rule's `case_sensitive` always,
as false when it is not given, so the component must pass the True given here; a target group's health
check `enabled` always (False reaches AWS) and its defaults for every field not given (interval 30, timeout
5, thresholds 5 and 2, path `/`, matcher 200); a weight only when it is not 0 (the schema's default is 100);
a header or path match value only when it is not empty (the topology's never are); `method` always, as ""
when not given (the API's HttpMethod allows the empty string; that Lattice reads it as "any method" is
unverified). Listener rule priorities are validated 1-100 by the provider (the API takes 1-2000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Optional, Union

# API model: RulePriority 1-2000, but terraform-provider-aws (listener_rule.go) validates 1-100.
# Target-group health checks (vpc-lattice API): thresholds, interval and timeout in seconds.
HEALTH_CHECK_BOUNDS = {"healthy_threshold": (2, 10), "unhealthy_threshold": (2, 10),
                       "interval_seconds": (5, 300), "timeout_seconds": (1, 120)}
RULE_PRIORITY_MIN = 1
RULE_PRIORITY_MAX = 100
WEIGHT_MAX = 999  # TargetGroupWeight 0-999; App Mesh weights (0-100) are kept as they are
FORWARD_TARGET_GROUPS_MAX = 10  # WeightedTargetGroupList
HEADER_MATCHES_MAX = 5  # HeaderMatchList
HEADER_NAME_MAX = 100  # HeaderMatchName; App Mesh header names (at most 50) always fit
MATCH_VALUE_MAX = 200  # HeaderMatchExact/Prefix/Contains, PathMatchExact/Prefix
PATH_VALUE = re.compile(r"/[a-zA-Z0-9@:%_+.~#?&/=-]*")  # PathMatchExact/Prefix pattern
CUSTOM_DOMAIN_NAME_MIN, CUSTOM_DOMAIN_NAME_MAX = 3, 255  # ServiceCustomDomainName
NOT_FOUND = 404  # FixedResponseAction takes 404 or 500; App Mesh (Envoy) answers 404 when no route matches
VPC_LATTICE_CONFIGURATIONS_MAX = 5  # per ECS service (ECS API / ECS developer guide)
HEALTH_CHECK_MATCHER = "200"  # Lattice's default, and the only status Envoy's HTTP health check accepts by default

AuthType = Literal["NONE", "AWS_IAM"]
ListenerProtocol = Literal["HTTP", "HTTPS", "TLS_PASSTHROUGH"]
TargetProtocol = Literal["HTTP", "HTTPS"]
ProtocolVersion = Literal["HTTP1", "HTTP2", "GRPC"]
PathKind = Literal["exact", "prefix"]
HeaderKind = Literal["exact", "prefix", "contains"]


@dataclass(frozen=True, order=True)
class LatticeTargetGroupKey:
    """One IP target group per (router, target color); the color's ECS service registers its tasks into it."""

    router: str
    color: str


@dataclass(frozen=True)
class HealthCheck:
    """HealthCheckConfig. `enabled: False` alone when the color has no health check: App Mesh probes nothing
    then, while Lattice's default would probe `GET /` and take targets out on anything but 200."""

    enabled: bool
    protocol: Optional[TargetProtocol] = None
    protocol_version: Optional[Literal["HTTP1", "HTTP2"]] = None
    path: Optional[str] = None
    healthy_threshold_count: Optional[int] = None
    unhealthy_threshold_count: Optional[int] = None
    interval_seconds: Optional[int] = None
    timeout_seconds: Optional[int] = None
    matcher: Optional[str] = None


HEALTH_CHECK_DISABLED = HealthCheck(enabled=False)


@dataclass(frozen=True)
class TargetGroup:
    """type IP. `port` is the color's listener speaking the router's protocol (`MeshGraph.ports_speaking`)."""

    key: LatticeTargetGroupKey
    port: int
    protocol: TargetProtocol  # HTTPS when that listener has Service Connect TLS
    protocol_version: ProtocolVersion
    health_check: HealthCheck


@dataclass(frozen=True)
class WeightedTargetGroup:
    target_group: LatticeTargetGroupKey
    weight: int  # 1-999: weight-0 targets are left out of the forward (see lattice_routers)


@dataclass(frozen=True)
class Forward:
    target_groups: tuple[WeightedTargetGroup, ...]


@dataclass(frozen=True)
class FixedResponse:
    status_code: int


Action = Union[Forward, FixedResponse]


@dataclass(frozen=True)
class PathMatch:
    kind: PathKind
    value: str
    case_sensitive: bool = True  # App Mesh compares paths case-sensitively


@dataclass(frozen=True)
class HeaderMatch:
    name: str
    kind: HeaderKind
    value: str
    case_sensitive: bool = True  # App Mesh compares header values case-sensitively


@dataclass(frozen=True)
class HttpMatch:
    """All of these must hold. `method` None: any method."""

    path_match: PathMatch
    method: Optional[str] = None
    header_matches: tuple[HeaderMatch, ...] = ()


@dataclass(frozen=True)
class ListenerRule:
    name: str  # the router's route name: stable when priorities change
    priority: int  # 1 first
    match: HttpMatch
    action: Forward


@dataclass(frozen=True)
class Listener:
    protocol: ListenerProtocol
    port: int
    rules: tuple[ListenerRule, ...]
    default_action: FixedResponse = FixedResponse(NOT_FOUND)


@dataclass(frozen=True)
class Service:
    """One Lattice service per router called by colors, under the name callers already use."""

    router: str
    custom_domain_name: str  # `<router>.<namespace>`: for HTTP the Host header selects the service
    auth_type: AuthType
    listener: Listener


@dataclass(frozen=True)
class ServiceNetwork:
    """One per mesh, associated with the VPC. Its auth type stays NONE: a router's own `auth: iam` puts
    AWS_IAM on that router's service, and Lattice then applies that service's auth policy."""

    auth_type: AuthType = "NONE"
