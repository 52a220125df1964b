"""The ECS cluster every task runs in, the one log group they write to, and the execution role."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from . import physical_names
from ..topology.images import EcrRepository
from .component import MeshComponent
from .iam import ExecutionRole


class EcsCluster(MeshComponent):
    TYPE_NAME = "EcsCluster"

    def __init__(self, name: str, mesh_name: str, stack: str, container_insights: str, log_retention_days: int,
                 image_repositories: list[EcrRepository], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster", name=physical_names.cluster_name(mesh_name, stack),
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=container_insights)],
            opts=self.child())
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=physical_names.log_group_name(mesh_name, stack), retention_in_days=log_retention_days,
            opts=self.child())
        self.execution_role = ExecutionRole(f"{name}-execution", physical_names.execution_role_name(mesh_name, stack),
                                            self.log_group.arn, image_repositories, opts=self.child())
        self.register_outputs({"clusterArn": self.cluster.arn, "logGroup": self.log_group.name})
