"""Routers called by colors compiled into VPC Lattice: one service per router under the name callers already
use, its listener on the router's port, one rule per route in App Mesh's order, and one IP target group per
(router, target color).

Which routers. Service Connect maps one name to one ECS service, so a color calling `<router>.<namespace>`
needs Lattice for the weights and matches. Routers only the gateway reaches are compiled into ALB rules
instead (gateway_rules) and get no Lattice service.

Order. Lattice tries rules by ascending priority, first match wins; App Mesh tries routes with a priority
first (lowest first), then the others most specific first. The rules take priorities 1, 2, 3, ... in
`router_routes_in_order`, the order gateway_rules gives the same router behind the ALB, which ranks
prioritised routes exactly as `MeshGraph.route_priorities` does. A request no rule matches gets the
listener's default action, a fixed 404: what App Mesh's Envoy answers when no route matches.

Matches are translated exactly or refused (Unsupported, with the key to blame): path prefix or exact
(case-sensitive, as App Mesh compares), method, headers exact or prefix (names fit: App Mesh takes 50
characters, Lattice 100), and a header regex only when it
is a literal (exact), a literal then `.*` (prefix) or a literal between `.*` and `.*` (contains).
Weights stay as written (App Mesh 0-100 fits Lattice 0-999); a weight-0 target is left out of the forward,
because the provider leaves a weight of 0 out of the request (terraform-provider-aws listener_rule.go
expandWeightedTargetGroup) and Lattice would then weigh that target group by its default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..topology.check_support import color_listeners
from ..topology.errors import Problem
from ..topology.graph import MeshGraph
from ..topology.listeners import Listener
from ..topology.matches import HeaderMatch as TopologyHeaderMatch
from ..topology.matches import RouteMatch
from ..topology.model import Route, Router, Topology
from .alb import Unsupported
from .alb import collect
from .gateway_rules import TARGET, router_routes_in_order
from .gateway_rewrite import PathKind
from .health_probe import probe_protocol
from .service_connect_config import target_protocol
from .lattice import (HEADER_MATCHES_MAX, HEALTH_CHECK_DISABLED, HEALTH_CHECK_MATCHER,
                      MATCH_VALUE_MAX, PATH_VALUE, RULE_PRIORITY_MAX, Forward, HeaderKind, HeaderMatch, HealthCheck,
                      HttpMatch, LatticeTargetGroupKey, Listener as LatticeListener, ListenerRule, PathMatch, Service,
                      ServiceNetwork, TargetGroup, WeightedTargetGroup)

_PROTOCOL_VERSION = {"http": "HTTP1", "http2": "HTTP2"}
_REGEX_SPECIALS = set("\\.^$|?*+()[]{}")
_ANY = object()  # the regex token `.*`


class RoutersNotCompilable(ValueError):
    """The topology has service-connect capability errors for its routers; run the capability checks first."""


@dataclass(frozen=True)
class LatticeRouters:
    service_network: ServiceNetwork
    services: tuple[Service, ...]
    target_groups: tuple[TargetGroup, ...]


def called_routers(topology: Topology) -> tuple[str, ...]:
    """Routers some color lists in its backends, in the topology's order."""
    called = {backend for color in topology.colors.values() for backend in color.backends}
    return tuple(name for name in topology.routers if name in called)


def target_group_ports(topology: Topology) -> tuple[tuple[LatticeTargetGroupKey, int], ...]:
    """(target group, the color's port it reaches) for every target of every called router, weight-0 ones
    included (weights change without redeploying), sorted."""
    graph = MeshGraph(topology)
    return tuple(sorted((LatticeTargetGroupKey(router, color),
                         graph.ports_speaking(color, topology.routers[router].protocol)[0])
                        for router in called_routers(topology) for color in graph.services[router].serving_colors))


def compile_routers(topology: Topology) -> LatticeRouters:
    """The Lattice configuration; raises RoutersNotCompilable if anything cannot be expressed."""
    compiled, problems = _Compiler(topology).run()
    errors = [problem for problem in problems if problem.is_error]
    if errors:
        raise RoutersNotCompilable("\n".join(str(problem) for problem in errors))
    return compiled


def router_problems(topology: Topology) -> tuple[Problem, ...]:
    """What compiling the called routers found: every feature Lattice cannot express."""
    return _Compiler(topology).run()[1]


