"""Security-group rules with VPC Lattice's managed prefix list, only where Lattice traffic flows.

Lattice traffic leaves a caller for link-local addresses and reaches a target from Lattice's own, both in the
regional managed prefix list `com.amazonaws.<region>.vpc-lattice`. In a stack using Lattice, a rule whose only
peers are prefix lists, on a Service Connect workload's group, is judged here (and left alone by the rules
that judge address ranges: mesh-workload-groups-exclusive, mesh-workload-egress, sg-rule-peers-resolvable):
- ingress only on a port Lattice reaches the workload on: the container port of a port mapping its ECS service
  registers into a Lattice target group of this stack;
- egress on a port a listener of the network's services listens on (other egress to a prefix list is a destination
  outside the mesh, mesh-workload-egress's to judge) only when the service network's VPC association admits the
  workload's group on that port.
Managed prefix lists are named by id alone, and AWS-managed ones are no resource of the stack, so the pack
cannot read which list a rule names: a list this stack creates is never Lattice's; when `latticePrefixListIds`
is set only those count; unset, the stack's Lattice rules must all name one list (a region has one).
"""

from __future__ import annotations

from typing import Iterable, Optional

from .lattice import Lattice
from .mesh_edges import workload_label
from .reading import STRING_LIST, PolicySpec, Settings, Subject, stack_policy
from .security_group_rules import RULE_TYPES, Rule, rules_of
from .stack_index import StackIndex, strings_in

MANAGED_PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList"
HTTPS = ("tcp", 443)


def judged_here(lattice: Lattice, rule: Rule) -> Optional[bool]:
    """True for a rule this policy judges: prefix lists alone as peers, on a Service Connect workload's group, in a
    stack using Lattice; ingress, or egress on a Lattice listener port. None (noted) when that cannot be told yet: the
    rule's group, or what an ECS service in it runs, is unknown."""
    if not lattice.present or not rule.prefix_lists or rule.cidrs or rule.source_groups or rule.self_reference:
        return False
    if rule.direction == "egress" and (rule.single_port == HTTPS or not _on_a_router_port(lattice, rule)):
        return False  # tcp 443, or a destination outside the mesh (a color's egress): mesh-workload-egress
    if not isinstance(rule.group_id, str) or rule.group_id in lattice.pending_groups:
        if rule.subject is not None:
            rule.subject.props.note_unknown("rule group's workload")
        return None
    return bool(lattice.workload_groups.get(rule.group_id)) and rule.direction in ("ingress", "egress")


def _on_a_router_port(lattice: Lattice, rule: Rule) -> bool:
    port = rule.single_port
    return port is not None and port[0] == "tcp" and port[1] in lattice.router_ports


PREFIX_LIST_RULES = PolicySpec(
    "lattice-prefix-list-rules",
    "In a stack using VPC Lattice, prefix-list rules on a Service Connect workload's group are Lattice's: ingress only "
    "on a port the workload registers into a Lattice target group of this stack on, egress (besides tcp 443) only on a "
    "port the service network's VPC association admits the group on; the list is not one the stack creates, is one "
    "of `latticePrefixListIds` when set, and else the same in every such rule.",
    knobs={"latticePrefixListIds": (STRING_LIST, [])},
)


def _check_prefix_list_rules(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    lattice = Lattice(index)
    if not lattice.present:
        return
    judged = [(subject, rule) for subject in index.of_types(RULE_TYPES) for rule in rules_of(subject)
              if rule.needs("direction", "group", "peers") and judged_here(lattice, rule) is True]
    named = sorted({prefix_list for _, rule in judged for prefix_list in strings_in(rule.prefix_lists)})
    created = set(strings_in([prefix_list.props.get("id") for prefix_list in index.of_types((MANAGED_PREFIX_LIST,))]))
    pinned = set(settings["latticePrefixListIds"])
    for subject, rule in judged:
        workloads = ", ".join(map(workload_label, sorted(lattice.workload_groups[rule.group_id])))
        for problem in _list_problems(rule, named, created, pinned):
            yield subject.urn, subject.violation(
                f"{rule.describe()} on the group of {workloads} names {problem}",
                "name only the regional VPC Lattice managed prefix list (com.amazonaws.<region>.vpc-lattice), "
                "or list the reviewed ids in latticePrefixListIds")
        if not rule.needs("protocol", "ports"):
            continue
        problem = _port_problem(rule, lattice)
        if problem:
            yield subject.urn, subject.violation(
                f"{rule.describe()} opens Lattice's prefix list on the group of {workloads}, {problem}",
                "open the prefix list only on the port a Lattice target group reaches the workload on (ingress), "
                "or on the router port the service network's VPC association admits the caller's group on (egress)")


def _list_problems(rule: Rule, named: list[str], created: set[str], pinned: set[str]) -> Iterable[str]:
    for prefix_list in strings_in(rule.prefix_lists):
        if prefix_list in created:
            yield f"prefix list {prefix_list}, which this stack creates, so it is not Lattice's managed list"
        elif pinned and prefix_list not in pinned:
            yield f"prefix list {prefix_list}, which is not one of latticePrefixListIds ({', '.join(sorted(pinned))})"
        elif not pinned and len(named) > 1:
            yield (f"prefix list {prefix_list}, while the stack's Lattice rules name {', '.join(named)}; a region has one "
                   "Lattice managed prefix list, so all but one are something else")


def _port_problem(rule: Rule, lattice: Lattice) -> Optional[str]:
    if rule.direction == "ingress":
        ports = {("tcp", port) for port in lattice.target_ports(rule.group_id)}
        if rule.single_port in ports:
            return None
        return (f"but Lattice reaches these tasks only on {_spelled(ports)} (their registrations into the stack's Lattice target groups)"
                if ports else "but no Lattice target group of this stack holds these tasks")
    ports = {("tcp", port) for port in lattice.called_ports.get(rule.group_id, set())}
    if rule.single_port in ports:
        return None
    return (f"but the service network's VPC association admits this group only on {_spelled(ports)} (router ports)"
            if ports else "but the service network's VPC association admits this group on no router port, so it calls no router")


def _spelled(ports: set[tuple[str, int]]) -> str:
    return "tcp " + ", ".join(str(port) for _, port in sorted(ports))


def policies() -> list:
    return [stack_policy(PREFIX_LIST_RULES, _check_prefix_list_rules)]
