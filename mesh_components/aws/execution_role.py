"""The execution role ECS uses to start a mesh's tasks.

It may pull exactly the private ECR repositories the configured images live in (in any account or
region: the AWS-vended regional Envoy image lives in account 840364872350) and write the mesh's log
group. Public images (Docker Hub, public.ecr.aws) need no ECR permission, and
`ecr:GetAuthorizationToken` is granted only when some image is in a private ECR repository. (Pulling from
another account also needs that repository's policy to let this account pull; that is its owner's.)

It reads exactly the secrets the colors name (`secretsmanager:GetSecretValue` on each secret,
`ssm:GetParameters` on each parameter: topology/secrets.py says how a secret is named) and decrypts with
exactly the KMS keys they name; none of these statements exists when no color has secrets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..topology.images import EcrRepository
from ..topology.secrets import SecretSource
from .component import MeshComponent
from .iam_policy import ECS_TASKS_TRUST, allow, policy_document

IMAGE_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]


def image_pull_statements(repositories: list[EcrRepository], partition: str) -> list[dict]:
    if not repositories:
        return []
    return [
        # GetAuthorizationToken has no resource-level permissions: AWS only accepts "*" for it.
        allow(["ecr:GetAuthorizationToken"], ["*"], "EcrLogin"),
        allow(IMAGE_PULL_ACTIONS, sorted({repository.arn(partition) for repository in repositories}), "PullImages"),
    ]


def secret_statements(secrets: tuple[SecretSource, ...], kms_keys: tuple[str, ...]) -> list[dict]:
    by_kind = {kind: sorted({resource for secret in secrets if secret.kind == kind for resource in secret.grant_resources()})
               for kind in ("secretsmanager", "ssm")}
    statements = []
    if by_kind["secretsmanager"]:
        statements.append(allow(["secretsmanager:GetSecretValue"], by_kind["secretsmanager"], "ReadSecrets"))
    if by_kind["ssm"]:
        statements.append(allow(["ssm:GetParameters"], by_kind["ssm"], "ReadParameters"))
    if kms_keys:
        statements.append(allow(["kms:Decrypt"], sorted(kms_keys), "DecryptSecrets"))
    return statements


def execution_policy(log_group_arn: str, repositories: list[EcrRepository], partition: str,
                     secrets: tuple[SecretSource, ...] = (), kms_keys: tuple[str, ...] = ()) -> str:
    return json.dumps(policy_document(
        *image_pull_statements(repositories, partition),
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], [f"{log_group_arn}:log-stream:*"], "WriteLogs"),
        *secret_statements(secrets, kms_keys),
    ))


@dataclass(frozen=True)
class ExecutionRoleArgs:
    role_name: str
    log_group_arn: pulumi.Input[str]
    repositories: list[EcrRepository]
    secrets: tuple[SecretSource, ...] = ()  # what the colors' containers read
    kms_keys: tuple[str, ...] = ()  # the keys those secrets are encrypted with, when customer-managed


class ExecutionRole(MeshComponent):
    """Lets ECS pull the given private ECR repositories' images, write the tasks' logs to the mesh's log group
    and read the given secrets, nothing more."""

    TYPE_NAME = "ExecutionRole"

    def __init__(self, name: str, args: ExecutionRoleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        partition = aws.get_partition_output(opts=self.invoke_output()).partition
        self.role = aws.iam.Role(f"{name}-role", name=args.role_name, assume_role_policy=ECS_TASKS_TRUST,
                                 opts=self.child())
        aws.iam.RolePolicy(f"{name}-policy", role=self.role.id,
                           policy=pulumi.Output.all(args.log_group_arn, partition).apply(
                               lambda values: execution_policy(values[0], args.repositories, values[1],
                                                               args.secrets, args.kms_keys)),
                           opts=self.child())
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})
