"""What a color's health check probes with: the model's rule, which the ALB and VPC Lattice both depend on
(each probes over HTTP only)."""

from __future__ import annotations

from ..topology.listeners import Listener


def probe_protocol(listener: Listener) -> str:
    """The health check's protocol; by default the listener's, and tcp for http and http2 without a path."""
    check = listener.health_check
    if check.protocol is not None:
        return check.protocol
    return "tcp" if listener.protocol in ("http", "http2") and check.path is None else listener.protocol
