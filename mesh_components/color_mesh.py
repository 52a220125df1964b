"""The whole mesh as one component: the AWS foundation every target shares, then the stack's target on it.

`ColorMeshArgs` is all it needs, so another Pulumi program can compose it (or its parts: every
component under `aws/` and `app_mesh/` takes typed Args too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from .app_mesh.target import AppMeshTarget
from .service_connect.target import ServiceConnectTarget
from .aws import physical_names
from .aws.component import MeshComponent
from .aws.ecs_cluster import EcsCluster, EcsClusterArgs
from .aws.network import Network, NetworkArgs
from .aws.security_groups import SecurityGroups, SecurityGroupsArgs
from .aws.service_discovery import ServiceDiscovery, ServiceDiscoveryArgs
from .aws.task_definition import TaskLogging
from .settings.stack_settings import StackSettings
from .topology.graph import MeshGraph
from .topology.images import ecr_repositories
from .topology.secrets import kms_keys, secret_sources

TARGETS = {"app-mesh": AppMeshTarget, "service-connect": ServiceConnectTarget}


@dataclass(frozen=True)
class ColorMeshArgs:
    graph: MeshGraph  # of a topology loaded for `settings.target`
    settings: StackSettings
    stack: str  # physical names hold it, so stacks can share an account


@dataclass(frozen=True)
class Foundation:
    """What every target builds on."""

    network: Network
    discovery: ServiceDiscovery
    security_groups: SecurityGroups
    ecs: EcsCluster
    logging: pulumi.Output[TaskLogging]


class ColorMesh(MeshComponent):
    TYPE_NAME = "ColorMesh"

    def __init__(self, name: str, args: ColorMeshArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        target_type = TARGETS[args.settings.target]
        self.foundation = self._foundation(name, args, target_type)
        self.target = target_type(self, name, args, self.foundation)
        self.gateway_url = self.target.gateway_url
        self.register_outputs({"gatewayUrl": self.gateway_url, **self.target.outputs})

    def _foundation(self, name: str, args: ColorMeshArgs, target_type) -> Foundation:
        """What the target asks of it: `images` its tasks pull, whether it uses Service Connect (the namespace as
        the cluster's default, Cloud Map services left to ECS), where the load balancer forwards to and which
        calls go through a managed prefix list (VPC Lattice)."""
        graph, settings, stack = args.graph, args.settings, args.stack
        mesh = graph.topology.mesh.name
        images = target_type.images(graph.topology, settings)
        service_connect = target_type.SERVICE_CONNECT
        network = Network(f"{name}-network", NetworkArgs(settings.network, settings.vpc_cidr), opts=self.child())
        discovery = ServiceDiscovery(f"{name}-discovery",
                                     ServiceDiscoveryArgs(graph, network.vpc_id, register_services=not service_connect),
                                     opts=self.child())
        security_groups = SecurityGroups(f"{name}-security-groups", SecurityGroupsArgs(
            graph, network.vpc_id, settings.public_cidrs, target_type.load_balancer_targets(graph.topology),
            target_type.prefix_list_access(graph.topology), target_type.LEGACY_RULE_NAMES), opts=self.child())
        ecs = EcsCluster(f"{name}-ecs", EcsClusterArgs(
            cluster_name=physical_names.cluster_name(mesh, stack), container_insights=settings.container_insights,
            log_group_name=physical_names.log_group_name(mesh, stack), log_retention_days=settings.log_retention_days,
            execution_role_name=physical_names.execution_role_name(mesh, stack),
            image_repositories=ecr_repositories(images),
            service_connect_namespace=discovery.namespace.arn if service_connect else None,
            secrets=tuple(secret_sources(graph.topology)), kms_keys=tuple(kms_keys(graph.topology))), opts=self.child())
        region = aws.get_region_output(opts=self.invoke_output()).region
        logging = pulumi.Output.all(ecs.log_group.name, region).apply(lambda values: TaskLogging(*values))
        return Foundation(network, discovery, security_groups, ecs, logging)
