"""Fargate task definitions: which containers a workload's tasks run, with Envoy in each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..topology.model import Color, Gateway
from . import envoy


@dataclass(frozen=True)
class TaskLogging:
    log_group: str
    region: str

    def for_stream(self, prefix: str) -> dict:
        return envoy.log_configuration(self.log_group, self.region, prefix)


def color_containers(name: str, color: Color, envoy_image: str, node_arn: str, logging: TaskLogging) -> list[dict]:
    return [
        envoy.app_container(name=name, image=color.image, port=color.port, environment=color.env,
                            logs=logging.for_stream(name)),
        envoy.envoy_container(image=envoy_image, resource_arn=node_arn, logs=logging.for_stream(f"{name}-envoy"),
                              as_sidecar=True),
    ]


def gateway_containers(gateway: Gateway, envoy_image: str, gateway_arn: str, logging: TaskLogging) -> list[dict]:
    return [envoy.envoy_container(image=envoy_image, resource_arn=gateway_arn, logs=logging.for_stream(gateway.name),
                                  as_sidecar=False, port_mappings=(gateway.port,))]


def proxy_configuration(app_ports: tuple[int, ...]) -> aws.ecs.TaskDefinitionProxyConfigurationArgs:
    return aws.ecs.TaskDefinitionProxyConfigurationArgs(
        type="APPMESH", container_name=envoy.ENVOY_CONTAINER, properties=envoy.proxy_properties(app_ports))


def fargate_task_definition(name: str, *, family: str, cpu: int, memory: int,
                            containers: pulumi.Input[list[dict]], execution_role_arn: pulumi.Input[str],
                            task_role_arn: pulumi.Input[str],
                            proxy: Optional[aws.ecs.TaskDefinitionProxyConfigurationArgs],
                            opts: pulumi.ResourceOptions) -> aws.ecs.TaskDefinition:
    return aws.ecs.TaskDefinition(
        name, family=family, cpu=str(cpu), memory=str(memory), network_mode="awsvpc",
        requires_compatibilities=["FARGATE"], execution_role_arn=execution_role_arn, task_role_arn=task_role_arn,
        container_definitions=pulumi.Output.json_dumps(containers), proxy_configuration=proxy, opts=opts)
