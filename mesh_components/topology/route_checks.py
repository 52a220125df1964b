"""Checks of what routes and gateway routes match, how they retry and time out, and how gateway
routes rewrite requests: keys that fit the protocol, list sizes, and App Mesh's rewrite rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Optional

from . import limits
from .check_support import a_, at_most_one, exactly_one, list_size
from .errors import Problem
from .matches import (GRPC_GATEWAY_KEYS, GRPC_ROUTE_KEYS, HTTP_GATEWAY_KEYS, HTTP_ROUTE_KEYS, TCP_ROUTE_KEYS,
                      HeaderMatch, QueryParameterMatch)
from .model import Gateway, GatewayRoute, Route, Topology
from .spec import Spec

_ROUTE_KEYS = {"http": HTTP_ROUTE_KEYS, "http2": HTTP_ROUTE_KEYS, "grpc": GRPC_ROUTE_KEYS, "tcp": TCP_ROUTE_KEYS}
_GATEWAY_KEYS = {"http": HTTP_GATEWAY_KEYS, "http2": HTTP_GATEWAY_KEYS, "grpc": GRPC_GATEWAY_KEYS}
_MATCH_KEYS = tuple(dict.fromkeys(HTTP_ROUTE_KEYS + GRPC_ROUTE_KEYS + HTTP_GATEWAY_KEYS + GRPC_GATEWAY_KEYS))


def _router_routes(topology: Topology) -> Iterator[tuple[str, tuple, Route]]:
    for router_name, router in topology.routers.items():
        for route_name, route in router.routes.items():
            yield router.protocol, ("routers", router_name, "routes", route_name), route


def _gateway_routes(topology: Topology) -> Iterator[tuple[str, tuple, GatewayRoute]]:
    gateway: Optional[Gateway] = topology.gateway
    if gateway:
        for route_name, route in gateway.routes.items():
            yield gateway.protocol_of(route), ("gateway", "routes", route_name), route


def _misplaced_keys(match: Spec, allowed: tuple[str, ...], protocol: str, path: tuple, owner: str) -> Iterator[Problem]:
    for key in match.given(*[key for key in _MATCH_KEYS if key in type(match).model_fields]):
        if key not in allowed:
            yield Problem(f"{key} does not apply to {a_(protocol)} {owner}; {a_(protocol)} {owner} matches on "
                          f"{', '.join(allowed)}", path=path + (key,), on_key=True)


def _path_and_prefix(match: Spec, path: tuple) -> Iterator[Problem]:
    if match.prefix is not None and match.path is not None:
        yield Problem("a match takes prefix or path, not both", path=path + ("path",), on_key=True)
    if match.path is not None:
        yield from exactly_one(match.path, ("exact", "regex"), path + ("path",), "path")
        if match.path.exact is not None and not match.path.exact.startswith("/"):
            yield Problem(f"path {match.path.exact!r} does not start with '/'; write it like /api/health",
                          path=path + ("path", "exact"))


def _header_problems(entries: Optional[tuple[HeaderMatch, ...]], path: tuple, noun: str) -> Iterator[Problem]:
    yield from list_size(entries, limits.MATCH_LIST_MIN, limits.MATCH_LIST_MAX, path, f"{noun} matches")
    for index, entry in enumerate(entries or ()):
        where = path + (index,)
        if len(entry.name) > limits.HEADER_NAME_MAX:
            yield Problem(f"name is {len(entry.name)} characters; allowed: 1-{limits.HEADER_NAME_MAX}",
                          path=where + ("name",))
        yield from at_most_one(entry, ("exact", "prefix", "suffix", "regex", "range"), where, f"a {noun} match")
        if entry.range is not None and entry.range.start >= entry.range.end:
            yield Problem(f"range start {entry.range.start} is not below end {entry.range.end}; "
                          "end is exclusive", path=where + ("range",))
    yield from _duplicate_names(entries or (), path, noun)


def _query_problems(entries: Optional[tuple[QueryParameterMatch, ...]], path: tuple) -> Iterator[Problem]:
    yield from list_size(entries, limits.MATCH_LIST_MIN, limits.MATCH_LIST_MAX, path, "query parameter matches")
    yield from _duplicate_names(entries or (), path, "query parameter")


def _duplicate_names(entries, path: tuple, noun: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.name in seen:
            yield Problem(f"{noun} {entry.name!r} is matched twice; match each once", path=path + (index, "name"))
        seen.add(entry.name)


# --- router routes ----------------------------------------------------------------------------


def check_route_matches(topology: Topology) -> Iterator[Problem]:
    for protocol, path, route in _router_routes(topology):
        match, where = route.match, path + ("match",)
        yield from _misplaced_keys(match, _ROUTE_KEYS[protocol], protocol, where, "route")
        yield from _path_and_prefix(match, where)
        yield from _header_problems(match.headers, where + ("headers",), "header")
        yield from _header_problems(match.metadata, where + ("metadata",), "metadata")
        yield from _query_problems(match.query_parameters, where + ("query_parameters",))
        if match.method_name is not None and match.service_name is None:
            yield Problem("method_name needs service_name (a method belongs to a service)",
                          path=where + ("method_name",))
    for router_name, router in topology.routers.items():
        for route_name, route in router.routes.items():
            port = route.match.port
            if port is not None and port != router.port:
                yield Problem(f"port {port} is not a listener of router {router_name!r}; its listener is {router.port}",
                              path=("routers", router_name, "routes", route_name, "match", "port"))


def check_retry_policies(topology: Topology) -> Iterator[Problem]:
    for protocol, path, route in _router_routes(topology):
        policy, where = route.retry_policy, path + ("retry_policy",)
        if policy is None:
            continue
        if protocol == "tcp":
            yield Problem("tcp routes do not retry; remove retry_policy", path=where, on_key=True)
            continue
        if protocol != "grpc" and policy.grpc_retry_events:
            yield Problem(f"grpc_retry_events are for grpc routes; {a_(protocol)} route retries on "
                          "http_retry_events and tcp_retry_events", path=where + ("grpc_retry_events",))
        if not (policy.http_retry_events or policy.tcp_retry_events or policy.grpc_retry_events):
            yield Problem("a retry policy needs at least one retry event "
                          "(http_retry_events, tcp_retry_events, or grpc_retry_events on grpc routes)", path=where)
        for key, most in (("http_retry_events", limits.HTTP_RETRY_EVENTS_MAX),
                          ("tcp_retry_events", limits.TCP_RETRY_EVENTS_MAX),
                          ("grpc_retry_events", limits.GRPC_RETRY_EVENTS_MAX)):
            events = getattr(policy, key)
            twice = [event for event, count in Counter(events).items() if count > 1]
            if twice:
                yield Problem(f"{twice[0]!r} is listed twice; list each event once", path=where + (key,))
            elif len(events) > most:
                yield Problem(f"{len(events)} events; allowed: at most {most}", path=where + (key,))


def check_route_timeouts(topology: Topology) -> Iterator[Problem]:
    for protocol, path, route in _router_routes(topology):
        if route.timeouts and protocol == "tcp" and route.timeouts.per_request_ms is not None:
            yield Problem("a tcp route has no requests; tcp takes only idle_ms",
                          path=path + ("timeouts", "per_request_ms"))


# --- gateway routes ---------------------------------------------------------------------------


def check_gateway_route_matches(topology: Topology) -> Iterator[Problem]:
    for protocol, path, route in _gateway_routes(topology):
        match, where = route.match, path + ("match",)
        yield from _misplaced_keys(match, _GATEWAY_KEYS[protocol], protocol, where, "gateway route")
        if protocol == "grpc":
            if match.service_name is None:
                yield Problem("a grpc gateway route matches a gRPC service; add match.service_name "
                              "(e.g. colors.ColorService)", path=where)
        else:
            if match.prefix is None and match.path is None:
                yield Problem(f"{a_(protocol)} gateway route needs match.prefix or match.path", path=where)
            yield from _path_and_prefix(match, where)
        if match.hostname is not None:
            yield from exactly_one(match.hostname, ("exact", "suffix"), where + ("hostname",), "hostname")
        yield from _header_problems(match.headers, where + ("headers",), "header")
        yield from _query_problems(match.query_parameters, where + ("query_parameters",))
        yield from _gateway_port_problems(topology.gateway, match.port, where)


def _gateway_port_problems(gateway: Gateway, port: Optional[int], where: tuple) -> Iterator[Problem]:
    ports = [listener.port for listener in gateway.listeners]
    listing = ", ".join(map(str, ports))
    if port is None:
        if len(ports) > 1:
            yield Problem(f"the gateway has several listeners ({listing}); every route needs match.port naming one",
                          path=where)
    elif port not in ports:
        yield Problem(f"port {port} is not a gateway listener; the gateway listens on {listing}", path=where + ("port",))


def check_gateway_rewrites(topology: Topology) -> Iterator[Problem]:
    for protocol, path, route in _gateway_routes(topology):
        rewrite, where = route.rewrite, path + ("rewrite",)
        if rewrite is None:
            continue
        if protocol == "grpc":
            yield Problem("grpc gateway routes do not rewrite requests; remove rewrite", path=where, on_key=True)
            continue
        if rewrite.prefix is not None and rewrite.path is not None:
            yield Problem("a rewrite takes prefix or path, not both", path=where + ("path",), on_key=True)
        if rewrite.prefix is not None:
            yield from _prefix_rewrite_problems(route, where + ("prefix",))
        if rewrite.path is not None:
            if route.match.path is None or route.match.path.exact is None:
                yield Problem("a path rewrite replaces an exact path; it needs match.path.exact",
                              path=where + ("path",))
            elif not rewrite.path.startswith("/"):
                yield Problem(f"path {rewrite.path!r} does not start with '/'", path=where + ("path",))


def _prefix_rewrite_problems(route: GatewayRoute, path: tuple) -> Iterator[Problem]:
    prefix_rewrite, match_prefix = route.rewrite.prefix, route.match.prefix
    yield from exactly_one(prefix_rewrite, ("value", "default"), path, "a prefix rewrite")
    if match_prefix is None:
        yield Problem("a prefix rewrite replaces the matched prefix; it needs match.prefix", path=path)
        return
    value = prefix_rewrite.value
    if value is None:
        return
    if not match_prefix.endswith("/"):
        yield Problem(f"rewriting prefix {match_prefix!r} to a value needs a match prefix ending in '/' "
                      f"(write {match_prefix + '/'!r})", path=path + ("value",))
    elif not (value.startswith("/") and value.endswith("/")):
        yield Problem(f"rewrite value {value!r} must start and end with '/', like /api/", path=path + ("value",))


# The target listeners a gateway route of each protocol can reach: Envoy forwards http and http2
# requests to http or http2 listeners alike, gRPC calls need a grpc listener, and a tcp listener
# takes no routed requests at all.
GATEWAY_ROUTE_REACHES = {"http": ("http", "http2"), "http2": ("http", "http2"), "grpc": ("grpc",)}


def _target_listeners(topology: Topology, target: str) -> Optional[list[tuple[str, int]]]:
    """(protocol, port) of each listener a gateway route to `target` may land on; None if it is unknown."""
    if target in topology.colors:  # a worker (no listener): worker_checks
        return [(listener.protocol, listener.port) for listener in topology.colors[target].listeners] or None
    if target in topology.routers:
        return [(topology.routers[target].protocol, topology.routers[target].port)]
    return None  # reported by check_gateway_targets


def check_gateway_targets_reachable(topology: Topology) -> Iterator[Problem]:
    """The route lands on one listener of its target (target_port picks it among several), and that
    listener speaks a protocol the gateway route can carry."""
    for protocol, path, route in _gateway_routes(topology):
        listeners = _target_listeners(topology, route.target)
        if listeners is None:
            continue
        listing = ", ".join(f"{listener_protocol}:{port}" for listener_protocol, port in listeners)
        if route.target_port is not None:
            landing = [listener for listener in listeners if listener[1] == route.target_port]
            if not landing:
                ports = ", ".join(str(port) for _, port in listeners)
                yield Problem(f"{route.target!r} does not listen on {route.target_port}; its ports: {ports}",
                              path=path + ("target_port",))
                continue
        elif len(listeners) > 1:
            yield Problem(f"{route.target!r} has several listeners ({listing}); "
                          "add target_port naming the one this route reaches", path=path + ("target",))
            continue
        else:
            landing = listeners
        (target_protocol, port), reaches = landing[0], GATEWAY_ROUTE_REACHES[protocol]
        if target_protocol not in reaches:
            yield Problem(f"{a_(protocol)} gateway route cannot reach {route.target!r} on {target_protocol}:{port}; "
                          f"it reaches {' or '.join(reaches)} listeners", path=path + ("target",))


ROUTE_CHECKS = (check_route_matches, check_retry_policies, check_route_timeouts)
GATEWAY_ROUTE_CHECKS = (check_gateway_route_matches, check_gateway_rewrites, check_gateway_targets_reachable)
