"""The Service Connect target: one ECS service per color, published in the Cloud Map namespace under the
names applications already call, and the gateway as an internet-facing Application Load Balancer whose
target groups the colors' services register into. No Envoy, no proxy configuration, no App Mesh resource.
Routers that colors call become VPC Lattice services (lattice_mesh), which the router's target colors
register into and whose names resolve through Cloud Map CNAMEs.

Listeners with `tls` get Service Connect TLS: certificates from the Private CA their callers trust, issued
through the stack's one ECS infrastructure role (`tls_role`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import pulumi
import pulumi_aws as aws

from ..aws import physical_names
from ..aws.app_container import app_container_settings
from ..aws.application_load_balancer import (AlbHealthCheck, AlbTargetGroup, ApplicationLoadBalancer,
                                             ApplicationLoadBalancerArgs)
from ..aws.component import MeshComponent
from ..aws.ecs_infrastructure_role import EcsInfrastructureRole, EcsInfrastructureRoleArgs
from ..aws.ecs_workload import EcsWorkload, EcsWorkloadArgs, LoadBalancerTarget, VpcLatticeTarget, WorkloadSpec
from ..aws.security_groups import PrefixListAccess
from ..aws.task_definition import TaskLogging
from ..aws.task_role import TaskRoleArgs, application_grants
from ..settings.stack_settings import StackSettings
from ..topology.container_checks import configured_images
from ..topology.model import Color, Topology
from .alb import TargetGroupKey
from .gateway_rules import compile_gateway, target_groups
from . import lattice_names
from .lattice import TargetGroup as LatticeTargetGroup
from .lattice_access import LATTICE_PREFIX_LIST, lattice_access
from .lattice_auth_policy import LatticeAuthPolicy, LatticeAuthPolicyArgs
from .lattice_dns import router_dns_records
from .lattice_mesh import LatticeMesh, LatticeMeshArgs, LatticeNames
from .lattice_routers import called_routers, compile_routers
from .service_connect_config import (ColorServiceConnect, ServiceConnectService, service_connect_config,
                                     service_connect_tls_authorities)
from .tls_role import tls_role_statements

if TYPE_CHECKING:
    from ..color_mesh import ColorMeshArgs, Foundation

POLICY_KEY = "service-connect"  # names no policy: the mesh gives these tasks no permission (only the application's own)
LATTICE_GROUP = "vpc-lattice"  # the security group of the service network's VPC association


class ServiceConnectTarget:
    SERVICE_CONNECT = True  # the foundation: the namespace as the cluster's default, no Cloud Map services of its own
    LEGACY_RULE_NAMES = False  # born with keyed rule names: no earlier URNs to keep

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
    def prefix_list_access(topology: Topology) -> Optional[PrefixListAccess]:
        """Calls to routers go through VPC Lattice: callers reach its prefix list on the router's port, the
        router's target colors accept it on their port, the VPC association admits the callers."""
        access = lattice_access(topology)
        if not access.calls:
            return None
        return PrefixListAccess(LATTICE_GROUP, LATTICE_PREFIX_LIST,
                                tuple(sorted({(call.caller, call.port) for call in access.calls})),
                                tuple((target.color, target.port) for target in access.target_ports),
                                called_routers(topology))

    def __init__(self, parent: MeshComponent, name: str, args: "ColorMeshArgs", foundation: "Foundation") -> None:
        self.parent, self.name, self.foundation = parent, name, foundation
        self.graph, self.settings, self.stack = args.graph, args.settings, args.stack
        topology = self.graph.topology
        self.load_balancer = self._load_balancer() if topology.gateway else None
        configs = service_connect_config(topology)
        self.tls_role = self._tls_role(service_connect_tls_authorities(configs))
        self.lattice_access = lattice_access(topology)
        self.lattice = self._lattice() if called_routers(topology) else None
        self.colors = {config.color: self._color_workload(config) for config in configs}
        self._authorize_router_callers()
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
        lattice_targets = self._lattice_targets(color_name)
        wait_for = (self.load_balancer.attachments if registrations else ()) + (
            self.lattice.attachments if lattice_targets else ())
        containers = self.foundation.logging.apply(lambda logging: [app_container(color_name, color, config, logging)])
        spec = WorkloadSpec(
            service_name=color_name, family=self._physical_name(physical_names.task_family, color_name),
            task_role=TaskRoleArgs(self._physical_name(physical_names.task_role_name, color_name), [], POLICY_KEY,
                                   *application_grants(color)),
            cpu=color.cpu, memory=color.memory, desired_count=self.settings.task_count(color.count),
            containers=containers, proxy=None,
            security_group_id=self.foundation.security_groups.groups[f"color-{color_name}"].id,
            load_balancers=registrations, wait_for=wait_for, service_connect=self._service_connect(config),
            vpc_lattice_targets=lattice_targets)
        args = EcsWorkloadArgs(spec, self.foundation.ecs.cluster.arn, self.foundation.ecs.execution_role.arn,
                               self.foundation.network.private_subnet_ids)
        return EcsWorkload(f"{self.name}-{color_name}", args, opts=self.parent.child())

    def _registrations(self, color: str) -> tuple[LoadBalancerTarget, ...]:
        if self.load_balancer is None:
            return ()
        return tuple(LoadBalancerTarget(group.arn, color, key.port)
                     for key, group in self.load_balancer.target_groups.items() if key.color == color)

    def _lattice_targets(self, color: str) -> tuple[VpcLatticeTarget, ...]:
        if self.lattice is None:
            return ()
        return tuple(VpcLatticeTarget(self.lattice.target_groups[registration.target_group], registration.port_name,
                                      self.lattice.registration_role.arn)
                     for registration in self.lattice_access.registrations_of(color))

    def _lattice(self) -> LatticeMesh:
        topology, foundation = self.graph.topology, self.foundation
        mesh, stack = topology.mesh.name, self.stack
        names = LatticeNames(
            service_network=lattice_names.service_network_name(mesh, stack),
            service=lambda router, domain: lattice_names.service_name(mesh, stack, router, domain),
            target_group=lambda group, vpc: _lattice_target_group_name(mesh, stack, group, vpc),
            registration_role=lattice_names.registration_role_name(mesh, stack))
        return LatticeMesh(f"{self.name}-lattice", LatticeMeshArgs(
            compile_routers(topology), router_dns_records(topology), names, foundation.network.vpc_id,
            foundation.security_groups.groups[LATTICE_GROUP].id, foundation.discovery.namespace.id),
            opts=self.parent.child())

    def _authorize_router_callers(self) -> None:
        """Routers with `auth: iam`: their auth policies name the callers' task roles, so they come last."""
        for policy in self.lattice_access.auth_policies:
            LatticeAuthPolicy(f"{self.name}-{policy.router}-auth", LatticeAuthPolicyArgs(
                policy, self.lattice.services[policy.router].service.arn,
                {caller: self.colors[caller].task_role.arn for caller in policy.callers}), opts=self.parent.child())

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
                    per_request_timeout_seconds=service.timeout.per_request_timeout_seconds) if service.timeout else None,
                tls=self._tls(service))
                for service in config.services] or None,  # none: a worker, a Service Connect client only
            log_configuration=aws.ecs.ServiceServiceConnectConfigurationLogConfigurationArgs(
                log_driver="awslogs", options=logging.apply(lambda values: values.for_stream(
                    f"{config.color}-service-connect")["options"])),
            access_log_configuration=aws.ecs.ServiceServiceConnectConfigurationAccessLogConfigurationArgs(
                format=config.access_log.format, include_query_parameters=config.access_log.include_query_parameters))

    def _tls(self, service: ServiceConnectService) -> Optional[aws.ecs.ServiceServiceConnectConfigurationServiceTlsArgs]:
        """No kms_key: the topology names none (the provider would drop an empty one anyway)."""
        if service.tls_issuer is None:
            return None
        return aws.ecs.ServiceServiceConnectConfigurationServiceTlsArgs(
            issuer_cert_authority=aws.ecs.ServiceServiceConnectConfigurationServiceTlsIssuerCertAuthorityArgs(
                aws_pca_authority_arn=service.tls_issuer),
            role_arn=self.tls_role.arn)

    def _tls_role(self, authorities: tuple[str, ...]) -> Optional[EcsInfrastructureRole]:
        """One role for the stack's Service Connect TLS, allowed exactly the CAs that issue its certificates."""
        if not authorities:
            return None
        name = physical_names.service_connect_tls_role_name(self.graph.topology.mesh.name, self.stack)
        return EcsInfrastructureRole(f"{self.name}-service-connect-tls", EcsInfrastructureRoleArgs(
            name, lambda partition, account, region: tls_role_statements(authorities, partition, account, region)),
            opts=self.parent.child())

    def _load_balancer(self) -> ApplicationLoadBalancer:
        topology, network = self.graph.topology, self.foundation.network
        return ApplicationLoadBalancer(f"{self.name}-load-balancer", ApplicationLoadBalancerArgs(
            load_balancer_name=physical_names.load_balancer_name(topology.mesh.name, self.stack),
            listeners=compile_gateway(topology),
            target_groups=tuple(AlbTargetGroup(group.key, group.protocol_version, _health_check(topology, group.key),
                                               group.protocol) for group in target_groups(topology)),
            target_group_name=self._target_group_name, vpc_id=network.vpc_id, subnet_ids=network.public_subnet_ids,
            security_group_id=self.foundation.security_groups.load_balancer.id,
            deletion_protection=self.settings.deletion_protection), opts=self.parent.child())

    def _target_group_name(self, group: AlbTargetGroup, vpc_id: str) -> str:
        return physical_names.target_group_name(self.graph.topology.mesh.name, self.stack, group.key.color,
                                                group.key.port, protocol=group.protocol, target_type="ip", vpc_id=vpc_id)

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
        **app_container_settings(color),
        "logConfiguration": logging.for_stream(name),
    }


def _health_check(topology: Topology, key: TargetGroupKey) -> Optional[AlbHealthCheck]:
    listener = next(listener for listener in topology.colors[key.color].listeners if listener.port == key.port)
    check = listener.health_check
    if check is None or check.path is None:
        return None
    return AlbHealthCheck(check.path, check.interval_seconds, check.timeout_seconds, check.healthy_threshold,
                          check.unhealthy_threshold)


def _lattice_target_group_name(mesh: str, stack: str, group: LatticeTargetGroup, vpc_id: str) -> str:
    return lattice_names.target_group_name(mesh, stack, group.key.router, group.key.color, port=group.port,
                                           protocol=group.protocol, protocol_version=group.protocol_version,
                                           vpc_id=vpc_id)
