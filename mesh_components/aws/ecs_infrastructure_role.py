"""An ECS infrastructure role: the role ECS itself assumes to manage something on a service's behalf
(Service Connect TLS certificates, VPC Lattice target registrations). One role per purpose, so each grants
only what that purpose needs; the caller gives the statements, this block makes the role and its policy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Optional

import pulumi
import pulumi_aws as aws

from .component import MeshComponent
from .iam_policy import policy_document

ECS_TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


@dataclass(frozen=True)
class EcsInfrastructureRoleArgs:
    role_name: str
    # The statements, given the partition, account and region AWS reports (the provider's, not a guess). They
    # may hold outputs (e.g. the ARNs of resources the stack creates).
    statements: Callable[[str, str, str], list[dict]]


class EcsInfrastructureRole(MeshComponent):
    """Assumed by ecs.amazonaws.com alone; its one inline policy holds exactly the statements given."""

    TYPE_NAME = "EcsInfrastructureRole"

    def __init__(self, name: str, args: EcsInfrastructureRoleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        partition = aws.get_partition_output(opts=self.invoke_output()).partition
        account = aws.get_caller_identity_output(opts=self.invoke_output()).account_id
        region = aws.get_region_output(opts=self.invoke_output()).region
        self.role = aws.iam.Role(f"{name}-role", name=args.role_name, assume_role_policy=ECS_TRUST, opts=self.child())
        policy = aws.iam.RolePolicy(f"{name}-policy", role=self.role.id,
                                    policy=pulumi.Output.all(partition, account, region).apply(
                                        lambda values: pulumi.Output.from_input(args.statements(*values))).apply(
                                        lambda statements: json.dumps(policy_document(*statements))),
                                    opts=self.child())
        # The ARN as its users get it: known only once the policy is on the role, so a service naming it is
        # created after its permissions exist (ECS uses the role as soon as the service starts tasks).
        self.arn = pulumi.Output.all(self.role.arn, policy.id).apply(lambda values: values[0])
        self.register_outputs({"arn": self.arn})
