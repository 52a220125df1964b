"""The identity of one workload's tasks: a role only its tasks assume, with the statements its target gives it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from .component import MeshComponent
from .iam_policy import ECS_TASKS_TRUST, policy_document


@dataclass(frozen=True)
class TaskRoleArgs:
    role_name: str
    statements: pulumi.Input[list[dict]]  # [] (a plain empty list): the role gets no inline policy
    policy_key: str  # the inline policy's resource name suffix, e.g. "envoy" for the App Mesh target's


class TaskRole(MeshComponent):
    TYPE_NAME = "TaskRole"

    def __init__(self, name: str, args: TaskRoleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.role = aws.iam.Role(f"{name}-role", name=args.role_name, assume_role_policy=ECS_TASKS_TRUST,
                                 opts=self.child())
        if args.statements != []:  # IAM refuses a policy without statements; no permission needs no policy
            aws.iam.RolePolicy(f"{name}-{args.policy_key}", role=self.role.id,
                               policy=pulumi.Output.from_input(args.statements).apply(
                                   lambda statements: json.dumps(policy_document(*statements))),
                               opts=self.child())
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})
