"""IAM roles: one execution role for the cluster, one task role per workload.

The execution role may pull exactly the private ECR repositories the configured images live in (in
any account or region: the AWS-vended regional Envoy image lives in account 840364872350) and write
the mesh's log group. Public images (Docker Hub, public.ecr.aws) need no ECR permission, and
`ecr:GetAuthorizationToken` is granted only when some image is in a private ECR repository.

Each task role may fetch Envoy configuration for its own virtual node or gateway
(`appmesh:StreamAggregatedResources` on that one ARN). The AWS-managed AWSAppMeshEnvoyAccess policy
grants the same on `*`, letting any task impersonate any node, so it is never used. A role gains
more only for what its workload is configured to use: the ACM certificates and Private CAs its TLS
names (`tls_statements`), and its observability sidecars' uploads.
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..topology.images import EcrRepository
from .component import MeshComponent

ECS_TASKS_TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})
IMAGE_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]


def policy_document(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: list[str], resources: list[str], sid: str) -> dict:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def image_pull_statements(repositories: list[EcrRepository], partition: str) -> list[dict]:
    if not repositories:
        return []
    return [
        # GetAuthorizationToken has no resource-level permissions: AWS only accepts "*" for it.
        allow(["ecr:GetAuthorizationToken"], ["*"], "EcrLogin"),
        allow(IMAGE_PULL_ACTIONS, sorted({repository.arn(partition) for repository in repositories}), "PullImages"),
    ]


def execution_policy(log_group_arn: str, repositories: list[EcrRepository], partition: str) -> str:
    return json.dumps(policy_document(
        *image_pull_statements(repositories, partition),
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], [f"{log_group_arn}:log-stream:*"], "WriteLogs"),
    ))


def envoy_policy(resource_arn: str, extra_statements: list[dict] = ()) -> str:
    return json.dumps(policy_document(
        allow(["appmesh:StreamAggregatedResources"], [resource_arn], "EnvoyConfig"), *extra_statements))


def tls_statements(certificate_arns: list[str], authority_arns: list[str]) -> list[dict]:
    """Envoy exports its listeners' ACM certificates and reads the Private CAs it trusts; those ARNs only."""
    statements = []
    if certificate_arns:
        statements.append(allow(["acm:ExportCertificate"], certificate_arns, "TlsCertificates"))
    if authority_arns:
        statements.append(allow(["acm-pca:GetCertificateAuthorityCertificate"], authority_arns, "TlsTrust"))
    return statements


class ExecutionRole(MeshComponent):
    """Lets ECS pull the given private ECR repositories' images and write the tasks' logs to the mesh's
    log group, nothing more."""

    TYPE_NAME = "ExecutionRole"

    def __init__(self, name: str, role_name: str, log_group_arn: pulumi.Input[str],
                 repositories: list[EcrRepository], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        partition = aws.get_partition_output(opts=self.invoke_output()).partition
        self.role = aws.iam.Role(f"{name}-role", name=role_name, assume_role_policy=ECS_TASKS_TRUST,
                                 opts=self.child())
        aws.iam.RolePolicy(f"{name}-policy", role=self.role.id,
                           policy=pulumi.Output.all(log_group_arn, partition).apply(
                               lambda args: execution_policy(args[0], repositories, args[1])),
                           opts=self.child())
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})


class TaskRole(MeshComponent):
    """The identity of one workload's tasks; its Envoy may read only its own mesh resource."""

    TYPE_NAME = "TaskRole"

    def __init__(self, name: str, role_name: str, mesh_resource_arn: pulumi.Input[str],
                 extra_statements: pulumi.Input[list[dict]] = (),
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.role = aws.iam.Role(f"{name}-role", name=role_name, assume_role_policy=ECS_TASKS_TRUST,
                                 opts=self.child())
        aws.iam.RolePolicy(f"{name}-envoy", role=self.role.id,
                           policy=pulumi.Output.all(mesh_resource_arn, extra_statements).apply(
                               lambda args: envoy_policy(args[0], list(args[1]))),
                           opts=self.child())
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})
