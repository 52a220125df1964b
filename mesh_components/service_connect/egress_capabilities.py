"""What the service-connect target cannot honour of `egress` and of the gateway's public side.

Service Connect has no egress filter: a color's security group is all that limits what it reaches. A
cidr or prefix list becomes one egress rule on its port, exactly the destination. A host cannot: a
security group filters addresses, not names, so the rule would have to be the port to anywhere, and
any host on that port would be reachable. That would widen access in silence, so a host is refused.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..topology.check_support import gateway_listeners
from ..topology.errors import Problem
from ..topology.model import Topology
from .gateway_rules import TARGET
from .lattice_routers import called_routers


def check_egress_hosts(topology: Topology) -> Iterator[Problem]:
    for name, color in topology.colors.items():
        for index, entry in enumerate(color.egress):
            if entry.host is not None:
                yield Problem(f"{TARGET}: a host cannot be enforced: security groups filter addresses, not names, and "
                              "Service Connect has no egress filter, so every address on this port would be reachable; "
                              "write the destination's network as cidr (or a prefix_list), or deploy with target app-mesh",
                              path=("colors", name, "egress", index, "host"))


def check_prefix_lists_on_router_ports(topology: Topology) -> Iterator[Problem]:
    """Lattice's own prefix-list rules sit on the ports of the routers colors call; an egress prefix list on such a
    port could not be told apart from Lattice's (a prefix list is an id, no resource of the stack), so the policy
    pack's lattice-prefix-list-rules would refuse the stack."""
    router_ports = {topology.routers[router].port for router in called_routers(topology)}
    for name, color in topology.colors.items():
        for index, entry in enumerate(color.egress):
            if entry.prefix_list is not None and entry.port in router_ports:
                yield Problem(f"{TARGET}: a prefix list on port {entry.port}, which a router colors call listens on through "
                              "VPC Lattice: its rule would look like one of Lattice's managed prefix list; write the "
                              "destination's networks as cidr entries, or use another port",
                              path=("colors", name, "egress", index, "prefix_list"))


def check_public_tls_with_listener_tls(topology: Topology) -> Iterator[Problem]:
    """The ALB is the gateway: the gateway listener's own tls and public_tls would both be its HTTPS listener."""
    for path, listener in gateway_listeners(topology):
        if listener.public_tls and listener.tls:
            yield Problem(f"{TARGET}: public_tls and tls both make this ALB listener HTTPS (the ALB is the gateway on "
                          "this target); keep one: public_tls with the certificate, or tls with certificate.acm",
                          path=path + ("public_tls",), on_key=True)


EGRESS_CAPABILITY_CHECKS = (check_egress_hosts, check_prefix_lists_on_router_ports, check_public_tls_with_listener_tls)
