"""One workload on ECS Fargate: its task role, task definition and service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from .component import MeshComponent
from .task_role import TaskRole, TaskRoleArgs
from .task_definition import fargate_task_definition


@dataclass(frozen=True)
class LoadBalancerTarget:
    target_group_arn: pulumi.Input[str]
    container: str
    port: int


@dataclass(frozen=True)
class VpcLatticeTarget:
    """A VPC Lattice target group the service registers its tasks into, on a named port mapping, with an
    ECS infrastructure role allowed to register them."""

    target_group_arn: pulumi.Input[str]
    port_name: str
    role_arn: pulumi.Input[str]


@dataclass(frozen=True)
class WorkloadSpec:
    """What differs between a color and the gateway, decided by the caller; ECS plumbing lives here."""

    service_name: str
    family: str
    task_role: TaskRoleArgs
    cpu: int
    memory: int
    desired_count: int
    containers: pulumi.Output[list[dict]]
    proxy: Optional[aws.ecs.TaskDefinitionProxyConfigurationArgs]
    security_group_id: pulumi.Input[str]
    registry_arn: Optional[pulumi.Input[str]] = None
    load_balancers: tuple[LoadBalancerTarget, ...] = ()
    wait_for: tuple[pulumi.Resource, ...] = ()  # e.g. the listener: ECS rejects a target group no load balancer uses
    service_connect: Optional[aws.ecs.ServiceServiceConnectConfigurationArgs] = None  # None: not in Service Connect
    vpc_lattice_targets: tuple[VpcLatticeTarget, ...] = ()


@dataclass(frozen=True)
class EcsWorkloadArgs:
    spec: WorkloadSpec
    cluster_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]


class EcsWorkload(MeshComponent):
    TYPE_NAME = "EcsWorkload"

    def __init__(self, name: str, args: EcsWorkloadArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        spec, cluster_arn, execution_role_arn, subnet_ids = (
            args.spec, args.cluster_arn, args.execution_role_arn, args.subnet_ids)
        self.task_role = TaskRole(f"{name}-task", spec.task_role, opts=self.child())
        self.task_definition = fargate_task_definition(
            f"{name}-task-definition", family=spec.family, cpu=spec.cpu, memory=spec.memory,
            containers=spec.containers, execution_role_arn=execution_role_arn, task_role_arn=self.task_role.arn,
            proxy=spec.proxy, opts=self.child())
        self.service = aws.ecs.Service(
            f"{name}-service", name=spec.service_name, cluster=cluster_arn,
            task_definition=self.task_definition.arn, desired_count=spec.desired_count, launch_type="FARGATE",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=subnet_ids, security_groups=[spec.security_group_id], assign_public_ip=False),
            service_registries=(aws.ecs.ServiceServiceRegistriesArgs(registry_arn=spec.registry_arn)
                                if spec.registry_arn is not None else None),
            load_balancers=[aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=target.target_group_arn, container_name=target.container, container_port=target.port)
                for target in spec.load_balancers] or None,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            propagate_tags="SERVICE", service_connect_configuration=spec.service_connect,
            vpc_lattice_configurations=[aws.ecs.ServiceVpcLatticeConfigurationArgs(
                role_arn=target.role_arn, target_group_arn=target.target_group_arn, port_name=target.port_name)
                for target in spec.vpc_lattice_targets] or None,
            opts=self.named_child(depends_on=list(spec.wait_for)))
        self.register_outputs({"serviceName": self.service.name, "taskDefinitionArn": self.task_definition.arn})
