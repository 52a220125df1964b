"""What the ECS infrastructure role that registers the colors' tasks into the routers' VPC Lattice target
groups may do: the actions of AWS's AmazonECSInfrastructureRolePolicyForVpcLattice (v1: register,
deregister, get and list targets of target groups; describe subnets, VPCs and instances), the Lattice ones
on exactly this stack's target groups instead of every target group in every account.

The EC2 Describe actions stay on "*": they support no resource-level permissions (IAM service
authorization reference, Amazon EC2), so no narrower resource would work.
"""

from __future__ import annotations

from typing import Callable

import pulumi

from ..aws.iam_policy import allow

TARGET_GROUP_ACTIONS = ["vpc-lattice:RegisterTargets", "vpc-lattice:DeregisterTargets",
                        "vpc-lattice:GetTargetGroup", "vpc-lattice:ListTargets"]
DESCRIBE_ACTIONS = ["ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeInstances"]


def registration_statements(target_group_arns: list[pulumi.Input[str]]) -> Callable[[str, str, str], list[dict]]:
    """EcsInfrastructureRoleArgs.statements: the target-group ARNs are exact, so partition, account and region
    are not needed."""
    def statements(partition: str, account: str, region: str) -> list[dict]:
        return [allow(TARGET_GROUP_ACTIONS, list(target_group_arns), "RegisterTasksInTheMeshTargetGroups"),
                allow(DESCRIBE_ACTIONS, ["*"], "DescribeTheTaskNetwork")]

    return statements
