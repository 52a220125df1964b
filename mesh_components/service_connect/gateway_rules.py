"""The gateway compiled into ALB listeners: one per gateway listener, its rules in App Mesh's order.

Order. App Mesh tries gateway routes with a priority first, lowest first; a route without one comes
after all of those (AWS treats it as priority 1001), and among those the longest prefix wins (the
graph's `gateway_routes_by_precedence` order: whole paths, then longer prefixes, then more conditions).
The ALB tries rules by ascending priority and the first match wins, so rules are numbered in that order.

Numbering. Per ALB listener, gateway route n (counting from 1 in that order) owns priorities
n*100 .. n*100+99: its one rule, or one rule per router route (in the router's order) and, unless a
router route takes everything, a last not-found rule. App Mesh answers 404 when the gateway route
matched but no router route does; without that rule the ALB would fall through to later gateway
routes. So the same topology always gives the same numbers, a change to a router's routes renumbers
only that gateway route's block, and a new gateway route moves only the blocks after it, by one block.
Rules are named by what they come from (`ListenerRule.name`), not by number.

Rewrites (see gateway_rewrite): the path rewrite as a url-rewrite transform; the Host becomes the
target's name `<target>.<namespace>` unless `rewrite.hostname: false`, as App Mesh does by default for
every http, http2 and grpc gateway route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Optional

from ..topology.errors import Problem
from ..topology.graph import MeshGraph
from ..topology.listeners import GatewayListener, Listener
from ..topology.matches import GatewayRouteMatch, RouteMatch
from ..topology.model import GatewayRoute, Route, Router, Topology
from . import alb_conditions
from .alb import collect
from .alb import (CONDITION_VALUES_PER_RULE, FORWARD_TARGET_GROUPS_MAX, NOT_FOUND, RULE_PRIORITY_MAX,
                  RULES_PER_LOAD_BALANCER, TARGET_GROUPS_PER_LOAD_BALANCER,
                  WILDCARDS_PER_RULE, AlbListener, Conditions, FixedResponse, Forward, ListenerRule, Rewrite,
                  TargetGroup, TargetGroupKey, Transforms, Unsupported, WeightedTarget)
from .gateway_rewrite import PathItem, original_path_items, path_rewrite, url_rewrite
from .service_connect_config import target_protocol

TARGET = "service-connect"
BLOCK = 100  # priorities per gateway route
_PROTOCOL_VERSION = {"http": "HTTP1", "http2": "HTTP2", "grpc": "GRPC"}


class GatewayNotCompilable(ValueError):
    """The topology has service-connect capability errors; run the capability checks first."""


def compile_gateway(topology: Topology) -> tuple[AlbListener, ...]:
    """One ALB listener per gateway listener; raises GatewayNotCompilable if anything cannot be expressed."""
    compiled = _Compiler(topology).run()
    errors = [problem for problem in compiled.problems if problem.is_error]
    if errors:
        raise GatewayNotCompilable("\n".join(str(problem) for problem in errors))
    return compiled.listeners


def gateway_problems(topology: Topology) -> tuple[Problem, ...]:
    """What compiling the gateway found: errors (cannot be expressed) and warnings (unreachable rules, AWS's
    default quotas exceeded)."""
    compiled = _Compiler(topology).run()
    if any(problem.is_error for problem in compiled.problems):
        return compiled.problems
    return compiled.problems + tuple(_quota_warnings(compiled.listeners))


def _quota_warnings(listeners: tuple[AlbListener, ...]) -> Iterator[Problem]:
    """AWS's default ALB quotas (Elastic Load Balancing quotas; adjustable, so warnings: the deployment fails
    until they are raised). Default actions count towards neither."""
    rules = [rule for listener in listeners for rule in listener.rules]
    groups = {target.target_group for rule in rules if isinstance(rule.action, Forward) for target in rule.action.targets}
    for count, quota, name in ((len(rules), RULES_PER_LOAD_BALANCER, "listener rules"),
                               (len(groups), TARGET_GROUPS_PER_LOAD_BALANCER, "target groups")):
        if count > quota:
            yield Problem(f"{TARGET}: the ALB needs {count} {name}, and AWS allows {quota} per Application Load "
                          f"Balancer by default; raise that quota (Service Quotas, Elastic Load Balancing) before "
                          "deploying, or route fewer services through the gateway",
                          path=("gateway", "routes"), severity="warning", on_key=True)


def target_groups(topology: Topology) -> tuple[TargetGroup, ...]:
    """The target groups the rules forward to, sorted, with the protocol the color's listener speaks: HTTPS to
    a listener with Service Connect TLS, whose proxy holds the port (the ALB does not verify its certificate)."""
    keys = sorted({target.target_group for listener in compile_gateway(topology) for rule in listener.rules
                   if isinstance(rule.action, Forward) for target in rule.action.targets})
    listeners = {key: _listener(topology, key) for key in keys}
    return tuple(TargetGroup(key, _PROTOCOL_VERSION[listeners[key].protocol],
                             target_protocol(listeners[key])) for key in keys)


def listener_certificate(listener: GatewayListener) -> Optional[str]:
    """The ACM certificate the ALB listener serves: `public_tls`'s, or the gateway listener's own `tls` (the ALB is
    the gateway here, so both mean the same listener; capabilities refuses both at once)."""
    if listener.public_tls:
        return listener.public_tls.certificate
    return listener.tls.certificate.acm if listener.tls else None


def gateway_routes_in_order(topology: Topology) -> tuple[tuple[str, GatewayRoute], ...]:
    """Gateway routes in the order App Mesh tries them."""
    by_specificity = [(name, route) for name, route, _ in MeshGraph(topology).gateway_routes_by_precedence]
    prioritised = sorted((item for item in by_specificity if item[1].priority is not None),
                         key=lambda item: item[1].priority)
    return tuple(prioritised + [item for item in by_specificity if item[1].priority is None])


def router_routes_in_order(router: Router) -> tuple[tuple[str, Route], ...]:
    """A router's routes in the order App Mesh tries them: priorities first, then the most specific."""
    def key(item: tuple[str, Route]) -> tuple:
        name, route = item
        match = route.match
        if route.priority is not None:
            return (0, route.priority, 0, 0, name)
        whole = match.path is not None or match.method_name is not None
        conditions = len(match.given("method", "headers", "query_parameters", "scheme", "metadata"))
        return (1, 0 if whole else 1, -len(match.prefix or match.service_name or ""), -conditions, name)
    return tuple(sorted(router.routes.items(), key=key))


