"""A listener: a port and protocol a color (or the gateway) serves, with its health check,
resilience settings and TLS.

A color with one listener writes it inline (`port`, `protocol`, `health_check`, ... on the color);
a color with several lists them under `listeners`. Loading normalises both into `Color.listeners`
(an inline listener is `listeners[0]`); the gateway works the same way with `GatewayListener`.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field, StrictInt

from .resilience import ConnectionPool, OutlierDetection, Timeouts
from .spec import NonEmptyStr, Port, Spec
from .tls import ListenerTls

PositiveInt = Annotated[StrictInt, Field(ge=1)]
Protocol = Literal["http", "http2", "grpc", "tcp"]
GatewayProtocol = Literal["http", "http2", "grpc"]


class HealthCheck(Spec):
    protocol: Optional[Protocol] = Field(
        default=None, description="Probe protocol; defaults to the listener's (for a color, tcp for http without a path).")
    path: Optional[NonEmptyStr] = Field(default=None, description="HTTP path probed; omit for tcp services.")
    # Positive here; each target's capability checks hold the ranges its prober takes.
    healthy_threshold: PositiveInt = 2
    unhealthy_threshold: PositiveInt = 2
    interval_seconds: PositiveInt = 5
    timeout_seconds: PositiveInt = 2


class ListenerFields(Spec):
    """A color's listener keys. A color inherits them for its inline listener, whose port defaults to 80."""

    port: Port = 80
    protocol: Protocol = "http"
    health_check: Optional[HealthCheck] = None
    timeouts: Optional[Timeouts] = None
    outlier_detection: Optional[OutlierDetection] = None
    connection_pool: Optional[ConnectionPool] = None
    tls: Optional[ListenerTls] = None


class Listener(ListenerFields):
    """A listed listener: it names its port."""

    port: Port


class PublicTls(Spec):
    """TLS the load balancer terminates in front of a gateway listener."""

    certificate: NonEmptyStr = Field(description="ACM certificate ARN the load balancer serves.")


class GatewayListenerFields(Spec):
    """The gateway's listener keys, inherited by the gateway for its inline listener (port defaults to 80)."""

    port: Port = 80
    protocol: GatewayProtocol = "http"
    health_check: Optional[HealthCheck] = Field(
        default=None, description="Probe of the gateway's own listener (its routes decide what answers); needs a path over http/http2.")
    tls: Optional[ListenerTls] = None
    public_port: Optional[Port] = Field(
        default=None, description="The load balancer's port for this listener, when it differs from port.")
    public_tls: Optional[PublicTls] = Field(
        default=None, description="Terminate TLS at the load balancer with this ACM certificate.")

    @property
    def reached_on(self) -> int:
        """The port the internet reaches this listener on (the load balancer's)."""
        return self.public_port or self.port


class GatewayListener(GatewayListenerFields):
    port: Port


# The keys a color (or the gateway) may write inline for its single listener.
INLINE_LISTENER_KEYS = tuple(ListenerFields.model_fields)
INLINE_GATEWAY_LISTENER_KEYS = tuple(GatewayListenerFields.model_fields)
