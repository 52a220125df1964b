"""Semantic checks of a parsed topology: references, name spaces, protocol agreement, the topology's own bounds.

Each check yields problems with the document path of the offending node; the loader turns paths
into file positions. `validate_topology` runs them all, so one pass reports every problem.
Warnings (needing the mesh graph, which assumes a valid topology) run only when nothing failed.
What a deployment target cannot honour is that target's capability checks (`targets.py`), run with these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Callable

from . import limits
from .check_support import all_color_listeners, gateway_listeners
from .container_checks import CONTAINER_CHECKS, CONTAINER_WARNINGS
from .egress_checks import EGRESS_CHECKS
from .errors import Problem
from .graph import MeshGraph
from .listener_checks import LISTENER_CHECKS, listener_protocols
from .model import Color, Topology
from .public_entry_checks import PUBLIC_ENTRY_CHECKS
from .route_checks import GATEWAY_ROUTE_CHECKS, ROUTE_CHECKS
from .tls_checks import TLS_CHECKS
from .worker_checks import WORKER_CHECKS

Check = Callable[[Topology], Iterator[Problem]]


def validate_topology(topology: Topology, capability_checks: Sequence[Check] = ()) -> list[Problem]:
    """Every error in `topology`; if there is none, every error of the target's capability checks (which,
    like the warnings, may assume a topology valid in itself); if there is none either, every warning."""
    for checks in (ERROR_CHECKS, capability_checks):
        found = [problem for check in checks for problem in check(topology)]
        if any(problem.is_error for problem in found):
            return [problem for problem in found if problem.is_error]
    capability_warnings = [problem for check in capability_checks for problem in check(topology)]
    return [*capability_warnings, *(problem for check in WARNING_CHECKS for problem in check(topology))]


def _listing(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "none"


# --- names ------------------------------------------------------------------------------------


def check_mesh_names(topology: Topology) -> Iterator[Problem]:
    mesh = topology.mesh
    if not limits.RESOURCE_NAME.fullmatch(mesh.name):
        yield Problem(
            f"invalid mesh name {mesh.name!r}; allowed: 1-{limits.RESOURCE_NAME_MAX} {limits.RESOURCE_NAME_CHARS}",
            path=("mesh", "name"),
        )
    labels = mesh.namespace.split(".")
    if len(mesh.namespace) > limits.HOSTNAME_MAX or not all(limits.NAMESPACE_LABEL.fullmatch(label) for label in labels):
        yield Problem(
            f"invalid namespace {mesh.namespace!r}; allowed: a DNS name of dot-separated labels "
            f"(lowercase letters, digits, inner hyphens, each at most {limits.DNS_LABEL_MAX}), "
            f"at most {limits.HOSTNAME_MAX} characters in all",
            path=("mesh", "namespace"),
        )


def check_service_names(topology: Topology) -> Iterator[Problem]:
    """Colors and routers become `<name>.<namespace>`; the gateway's name is a DNS label too."""
    services = [("colors", name) for name in topology.colors] + [("routers", name) for name in topology.routers]
    for section, name in services:
        yield from _dns_label_problems(name, topology.mesh.namespace, (section, name))
    if topology.gateway and not limits.DNS_LABEL.fullmatch(topology.gateway.name):
        yield Problem(
            f"invalid gateway name {topology.gateway.name!r}; allowed: {limits.DNS_LABEL_RULE}",
            path=("gateway", "name"),
        )


def _dns_label_problems(name: str, namespace: str, path: tuple) -> Iterator[Problem]:
    if not limits.DNS_LABEL.fullmatch(name):
        yield Problem(f"invalid name {name!r}; allowed: {limits.DNS_LABEL_RULE}", path=path, on_key=True)
    elif len(f"{name}.{namespace}") > limits.HOSTNAME_MAX:
        yield Problem(
            f"{name}.{namespace} is {len(name) + 1 + len(namespace)} characters; "
            f"a DNS name may have at most {limits.HOSTNAME_MAX}",
            path=path,
            on_key=True,
        )


def check_route_names(topology: Topology) -> Iterator[Problem]:
    """Route and gateway-route names become App Mesh resource names."""
    paths = [("routers", router, "routes", route) for router, spec in topology.routers.items() for route in spec.routes]
    if topology.gateway:
        paths += [("gateway", "routes", route) for route in topology.gateway.routes]
    for path in paths:
        if not limits.RESOURCE_NAME.fullmatch(path[-1]):
            yield Problem(
                f"invalid route name {path[-1]!r}; allowed: 1-{limits.RESOURCE_NAME_MAX} {limits.RESOURCE_NAME_CHARS}",
                path=path,
                on_key=True,
            )