@dataclass
class _Compiler:
    topology: Topology
    problems: list[Problem] = field(default_factory=list)

    def run(self) -> tuple[LatticeRouters, tuple[Problem, ...]]:
        services = []
        for name in called_routers(self.topology):
            router = self.topology.routers[name]
            if self._protocol_supported(name, router):
                auth = "AWS_IAM" if router.auth == "iam" else "NONE"
                listener = LatticeListener("HTTP", router.port, self._rules(name, router))
                services.append(Service(name, MeshGraph(self.topology).dns_name(name), auth, listener))
        served = {service.router for service in services}
        groups = tuple(self._target_group(key, port) for key, port in target_group_ports(self.topology)
                       if key.router in served)
        problems = tuple(dict.fromkeys(self.problems))  # a color behind several routers is blamed once
        return LatticeRouters(ServiceNetwork(), tuple(services), groups), problems

    def _refuse(self, message: str, path: tuple) -> None:
        self.problems.append(Problem(f"{TARGET}: {message}", path=path))

    def _protocol_supported(self, name: str, router: Router) -> bool:
        where = ("routers", name, "protocol")
        if router.protocol == "tcp":
            self._refuse("a tcp router cannot be called through VPC Lattice, which routes tcp only as TLS "
                         "passthrough (without weights or matches); list its colors as backends instead, or deploy "
                         "with target app-mesh", where)
        elif router.protocol == "grpc":
            self._refuse("VPC Lattice routes gRPC only on HTTPS listeners, so callers would have to speak TLS to the "
                         "router themselves (under App Mesh they send plaintext to their proxy); list its colors as "
                         "backends instead, or deploy with target app-mesh", where)
        return router.protocol in _PROTOCOL_VERSION

    # --- rules ------------------------------------------------------------------------------------

    def _rules(self, name: str, router: Router) -> tuple[ListenerRule, ...]:
        ordered = router_routes_in_order(router)
        if len(ordered) > RULE_PRIORITY_MAX:
            self._refuse(f"{len(ordered)} routes; a VPC Lattice listener's rules take priorities 1-{RULE_PRIORITY_MAX}, "
                         "one per route; merge routes", ("routers", name, "routes"))
            return ()
        rules = []
        for route_name, route in ordered:
            where = ("routers", name, "routes", route_name)
            failures: list[Unsupported] = []
            match = _http_match(route.match, where + ("match",), failures)
            for failure in failures:
                self._refuse(failure.message, failure.path)
            if not failures:
                rules.append(ListenerRule(route_name, len(rules) + 1, match, _forward(name, route)))
        return tuple(rules)

    # --- target groups --------------------------------------------------------------------------

    def _target_group(self, key: LatticeTargetGroupKey, port: int) -> TargetGroup:
        path, listener = next((path, listener) for path, listener in color_listeners(key.color, self.topology.colors[key.color])
                              if listener.port == port)
        protocol = target_protocol(listener)
        version = _PROTOCOL_VERSION[self.topology.routers[key.router].protocol]
        return TargetGroup(key, port, protocol, version, self._health_check(listener, protocol, path))

    def _health_check(self, listener: Listener, protocol: str, path: tuple) -> HealthCheck:
        check = listener.health_check
        if check is None:
            return HEALTH_CHECK_DISABLED
        probe = probe_protocol(listener)
        if probe not in _PROTOCOL_VERSION:
            self._refuse(f"VPC Lattice probes router targets over HTTP only, and this health check is a {probe} "
                         "probe; give it a path to probe over http", path + ("health_check",))
            return HEALTH_CHECK_DISABLED
        return HealthCheck(True, protocol, _PROTOCOL_VERSION[probe], check.path, check.healthy_threshold,
                           check.unhealthy_threshold, check.interval_seconds, check.timeout_seconds,
                           HEALTH_CHECK_MATCHER)


def _forward(router: str, route: Route) -> Forward:
    return Forward(tuple(WeightedTargetGroup(LatticeTargetGroupKey(router, color), weight)
                         for color, weight in route.targets.items() if weight > 0))


