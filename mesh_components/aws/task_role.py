"""The identity of one workload's tasks: a role only its tasks assume, with the statements its target gives it
and, in a policy of their own, what the application itself may do (the color's `permissions` and
`managed_policies`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Union

import pulumi
import pulumi_aws as aws

from ..topology.model import Color
from ..topology.permissions import app_statements
from .component import MeshComponent
from .iam_policy import ECS_TASKS_TRUST, policy_document


@dataclass(frozen=True)
class TaskRoleArgs:
    role_name: str
    # [] (a plain empty list): the role gets no inline policy. Plain values inside the list, or the Output of them.
    statements: Union[pulumi.Output[list[dict]], list[dict]]
    policy_key: str  # the inline policy's resource name suffix, e.g. "envoy" for the App Mesh target's
    app_statements: tuple[dict, ...] = ()  # the application's own, as an inline policy "app"
    managed_policy_arns: tuple[str, ...] = ()  # attached to this role alone


def attachment_key(policy_arn: str) -> str:
    """`<account or aws>-<name>` of a managed policy ARN: unique among the policies one role can attach (a policy
    name is unique within its account), and stable when the list is reordered."""
    owner = policy_arn.split(":")[4]
    return f"{owner}-{policy_arn.rsplit('/', 1)[-1]}"


def application_grants(holder) -> tuple[tuple[dict, ...], tuple[str, ...]]:
    """(app statements, managed policy ARNs) of a color; none for a gateway, which runs no application."""
    if not isinstance(holder, Color):
        return (), ()
    return tuple(app_statements(holder.permissions)), holder.managed_policies


class TaskRole(MeshComponent):
    TYPE_NAME = "TaskRole"

    def __init__(self, name: str, args: TaskRoleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.role = aws.iam.Role(f"{name}-role", name=args.role_name, assume_role_policy=ECS_TASKS_TRUST,
                                 opts=self.child())
        if args.statements != []:  # IAM refuses a policy without statements; no permission needs no policy
            aws.iam.RolePolicy(f"{name}-{args.policy_key}", role=self.role.id, policy=_policy_json(args.statements),
                               opts=self.child())
        if args.app_statements:
            aws.iam.RolePolicy(f"{name}-app", role=self.role.id,
                               policy=json.dumps(policy_document(*args.app_statements)), opts=self.child())
        for policy_arn in args.managed_policy_arns:
            aws.iam.RolePolicyAttachment(f"{name}-{attachment_key(policy_arn)}", role=self.role.name,
                                         policy_arn=policy_arn, opts=self.child())
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})


def _policy_json(statements: Union[pulumi.Output[list[dict]], list[dict]]) -> pulumi.Input[str]:
    """One apply, not `Output.from_input`, which would lift every statement and its lists into Outputs of their
    own (an `Output.all` and event-loop tasks each) only to find plain values."""
    if isinstance(statements, pulumi.Output):
        return statements.apply(lambda resolved: json.dumps(policy_document(*resolved)))
    return json.dumps(policy_document(*statements))
