"""What the service-connect target cannot honour: errors where the meaning or the security of the topology
would change, warnings where Service Connect (or the ALB) substitutes its own managed behaviour.

Each check is `Topology -> Iterator[Problem]` with the document path of the key to blame, like the
topology's own checks, and runs on a topology that passed them. Every message starts with
`service-connect:` and says what to do instead. The README's fidelity table lists every key and its fate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Callable, Optional, Union

from ..aws.fargate import check_color_fargate_sizes
from ..topology.check_support import (all_color_listeners, color_listeners, gateway_listeners,
                                      health_check_out_of_bounds)
from ..topology.errors import Problem
from ..topology.graph import MeshGraph, Workload
from ..topology.matches import HeaderMatch, QueryParameterMatch
from ..topology.model import Topology
from ..topology.observability import ACCESS_LOG_PATH
from ..topology.tls_checks import client_tls_settings
from .health_probe import probe_protocol
from . import alb, lattice
from .lattice import VPC_LATTICE_CONFIGURATIONS_MAX
from .lattice_access import lattice_access
from .lattice_routers import called_routers, router_problems
from .gateway_rules import TARGET, gateway_problems, gateway_routes_in_order
from .workload_capabilities import WORKLOAD_CAPABILITY_CHECKS
from .egress_capabilities import EGRESS_CAPABILITY_CHECKS
from .service_connect_config import CLIENT_ALIAS_MAX, DISCOVERY_NAME_MAX, MS_PER_SECOND, discovery_name, tls_issuers

Check = Callable[[Topology], Iterator[Problem]]

def _error(message: str, path: tuple, on_key: bool = False) -> Problem:
    return Problem(f"{TARGET}: {message}", path=path, on_key=on_key)


def _warning(message: str, path: tuple, on_key: bool = False) -> Problem:
    return Problem(f"{TARGET}: {message}", path=path, severity="warning", on_key=on_key)


# --- errors: meaning or security would change ----------------------------------------------------


def check_gateway_rules(topology: Topology) -> Iterator[Problem]:
    """Everything the gateway's routes need that an ALB rule cannot express (see gateway_rules)."""
    yield from gateway_problems(topology)


def check_lattice_routers(topology: Topology) -> Iterator[Problem]:
    """Everything the routers colors call need that VPC Lattice cannot express (see lattice_routers)."""
    yield from router_problems(topology)


def check_router_caller_tls(topology: Topology) -> Iterator[Problem]:
    graph = MeshGraph(topology)
    for name, color in topology.colors.items():
        for index, backend in enumerate(color.backends):
            policy = graph.client_tls(Workload("color", name), backend) if backend in topology.routers else None
            if policy is not None and policy.enforce and (not policy.ports or topology.routers[backend].port in policy.ports):
                yield _error(f"TLS towards router {backend!r} cannot be enforced: callers reach its VPC Lattice "
                             "service over plain HTTP and Lattice does not verify its targets' certificates; give "
                             "this backend backend_tls_for with enforce: false, or deploy with target app-mesh",
                             ("colors", name, "backends", index))


def check_lattice_registrations(topology: Topology) -> Iterator[Problem]:
    access = lattice_access(topology)
    for name in topology.colors:
        registrations = access.registrations_of(name)
        if len(registrations) > VPC_LATTICE_CONFIGURATIONS_MAX:
            routers = ", ".join(registration.target_group.router for registration in registrations)
            yield _error(f"{len(registrations)} routers forward to this color ({routers}), and ECS registers a "
                         f"service into at most {VPC_LATTICE_CONFIGURATIONS_MAX} VPC Lattice target groups; let "
                         "fewer routers called by colors forward to it", ("colors", name), on_key=True)


def check_egress_filter(topology: Topology) -> Iterator[Problem]:
    if topology.mesh.egress_filter == "ALLOW_ALL":
        yield _error("ALLOW_ALL cannot be honoured: on this target security groups derived from backends decide "
                     "what a task may reach, so undeclared calls would fail; use DROP_ALL and list every "
                     "service each color calls in its backends", ("mesh", "egress_filter"))