def _http_match(match: RouteMatch, where: tuple, failures: list[Unsupported]) -> Optional[HttpMatch]:
    """The route's match as a Lattice HttpMatch; every part Lattice cannot express goes to `failures`."""
    path = collect(failures, lambda: _path_match(match, where))
    if match.query_parameters:
        failures.append(Unsupported("VPC Lattice rules cannot match query parameters; route on the path, method "
                                    "or headers instead", where + ("query_parameters",)))
    if match.scheme == "https":
        failures.append(Unsupported("callers reach the router's VPC Lattice listener over plain HTTP, so no request "
                                    "has scheme https; remove scheme (or the route)", where + ("scheme",)))
    headers = match.headers or ()
    if len(headers) > HEADER_MATCHES_MAX:
        failures.append(Unsupported(f"{len(headers)} header matches; a VPC Lattice rule takes at most "
                                    f"{HEADER_MATCHES_MAX}; match on fewer headers", where + ("headers",)))
    matches = tuple(collect(failures, lambda i=i, h=h: _header_match(h, where + ("headers", i)))
                    for i, h in enumerate(headers))
    return HttpMatch(path, match.method, matches) if not failures else None


def _path_match(match: RouteMatch, where: tuple) -> PathMatch:
    if match.path is not None and match.path.regex is not None:
        raise Unsupported("VPC Lattice matches a path exactly or by prefix, not by regular expression; write the "
                          "route as path.exact or prefix (one route per alternative)", where + ("path", "regex"))
    kind: PathKind
    if match.path is not None:
        kind, value, key = "exact", match.path.exact, ("path", "exact")
    else:
        kind, value, key = "prefix", match.prefix or "/", ("prefix",)  # no path match: App Mesh matches /
    if len(value) > MATCH_VALUE_MAX or not PATH_VALUE.fullmatch(value):
        raise Unsupported(f"{value[:40]!r} is not a path VPC Lattice can match: '/' followed by at most "
                          f"{MATCH_VALUE_MAX - 1} letters, digits and @:%_+.~#?&/=-", where + key)
    return PathMatch(kind, value)


def _header_match(entry: TopologyHeaderMatch, where: tuple) -> HeaderMatch:
    if entry.invert:
        raise Unsupported("VPC Lattice cannot match requests whose header does NOT match; match the values to "
                          "route instead and give the others their own route", where + ("invert",))
    if entry.range is not None:
        raise Unsupported("VPC Lattice cannot match a header by numeric range; match exact values instead",
                          where + ("range",))
    if entry.suffix is not None:
        raise Unsupported("VPC Lattice matches a header value exactly, by prefix or by substring, not by suffix; "
                          "use one of those", where + ("suffix",))
    kind, value, key = _header_rule(entry, where)
    if len(value) > MATCH_VALUE_MAX:
        raise Unsupported(f"the value is {len(value)} characters; VPC Lattice matches header values of at most "
                          f"{MATCH_VALUE_MAX}", where + (key,))
    return HeaderMatch(entry.name, kind, value)


def _header_rule(entry: TopologyHeaderMatch, where: tuple) -> tuple[HeaderKind, str, str]:
    if entry.exact is not None:
        return "exact", entry.exact, "exact"
    if entry.prefix is not None:
        return "prefix", entry.prefix, "prefix"
    if entry.regex is not None:
        literal = literal_regex(entry.regex)
        if literal is None:
            raise Unsupported("VPC Lattice cannot match a regular expression; only a literal (exact), a literal "
                              "followed by .* (prefix) or a literal between .* and .* (contains) can be expressed; "
                              "match exact values or a prefix instead", where + ("regex",))
        return literal[0], literal[1], "regex"
    raise Unsupported("VPC Lattice matches a header by its value and cannot require only that it is present; "
                      "match a value", where)


def literal_regex(pattern: str) -> Optional[tuple[HeaderKind, str]]:
    """A whole-value regex that Lattice can express: `lit` (exact), `lit.*` (prefix), `.*lit.*` (contains),
    where `lit` is plain characters and backslash-escaped specials; None for anything else."""
    tokens: list = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith(".*", index):
            tokens.append(_ANY)
            index += 2
        elif char == "\\" and index + 1 < len(pattern) and pattern[index + 1] in _REGEX_SPECIALS:
            tokens.append(pattern[index + 1])
            index += 2
        elif char in _REGEX_SPECIALS:
            return None
        else:
            tokens.append(char)
            index += 1
    leading = bool(tokens) and tokens[0] is _ANY
    trailing = len(tokens) > 1 and tokens[-1] is _ANY
    body = tokens[int(leading):len(tokens) - int(trailing)]
    if not body or any(token is _ANY for token in body):
        return None
    kind = {(False, False): "exact", (False, True): "prefix", (True, True): "contains"}.get((leading, trailing))
    return (kind, "".join(body)) if kind else None