def check_shared_name_space(topology: Topology) -> Iterator[Problem]:
    for name in topology.routers:
        if name in topology.colors:
            yield Problem(
                f"{name!r} is already a color; colors and routers share one name space "
                f"(each becomes {name}.{topology.mesh.namespace}); rename one",
                path=("routers", name),
                on_key=True,
            )
    gateway = topology.gateway
    if gateway and gateway.name in topology.colors:
        yield Problem(
            f"{gateway.name!r} is already a color; the gateway and the colors share one name space "
            "(ECS services, task families and IAM roles are named after them); rename one",
            path=("gateway", "name"),
        )


# --- references -------------------------------------------------------------------------------


def _known_services(topology: Topology) -> set[str]:
    return set(topology.colors) | set(topology.routers)


def check_backends(topology: Topology) -> Iterator[Problem]:
    for name, color in topology.colors.items():
        known = _known_services(topology) - {name}
        seen: set[str] = set()
        for index, backend in enumerate(color.backends):
            path = ("colors", name, "backends", index)
            if backend == name:
                yield Problem(f"a color cannot be its own backend; list the services it calls (known: {_listing(known)})", path=path)
            elif backend not in known:
                yield Problem(f"unknown service {backend!r} (known: {_listing(known)})", path=path)
            elif backend in seen:
                yield Problem(f"{backend!r} is listed twice; list each backend once", path=path)
            seen.add(backend)


def check_route_targets(topology: Topology) -> Iterator[Problem]:
    """Route targets are colors (a router spreads calls over tasks, never over other routers)."""
    for router_name, router in topology.routers.items():
        for route_name, route in router.routes.items():
            for target in route.targets:
                path = ("routers", router_name, "routes", route_name, "targets", target)
                if target in topology.routers:
                    message = f"{target!r} is a router; route targets must be colors (known: {_listing(topology.colors)})"
                    yield Problem(message, path=path, on_key=True)
                elif target not in topology.colors:
                    message = f"unknown color {target!r} (known: {_listing(topology.colors)})"
                    yield Problem(message, path=path, on_key=True)


def check_gateway_targets(topology: Topology) -> Iterator[Problem]:
    if not topology.gateway:
        return
    known = _known_services(topology)
    for name, route in topology.gateway.routes.items():
        if route.target not in known:
            yield Problem(
                f"unknown service {route.target!r} (known: {_listing(known)})",
                path=("gateway", "routes", name, "target"),
            )


# --- routers ----------------------------------------------------------------------------------


def check_routers_have_routes(topology: Topology) -> Iterator[Problem]:
    for name, router in topology.routers.items():
        if not router.routes:
            yield Problem("router has no routes; give it at least one route or remove it", path=("routers", name), on_key=True)


def check_router_protocols(topology: Topology) -> Iterator[Problem]:
    """App Mesh cannot mix protocols in a router, and a mismatch only fails at runtime, silently."""
    for router_name, router in topology.routers.items():
        for route_name, route in router.routes.items():
            path = ("routers", router_name, "routes", route_name)
            if route.protocol is not None and route.protocol != router.protocol:
                yield Problem(
                    f"route protocol {route.protocol!r} differs from the router's {router.protocol!r}; "
                    f"a router cannot mix protocols (use {router.protocol!r} or leave it out)",
                    path=path + ("protocol",),
                )
            yield from _target_protocol_problems(topology, router.protocol, route.targets, path + ("targets",))


def _target_protocol_problems(topology: Topology, protocol: str, targets: Iterable[str], path: tuple) -> Iterator[Problem]:
    for target in targets:
        color: Color | None = topology.colors.get(target)
        if color is None or color.is_worker:  # a worker target: worker_checks
            continue
        speaking = [listener for listener in color.listeners if listener.protocol == protocol]
        if not speaking and len(color.listeners) == 1:
            yield Problem(
                f"color {target!r} listens on {color.listeners[0].protocol} but the router on {protocol}; "
                "a router's targets must all speak the router's protocol",
                path=path + (target,),
                on_key=True,
            )
        elif len(speaking) != 1:
            yield Problem(
                f"color {target!r} has {len(speaking)} {protocol} listeners ({listener_protocols(color.listeners)}); "
                f"a router's target needs exactly one listener speaking the router's protocol",
                path=path + (target,),
                on_key=True,
            )


