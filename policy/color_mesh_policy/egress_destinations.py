"""Destinations outside the mesh: which address ranges a workload may be let out to on a port other than 443.

A range is a destination when it is no wider than /8 (IPv4) or /32 (IPv6): wider is most of the internet.
A prefix list is accepted on one port (the pack cannot read its entries, and it is no wider than anywhere).
A network the proxy lets bypass Envoy (EgressIgnoredIPs) must be tied to the task's own security groups: each
ECS service running the task has an egress rule to exactly that network on one tcp port, and no rule of those
groups lets traffic to it out on every port, so the bypass reaches that destination on that port and no other
(443, open to anywhere for AWS APIs, excepted).
"""

from __future__ import annotations

from typing import Optional

from .reading import Subject
from .security_group_rules import RULE_TYPES, Network, rules_of
from .stack_index import ECS_SERVICE, StackIndex

WIDEST_PREFIX = {4: 8, 6: 32}


def too_wide(network: Network) -> bool:
    return network.prefixlen < WIDEST_PREFIX[network.version]


def bypass_problem(index: StackIndex, task: Subject, network: Network) -> Optional[str]:
    """Why letting `task`'s traffic to `network` around Envoy is not tied to a declared destination; None if it is."""
    if too_wide(network):
        return f"is wider than /{WIDEST_PREFIX[network.version]}, most of the internet rather than a destination"
    services = [service for service in index.of_types((ECS_SERVICE,)) if index.task_definition_of(service) is task]
    if not services:
        return "but no ECS service of this stack runs the task, so no security group limits where that traffic goes"
    for service in services:
        groups = set(index.service_groups(service))
        rules = [rule for subject in index.of_types(RULE_TYPES) for rule in rules_of(subject)
                 if rule.direction == "egress" and rule.group_id in groups]
        exact = [rule for rule in rules if network in rule.networks() and rule.protocol == "tcp" and rule.single_port]
        if not exact:
            return (f"but ECS service '{service.name}' has no egress rule to exactly {network} on one tcp port, so the "
                    "security group does not hold the bypass to one destination")
        if any(rule.opens_every_port and any(other.overlaps(network) for other in rule.networks()) for rule in rules):
            return f"and a rule of ECS service '{service.name}' lets traffic to it out on every port"
    return None
