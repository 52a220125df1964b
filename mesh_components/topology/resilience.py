"""How a service copes with slow or failing peers: timeouts, outlier detection, connection pools, retries.

Which fields fit which protocol (e.g. tcp has only an idle timeout) is checked in
`listener_checks.py` and `route_checks.py`, against the owning listener's or router's protocol.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, StrictInt
from typing_extensions import Annotated

from .spec import Milliseconds, PositiveCount, Spec

HttpRetryEvent = Literal["server-error", "gateway-error", "client-error", "stream-error"]
TcpRetryEvent = Literal["connection-error"]
GrpcRetryEvent = Literal["cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable"]


class Timeouts(Spec):
    per_request_ms: Optional[Milliseconds] = Field(default=None, description="http, http2 and grpc only; App Mesh's default when left out.")
    idle_ms: Optional[Milliseconds] = Field(default=None, description="Close connections idle this long; App Mesh's default when left out.")


class OutlierDetection(Spec):
    """Eject a host after `max_server_errors` 5xx within `interval_ms`; all four fields together."""

    max_server_errors: PositiveCount
    interval_ms: Milliseconds
    base_ejection_ms: Milliseconds
    max_ejection_percent: Annotated[StrictInt, Field(ge=1, le=100)]


class ConnectionPool(Spec):
    max_connections: Optional[PositiveCount] = Field(default=None, description="http and tcp listeners (required there).")
    max_pending_requests: Optional[PositiveCount] = Field(default=None, description="http listeners only.")
    max_requests: Optional[PositiveCount] = Field(default=None, description="http2 and grpc listeners (required there).")


class RetryPolicy(Spec):
    max_retries: Annotated[StrictInt, Field(ge=0, le=1_000)]
    per_retry_timeout_ms: Milliseconds
    http_retry_events: tuple[HttpRetryEvent, ...] = ()
    tcp_retry_events: tuple[TcpRetryEvent, ...] = ()
    grpc_retry_events: tuple[GrpcRetryEvent, ...] = Field(default=(), description="grpc routes only.")