def _listener(topology: Topology, key: TargetGroupKey) -> Listener:
    return next(listener for listener in topology.colors[key.color].listeners if listener.port == key.port)


@dataclass
class _Compiled:
    listeners: tuple[AlbListener, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass
class _RuleDraft:
    router_route: Optional[str]
    conditions: Conditions
    action: object


@dataclass
class _Compiler:
    topology: Topology
    problems: list[Problem] = field(default_factory=list)

    def run(self) -> _Compiled:
        gateway = self.topology.gateway
        if gateway is None:
            return _Compiled()
        ordered = gateway_routes_in_order(self.topology)
        listeners = tuple(self._listener(listener, [(name, route) for name, route in ordered
                                                    if _serves(gateway.listeners, listener, route)])
                          for listener in gateway.listeners)
        return _Compiled(listeners, tuple(self.problems))

    def _listener(self, listener: GatewayListener, routes: list[tuple[str, GatewayRoute]]) -> AlbListener:
        rules: list[ListenerRule] = []
        for number, (name, route) in enumerate(routes, start=1):
            drafts = self._route(name, route, listener.protocol)
            if len(drafts) > BLOCK or (number + 1) * BLOCK > RULE_PRIORITY_MAX:
                self._refuse(f"gateway route {name!r} would need ALB rule priorities beyond "
                             f"{RULE_PRIORITY_MAX} ({BLOCK} per gateway route, at most {BLOCK} rules each)",
                             ("gateway", "routes", name))
                continue
            transforms = self._transforms(name, route, listener.protocol)
            rules += [ListenerRule(number * BLOCK + index, name, draft.router_route, draft.conditions, transforms,
                                   draft.action) for index, draft in enumerate(drafts)]
        certificate = listener_certificate(listener)
        return AlbListener(listener.reached_on, "HTTPS" if certificate else "HTTP", certificate, tuple(rules))

    def _refuse(self, message: str, path: tuple) -> None:
        self.problems.append(Problem(f"{TARGET}: {message}", path=path))

    # --- one gateway route ------------------------------------------------------------------

    def _route(self, name: str, route: GatewayRoute, protocol: str) -> list[_RuleDraft]:
        where = ("gateway", "routes", name)
        try:
            gateway_item = _gateway_path_item(route.match, protocol)
            base = self._gateway_conditions(route.match, where + ("match",))
            if route.target in self.topology.colors:
                port = self._color_port(route, where)
                conditions = self._with_path(base, [gateway_item], where + ("match",))
                return [_RuleDraft(None, conditions, Forward((WeightedTarget(TargetGroupKey(route.target, port), 1),)))]
            return self._router_drafts(name, route, protocol, gateway_item, base)
        except Unsupported as unsupported:
            self._refuse(unsupported.message, unsupported.path)
            return []

    def _gateway_conditions(self, match: GatewayRouteMatch, where: tuple) -> Conditions:
        failures: list[Unsupported] = []
        host = collect(failures, lambda: alb_conditions.host_header(match.hostname, where + ("hostname",))
                        if match.hostname else None)
        headers = tuple(collect(failures, lambda i=i, h=h: alb_conditions.http_header(h, where + ("headers", i)))
                        for i, h in enumerate(match.headers or ()))
        queries = tuple(collect(failures, lambda i=i, q=q: alb_conditions.query_string(q, where + ("query_parameters", i)))
                        for i, q in enumerate(match.query_parameters or ()))
        self._raise_first(failures)
        return Conditions(host_header=host, http_headers=headers, query_strings=queries)

    def _raise_first(self, failures: list[Unsupported]) -> None:
        """Report every failure; raise the last so the caller stops compiling this route."""
        for failure in failures[:-1]:
            self._refuse(failure.message, failure.path)
        if failures:
            raise failures[-1]

    def _color_port(self, route: GatewayRoute, where: tuple) -> int:
        listeners = self.topology.colors[route.target].listeners
        if route.target_port is not None:
            return route.target_port
        if len(listeners) > 1:
            ports = ", ".join(str(listener.port) for listener in listeners)
            raise Unsupported(f"{route.target!r} listens on {ports}; name the one this route forwards to "
                              "in target_port (each port is its own ALB target group)", where)
        return listeners[0].port

    def _transforms(self, name: str, route: GatewayRoute, protocol: str) -> Transforms:
        rewrite = route.rewrite
        for key, value in (("prefix", rewrite.prefix.value if rewrite and rewrite.prefix else None),
                           ("path", rewrite.path if rewrite else None)):
            if value is not None and ("$" in value or "\\" in value):
                self._refuse(f"{value!r} contains '$' or '\\', which an ALB rewrite treats as a capture "
                             "reference or escape; rewrite to a path without them",
                             ("gateway", "routes", name, "rewrite") + ((key, "value") if key == "prefix" else (key,)))
        keep_host = rewrite is not None and rewrite.hostname is False
        host = None if keep_host else Rewrite("^.*$", f"{route.target}.{self.topology.mesh.namespace}")
        return Transforms(url_rewrite(path_rewrite(route, protocol)), host)

    def _with_path(self, base: Conditions, items: list[PathItem], where: tuple) -> Conditions:
        conditions = Conditions(alb_conditions.path_pattern(items, where), base.host_header, base.http_headers,
                                base.query_strings, base.http_request_method)
        if conditions.value_count > CONDITION_VALUES_PER_RULE or conditions.wildcard_count > WILDCARDS_PER_RULE:
            raise Unsupported(
                f"the ALB rule for this match needs {conditions.value_count} condition values and "
                f"{conditions.wildcard_count} wildcards; an ALB rule takes at most {CONDITION_VALUES_PER_RULE} of "
                "each (a path, host, method and each header or query parameter count); match on fewer", where)
        return conditions

    # --- a gateway route to a router --------------------------------------------------------------

    def _router_drafts(self, name: str, route: GatewayRoute, protocol: str, gateway_item: PathItem,
                       base: Conditions) -> list[_RuleDraft]:
        router = self.topology.routers[route.target]
        if router.protocol == "tcp":
            raise Unsupported(f"router {route.target!r} is tcp; an ALB forwards http, http2 and grpc only",
                              ("gateway", "routes", name, "target"))
        rewrite = path_rewrite(route, protocol)
        drafts, takes_everything = [], False
        for route_name, router_route in router_routes_in_order(router):
            where = ("routers", route.target, "routes", route_name)
            try:
                items, extra = self._router_match(router_route.match, router.protocol, rewrite, gateway_item,
                                                  where + ("match",), name)
                if not items:
                    self.problems.append(Problem(
                        f"{TARGET}: no request through gateway route {name!r} can match this route after the "
                        "gateway's rewrite; it gets no ALB rule", path=where, severity="warning", on_key=True))
                    continue
                forward = self._forward(router, router_route, where + ("targets",))
                merged = Conditions(None, base.host_header, base.http_headers + extra.http_headers,
                                    base.query_strings + extra.query_strings, extra.http_request_method)
                drafts.append(_RuleDraft(route_name, self._with_path(merged, items, where + ("match",)), forward))
                takes_everything = takes_everything or (items == [gateway_item] and extra == Conditions())
            except Unsupported as unsupported:
                self._refuse(unsupported.message, unsupported.path)
        if not takes_everything:
            drafts.append(_RuleDraft(None, self._with_path(base, [gateway_item], ("gateway", "routes", name, "match")),
                                     FixedResponse(NOT_FOUND)))
        return drafts

    def _router_match(self, match: RouteMatch, protocol: str, rewrite, gateway_item: PathItem, where: tuple,
                      gateway_name: str) -> tuple[list[PathItem], Conditions]:
        failures: list[Unsupported] = []
        if match.scheme is not None:
            failures.append(Unsupported("an ALB rule cannot match the scheme the router sees behind the gateway; "
                                        "remove scheme (the gateway listener's protocol decides it)",
                                        where + ("scheme",)))
        router_item = _router_path_item(match, protocol)
        items = collect(failures, lambda: original_path_items(rewrite, gateway_item, router_item,
                                                               where + _path_key(match), gateway_name))
        entries = [("headers", entry) for entry in match.headers or ()] + [("metadata", entry) for entry in match.metadata or ()]
        counters = {"headers": 0, "metadata": 0}
        headers = []
        for key, entry in entries:
            index = counters[key]
            counters[key] += 1
            headers.append(collect(failures, lambda k=key, e=entry, i=index: alb_conditions.http_header(
                e, where + (k, i), "header" if k == "headers" else "metadata entry")))
        queries = tuple(collect(failures, lambda i=i, q=q: alb_conditions.query_string(q, where + ("query_parameters", i)))
                        for i, q in enumerate(match.query_parameters or ()))
        self._raise_first(failures)
        method = (match.method,) if match.method else ()
        return items, Conditions(http_headers=tuple(headers), query_strings=queries, http_request_method=method)

    def _forward(self, router: Router, route: Route, where: tuple) -> Forward:
        if len(route.targets) > FORWARD_TARGET_GROUPS_MAX:
            raise Unsupported(f"{len(route.targets)} weighted targets; an ALB forward takes at most "
                              f"{FORWARD_TARGET_GROUPS_MAX} target groups; split the colors over fewer targets", where)
        graph = MeshGraph(self.topology)
        return Forward(tuple(WeightedTarget(TargetGroupKey(color, graph.ports_speaking(color, router.protocol)[0]), weight)
                             for color, weight in route.targets.items()))


def _serves(listeners: tuple, listener: GatewayListener, route: GatewayRoute) -> bool:
    return route.match.port == listener.port or (route.match.port is None and len(listeners) == 1)


def _gateway_path_item(match: GatewayRouteMatch, protocol: str) -> PathItem:
    if protocol == "grpc":
        return ("prefix", f"/{match.service_name}/")
    if match.path is not None:
        return ("exact", match.path.exact) if match.path.exact is not None else ("regex", match.path.regex)
    return ("prefix", match.prefix)


def _router_path_item(match: RouteMatch, protocol: str) -> Optional[PathItem]:
    """What a router route matches of the (rewritten) path; None: every path."""
    if protocol == "grpc":
        if match.method_name is not None:
            return ("exact", f"/{match.service_name}/{match.method_name}")
        return ("prefix", f"/{match.service_name}/") if match.service_name else None
    if match.path is not None:
        return ("exact", match.path.exact) if match.path.exact is not None else ("regex", match.path.regex)
    return ("prefix", match.prefix) if match.prefix is not None else None


def _path_key(match: RouteMatch) -> tuple:
    if match.path is not None:
        return ("path",)
    return ("prefix",) if match.prefix is not None else ()

