"""The Application Load Balancer configuration the gateway compiles into, as plain frozen values, and
the ALB limits the compiler enforces.

Shapes follow the ELBv2 API (botocore `elbv2/2015-12-01`: RuleCondition, RuleTransform,
ForwardActionConfig) so a component can pass them on field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Union

from ..topology.errors import DocPath

# ELBv2 API model and the ALB quotas page.
RULE_PRIORITY_MIN = 1
RULE_PRIORITY_MAX = 50_000
CONDITION_VALUES_PER_RULE = 5  # every value (and regex value) of every condition of one rule
WILDCARDS_PER_RULE = 5  # '*' and '?' in the plain values of one rule
FORWARD_TARGET_GROUPS_MAX = 5
# Default quotas per Application Load Balancer (adjustable), default rules not counted.
RULES_PER_LOAD_BALANCER = 100
TARGET_GROUPS_PER_LOAD_BALANCER = 100
WEIGHT_MAX = 999  # App Mesh weights (0-100) always fit
CONDITION_VALUE_MAX_LENGTH = 128
HTTP_HEADER_NAME_MAX = 40
# Target-group health checks (elbv2 API): thresholds, interval and timeout in seconds.
HEALTH_CHECK_BOUNDS = {"healthy_threshold": (2, 10), "unhealthy_threshold": (2, 10),
                       "interval_seconds": (5, 300), "timeout_seconds": (2, 120)}
NOT_FOUND = 404  # what App Mesh (Envoy) answers when no route matches

ListenerProtocol = Literal["HTTP", "HTTPS"]
TargetProtocol = Literal["HTTP", "HTTPS"]
ProtocolVersion = Literal["HTTP1", "HTTP2", "GRPC"]


class Unsupported(Exception):
    """A topology feature this ALB cannot express exactly; carries the document path to blame."""

    def __init__(self, message: str, path: DocPath) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def collect(failures: list[Unsupported], make):
    """`make()`, or None with its Unsupported added to `failures` (to report every failure of a match)."""
    try:
        return make()
    except Unsupported as unsupported:
        failures.append(unsupported)
        return None


@dataclass(frozen=True, order=True)
class TargetGroupKey:
    """One target group per (color, listener port) the gateway reaches; the color's ECS service registers into it."""

    color: str
    port: int


@dataclass(frozen=True)
class WeightedTarget:
    target_group: TargetGroupKey
    weight: int  # 0-999


@dataclass(frozen=True)
class Forward:
    targets: tuple[WeightedTarget, ...]


@dataclass(frozen=True)
class FixedResponse:
    status_code: int


Action = Union[Forward, FixedResponse]


@dataclass(frozen=True)
class PathPattern:
    """Plain `values` (wildcards * and ?) or `regex_values`, never both; any one value matching satisfies it."""

    values: tuple[str, ...] = ()
    regex_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class HostHeader:
    values: tuple[str, ...]


@dataclass(frozen=True)
class HttpHeader:
    name: str
    values: tuple[str, ...] = ()
    regex_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryString:
    """One key/value pair; `*` in the value is a wildcard, a literal one is written `\\*`."""

    key: str
    value: str


@dataclass(frozen=True)
class Conditions:
    """All of these must hold (each condition is satisfied by any one of its values)."""

    path_pattern: Optional[PathPattern] = None
    host_header: Optional[HostHeader] = None
    http_headers: tuple[HttpHeader, ...] = ()
    query_strings: tuple[QueryString, ...] = ()
    http_request_method: tuple[str, ...] = ()

    @property
    def value_count(self) -> int:
        """What the ALB counts against its 5 condition values per rule."""
        count = len(self.http_request_method) + len(self.query_strings)
        if self.path_pattern:
            count += len(self.path_pattern.values) + len(self.path_pattern.regex_values)
        if self.host_header:
            count += len(self.host_header.values)
        return count + sum(len(header.values) + len(header.regex_values) for header in self.http_headers)

    @property
    def wildcard_count(self) -> int:
        plain = list(self.path_pattern.values if self.path_pattern else ())
        plain += self.host_header.values if self.host_header else ()
        plain += [value for header in self.http_headers for value in header.values]
        wildcards = sum(value.count("*") + value.count("?") for value in plain)
        return wildcards + sum(_unescaped_wildcards(pair.value) for pair in self.query_strings)


def _unescaped_wildcards(value: str) -> int:
    count, escaped = 0, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "*?":
            count += 1
    return count


@dataclass(frozen=True)
class Rewrite:
    """Replace what `regex` matches with `replace` (`$1` names a capture group)."""

    regex: str
    replace: str


@dataclass(frozen=True)
class Transforms:
    url_rewrite: Optional[Rewrite] = None
    host_header_rewrite: Optional[Rewrite] = None


@dataclass(frozen=True)
class ListenerRule:
    """One ALB listener rule; `gateway_route` / `router_route` name what it was compiled from (stable names)."""

    priority: int
    gateway_route: str
    router_route: Optional[str]  # None for a route to a color, and for a router's not-found rule
    conditions: Conditions
    transforms: Transforms
    action: Action

    @property
    def name(self) -> str:
        """Unique within a listener and independent of the priority, so renumbering never renames."""
        if self.router_route is not None:
            return f"{self.gateway_route}.{self.router_route}"
        return self.gateway_route if isinstance(self.action, Forward) else f"{self.gateway_route}.not-found"


@dataclass(frozen=True)
class AlbListener:
    port: int
    protocol: ListenerProtocol
    certificate_arn: Optional[str]  # the gateway listener's ACM certificate (HTTPS only)
    rules: tuple[ListenerRule, ...]
    default_action: FixedResponse = FixedResponse(NOT_FOUND)


@dataclass(frozen=True)
class TargetGroup:
    key: TargetGroupKey
    protocol_version: ProtocolVersion
    protocol: TargetProtocol = "HTTP"  # HTTPS when the color's listener has Service Connect TLS
