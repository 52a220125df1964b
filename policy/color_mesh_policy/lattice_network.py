"""No VPC Lattice service outside the mesh's service network, and the network open only to mesh callers.

A stack holds at most one service network; each of its Lattice services is associated with it and with no
other network, and no other service joins it. Nothing shares them beyond the mesh's VPC: no Lattice resource
policy or RAM share of a service or the network, no service-network VPC endpoint (which reaches the network
from other VPCs). The network's VPC associations are in the VPC of the mesh's workloads and carry security
groups, which admit only Service Connect workloads' groups (the routers' callers), each on a port a
listener of the network's services listens on.
"""

from __future__ import annotations

from typing import Iterable, Optional

from .lattice import RESOURCE_POLICY, SERVICE, SERVICE_ASSOCIATION, Lattice, identifiers
from .mesh_edges import workload_label
from .reading import PolicySpec, Settings, Subject, is_unknown, stack_policy
from .security_group_rules import RULE_TYPES, Rule, rules_of
from .stack_index import StackIndex, strings_in

RAM_ASSOCIATION = "aws:ram/resourceAssociation:ResourceAssociation"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"

SERVICE_NETWORK = PolicySpec(
    "lattice-service-network",
    "A stack has at most one VPC Lattice service network; each Lattice service of the stack is associated with it "
    "alone and no other service joins it; nothing shares them (resource policy, RAM, service-network VPC endpoint); "
    "its VPC associations are in the mesh's VPC with security groups admitting only Service Connect workloads' groups "
    "on ports the network's listeners listen on.",
)
_FIX = "keep every Lattice service in the stack's one service network, reachable from the mesh's VPC through its association alone"


def _check_service_network(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    lattice = Lattice(index)
    if not lattice.present:
        return
    networks = lattice.networks()
    if len(networks) > 1:
        names = ", ".join(network.label for network in networks)
        for network in networks:
            yield network.urn, network.violation(f"is one of several service networks in the stack ({names})",
                                                 "give the mesh one service network")
    yield from _services(index, lattice)
    yield from _associations(lattice)
    yield from _shares(index, lattice)
    yield from _association_ingress(index, lattice)


def _services(index: StackIndex, lattice: Lattice) -> Iterable[tuple[str, str]]:
    pending = any(is_unknown(association.props.get("serviceIdentifier")) for association in index.of_types((SERVICE_ASSOCIATION,)))
    for service in index.of_types((SERVICE,)):
        if identifiers(service) and not pending and not lattice.service_associations(service):
            yield service.urn, service.violation("is associated with no service network of this stack", _FIX)
    for association in index.of_types((SERVICE_ASSOCIATION,)):
        network, service = association.props.get("serviceNetworkIdentifier"), association.props.get("serviceIdentifier")
        if not is_unknown(network) and network not in lattice.network_ids:
            yield association.urn, association.violation(
                f"associates {service} with service network {network}, which this stack does not create, so callers outside "
                "the mesh reach it", _FIX)
        elif not is_unknown(service) and lattice.named((SERVICE,), service) is None:
            yield association.urn, association.violation(
                f"adds service {service}, which this stack does not create, to the mesh's service network", _FIX)


def _associations(lattice: Lattice) -> Iterable[tuple[str, str]]:
    for association in lattice.vpc_associations():
        network, vpc = association.props.get("serviceNetworkIdentifier"), association.props.get("vpcIdentifier")
        groups = association.props.items("securityGroupIds")
        if not is_unknown(network) and network not in lattice.network_ids:
            yield association.urn, association.violation(
                f"associates VPC {vpc} with service network {network}, which this stack does not create", _FIX)
            continue
        if not is_unknown(vpc) and lattice.mesh_vpcs and vpc not in lattice.mesh_vpcs:
            where = ", ".join(sorted(lattice.mesh_vpcs)) or "none known"
            yield association.urn, association.violation(
                f"associates VPC {vpc}, not the VPC of the mesh's workloads ({where}), so other clients reach the routers", _FIX)
        if not is_unknown(groups) and not groups:
            yield association.urn, association.violation(
                "has no security groups, so every client in the VPC reaches the network's services",
                "give the association a security group admitting only the routers' callers' groups on the router ports")


def _shares(index: StackIndex, lattice: Lattice) -> Iterable[tuple[str, str]]:
    ours = lattice.network_ids | {value for service in index.of_types((SERVICE,)) for value in identifiers(service)}
    shares = [(RESOURCE_POLICY, "resourceArn", "shares {} with the principals of its policy"),
              (RAM_ASSOCIATION, "resourceArn", "shares {} through AWS RAM with other accounts"),
              (VPC_ENDPOINT, "serviceNetworkArn", "reaches {} from VPC {}, around the association's security groups")]
    for kind, key, what in shares:
        for subject in index.of_types((kind,)):
            shared = subject.props.get(key)
            if isinstance(shared, str) and shared in ours:
                yield subject.urn, subject.violation(what.format(shared, subject.props.get("vpcId")), _FIX)


def _association_ingress(index: StackIndex, lattice: Lattice) -> Iterable[tuple[str, str]]:
    listening = lattice.listener_ports()
    for subject in index.of_types(RULE_TYPES):
        for rule in rules_of(subject):
            if not rule.needs("direction", "group") or rule.direction != "ingress" or rule.group_id not in lattice.association_groups:
                continue
            problem = _admission_problem(lattice, rule, listening) if rule.needs("peers", "protocol", "ports") else None
            if problem:
                yield subject.urn, subject.violation(
                    f"{rule.describe()} on the service network's VPC association group {rule.group_id} {problem}",
                    "admit only the routers' callers' security groups, each on the router port it calls")


def _admission_problem(lattice: Lattice, rule: Rule, listening: set[int]) -> Optional[str]:
    ranges = [str(value) for value in [*rule.cidrs, *rule.prefix_lists]]
    if ranges or rule.self_reference:
        return f"admits {', '.join(ranges) or 'its own members'}, so callers the mesh never declared reach its routers"
    for group in strings_in(rule.source_groups):
        if not lattice.workload_groups.get(group):
            return f"admits group {group}, which is no Service Connect workload's"
    if rule.single_port not in {("tcp", port) for port in listening}:
        offered = ", ".join(map(str, sorted(listening))) or "none"
        callers = ", ".join(workload_label(owner) for group in strings_in(rule.source_groups) for owner in sorted(lattice.workload_groups[group]))
        return f"lets {callers} in on something other than a port the network's listeners listen on ({offered})"
    return None


def policies() -> list:
    return [stack_policy(SERVICE_NETWORK, _check_service_network)]
