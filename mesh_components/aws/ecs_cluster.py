"""The ECS cluster a mesh's tasks run in, with what every task of it shares: the log group they write to
and the execution role ECS starts them with (its Args name all three)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..topology.images import EcrRepository
from ..topology.secrets import SecretSource
from .component import MeshComponent
from .execution_role import ExecutionRole, ExecutionRoleArgs


@dataclass(frozen=True)
class EcsClusterArgs:
    cluster_name: str
    container_insights: str  # enabled, enhanced or disabled
    log_group_name: str
    log_retention_days: int
    execution_role_name: str
    image_repositories: list[EcrRepository]  # private ECR repositories the execution role may pull from
    service_connect_namespace: Optional[pulumi.Input[str]] = None  # the Service Connect default namespace (ARN)
    secrets: tuple[SecretSource, ...] = ()  # the secrets the execution role may read for the tasks
    kms_keys: tuple[str, ...] = ()


class EcsCluster(MeshComponent):
    TYPE_NAME = "EcsCluster"

    def __init__(self, name: str, args: EcsClusterArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster", name=args.cluster_name,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=args.container_insights)],
            service_connect_defaults=(aws.ecs.ClusterServiceConnectDefaultsArgs(namespace=args.service_connect_namespace)
                                      if args.service_connect_namespace is not None else None),
            opts=self.child())
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=args.log_group_name, retention_in_days=args.log_retention_days, opts=self.child())
        self.execution_role = ExecutionRole(
            f"{name}-execution",
            ExecutionRoleArgs(args.execution_role_name, self.log_group.arn, args.image_repositories, args.secrets,
                              args.kms_keys),
            opts=self.child())
        self.register_outputs({"clusterArn": self.cluster.arn, "logGroup": self.log_group.name})
