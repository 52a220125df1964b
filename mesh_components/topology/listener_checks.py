"""Checks of listeners: inline or listed (not both), distinct ports, and per-protocol settings
(health-check probes, timeouts, connection pools) that only fit some protocols."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

from . import limits
from .check_support import a_, all_color_listeners, gateway_listeners
from .errors import Problem
from .listeners import GatewayProtocol, Listener
from .model import Topology

_POOL_KEYS = {
    "http": ("max_connections", "max_pending_requests"),
    "http2": ("max_requests",),
    "grpc": ("max_requests",),
    "tcp": ("max_connections",),
}
GATEWAY_PROBE_PROTOCOLS = get_args(GatewayProtocol)
_POOL_REQUIRED = {"http": "max_connections", "http2": "max_requests", "grpc": "max_requests", "tcp": "max_connections"}


def check_listener_layout(topology: Topology) -> Iterator[Problem]:
    """A color (or the gateway) lists `listeners` or writes one inline; listed ports are distinct."""
    owners = [(("colors", name), "the color", color) for name, color in topology.colors.items()]
    if topology.gateway:
        owners.append((("gateway",), "the gateway", topology.gateway))
    for owner_path, owner, spec in owners:
        if spec.written_listeners is not None:
            yield from _layout_problems(owner_path, owner, spec)


def _layout_problems(owner_path: tuple, owner: str, spec) -> Iterator[Problem]:
    path = owner_path + ("listeners",)
    inline = spec.inline_listener_keys_given
    worker = not spec.listed and spec.EMPTY_LIST_SERVES_NOTHING
    if inline and worker:
        yield Problem(
            f"{inline[0]!r} is written on a worker (listeners: [] serves nothing); "
            f"remove {', '.join(inline)}, or list the listeners it serves",
            path=owner_path + (inline[0],), on_key=True)
    elif inline:
        yield Problem(
            f"{inline[0]!r} is written on {owner} and it also has listeners; "
            f"with listeners, put {', '.join(inline)} on each listener",
            path=owner_path + (inline[0],), on_key=True)
    if not spec.listed and not worker:
        yield Problem("listeners is empty; list at least one, or leave the key out and write port inline", path=path)
    first_with: dict[int, int] = {}
    for index, listener in enumerate(spec.written_listeners):
        if listener.port in first_with:
            yield Problem(
                f"port {listener.port} is already used by listener {first_with[listener.port]}; "
                "each listener needs its own port",
                path=path + (index, "port"))
        first_with.setdefault(listener.port, index)


def check_health_checks(topology: Topology) -> Iterator[Problem]:
    """A path is probed only over http/http2; an http/http2 probe needs one. A gateway probes over its
    own protocols (no tcp), so an http/http2 gateway check always needs a path."""
    listeners = [(path, listener, "color") for _, path, listener in all_color_listeners(topology)]
    listeners += [(path, listener, "gateway") for path, listener in gateway_listeners(topology)]
    for path, listener, owner in listeners:
        check = listener.health_check
        if check is None:
            continue
        where = path + ("health_check",)
        probe = check.protocol or listener.protocol
        if owner == "gateway" and probe not in GATEWAY_PROBE_PROTOCOLS:
            allowed = f"{', '.join(GATEWAY_PROBE_PROTOCOLS[:-1])} or {GATEWAY_PROBE_PROTOCOLS[-1]}"
            yield Problem(f"a gateway is probed over {allowed}, not {probe} (virtual gateways have no tcp listener)",
                          path=where + ("protocol",))
        elif check.path is not None:
            if probe not in limits.HTTP_PROTOCOLS:
                yield Problem(
                    f"a {probe} service is probed without a path; "
                    f"health_check.path is for {' and '.join(limits.HTTP_PROTOCOLS)} services (remove it)",
                    path=where + ("path",))
            elif not check.path.startswith("/"):
                yield Problem(f"path {check.path!r} does not start with '/'; write it like /healthcheck",
                              path=where + ("path",))
        elif check.protocol in limits.HTTP_PROTOCOLS:
            yield Problem(f"{a_(check.protocol)} health check needs a path; add health_check.path, e.g. /healthcheck",
                          path=where + ("protocol",))
        elif owner == "gateway" and probe in limits.HTTP_PROTOCOLS:
            yield Problem(f"{a_(probe)} gateway listener is probed over {probe} and needs a path; "
                          "add health_check.path, e.g. /healthcheck (a path the gateway routes)", path=where)


def check_listener_timeouts(topology: Topology) -> Iterator[Problem]:
    for _, path, listener in all_color_listeners(topology):
        if listener.timeouts and listener.protocol == "tcp" and listener.timeouts.per_request_ms is not None:
            yield Problem("a tcp listener has no requests; tcp takes only idle_ms",
                          path=path + ("timeouts", "per_request_ms"))


def check_connection_pools(topology: Topology) -> Iterator[Problem]:
    for _, path, listener in all_color_listeners(topology):
        pool = listener.connection_pool
        if pool is None:
            continue
        allowed = _POOL_KEYS[listener.protocol]
        for key in pool.given("max_connections", "max_pending_requests", "max_requests"):
            if key not in allowed:
                yield Problem(
                    f"{key} does not apply to {a_(listener.protocol)} listener; allowed: {', '.join(allowed)}",
                    path=path + ("connection_pool", key))
        required = _POOL_REQUIRED[listener.protocol]
        if getattr(pool, required) is None:
            yield Problem(f"{a_(listener.protocol)} connection pool needs {required}", path=path + ("connection_pool",))


def listener_protocols(listeners: tuple[Listener, ...]) -> str:
    return ", ".join(f"{listener.protocol}:{listener.port}" for listener in listeners)


LISTENER_CHECKS = (check_listener_layout, check_health_checks, check_listener_timeouts, check_connection_pools)