def check_listener_tls(topology: Topology) -> Iterator[Problem]:
    listeners = [(path, listener) for _, path, listener in all_color_listeners(topology)]
    listeners += list(gateway_listeners(topology))
    for path, listener in listeners:
        tls = listener.tls
        if tls is None:
            continue
        where = path + ("tls",)
        if tls.validation is not None:
            if path[0] == "gateway":
                why = ("this target's ALB listener does not check client certificates (ALB mutual TLS needs a trust "
                       "store, which this target does not create); remove validation (then every client the "
                       "publicCidrs admit may connect)")
            else:
                why = ("Service Connect does not check client certificates; remove validation (then security "
                       "groups alone decide which services may connect)")
            yield _error(f"mutual TLS cannot be honoured: {why} or deploy with target app-mesh",
                         where + ("validation",), on_key=True)
        for source in tls.certificate.given("file", "sds"):
            owner = "the ALB takes ACM certificates" if path[0] == "gateway" else \
                "Service Connect issues the listener's certificates itself from AWS Private CA"
            yield _error(f"certificate.{source} cannot be used: {owner}; use certificate.acm",
                         where + ("certificate", source))
        if path[0] == "gateway" and tls.mode == "PERMISSIVE":
            yield _error("PERMISSIVE (TLS and plaintext on one port) cannot be honoured: an ALB listener is HTTPS "
                         "or HTTP; use mode STRICT, or drop tls for plain HTTP", where + ("mode",))


def check_gateway_listener_protocols(topology: Topology) -> Iterator[Problem]:
    for path, listener in gateway_listeners(topology):
        if listener.protocol != "http" and not (listener.tls and listener.tls.certificate.acm) and not listener.public_tls:
            yield _error(f"an ALB speaks {listener.protocol} to clients only on HTTPS listeners; give this listener "
                         "tls with mode STRICT and an ACM certificate, or use protocol http", path + ("protocol",))


def check_client_tls(topology: Topology) -> Iterator[Problem]:
    for path, policy in client_tls_settings(topology):
        if policy.certificate is not None:
            yield _error("mutual TLS cannot be honoured: Service Connect presents no client certificates; remove "
                         "certificate, or deploy with target app-mesh", path + ("certificate",), on_key=True)
        for source in policy.trust.given("file", "sds"):
            yield _error(f"Service Connect trusts only the AWS Private CA that issues its certificates; replace "
                         f"trust.{source} with trust.acm naming that CA", path + ("trust", source))
        if policy.trust.acm is not None and len(policy.trust.acm) > 1:
            yield _error(f"{len(policy.trust.acm)} certificate authorities; Service Connect issues a service's "
                         "certificates from one AWS Private CA; name exactly one", path + ("trust", "acm"))
        if policy.subject_alternative_names:
            yield _warning("subject_alternative_names are not checked: Service Connect verifies a server against "
                           "the Private CA and the name called", path + ("subject_alternative_names",))


def check_gateway_backend_tls(topology: Topology) -> Iterator[Problem]:
    gateway = topology.gateway
    if gateway is None or not gateway.routes:
        return
    path = ("gateway", "backend_tls") if gateway.backend_tls else ("mesh", "backend_tls")
    policy = MeshGraph(topology).caller_tls(Workload("gateway", gateway.name)).default
    if policy is not None and policy.enforce:
        yield _error("the gateway's TLS towards its targets cannot be honoured: an ALB does not verify its targets' "
                     "certificates; set gateway.backend_tls with enforce: false (only the ALB's security group "
                     "reaches the targets), or deploy with target app-mesh", path)


