"""App Mesh health-check policies for color and gateway listeners: only the ones the topology configures."""

from __future__ import annotations

from typing import Optional, Union

from ..topology.limits import HTTP_PROTOCOLS
from ..topology.listeners import GatewayListener, Listener
from .spec_dicts import compact


def health_check_spec(listener: Union[Listener, GatewayListener]) -> Optional[dict]:
    """The listener's configured probe, on its own port; None without one (App Mesh then probes nothing).

    The probe speaks the check's protocol, else the listener's; an http/http2 probe needs a path, so a
    color's http listener checked without one is probed over tcp (a gateway's must give a path: checks).
    """
    check = listener.health_check
    if check is None:
        return None
    probe = check.protocol or listener.protocol
    probe_path = check.path if probe in HTTP_PROTOCOLS else None
    if check.protocol is None and not probe_path and listener.protocol != "grpc":
        probe = "tcp"
    return compact(
        protocol=probe,
        path=probe_path,
        port=listener.port,
        healthy_threshold=check.healthy_threshold,
        unhealthy_threshold=check.unhealthy_threshold,
        interval_millis=check.interval_seconds * 1000,
        timeout_millis=check.timeout_seconds * 1000,
    )
