"""The App Mesh target: the mesh itself, one Envoy-fronted ECS workload per color, and the gateway's Envoy
behind an internet-facing network load balancer, all on the foundation `ColorMesh` made."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import pulumi

from ..aws import physical_names
from ..aws.component import MeshComponent
from ..aws.ecs_workload import EcsWorkload, EcsWorkloadArgs, LoadBalancerTarget, WorkloadSpec
from ..aws.load_balancer import LoadBalancer, LoadBalancerArgs, NlbListener
from ..aws.task_role import TaskRoleArgs, application_grants
from ..settings.stack_settings import StackSettings
from ..topology.container_checks import configured_images
from ..topology.container_settings import resolved_envoy
from ..topology.graph import Workload
from ..topology.model import Topology
from .containers import EnvoySetup, app_ports, bypassed_cidrs, color_containers, gateway_containers, proxy_configuration
from .envoy import ENVOY_CONTAINER
from .mesh import AppMesh, AppMeshArgs
from .router_names import register_router_placeholders
from .task_role_policy import POLICY_KEY, task_role_statements

if TYPE_CHECKING:
    from ..color_mesh import ColorMeshArgs, Foundation


class AppMeshTarget:
    """Builds under `parent` (the ColorMesh component), so its resources' URNs are the ones they always had."""

    SERVICE_CONNECT = False  # Cloud Map services of its own (Envoy resolves them), no Service Connect namespace
    LEGACY_RULE_NAMES = True  # its stacks were deployed before rules had keyed names: they keep those URNs (aliases)

    @staticmethod
    def load_balancer_targets(topology: Topology) -> None:
        """None: the load balancer forwards to the gateway's Envoy tasks (security_groups.rule_specs)."""
        return None

    @staticmethod
    def prefix_list_access(topology: Topology) -> None:
        """None: every call goes from task to task (security_groups.rule_specs)."""
        return None

    @staticmethod
    def images(topology: Topology, settings: StackSettings) -> list[str]:
        """Every image a task of this mesh runs: the colors', the enabled sidecars' and each Envoy's."""
        holders = [*topology.colors.values(), *([topology.gateway] if topology.gateway else [])]
        envoys = sorted({resolved_envoy(topology, holder, settings.envoy_image)[0] for holder in holders})
        return [image for _, image in configured_images(topology)] + envoys

    def __init__(self, parent: MeshComponent, name: str, args: "ColorMeshArgs", foundation: "Foundation") -> None:
        self.parent, self.name, self.foundation = parent, name, foundation
        self.graph, self.settings, self.stack = args.graph, args.settings, args.stack
        mesh = self.graph.topology.mesh
        register_router_placeholders(foundation.discovery, list(self.graph.topology.routers))
        self.app_mesh = AppMesh(f"{name}-app-mesh", AppMeshArgs(self.graph), opts=parent.child())
        self.envoy_setup = EnvoySetup(self.settings.envoy_image, self.graph.topology, metrics_namespace=mesh.name)
        self.colors = {color: self._color_workload(color) for color in self.graph.topology.colors}
        self.load_balancer = self._load_balancer() if self.graph.gateway else None
        self.gateway = self._gateway_workload() if self.graph.gateway else None
        self.gateway_url = self.load_balancer.url if self.load_balancer else None
        self.outputs = {"meshArn": self.app_mesh.mesh.arn}

    def stack_outputs(self) -> dict[str, pulumi.Input]:
        services = self.app_mesh.virtual_services
        topology = self.graph.topology
        return {
            "meshName": self.app_mesh.mesh.name,
            "meshArn": self.app_mesh.mesh.arn,
            "namespace": self.foundation.discovery.namespace.name,
            "colorServices": {color: services[color].name for color in topology.colors if color in services},
            "routerServices": {router: services[router].name for router in topology.routers},
        }

    def _color_workload(self, color_name: str) -> EcsWorkload:
        color = self.graph.topology.colors[color_name]
        node_arn = self.app_mesh.virtual_nodes[color_name].arn
        containers = pulumi.Output.all(node_arn, self.foundation.logging).apply(
            lambda values: color_containers(color_name, color, self.envoy_setup, *values))
        registry = self.foundation.discovery.services.get(color_name)  # a worker has no name to register
        spec = self._spec(Workload("color", color_name), color, node_arn, containers,
                          proxy=proxy_configuration(app_ports(color), bypassed_cidrs(color)),
                          registry_arn=registry.arn if registry else None)
        return self._workload(f"{self.name}-{color_name}", spec)

    def _gateway_workload(self) -> EcsWorkload:
        gateway = self.graph.topology.gateway
        gateway_arn = self.app_mesh.virtual_gateway.arn
        containers = pulumi.Output.all(gateway_arn, self.foundation.logging).apply(
            lambda values: gateway_containers(gateway, self.envoy_setup, *values))
        spec = self._spec(self.graph.gateway, gateway, gateway_arn, containers, proxy=None,
                          load_balancers=tuple(LoadBalancerTarget(group.arn, ENVOY_CONTAINER, port)
                                               for port, group in self.load_balancer.target_groups.items()),
                          wait_for=tuple(self.load_balancer.listeners.values()))
        return self._workload(self._gateway_workload_name(), spec, old_name=self._gateway_workload_alias())

    def _spec(self, workload: Workload, holder, resource_arn: pulumi.Output[str], containers: pulumi.Output,
              **differences) -> WorkloadSpec:
        """What a color's and the gateway's workloads share; `differences`: proxy, registry, load balancers."""
        statements = task_role_statements(self.graph, workload, resource_arn, self.foundation.ecs.log_group.arn)
        return WorkloadSpec(
            service_name=workload.name, family=self._physical_name(physical_names.task_family, workload.name),
            task_role=TaskRoleArgs(self._physical_name(physical_names.task_role_name, workload.name), statements,
                                   POLICY_KEY, *application_grants(holder)),
            cpu=holder.cpu, memory=holder.memory, desired_count=self.settings.task_count(holder.count),
            containers=containers, security_group_id=self.foundation.security_groups.for_workload(workload).id,
            **differences)

    def _load_balancer(self) -> LoadBalancer:
        network = self.foundation.network
        return LoadBalancer(f"{self.name}-load-balancer", LoadBalancerArgs(
            load_balancer_name=physical_names.load_balancer_name(self.graph.topology.mesh.name, self.stack),
            listeners=[NlbListener(listener.port, listener.reached_on, listener.protocol,
                                   listener.public_tls.certificate if listener.public_tls else None)
                       for listener in self.graph.topology.gateway.listeners],
            target_group_name=self._target_group_name, vpc_id=network.vpc_id, subnet_ids=network.public_subnet_ids,
            security_group_id=self.foundation.security_groups.load_balancer.id,
            deletion_protection=self.settings.deletion_protection), opts=self.parent.child())

    def _target_group_name(self, port: int, **replaced_by: str) -> str:
        topology = self.graph.topology
        return physical_names.target_group_name(topology.mesh.name, self.stack, topology.gateway.name, port,
                                                **replaced_by)

    def _gateway_workload_name(self) -> str:
        """Colors' workloads are `<name>-<color>`, without KEY_SEPARATOR; the gateway's holds it, so no color
        name can make the same name (a color `edge-gateway` and a gateway `edge` once did)."""
        return physical_names.keyed_name(self.name, "gateway", self.graph.topology.gateway.name)

    def _gateway_workload_alias(self) -> Optional[str]:
        workloads = [(f"{self.name}-{color}", f"{self.name}-{color}") for color in self.graph.topology.colors]
        gateway = self._gateway_workload_name()
        workloads.append((gateway, f"{self.name}-{self.graph.topology.gateway.name}-gateway"))
        return physical_names.legacy_aliases(workloads).get(gateway)

    def _workload(self, name: str, spec: WorkloadSpec, old_name: Optional[str] = None) -> EcsWorkload:
        args = EcsWorkloadArgs(spec, self.foundation.ecs.cluster.arn, self.foundation.ecs.execution_role.arn,
                               self.foundation.network.private_subnet_ids)
        return EcsWorkload(name, args, opts=self.parent.child(**self.parent.renamed_from(EcsWorkload, old_name)))

    def _physical_name(self, derive, workload: str) -> str:
        return derive(self.graph.topology.mesh.name, self.stack, workload)
