"""Which managed-prefix-list rules a stack's own VPC Lattice resources call for.

Lattice traffic leaves a caller for link-local addresses and reaches a target from Lattice's own, both in
the regional managed prefix list `com.amazonaws.<region>.vpc-lattice`. The pack cannot read which addresses
a prefix list holds, so it accepts a rule naming one only where this stack's Lattice resources need exactly
that rule, and nowhere wider:
- ingress from a prefix list into group G on tcp P: an ECS service running in G registers its tasks
  (`vpcLatticeConfigurations`) into a Lattice target group of this stack whose port is P;
- egress from G to a prefix list on tcp P: a listener of this stack's Lattice services listens on P, and
  the security group of this stack's service-network VPC association admits G on tcp P (so G is a caller
  the association lets into the service network).
"""

from __future__ import annotations

from .reading import as_int, is_unknown
from .security_group_rules import RULE_TYPES, Rule, rules_of
from .stack_index import ECS_SERVICE, StackIndex, strings_in

TARGET_GROUP = "aws:vpclattice/targetGroup:TargetGroup"
LISTENER = "aws:vpclattice/listener:Listener"
VPC_ASSOCIATION = "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation"


def target_ports(index: StackIndex, group: str) -> set[int]:
    """Ports on which Lattice reaches tasks running in `group` (their services' Lattice target groups)."""
    ports_by_arn = {group_.props.get("arn"): as_int(group_.props.get("config", "port"))
                    for group_ in index.of_types((TARGET_GROUP,))}
    ports = set()
    for service in index.of_types((ECS_SERVICE,)):
        if group not in index.service_groups(service):
            continue
        entries = service.props.items("vpcLatticeConfigurations")
        for entry in [] if is_unknown(entries) else entries:
            arn = entry.get("targetGroupArn") if isinstance(entry, dict) else None
            if isinstance(arn, str) and ports_by_arn.get(arn) is not None:
                ports.add(ports_by_arn[arn])
    return ports


def caller_ports(index: StackIndex, group: str) -> set[int]:
    """Ports on which `group` may send to Lattice: those of a Lattice listener on which the VPC association's
    security group admits it."""
    listening = {as_int(listener.props.get("port")) for listener in index.of_types((LISTENER,))}
    association_groups = set()
    for association in index.of_types((VPC_ASSOCIATION,)):
        groups = association.props.items("securityGroupIds")
        association_groups.update([] if is_unknown(groups) else strings_in(groups))
    admitted = {rule.single_port[1] for rule in _rules(index) if rule.direction == "ingress"
                and rule.group_id in association_groups and group in rule.source_groups
                and rule.single_port is not None and rule.single_port[0] == "tcp"}
    return admitted & listening


def is_lattice_rule(index: StackIndex, rule: Rule) -> bool:
    """A tcp rule of one port whose only peers are prefix lists, on a port this stack's Lattice needs."""
    if rule.cidrs or rule.source_groups or rule.self_reference or not rule.prefix_lists:
        return False
    if not isinstance(rule.group_id, str) or rule.single_port is None or rule.single_port[0] != "tcp":
        return False
    ports = target_ports(index, rule.group_id) if rule.direction == "ingress" else caller_ports(index, rule.group_id)
    return rule.single_port[1] in ports


def _rules(index: StackIndex) -> list[Rule]:
    return [rule for subject in index.of_types(RULE_TYPES) for rule in rules_of(subject)]
