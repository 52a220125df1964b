"""What App Mesh on ECS cannot honour: its limits (health-check ranges among them), Envoy's own ports and names, the TLS material a task can
get, and Fargate's task sizes. Run with the topology's checks, through the loader (`targets.py`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..aws.fargate import check_fargate_sizes
from ..topology.check_support import all_color_listeners, gateway_listeners, health_check_out_of_bounds
from ..topology.errors import Problem
from ..topology.model import Topology
from . import limits
from .envoy_checks import check_envoy_images
from .egress_capabilities import EGRESS_CAPABILITY_CHECKS
from .observability_checks import OBSERVABILITY_CHECKS
from .tls_material_checks import check_tls_material_sources


def check_weighted_targets(topology: Topology) -> Iterator[Problem]:
    for router_name, router in topology.routers.items():
        for route_name, route in router.routes.items():
            path = ("routers", router_name, "routes", route_name, "targets")
            count, total = len(route.targets), sum(route.targets.values())
            if count > limits.WEIGHTED_TARGETS_MAX:
                yield Problem(f"{count} targets; a route has 1-{limits.WEIGHTED_TARGETS_MAX} targets", path=path)
            elif total > limits.ROUTE_WEIGHT_TOTAL_MAX:
                yield Problem(
                    f"weights total {total}; App Mesh allows at most {limits.ROUTE_WEIGHT_TOTAL_MAX} per route "
                    "(weights are relative: 4 and 1 split like 80 and 20)", path=path)


def check_route_ranks(topology: Topology) -> Iterator[Problem]:
    """Few enough routes to be sent as ranks 1..1000 (graph.py compiles the order into them)."""
    for router_name, router in topology.routers.items():
        ranked = sum(route.priority is not None for route in router.routes.values())
        if ranked > limits.PRIORITY_MAX:
            yield Problem(f"{ranked} routes with a priority; they reach App Mesh as ranks 1-{limits.PRIORITY_MAX}, "
                          f"so at most {limits.PRIORITY_MAX} routes of a router can have one",
                          path=("routers", router_name, "routes"))
    routes = len(topology.gateway.routes) if topology.gateway else 0
    if routes > limits.PRIORITY_MAX:
        yield Problem(f"{routes} gateway routes; each reaches App Mesh with a priority from 1 to "
                      f"{limits.PRIORITY_MAX} in the order they are tried, so a gateway has at most "
                      f"{limits.PRIORITY_MAX} routes", path=("gateway", "routes"))


def check_reserved_gateway_paths(topology: Topology) -> Iterator[Problem]:
    if not topology.gateway:
        return
    reserved = " and ".join(limits.RESERVED_GATEWAY_PREFIXES)
    for name, route in topology.gateway.routes.items():
        if topology.gateway.protocol_of(route) == "grpc":
            continue
        where = ("gateway", "routes", name, "match")
        prefix, exact = route.match.prefix, route.match.path.exact if route.match.path else None
        if prefix is not None and prefix.startswith(limits.RESERVED_GATEWAY_PREFIXES):
            yield Problem(f"prefix {prefix!r} is reserved; virtual gateways keep {reserved} for themselves",
                          path=where + ("prefix",))
        if exact is not None and exact.startswith(limits.RESERVED_GATEWAY_PREFIXES):
            yield Problem(f"path {exact!r} is reserved; virtual gateways keep {reserved} for themselves",
                          path=where + ("path", "exact"))


def check_envoy_ports(topology: Topology) -> Iterator[Problem]:
    listeners = [(path + ("port",), listener.port) for _, path, listener in all_color_listeners(topology)]
    listeners += [(("routers", name, "port"), router.port) for name, router in topology.routers.items()]
    listeners += [(path + ("port",), listener.port) for path, listener in gateway_listeners(topology)]
    reserved = ", ".join(str(port) for port in sorted(limits.ENVOY_PORTS))
    for path, port in listeners:
        if port in limits.ENVOY_PORTS:
            yield Problem(
                f"port {port} is {limits.ENVOY_PORTS[port]}; allowed: 1-65535 except {reserved}",
                path=path,
            )


def check_health_check_ranges(topology: Topology) -> Iterator[Problem]:
    listeners = [(path, listener) for _, path, listener in all_color_listeners(topology)]
    listeners += list(gateway_listeners(topology))
    for path, listener in listeners:
        if listener.health_check is not None:
            yield from health_check_out_of_bounds(listener.health_check, limits.HEALTH_CHECK_BOUNDS, path, "App Mesh")


def check_router_auth(topology: Topology) -> Iterator[Problem]:
    """`auth: iam` asks that only the callers' task roles, with signed requests, reach the router. App Mesh
    authorizes no request: refused rather than deployed without it."""
    for name, router in topology.routers.items():
        if router.auth is not None:
            yield Problem(f"auth: {router.auth} cannot be honoured: App Mesh does not authorize requests by their "
                          "caller's IAM identity (on target service-connect it becomes a VPC Lattice auth policy); "
                          "remove auth (backends and security groups still limit who calls the router), or deploy "
                          "with target service-connect", path=("routers", name, "auth"))


def check_container_names(topology: Topology) -> Iterator[Problem]:
    """A color's app container is named after the color; the sidecars' names are taken."""
    for name in topology.colors:
        if name in limits.RESERVED_CONTAINER_NAMES:
            taken = ", ".join(sorted(limits.RESERVED_CONTAINER_NAMES))
            yield Problem(
                f"a color cannot be called {name!r}: its app container would share that name with "
                f"{limits.RESERVED_CONTAINER_NAMES[name]} in the same task; rename it (taken: {taken})",
                path=("colors", name),
                on_key=True,
            )


CAPABILITY_CHECKS = (
    check_weighted_targets,
    check_route_ranks,
    check_reserved_gateway_paths,
    check_envoy_ports,
    check_health_check_ranges,
    check_container_names,
    check_router_auth,
    check_tls_material_sources,
    check_fargate_sizes,
    check_envoy_images,
    *OBSERVABILITY_CHECKS,
    *EGRESS_CAPABILITY_CHECKS,
)
