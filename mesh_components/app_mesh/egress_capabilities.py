"""What App Mesh cannot honour of `egress` and of the gateway's public side.

A host is reached through Envoy (DROP_ALL kept): an external virtual node found by DNS behind a virtual
service named after the host (virtual_node.external_node_spec). A cidr is reached around Envoy: the
proxy configuration's EgressIgnoredIPs takes it, and the color's security group alone limits it to its
port. A prefix list cannot be reached around Envoy: EgressIgnoredIPs takes addresses, not a list id, and
resolving the list's entries at deploy time would freeze entries AWS changes without a redeploy.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..topology.check_support import gateway_listeners
from ..topology.errors import Problem
from ..topology.graph import MeshGraph
from ..topology.model import Topology


def check_prefix_lists(topology: Topology) -> Iterator[Problem]:
    for name, color in topology.colors.items():
        for index, entry in enumerate(color.egress):
            if entry.prefix_list is not None:
                yield Problem("a prefix list cannot be reached around Envoy: the proxy configuration's "
                              "EgressIgnoredIPs takes addresses, not a prefix list id, and the list's entries change "
                              "without a redeploy; write its networks as cidr entries, or reach the destination by host",
                              path=("colors", name, "egress", index, "prefix_list"))


def check_tcp_destinations_per_port(topology: Topology) -> Iterator[Problem]:
    """Envoy tells tcp destinations on one port apart by nothing (no Host header, no SNI it reads), so one
    color reaches at most one tcp destination through Envoy per port: its tcp hosts and tcp backends."""
    graph = MeshGraph(topology)
    for name, color in topology.colors.items():
        taken = {port: f"backend {backend!r}" for backend in color.backends if backend in graph.services
                 for protocol, port in graph.listeners_of(backend) if protocol == "tcp"}
        for index, entry in enumerate(color.egress):
            if entry.host is None or entry.protocol != "tcp":
                continue
            if entry.port in taken:
                yield Problem(f"{taken[entry.port]} is already reached on tcp/{entry.port}, and Envoy cannot tell two "
                              "tcp destinations on one port apart; reach this host on another port, or with a protocol "
                              "Envoy reads (http, http2, grpc)", path=("colors", name, "egress", index, "host"))
            taken.setdefault(entry.port, f"host {entry.host!r}")


def check_external_host_protocols(topology: Topology) -> Iterator[Problem]:
    """One external virtual node per host, with one listener per port: every color reaches a host's port with
    the same protocol."""
    first: dict[tuple[str, int], tuple[str, str]] = {}
    for name, color in topology.colors.items():
        for index, entry in enumerate(color.egress):
            if entry.host is None:
                continue
            key = (entry.host, entry.port)
            if key in first and first[key][0] != entry.protocol:
                protocol, where = first[key]
                yield Problem(f"{entry} is reached as {protocol} by {where}; App Mesh models the host as one virtual "
                              "node with one protocol per port; use the same protocol",
                              path=("colors", name, "egress", index, "protocol"))
            first.setdefault(key, (entry.protocol, f"colors.{name}.egress[{index}]"))


def check_hosts_under_required_tls(topology: Topology) -> Iterator[Problem]:
    """`mesh.tls: required` promises TLS-enforced calls, and the policy pack's mesh-tls-required holds every virtual
    node to it; an external host's node has no mesh TLS (its certificate comes from a public CA App Mesh cannot
    trust here: file trust is refused), so it is refused now rather than by the pack at deploy time."""
    if topology.mesh.tls != "required":
        return
    for name, color in topology.colors.items():
        for index, entry in enumerate(color.egress):
            if entry.host is not None:
                yield Problem(f"{entry.host} would be called through Envoy without mesh TLS, and mesh.tls is required "
                              "(the policy pack refuses such a call); reach it by cidr (around Envoy, the application's "
                              "own TLS), or set mesh.tls: optional", path=("colors", name, "egress", index, "host"))


def check_public_tls_with_listener_tls(topology: Topology) -> Iterator[Problem]:
    for path, listener in gateway_listeners(topology):
        if listener.public_tls and listener.tls:
            yield Problem("public_tls and tls both terminate TLS: the network load balancer would decrypt and pass "
                          "plain bytes to an Envoy expecting TLS; keep tls (Envoy terminates, the balancer passes TCP "
                          "through) or public_tls (the balancer terminates)", path=path + ("public_tls",), on_key=True)


EGRESS_CAPABILITY_CHECKS = (check_prefix_lists, check_tcp_destinations_per_port, check_external_host_protocols,
                            check_hosts_under_required_tls, check_public_tls_with_listener_tls)
