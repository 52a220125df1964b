"""Workers: colors written with `listeners: []`. They serve nothing (no listener, no name in the
namespace, no ingress), so nothing may name one as something to call."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import Problem
from .model import Topology


def _called_worker(name: str) -> str:
    return (f"{name!r} is a worker (listeners: []) and serves nothing, so nothing can call it; "
            "call a color with listeners, or give it listeners")


def check_backends_are_not_workers(topology: Topology) -> Iterator[Problem]:
    for name, color in topology.colors.items():
        for index, backend in enumerate(color.backends):
            if backend in topology.colors and topology.colors[backend].is_worker:
                yield Problem(_called_worker(backend), path=("colors", name, "backends", index))


def check_route_targets_are_not_workers(topology: Topology) -> Iterator[Problem]:
    for router_name, router in topology.routers.items():
        for route_name, route in router.routes.items():
            for target in route.targets:
                if target in topology.colors and topology.colors[target].is_worker:
                    yield Problem(_called_worker(target), on_key=True,
                                  path=("routers", router_name, "routes", route_name, "targets", target))
    gateway = topology.gateway
    for route_name, route in (gateway.routes.items() if gateway else ()):
        if route.target in topology.colors and topology.colors[route.target].is_worker:
            yield Problem(_called_worker(route.target), path=("gateway", "routes", route_name, "target"))


WORKER_CHECKS = (check_backends_are_not_workers, check_route_targets_are_not_workers)