def check_tls_issuer(topology: Topology) -> Iterator[Problem]:
    issuers: dict = {}
    for name, color in topology.colors.items():
        listeners = [(path, listener) for path, listener in color_listeners(name, color) if listener.tls]
        if not listeners:
            continue
        issuers = issuers or tls_issuers(topology)  # one pass over the edges, only when some listener has TLS
        issuer, authorities = issuers[name].issuer, issuers[name].authorities
        path = listeners[0][0] + ("tls",)
        if issuer is None and not authorities:
            yield _error("Service Connect TLS needs the AWS Private CA to issue this color's certificates, and no "
                         "caller trusts one; give its callers backend_tls with trust.acm naming the CA (or mesh.backend_tls)",
                         path, on_key=True)
        elif issuer is None:
            yield _error(f"callers trust different certificate authorities ({', '.join(authorities)}); Service "
                         "Connect issues this color's certificates from one; make them trust the same CA",
                         path, on_key=True)
        for listener_path, listener in listeners:
            if listener.tls.mode == "PERMISSIVE":
                yield _warning("substituted: Service Connect TLS has no PERMISSIVE mode; Service Connect callers "
                               "always use TLS", listener_path + ("tls", "mode"))
            if issuer is not None and listener.tls.certificate.acm is not None:
                yield _warning(f"Service Connect issues and rotates this listener's certificates from {issuer}; "
                               "the ACM certificate named here is not used", listener_path + ("tls", "certificate"))


def check_timeouts(topology: Topology) -> Iterator[Problem]:
    for _, path, listener in all_color_listeners(topology):
        timeouts = listener.timeouts
        if listener.protocol == "tcp" and (timeouts is None or timeouts.idle_ms is None):
            yield _warning("substituted: Service Connect closes idle tcp connections after 1 hour (App Mesh after "
                           "300 s), and this target cannot set it", path + ("protocol",))
        if timeouts is None:
            continue
        for key in timeouts.given("per_request_ms", "idle_ms"):
            value = getattr(timeouts, key)
            if listener.protocol == "tcp":
                yield _error("a tcp idle timeout cannot be sent: the provider adds per_request_timeout_seconds 0, "
                             "which ECS refuses for tcp (pulumi-aws#4265); remove it (Service Connect closes idle "
                             "tcp connections after 1 hour)", path + ("timeouts", key))
            elif value % MS_PER_SECOND:
                low, high = value // MS_PER_SECOND, value // MS_PER_SECOND + 1
                yield _error(f"{value} ms is not whole seconds, and Service Connect timeouts are set in seconds; "
                             f"use {low * MS_PER_SECOND} or {high * MS_PER_SECOND}", path + ("timeouts", key))


def check_service_names(topology: Topology) -> Iterator[Problem]:
    namespace = topology.mesh.namespace
    for name, color in topology.colors.items():
        alias = f"{name}.{namespace}"
        if len(alias) > CLIENT_ALIAS_MAX:
            yield _error(f"the client alias {alias[:40]}... is {len(alias)} characters; Service Connect aliases have "
                         f"at most {CLIENT_ALIAS_MAX}; shorten the color or the namespace", ("colors", name),
                         on_key=True)
        for index, listener in enumerate(color.listeners):
            discovery = discovery_name(name, index, listener.port)
            if len(discovery) > DISCOVERY_NAME_MAX:
                yield _error(f"the discovery name {discovery!r} for port {listener.port} is {len(discovery)} "
                             f"characters; Service Connect allows {DISCOVERY_NAME_MAX}; shorten the color's name",
                             ("colors", name), on_key=True)


def check_target_health_checks(topology: Topology) -> Iterator[Problem]:
    """Colors behind the ALB are probed by their target group, which needs a timeout below the interval."""
    reached = _gateway_reached_colors(topology)
    for name, path, listener in all_color_listeners(topology):
        check = listener.health_check
        if check is None or name not in reached:
            continue
        if probe_protocol(listener) == "tcp":
            yield _error("the ALB probes this color over HTTP or gRPC only, and this health check is a tcp probe; "
                         "give it a path to probe over http", path + ("health_check",), on_key=True)
        if check.timeout_seconds >= check.interval_seconds:
            yield _error(f"the ALB probes this color and needs a health-check timeout below the interval "
                         f"({check.timeout_seconds} s is not below {check.interval_seconds} s); shorten timeout_seconds",
                         path + ("health_check", "timeout_seconds"))


