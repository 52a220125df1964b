"""The Service Connect target: one ECS service per color, published in the Cloud Map namespace under the
names applications already call, and the gateway as an internet-facing Application Load Balancer whose
target groups the colors' services register into. No Envoy, no proxy configuration, no App Mesh resource.

Not built yet, and refused by name rather than deployed without: routers that colors call (VPC Lattice;
`lattice_routers` compiles them) and Service Connect TLS for listeners with `tls`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import pulumi
import pulumi_aws as aws

from ..aws import physical_names
from ..aws.application_load_balancer import (AlbHealthCheck, AlbTargetGroup, ApplicationLoadBalancer,
                                             ApplicationLoadBalancerArgs)
from ..aws.component import MeshComponent
from ..aws.ecs_workload import EcsWorkload, EcsWorkloadArgs, LoadBalancerTarget, WorkloadSpec
from ..aws.task_definition import TaskLogging
from ..aws.task_role import TaskRoleArgs
from ..settings.stack_settings import StackSettings
from ..topology.check_support import all_color_listeners
from ..topology.container_checks import configured_images
from ..topology.model import Color, Topology
from .alb import TargetGroupKey
from .gateway_rules import compile_gateway, target_groups
from .service_connect_config import ColorServiceConnect, service_connect_config

if TYPE_CHECKING:
    from ..color_mesh import ColorMeshArgs, Foundation

POLICY_KEY = "service-connect"  # names no policy: these tasks need no permission, so TaskRole makes none


class NotBuiltYet(pulumi.RunError):
    """The topology needs a part of this target that is not built yet."""


class ServiceConnectTarget:
    SERVICE_CONNECT = True  # the foundation: the namespace as the cluster's default, no Cloud Map services of its own

    @staticmethod
    def images(topology: Topology, settings: StackSettings) -> list[str]:
        """The colors' images: ECS injects the Service Connect agent itself."""
        return [image for _, image in configured_images(topology)]

    @staticmethod
    def load_balancer_targets(topology: Topology) -> Optional[tuple[tuple[str, int], ...]]:
        """The (color, port) pairs the ALB forwards to: its security-group rules go there, not to a gateway task."""
        if topology.gateway is None:
            return None
        return tuple((group.key.color, group.key.port) for group in target_groups(topology))

    @staticmethod
    def refuse_unbuildable(topology: Topology) -> None:
        """Before anything is registered, so `pulumi up` creates nothing of a mesh it cannot finish."""
        _refuse_what_is_not_built(topology)

    def __init__(self, parent: MeshComponent, name: str, args: "ColorMeshArgs", foundation: "Foundation") -> None:
        self.parent, self.name, self.foundation = parent, name, foundation
        self.graph, self.settings, self.stack = args.graph, args.settings, args.stack
        topology = self.graph.topology
        self.load_balancer = self._load_balancer() if topology.gateway else None
        self.colors = {config.color: self._color_workload(config) for config in service_connect_config(topology)}
        self.gateway_url = self.load_balancer.url if self.load_balancer else None
        self.outputs = {"namespaceArn": foundation.discovery.namespace.arn}

    def stack_outputs(self) -> dict[str, pulumi.Input]:
        return {
            "namespace": self.foundation.discovery.namespace.name,
            "colorServices": {color: workload.service.name for color, workload in self.colors.items()},
        }

    def _color_workload(self, config: ColorServiceConnect) -> EcsWorkload:
        color_name = config.color
        color = self.graph.topology.colors[color_name]
        registrations = self._registrations(color_name)
        containers = self.foundation.logging.apply(lambda logging: [app_container(color_name, color, config, logging)])
        spec = WorkloadSpec(
            service_name=color_name, family=self._physical_name(physical_names.task_family, color_name),
            task_role=TaskRoleArgs(self._physical_name(physical_names.task_role_name, color_name), [], POLICY_KEY),
            cpu=color.cpu, memory=color.memory, desired_count=self.settings.task_count(color.count),
            containers=containers, proxy=None,
            security_group_id=self.foundation.security_groups.groups[f"color-{color_name}"].id,
            load_balancers=registrations, wait_for=self.load_balancer.attachments if registrations else (),
            service_connect=self._service_connect(config))
        args = EcsWorkloadArgs(spec, self.foundation.ecs.cluster.arn, self.foundation.ecs.execution_role.arn,
                               self.foundation.network.private_subnet_ids)
        return EcsWorkload(f"{self.name}-{color_name}", args, opts=self.parent.child())

    def _registrations(self, color: str) -> tuple[LoadBalancerTarget, ...]:
        if self.load_balancer is None:
            return ()
        return tuple(LoadBalancerTarget(group.arn, color, key.port)
                     for key, group in self.load_balancer.target_groups.items() if key.color == color)

    def _service_connect(self, config: ColorServiceConnect) -> aws.ecs.ServiceServiceConnectConfigurationArgs:
        logging = self.foundation.logging
        return aws.ecs.ServiceServiceConnectConfigurationArgs(
            enabled=True, namespace=self.foundation.discovery.namespace.arn,
            services=[aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                port_name=service.port_name, discovery_name=service.discovery_name,
                client_alias=[aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(
                    port=service.port, dns_name=service.client_alias_dns_name)],
                timeout=aws.ecs.ServiceServiceConnectConfigurationServiceTimeoutArgs(
                    idle_timeout_seconds=service.timeout.idle_timeout_seconds,
                    per_request_timeout_seconds=service.timeout.per_request_timeout_seconds) if service.timeout else None)
                for service in config.services] or None,  # none: a worker, a Service Connect client only
            log_configuration=aws.ecs.ServiceServiceConnectConfigurationLogConfigurationArgs(
                log_driver="awslogs", options=logging.apply(lambda values: values.for_stream(
                    f"{config.color}-service-connect")["options"])),
            access_log_configuration=aws.ecs.ServiceServiceConnectConfigurationAccessLogConfigurationArgs(
                format=config.access_log.format, include_query_parameters=config.access_log.include_query_parameters))

    def _load_balancer(self) -> ApplicationLoadBalancer:
        topology, network = self.graph.topology, self.foundation.network
        return ApplicationLoadBalancer(f"{self.name}-load-balancer", ApplicationLoadBalancerArgs(
            load_balancer_name=physical_names.load_balancer_name(topology.mesh.name, self.stack),
            listeners=compile_gateway(topology),
            target_groups=tuple(AlbTargetGroup(group.key, group.protocol_version, _health_check(topology, group.key))
                                for group in target_groups(topology)),
            target_group_name=self._target_group_name, vpc_id=network.vpc_id, subnet_ids=network.public_subnet_ids,
            security_group_id=self.foundation.security_groups.load_balancer.id,
            deletion_protection=self.settings.deletion_protection), opts=self.parent.child())

    def _target_group_name(self, key: TargetGroupKey, vpc_id: str) -> str:
        return physical_names.target_group_name(self.graph.topology.mesh.name, self.stack, key.color, key.port,
                                                protocol="HTTP", target_type="ip", vpc_id=vpc_id)

    def _physical_name(self, derive, workload: str) -> str:
        return derive(self.graph.topology.mesh.name, self.stack, workload)


