"""What a route or gateway route matches: path, method, headers, query parameters, gRPC names, port.

One `RouteMatch` serves every router protocol and one `GatewayRouteMatch` every gateway protocol;
which keys fit which protocol (e.g. `service_name` only on grpc) is checked in `route_checks.py`,
so a misplaced key gets a message naming the keys that do fit.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field, StrictBool, StrictInt

from .spec import NonEmptyStr, Port, Spec

HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
Scheme = Literal["http", "https"]


class ValueRange(Spec):
    """Both ends are above 0: the AWS provider leaves a 0 out, and App Mesh needs both."""

    start: Annotated[StrictInt, Field(ge=1)] = Field(description="First value matched.")
    end: StrictInt = Field(description="Value after the last one matched (exclusive).")


class HeaderMatch(Spec):
    """A request header (or gRPC metadata entry) by name; without a rule it only has to be present."""

    name: NonEmptyStr
    exact: Optional[NonEmptyStr] = None
    prefix: Optional[NonEmptyStr] = None
    suffix: Optional[NonEmptyStr] = None
    regex: Optional[NonEmptyStr] = None
    range: Optional[ValueRange] = None
    invert: StrictBool = Field(default=False, description="Match requests the rule does NOT match.")

    def rules(self) -> list[str]:
        return self.given("exact", "prefix", "suffix", "regex", "range")


class QueryParameterMatch(Spec):
    name: NonEmptyStr
    exact: Optional[NonEmptyStr] = Field(default=None, description="Omit to match any value (the parameter must be present).")


class PathMatch(Spec):
    """A whole request path: exactly one of `exact` or `regex`."""

    exact: Optional[NonEmptyStr] = None
    regex: Optional[NonEmptyStr] = None


class HostnameMatch(Spec):
    """The request's host: exactly one of `exact` or `suffix`."""

    exact: Optional[NonEmptyStr] = None
    suffix: Optional[NonEmptyStr] = None


class RouteMatch(Spec):
    prefix: Optional[NonEmptyStr] = Field(default=None, description="URL path prefix; http and http2 routes match / when neither prefix nor path is given.")
    path: Optional[PathMatch] = None
    method: Optional[HttpMethod] = None
    headers: Optional[tuple[HeaderMatch, ...]] = None
    query_parameters: Optional[tuple[QueryParameterMatch, ...]] = None
    scheme: Optional[Scheme] = None
    service_name: Optional[NonEmptyStr] = Field(default=None, description="grpc routes: the fully qualified gRPC service.")
    method_name: Optional[NonEmptyStr] = Field(default=None, description="grpc routes: a method of service_name.")
    metadata: Optional[tuple[HeaderMatch, ...]] = Field(default=None, description="grpc routes: metadata entries.")
    port: Optional[Port] = Field(default=None, description="The router listener port the request arrived on.")


class GatewayRouteMatch(Spec):
    prefix: Optional[NonEmptyStr] = Field(default=None, description="http and http2 gateways: URL path prefix.")
    path: Optional[PathMatch] = None
    hostname: Optional[HostnameMatch] = None
    headers: Optional[tuple[HeaderMatch, ...]] = None
    query_parameters: Optional[tuple[QueryParameterMatch, ...]] = None
    service_name: Optional[NonEmptyStr] = Field(default=None, description="grpc gateways: the fully qualified gRPC service.")
    port: Optional[Port] = Field(default=None, description="The gateway listener port; required when the gateway has several.")


# Which match keys each protocol understands (the rest of a match must be left out).
HTTP_ROUTE_KEYS = ("prefix", "path", "method", "headers", "query_parameters", "scheme", "port")
GRPC_ROUTE_KEYS = ("service_name", "method_name", "metadata", "port")
TCP_ROUTE_KEYS = ("port",)
HTTP_GATEWAY_KEYS = ("prefix", "path", "hostname", "headers", "query_parameters", "port")
# The deployment target (pulumi_aws's App Mesh gateway route) matches grpc gateway routes on these only.
GRPC_GATEWAY_KEYS = ("service_name", "port")
