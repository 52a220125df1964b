"""App Mesh timeouts, outlier detection, connection pools and retry policies from the topology's."""

from __future__ import annotations

from typing import Optional

from ..topology.resilience import ConnectionPool, OutlierDetection, RetryPolicy, Timeouts
from .spec_dicts import compact, millis

# pulumi_aws spells the http, http2 and tcp connection-pool keys in the plural, each holding a one-item
# list (Terraform blocks); grpc's is a single object.
_POOL_KEY = {"http": "https", "http2": "http2s", "grpc": "grpc", "tcp": "tcps"}


def timeout_spec(protocol: str, timeouts: Optional[Timeouts]) -> Optional[dict]:
    """`{protocol: {per_request, idle}}` (tcp: idle only) — the shape listeners and routes share."""
    if timeouts is None:
        return None
    per_request = None if protocol == "tcp" else millis(timeouts.per_request_ms)
    inner = compact(per_request=per_request, idle=millis(timeouts.idle_ms))
    return {protocol: inner} if inner else None


def outlier_detection_spec(outliers: Optional[OutlierDetection]) -> Optional[dict]:
    if outliers is None:
        return None
    return {
        "max_server_errors": outliers.max_server_errors,
        "interval": millis(outliers.interval_ms),
        "base_ejection_duration": millis(outliers.base_ejection_ms),
        "max_ejection_percent": outliers.max_ejection_percent,
    }


def connection_pool_spec(protocol: str, pool: Optional[ConnectionPool]) -> Optional[dict]:
    if pool is None:
        return None
    limits = compact(max_connections=pool.max_connections, max_pending_requests=pool.max_pending_requests,
                     max_requests=pool.max_requests)
    return {_POOL_KEY[protocol]: limits if protocol == "grpc" else [limits]}


def retry_policy_spec(policy: Optional[RetryPolicy]) -> Optional[dict]:
    if policy is None:
        return None
    return compact(
        max_retries=policy.max_retries,
        per_retry_timeout=millis(policy.per_retry_timeout_ms),
        http_retry_events=list(policy.http_retry_events),
        tcp_retry_events=list(policy.tcp_retry_events),
        grpc_retry_events=list(policy.grpc_retry_events),
    )
