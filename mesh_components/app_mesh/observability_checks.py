"""Checks of access logs and the metrics sidecar's scrape port."""

from __future__ import annotations

from collections.abc import Iterator

from . import limits
from ..topology.check_support import all_color_listeners, gateway_listeners
from ..topology.errors import Problem
from ..topology.model import Topology
from ..topology.observability import AccessLog


def _access_logs(topology: Topology) -> Iterator[tuple[tuple, AccessLog]]:
    for name, color in topology.colors.items():
        yield ("colors", name, "access_log"), color.access_log
    if topology.gateway:
        yield ("gateway", "access_log"), topology.gateway.access_log


def check_access_logs(topology: Topology) -> Iterator[Problem]:
    for path, log in _access_logs(topology):
        if log.text_format is not None and log.json_format is not None:
            yield Problem("an access log has one format: text_format or json_format, not both",
                          path=path + ("json_format",), on_key=True)
        if log.json_format is not None and not log.json_format:
            yield Problem("json_format has no fields; name at least one, e.g. {status: '%RESPONSE_CODE%'}",
                          path=path + ("json_format",))
        if log.text_format is not None and len(log.text_format) > limits.ACCESS_LOG_TEXT_MAX:
            yield Problem(f"text_format is {len(log.text_format)} characters; allowed: 1-{limits.ACCESS_LOG_TEXT_MAX}",
                          path=path + ("text_format",))
        for key, value in (log.json_format or {}).items():
            if len(key) > limits.ACCESS_LOG_JSON_PART_MAX or not 1 <= len(value) <= limits.ACCESS_LOG_JSON_PART_MAX:
                yield Problem(f"field {key[:40]!r}: names and values have 1-{limits.ACCESS_LOG_JSON_PART_MAX} "
                              f"characters (here {len(key)} and {len(value)})", path=path + ("json_format", key))
        if not log.path.startswith("/"):
            yield Problem(f"path {log.path!r} is not absolute; write it like /dev/stdout", path=path + ("path",))


def check_scrape_port(topology: Topology) -> Iterator[Problem]:
    metrics = topology.mesh.observability.metrics
    if metrics is None:
        return
    port, path = metrics.scrape_port, ("mesh", "observability", "metrics", "scrape_port")
    if port in limits.PROXY_PORTS:
        yield Problem(f"port {port} is {limits.PROXY_PORTS[port]}; scrape Envoy's admin port (9901) or another free port",
                      path=path)
        return
    app_ports = {listener.port: name for name, _, listener in all_color_listeners(topology)}
    for _, listener in gateway_listeners(topology):
        app_ports.setdefault(listener.port, f"gateway {topology.gateway.name}")
    if port in app_ports:
        yield Problem(f"port {port} is a listener of {app_ports[port]!r}; the scrape port must be free in every task",
                      path=path)


OBSERVABILITY_CHECKS = (check_access_logs, check_scrape_port)