def check_target_health_check_ranges(topology: Topology) -> Iterator[Problem]:
    """The ALB (colors the gateway reaches) and VPC Lattice (colors routers forward to) take narrower ranges."""
    probers = (("the ALB", _gateway_reached_colors(topology), alb.HEALTH_CHECK_BOUNDS),
               ("VPC Lattice", {target.color for target in lattice_access(topology).target_ports},
                lattice.HEALTH_CHECK_BOUNDS))
    for name, path, listener in all_color_listeners(topology):
        if listener.health_check is None:
            continue
        for prober, probed, bounds in probers:
            if name in probed:
                yield from _as_errors(health_check_out_of_bounds(listener.health_check, bounds, path, prober))


def check_fargate_task_sizes(topology: Topology) -> Iterator[Problem]:
    """The colors run on Fargate (the gateway is an ALB, see warn_gateway_tasks)."""
    yield from _as_errors(check_color_fargate_sizes(topology))


def _as_errors(problems: Iterator[Problem]) -> Iterator[Problem]:
    for problem in problems:
        yield _error(problem.message, problem.path, problem.on_key)


# --- warnings: Service Connect or the ALB substitutes its own behaviour --------------------------------


def warn_managed_resilience(topology: Topology) -> Iterator[Problem]:
    for _, path, listener in all_color_listeners(topology):
        if listener.outlier_detection is not None:
            yield _warning("not applied: Service Connect runs its own outlier detection (not configurable)",
                           path + ("outlier_detection",), on_key=True)
        if listener.connection_pool is not None:
            yield _warning("not applied: Service Connect has no connection-pool limits",
                           path + ("connection_pool",), on_key=True)
    yield from _route_resilience_warnings(
        topology, _gateway_reached_routers(topology),
        "not applied: Service Connect retries twice on connection failures and 503s (not configurable) and the "
        "ALB does not retry",
        "not applied: an ALB rule has no timeout of its own; the target listener's Service Connect timeouts apply")


def warn_lattice_resilience(topology: Topology) -> Iterator[Problem]:
    yield from _route_resilience_warnings(
        topology, called_routers(topology),
        "not applied for calls from colors: VPC Lattice does not retry, and Service Connect does not see calls "
        "through Lattice",
        "not applied for calls from colors: a VPC Lattice rule has no timeouts of its own; Lattice's service "
        "timeouts apply")


def warn_router_auth_without_lattice(topology: Topology) -> Iterator[Problem]:
    """`auth: iam` is the auth policy of a router's VPC Lattice service, which only routers colors call get."""
    called = set(called_routers(topology))
    for name, router in topology.routers.items():
        if router.auth is not None and name not in called:
            yield _warning("not applied: no color calls this router, so it gets no VPC Lattice service to hold an "
                           "auth policy; the gateway's ALB reaches its colors directly", ("routers", name, "auth"))


def _route_resilience_warnings(topology: Topology, routers, retry_message: str, timeout_message: str):
    for router_name in routers:
        for route_name, route in topology.routers[router_name].routes.items():
            where = ("routers", router_name, "routes", route_name)
            if route.retry_policy is not None:
                yield _warning(retry_message, where + ("retry_policy",), on_key=True)
            if route.timeouts is not None:
                yield _warning(timeout_message, where + ("timeouts",), on_key=True)


def warn_health_checks_without_a_prober(topology: Topology) -> Iterator[Problem]:
    reached = _gateway_reached_colors(topology) | {target.color for target in lattice_access(topology).target_ports}
    for name, path, listener in all_color_listeners(topology):
        if listener.health_check is not None and name not in reached:
            yield _warning("not applied: no load balancer or router reaches this color and Service Connect probes nothing; "
                           "ECS replaces a task only when its container exits", path + ("health_check",),
                           on_key=True)