def app_container(name: str, color: Color, config: ColorServiceConnect, logging: TaskLogging) -> dict:
    """The color's own container, alone in its task: one named port mapping per listener (what Service Connect
    publishes), with the listener's appProtocol (none for tcp)."""
    return {
        "name": name,
        "image": color.image,
        "essential": True,
        "portMappings": [{"name": service.port_name, "containerPort": service.port, "protocol": "tcp",
                          **({"appProtocol": service.app_protocol} if service.app_protocol else {})}
                         for service in config.services],
        "environment": [{"name": key, "value": value} for key, value in sorted(color.env.items())],
        "logConfiguration": logging.for_stream(name),
    }


def _health_check(topology: Topology, key: TargetGroupKey) -> Optional[AlbHealthCheck]:
    listener = next(listener for listener in topology.colors[key.color].listeners if listener.port == key.port)
    check = listener.health_check
    if check is None or check.path is None:
        return None
    return AlbHealthCheck(check.path, check.interval_seconds, check.timeout_seconds, check.healthy_threshold,
                          check.unhealthy_threshold)


def _refuse_what_is_not_built(topology: Topology) -> None:
    """Refuse, naming each place, what the capability checks accept but this target does not build yet, so
    nothing is deployed without it: routers called by colors (VPC Lattice) and Service Connect TLS."""
    unbuilt = [f"colors.{name}.backends calls {', '.join(sorted(set(color.backends) & set(topology.routers)))} "
               "(a router called by a color needs VPC Lattice)"
               for name, color in topology.colors.items() if set(color.backends) & set(topology.routers)]
    unbuilt += [f"{'.'.join(str(part) for part in path)}.tls (Service Connect TLS)"
                for _, path, listener in all_color_listeners(topology) if listener.tls is not None]
    if unbuilt:
        raise NotBuiltYet("service-connect: this target does not build these yet: " + "; ".join(unbuilt)
                          + "; deploy this topology on app-mesh, or change it")
