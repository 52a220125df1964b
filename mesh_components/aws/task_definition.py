"""Fargate task definitions: which containers a workload's tasks run, with Envoy in each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..topology.model import Color, Gateway
from ..topology.observability import Observability
from ..app_mesh import envoy
from ..app_mesh import observability


@dataclass(frozen=True)
class TaskLogging:
    log_group: str
    region: str

    def for_stream(self, prefix: str) -> dict:
        return envoy.log_configuration(self.log_group, self.region, prefix)


@dataclass(frozen=True)
class EnvoySetup:
    """What every Envoy of the mesh shares: its image and the mesh's observability sidecars."""

    image: str
    observability: Observability
    metrics_namespace: str

    def envoy(self, *, resource_arn: str, logs: dict, as_sidecar: bool, port_mappings: tuple[int, ...] = ()) -> dict:
        return envoy.envoy_container(image=self.image, resource_arn=resource_arn, logs=logs, as_sidecar=as_sidecar,
                                     port_mappings=port_mappings,
                                     environment=observability.envoy_environment(self.observability),
                                     admin_port=observability.envoy_admin_port(self.observability))

    def sidecars(self, logs: dict) -> list[dict]:
        return observability.sidecar_containers(self.observability, logs, self.metrics_namespace)


def color_containers(name: str, color: Color, setup: EnvoySetup, node_arn: str, logging: TaskLogging) -> list[dict]:
    return [
        envoy.app_container(name=name, image=color.image, ports=app_ports(color), environment=color.env,
                            logs=logging.for_stream(name)),
        setup.envoy(resource_arn=node_arn, logs=logging.for_stream(f"{name}-envoy"), as_sidecar=True),
        *setup.sidecars(logging.for_stream(f"{name}-telemetry")),
    ]


def gateway_containers(gateway: Gateway, setup: EnvoySetup, gateway_arn: str, logging: TaskLogging) -> list[dict]:
    return [
        setup.envoy(resource_arn=gateway_arn, logs=logging.for_stream(gateway.name), as_sidecar=False,
                    port_mappings=tuple(listener.port for listener in gateway.all_listeners)),
        *setup.sidecars(logging.for_stream(f"{gateway.name}-telemetry")),
    ]


def app_ports(color: Color) -> tuple[int, ...]:
    return tuple(listener.port for listener in color.all_listeners)


def proxy_configuration(app_ports: tuple[int, ...]) -> aws.ecs.TaskDefinitionProxyConfigurationArgs:
    return aws.ecs.TaskDefinitionProxyConfigurationArgs(
        type="APPMESH", container_name=envoy.ENVOY_CONTAINER, properties=envoy.proxy_properties(app_ports))


def fargate_task_definition(name: str, *, family: str, cpu: int, memory: int,
                            containers: pulumi.Output[list[dict]], execution_role_arn: pulumi.Input[str],
                            task_role_arn: pulumi.Input[str],
                            proxy: Optional[aws.ecs.TaskDefinitionProxyConfigurationArgs],
                            opts: pulumi.ResourceOptions) -> aws.ecs.TaskDefinition:
    return aws.ecs.TaskDefinition(
        name, family=family, cpu=str(cpu), memory=str(memory), network_mode="awsvpc",
        requires_compatibilities=["FARGATE"], execution_role_arn=execution_role_arn, task_role_arn=task_role_arn,
        # json.dumps inside one apply: Output.json_dumps would first lift every dict and list in the
        # containers into an Output of its own, the program's largest cost at scale (bench/README.md).
        container_definitions=containers.apply(json.dumps), proxy_configuration=proxy, opts=opts)