def warn_observability(topology: Topology) -> Iterator[Problem]:
    observability = topology.mesh.observability
    if observability.tracing is not None:
        yield _warning("not applied: Service Connect cannot trace requests (containers-roadmap #2369); instrument "
                       "the applications instead", ("mesh", "observability", "tracing"), on_key=True)
    if observability.metrics is not None:
        yield _warning("substituted: Service Connect publishes its proxy's metrics to CloudWatch itself; no agent "
                       "scrapes a proxy port", ("mesh", "observability", "metrics"), on_key=True)
    logs = [(("colors", name, "access_log"), color.access_log, "Service Connect") for name, color in topology.colors.items()]
    if topology.gateway:
        logs.append((("gateway", "access_log"), topology.gateway.access_log, "the ALB"))
    for path, log, writer in logs:
        for key in log.given("text_format", "json_format"):
            yield _warning(f"substituted: {writer} writes its own {'JSON' if key == 'json_format' else 'text'} "
                           "log lines; these fields are not used", path + (key,))
        if log.path != ACCESS_LOG_PATH:
            yield _warning(f"substituted: {writer} writes access logs to the stack's log destination, not to a file",
                           path + ("path",))


def warn_gateway_tasks(topology: Topology) -> Iterator[Problem]:
    gateway = topology.gateway
    if gateway is None:
        return
    for key in ("cpu", "memory", "count"):
        if key in gateway.model_fields_set:
            yield _warning("not applied: the ALB replaces the gateway's tasks and scales itself", ("gateway", key))


def warn_case_insensitive_matches(topology: Topology) -> Iterator[Problem]:
    """ALB header and query-string comparisons ignore case; App Mesh's exact, prefix and suffix do not."""
    for path, entry in _alb_matched_entries(topology):
        if any(char.isalpha() for char in _compared_text(entry)):
            yield _warning("an ALB compares this case-insensitively, so differently cased values match too", path)


def _compared_text(entry: Union[HeaderMatch, QueryParameterMatch]) -> str:
    if isinstance(entry, QueryParameterMatch):
        return entry.name + (entry.exact or "")
    return "".join(getattr(entry, rule) for rule in entry.given("exact", "prefix", "suffix"))


def _alb_matched_entries(topology: Topology) -> Iterator[tuple[tuple, object]]:
    """Header and query-parameter matches the ALB evaluates: the gateway's and those of routers behind it."""
    for name, route in gateway_routes_in_order(topology):
        where = ("gateway", "routes", name, "match")
        yield from _entries(where, route.match.headers, route.match.query_parameters)
    for router in _gateway_reached_routers(topology):
        for route_name, route in topology.routers[router].routes.items():
            where = ("routers", router, "routes", route_name, "match")
            yield from _entries(where, route.match.headers, route.match.query_parameters)
            yield from _entries(where, route.match.metadata, None, "metadata")


def _entries(where: tuple, headers: Optional[tuple[HeaderMatch, ...]], queries, key: str = "headers"):
    for index, header in enumerate(headers or ()):
        if header.given("exact", "prefix", "suffix") and not header.invert:
            yield where + (key, index), header
    for index, query in enumerate(queries or ()):
        yield where + ("query_parameters", index), query


def _gateway_reached_routers(topology: Topology) -> list[str]:
    exposed = MeshGraph(topology).exposed_services
    return [name for name in topology.routers if name in exposed]


def _gateway_reached_colors(topology: Topology) -> set[str]:
    graph = MeshGraph(topology)
    return {edge.callee for edge in graph.edges if edge.caller == graph.gateway}


CAPABILITY_CHECKS: tuple[Check, ...] = (
    check_gateway_rules,
    check_lattice_routers,
    check_router_caller_tls,
    check_lattice_registrations,
    check_egress_filter,
    check_listener_tls,
    check_gateway_listener_protocols,
    check_client_tls,
    check_gateway_backend_tls,
    check_tls_issuer,
    check_timeouts,
    check_service_names,
    check_target_health_checks,
    check_target_health_check_ranges,
    check_fargate_task_sizes,
    *EGRESS_CAPABILITY_CHECKS,
    warn_managed_resilience,
    warn_lattice_resilience,
    warn_router_auth_without_lattice,
    warn_health_checks_without_a_prober,
    warn_observability,
    warn_gateway_tasks,
    warn_case_insensitive_matches,
    *WORKLOAD_CAPABILITY_CHECKS,
)


def capability_problems(topology: Topology) -> list[Problem]:
    """Every service-connect problem of a valid topology, errors and warnings (unlocated)."""
    return [problem for check in CAPABILITY_CHECKS for problem in check(topology)]