def check_route_weights(topology: Topology) -> Iterator[Problem]:
    for router_name, router in topology.routers.items():
        for route_name, route in router.routes.items():
            path = ("routers", router_name, "routes", route_name, "targets")
            if not route.targets:
                yield Problem("no targets; a route needs at least one target color", path=path)
            elif not any(weight > 0 for weight in route.targets.values()):
                yield Problem("every weight is 0; at least one target needs a positive weight", path=path)


def check_route_priorities(topology: Topology) -> Iterator[Problem]:
    """Unique within their router or gateway: the order routes are tried in must be one order."""
    for router_name, router in topology.routers.items():
        priorities = {name: route.priority for name, route in router.routes.items()}
        yield from _duplicate_priorities(priorities, ("routers", router_name, "routes"), f"router {router_name!r}")
    if topology.gateway:
        priorities = {name: route.priority for name, route in topology.gateway.routes.items()}
        yield from _duplicate_priorities(priorities, ("gateway", "routes"), "the gateway")


def _duplicate_priorities(priorities: dict[str, int | None], path: tuple, owner: str) -> Iterator[Problem]:
    first_with: dict[int, str] = {}
    for name, priority in priorities.items():
        if priority is None:
            continue
        if priority in first_with:
            yield Problem(
                f"priority {priority} is already used by route {first_with[priority]!r}; "
                f"priorities must be unique within {owner}",
                path=path + (name, "priority"),
            )
        else:
            first_with[priority] = name


def check_route_prefixes(topology: Topology) -> Iterator[Problem]:
    for router_name, router in topology.routers.items():
        for route_name, route in router.routes.items():
            if route.match.prefix is not None and not route.match.prefix.startswith("/"):
                yield Problem(
                    f"prefix {route.match.prefix!r} does not start with '/'; prefixes are URL paths like /api",
                    path=("routers", router_name, "routes", route_name, "match", "prefix"),
                )


# --- gateway ----------------------------------------------------------------------------------


def check_gateway_prefixes(topology: Topology) -> Iterator[Problem]:
    if not topology.gateway:
        return
    first_with: dict[str, str] = {}
    for name, route in topology.gateway.routes.items():
        # A grpc gateway route matches on service_name; route_checks reports a prefix on it as misplaced.
        prefix = route.match.prefix if topology.gateway.protocol_of(route) != "grpc" else None
        path = ("gateway", "routes", name, "match", "prefix")
        same_match = route.match.model_dump_json()
        if prefix is None:
            if same_match in first_with:
                yield Problem(
                    f"the same match is already used by gateway route {first_with[same_match]!r}; "
                    "each gateway route needs its own match",
                    path=path[:-1],
                )
            first_with.setdefault(same_match, name)
            continue
        if not prefix.startswith("/"):
            yield Problem(f"prefix {prefix!r} does not start with '/'; prefixes are URL paths like /api", path=path)
        elif same_match in first_with:
            yield Problem(
                f"prefix {prefix!r} is already matched by gateway route {first_with[same_match]!r}; "
                "each gateway route needs its own match",
                path=path,
            )
        first_with.setdefault(same_match, name)


# --- tasks and listeners ----------------------------------------------------------------------


# --- warnings ---------------------------------------------------------------------------------


def warn_unreachable_colors(topology: Topology) -> Iterator[Problem]:
    for name in MeshGraph(topology).unreachable_colors:
        yield Problem(
            "nothing calls this color: no color has it (or a router in front of it) as a backend "
            "and no gateway route leads to it; it will run but receive no calls",
            path=("colors", name),
            severity="warning",
            on_key=True,
        )


ERROR_CHECKS: tuple[Check, ...] = (
    check_mesh_names,
    check_service_names,
    check_route_names,
    check_shared_name_space,
    check_backends,
    check_route_targets,
    check_gateway_targets,
    check_routers_have_routes,
    check_router_protocols,
    check_route_weights,
    check_route_priorities,
    check_route_prefixes,
    check_gateway_prefixes,
    *LISTENER_CHECKS,
    *ROUTE_CHECKS,
    *GATEWAY_ROUTE_CHECKS,
    *TLS_CHECKS,
    *CONTAINER_CHECKS,
    *WORKER_CHECKS,
    *EGRESS_CHECKS,
    *PUBLIC_ENTRY_CHECKS,
)
WARNING_CHECKS: tuple[Check, ...] = (warn_unreachable_colors, *CONTAINER_WARNINGS)
