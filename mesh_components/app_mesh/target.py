"""The whole mesh as one component: it composes the others in the order data flows between them."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ..settings.stack_settings import StackSettings
from ..aws import physical_names
from ..topology.container_checks import configured_images
from ..topology.images import ecr_repositories
from ..topology.graph import MeshGraph, Workload
from .mesh import AppMesh
from ..aws.component import MeshComponent, renamed_from
from ..aws.ecs_cluster import EcsCluster
from ..aws.ecs_workload import EcsWorkload, LoadBalancerTarget, WorkloadSpec
from .envoy import ENVOY_CONTAINER
from ..aws.iam import tls_statements
from ..aws.load_balancer import LoadBalancer
from ..aws.network import Network
from ..aws.security_groups import SecurityGroups
from ..aws.service_discovery import ServiceDiscovery
from .observability import sidecar_statements
from ..aws.task_definition import EnvoySetup, TaskLogging, app_ports, color_containers, gateway_containers, proxy_configuration


class ColorMesh(MeshComponent):
    TYPE_NAME = "ColorMesh"

    def __init__(self, name: str, graph: MeshGraph, settings: StackSettings, stack: str,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.graph, self.settings, self.stack = graph, settings, stack
        self.network = Network(f"{name}-network", settings, opts=self.child())
        self.app_mesh = AppMesh(f"{name}-app-mesh", graph, opts=self.child())
        self.discovery = ServiceDiscovery(f"{name}-discovery", graph, self.network.vpc_id, opts=self.child())
        self.security_groups = SecurityGroups(f"{name}-security-groups", graph, self.network.vpc_id,
                                              settings.public_cidrs, opts=self.child())
        self.ecs = EcsCluster(f"{name}-ecs", graph.topology.mesh.name, stack, settings.container_insights,
                              settings.log_retention_days, ecr_repositories(self._images()), opts=self.child())
        region = aws.get_region_output(opts=self.invoke_output()).region
        self.logging = pulumi.Output.all(self.ecs.log_group.name, region).apply(lambda values: TaskLogging(*values))
        mesh = graph.topology.mesh
        self.envoy_setup = EnvoySetup(settings.envoy_image, mesh.observability, metrics_namespace=mesh.name)
        self.colors = {color: self._color_workload(name, color) for color in graph.topology.colors}
        self.load_balancer = self._load_balancer(name) if graph.gateway else None
        self.gateway = self._gateway_workload(name) if graph.gateway else None
        self.gateway_url = self.load_balancer.url if self.load_balancer else None
        self.register_outputs({"gatewayUrl": self.gateway_url, "meshArn": self.app_mesh.mesh.arn})

    def _images(self) -> list[str]:
        """Every image a task of this mesh runs: the colors', the enabled sidecars' and Envoy's."""
        return [image for _, image in configured_images(self.graph.topology)] + [self.settings.envoy_image]

    def _color_workload(self, name: str, color_name: str) -> EcsWorkload:
        color = self.graph.topology.colors[color_name]
        node_arn = self.app_mesh.virtual_nodes[color_name].arn
        containers = pulumi.Output.all(node_arn, self.logging).apply(
            lambda values: color_containers(color_name, color, self.envoy_setup, *values))
        spec = WorkloadSpec(
            service_name=color_name, family=self._physical_name(physical_names.task_family, color_name),
            role_name=self._physical_name(physical_names.task_role_name, color_name), mesh_resource_arn=node_arn,
            task_role_statements=self._task_role_statements(Workload("color", color_name)),
            cpu=color.cpu, memory=color.memory, desired_count=self.settings.task_count(color.count),
            containers=containers, proxy=proxy_configuration(app_ports(color)),
            security_group_id=self.security_groups.for_workload(Workload("color", color_name)).id,
            registry_arn=self.discovery.services[color_name].arn)
        return self._workload(f"{name}-{color_name}", spec)

    def _load_balancer(self, name: str) -> LoadBalancer:
        return LoadBalancer(
            f"{name}-load-balancer",
            load_balancer_name=physical_names.load_balancer_name(self.graph.topology.mesh.name, self.stack),
            ports=[listener.port for listener in self.graph.topology.gateway.all_listeners],
            target_group_name=self._target_group_name,
            vpc_id=self.network.vpc_id, subnet_ids=self.network.public_subnet_ids,
            security_group_id=self.security_groups.load_balancer.id,
            deletion_protection=self.settings.deletion_protection, opts=self.child())

    def _target_group_name(self, port: int, **replaced_by: str) -> str:
        return physical_names.target_group_name(self.graph.topology.mesh.name, self.stack, self.graph.topology.gateway.name,
                                        port, **replaced_by)

    def _gateway_workload(self, name: str) -> EcsWorkload:
        gateway = self.graph.topology.gateway
        gateway_arn = self.app_mesh.virtual_gateway.arn
        containers = pulumi.Output.all(gateway_arn, self.logging).apply(
            lambda values: gateway_containers(gateway, self.envoy_setup, *values))
        spec = WorkloadSpec(
            service_name=gateway.name, family=self._physical_name(physical_names.task_family, gateway.name),
            role_name=self._physical_name(physical_names.task_role_name, gateway.name), mesh_resource_arn=gateway_arn,
            task_role_statements=self._task_role_statements(self.graph.gateway),
            cpu=gateway.cpu, memory=gateway.memory, desired_count=self.settings.task_count(gateway.count),
            containers=containers, proxy=None,
            security_group_id=self.security_groups.for_workload(self.graph.gateway).id,
            load_balancers=tuple(LoadBalancerTarget(group.arn, ENVOY_CONTAINER, port)
                                 for port, group in self.load_balancer.target_groups.items()),
            wait_for=tuple(self.load_balancer.listeners.values()))
        return self._workload(self._gateway_workload_name(name), spec, old_name=self._gateway_workload_alias(name))

    def _gateway_workload_name(self, name: str) -> str:
        """Colors' workloads are `<name>-<color>`, without KEY_SEPARATOR; the gateway's holds it, so no color
        name can make the same name (a color `edge-gateway` and a gateway `edge` once did)."""
        return physical_names.keyed_name(name, "gateway", self.graph.topology.gateway.name)

    def _gateway_workload_alias(self, name: str) -> str | None:
        workloads = [(f"{name}-{color}", f"{name}-{color}") for color in self.graph.topology.colors]
        gateway = self._gateway_workload_name(name)
        workloads.append((gateway, f"{name}-{self.graph.topology.gateway.name}-gateway"))
        return physical_names.legacy_aliases(workloads).get(gateway)

    def _task_role_statements(self, workload: Workload) -> pulumi.Output:
        certificate_arns = self.graph.served_certificates(workload)
        authority_arns = self.graph.caller_tls(workload).trusted_authorities
        observability = self.graph.topology.mesh.observability
        return self.ecs.log_group.arn.apply(lambda log_group_arn: [
            *tls_statements(certificate_arns, authority_arns), *sidecar_statements(observability, log_group_arn)])

    def _workload(self, name: str, spec: WorkloadSpec, old_name: str | None = None) -> EcsWorkload:
        return EcsWorkload(name, spec, self.ecs.cluster.arn, self.ecs.execution_role.arn,
                           self.network.private_subnet_ids, opts=self.child(**renamed_from(old_name)))

    def _physical_name(self, derive, workload: str) -> str:
        return derive(self.graph.topology.mesh.name, self.stack, workload)

