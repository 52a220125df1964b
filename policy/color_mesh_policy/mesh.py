"""App Mesh resources: the mesh's egress filter, and advisory hygiene on nodes, gateways and routes."""

from __future__ import annotations

from typing import Iterable

from pulumi_policy import EnforcementLevel

from .egress_destinations import stands_for_external_host  # no Envoy of its own: nothing of it logs, probes or serves TLS
from .mesh_edges import ROUTE, VIRTUAL_NODE
from .reading import PolicySpec, Settings, Subject, is_unknown, resource_policy

MESH = "aws:appmesh/mesh:Mesh"
VIRTUAL_GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway"

EGRESS_DROP_ALL = PolicySpec(
    "mesh-egress-drop-all",
    "Every App Mesh mesh sets its egress filter to DROP_ALL explicitly.",
)


def _check_egress(subject: Subject, settings: Settings) -> Iterable[str]:
    egress = subject.props.get("spec", "egressFilter", "type")
    if is_unknown(egress):
        return
    if egress != "DROP_ALL":
        found = "no egress filter (the default may change and says nothing in review)" if egress is None else f"egress filter {egress}"
        yield subject.violation(
            f"has {found}, so services may call anything outside the mesh",
            'set spec.egressFilter.type = "DROP_ALL"',
        )


def _listener_indexes(subject: Subject) -> list[int]:
    listeners = subject.props.items("spec", "listeners")
    return list(range(len(listeners))) if isinstance(listeners, list) and not stands_for_external_host(subject) else []



ACCESS_LOGS = PolicySpec(
    "mesh-access-logs",
    "Virtual nodes and gateways write Envoy access logs.",
    level=EnforcementLevel.ADVISORY,
)


def _check_access_logs(subject: Subject, settings: Settings) -> Iterable[str]:
    path = subject.props.get("spec", "logging", "accessLog", "file", "path")
    if path is None and not stands_for_external_host(subject):
        yield subject.violation("writes no access log", 'set spec.logging.accessLog.file.path = "/dev/stdout"')


HEALTH_CHECKS = PolicySpec(
    "mesh-listener-health-checks",
    "Every virtual node and gateway listener has a health check.",
    level=EnforcementLevel.ADVISORY,
)


def _check_health_checks(subject: Subject, settings: Settings) -> Iterable[str]:
    for index in _listener_indexes(subject):
        if subject.props.get("spec", "listeners", index, "healthCheck") is None:
            yield subject.violation(f"listener {index} has no health check", "add spec.listeners[].healthCheck")


LISTENER_TLS = PolicySpec(
    "mesh-listener-tls",
    "Virtual node and gateway listeners terminate TLS.",
    level=EnforcementLevel.ADVISORY,
)


def _check_tls(subject: Subject, settings: Settings) -> Iterable[str]:
    for index in _listener_indexes(subject):
        mode = subject.props.get("spec", "listeners", index, "tls", "mode")
        if mode is None or mode == "DISABLED":
            yield subject.violation(f"listener {index} serves without TLS", "add spec.listeners[].tls (mode STRICT)")


RETRY_POLICIES = PolicySpec(
    "mesh-route-retry-policy",
    "HTTP, HTTP/2 and gRPC routes have a retry policy.",
    level=EnforcementLevel.ADVISORY,
)


def _check_retries(subject: Subject, settings: Settings) -> Iterable[str]:
    for kind in ("httpRoute", "http2Route", "grpcRoute"):
        if subject.props.get("spec", kind) is not None and subject.props.get("spec", kind, "retryPolicy") is None:
            yield subject.violation(f"{kind} has no retry policy", f"add spec.{kind}.retryPolicy")


def policies() -> list:
    nodes_and_gateways = (VIRTUAL_NODE, VIRTUAL_GATEWAY)
    return [
        resource_policy(EGRESS_DROP_ALL, (MESH,), _check_egress),
        resource_policy(ACCESS_LOGS, nodes_and_gateways, _check_access_logs),
        resource_policy(HEALTH_CHECKS, nodes_and_gateways, _check_health_checks),
        resource_policy(LISTENER_TLS, nodes_and_gateways, _check_tls),
        resource_policy(RETRY_POLICIES, (ROUTE,), _check_retries),
    ]
