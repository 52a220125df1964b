"""App Mesh match specs for routes and gateway routes, from the topology's matches."""

from __future__ import annotations

from typing import Optional

from ..topology.matches import GatewayRouteMatch, HeaderMatch, PathMatch, QueryParameterMatch, RouteMatch
from .spec_dicts import compact

DEFAULT_PREFIX = "/"


def _header_rule(entry: HeaderMatch) -> Optional[dict]:
    if entry.range is not None:
        return {"range": {"start": entry.range.start, "end": entry.range.end}}
    return compact(exact=entry.exact, prefix=entry.prefix, suffix=entry.suffix, regex=entry.regex) or None


def _headers(entries: Optional[tuple[HeaderMatch, ...]]) -> Optional[list[dict]]:
    if not entries:
        return None
    return [compact(name=entry.name, invert=entry.invert or None, match=_header_rule(entry)) for entry in entries]


def _query_parameters(entries: Optional[tuple[QueryParameterMatch, ...]]) -> Optional[list[dict]]:
    if not entries:
        return None
    return [compact(name=entry.name, match={"exact": entry.exact} if entry.exact is not None else None)
            for entry in entries]


def _path(path: Optional[PathMatch]) -> Optional[dict]:
    return compact(exact=path.exact, regex=path.regex) if path else None


def http_route_match(match: RouteMatch) -> dict:
    """http/http2 route match; with neither prefix nor path it matches every path (prefix /)."""
    prefix = match.prefix if match.prefix is not None or match.path is not None else DEFAULT_PREFIX
    return compact(prefix=prefix, path=_path(match.path), method=match.method, headers=_headers(match.headers),
                   query_parameters=_query_parameters(match.query_parameters), scheme=match.scheme, port=match.port)


def grpc_route_match(match: RouteMatch) -> dict:
    return compact(service_name=match.service_name, method_name=match.method_name,
                   metadatas=_headers(match.metadata), port=match.port)


def tcp_route_match(match: RouteMatch) -> Optional[dict]:
    return compact(port=match.port) or None


def _hostname(match: GatewayRouteMatch) -> Optional[dict]:
    return compact(exact=match.hostname.exact, suffix=match.hostname.suffix) if match.hostname else None


def http_gateway_match(match: GatewayRouteMatch) -> dict:
    return compact(prefix=match.prefix, path=_path(match.path), hostname=_hostname(match),
                   headers=_headers(match.headers), query_parameters=_query_parameters(match.query_parameters),
                   port=match.port)


def grpc_gateway_match(match: GatewayRouteMatch) -> dict:
    return compact(service_name=match.service_name, port=match.port)
