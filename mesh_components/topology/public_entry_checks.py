"""Checks of what the internet reaches: each gateway listener's load-balancer port (`public_port`,
else its own port) is one port, and `public_tls` names an ACM certificate."""

from __future__ import annotations

from collections.abc import Iterator

from . import limits
from .check_support import gateway_listeners
from .errors import Problem, format_doc_path
from .model import Topology


def check_public_ports(topology: Topology) -> Iterator[Problem]:
    """Two listeners on one port are listener_checks' to report; here, a public_port taking a port already used."""
    first_with: dict[int, tuple[tuple, bool]] = {}
    for path, listener in gateway_listeners(topology):
        port, public = listener.reached_on, listener.public_port is not None
        if port in first_with and (public or first_with[port][1]):
            yield Problem(f"the load balancer already listens on {port} for {format_doc_path(first_with[port][0])}; "
                          "give each listener its own public_port", path=path + (("public_port",) if public else ("port",)))
        first_with.setdefault(port, (path, public))


def check_public_tls(topology: Topology) -> Iterator[Problem]:
    for path, listener in gateway_listeners(topology):
        if listener.public_tls and not limits.ACM_CERTIFICATE_ARN.fullmatch(listener.public_tls.certificate):
            yield Problem(f"invalid ACM certificate ARN {listener.public_tls.certificate!r}; "
                          f"expected {limits.ACM_CERTIFICATE_ARN_SHAPE}", path=path + ("public_tls", "certificate"))


PUBLIC_ENTRY_CHECKS = (check_public_ports, check_public_tls)
