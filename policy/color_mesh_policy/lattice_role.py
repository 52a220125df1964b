"""The ECS infrastructure role ECS registers a service's tasks into VPC Lattice target groups with: assumed by ECS
alone, granting only what registering needs.

What registering needs is AWS's managed policy AmazonECSInfrastructureRolePolicyForVpcLattice (v1, 2024-11-15):
`vpc-lattice:RegisterTargets`, `DeregisterTargets`, `GetTargetGroup` and `ListTargets` on target groups
(`arn:aws:vpc-lattice:*:*:targetgroup/*`), and `ec2:DescribeSubnets`, `DescribeVpcs`, `DescribeInstances`, which
take no resource-level permission. A role may grant those actions, spelled out, no others; the Lattice ones on
target-group ARNs only (named ones, or AWS's pattern), never on `*` or other Lattice resources — a role that may
also edit auth policies, listeners or associations would let ECS's credentials rewrite who reaches the routers.
"""

from __future__ import annotations

import re
from typing import Iterable

from .infrastructure_roles import infrastructure_role_problems, needed_actions
from .lattice import Lattice
from .reading import PolicySpec, Settings, Subject, stack_policy
from .stack_index import StackIndex

_TARGET_GROUP = re.compile(r"^arn:aws[a-z-]*:vpc-lattice:([a-z0-9-]+|\*):(\d{12}|\*):targetgroup/[^/?]+$")
_ACTIONS = {
    "vpc-lattice": {"registertargets", "deregistertargets", "gettargetgroup", "listtargets"},
    "ec2": {"describesubnets", "describevpcs", "describeinstances"},
}

LATTICE_ROLE = PolicySpec(
    "iam-lattice-infrastructure-role",
    "The infrastructure role an ECS service's vpcLatticeConfigurations names is created by this stack, trusted only by "
    "ecs.amazonaws.com (sts:AssumeRole), and grants only what registering tasks into VPC Lattice target groups needs: "
    "vpc-lattice RegisterTargets, DeregisterTargets, GetTargetGroup, ListTargets on target groups, and ec2 "
    "DescribeSubnets, DescribeVpcs, DescribeInstances.",
)


def grant_problems(statement: dict) -> list[str]:
    """What an Allow statement grants beyond Lattice registration's needs."""
    problems, granted, resources = needed_actions(statement, _ACTIONS, "registering tasks into Lattice target groups")
    loose = [resource for resource in resources if not _TARGET_GROUP.match(resource)]
    for action, service in granted:
        if service == "vpc-lattice" and (loose or not resources):
            problems.append(f"grants {action} on {', '.join(loose) or 'no Resource'}, beyond Lattice target groups")
    return problems


def _check_lattice_role(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    named: dict[str, list[Subject]] = {}
    for registration in Lattice(index).registrations:
        if isinstance(registration.role, str):
            named.setdefault(registration.role, []).append(registration.service)
    fix = ("trust only {\"Service\": \"ecs.amazonaws.com\"} with sts:AssumeRole and grant only the registration actions "
           "(AWS's AmazonECSInfrastructureRolePolicyForVpcLattice, or the same on the stack's target groups)")
    for arn, services in sorted(named.items()):
        yield from infrastructure_role_problems(index, arn, services, "Lattice infrastructure role", grant_problems, fix)


def policies() -> list:
    return [stack_policy(LATTICE_ROLE, _check_lattice_role)]
