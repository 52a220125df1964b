"""Which containers an App Mesh workload's tasks run: the app and its Envoy sidecar (or, for the gateway,
Envoy alone), the mesh's observability sidecars, and the ECS proxy configuration that routes through Envoy."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws

from ..aws.task_definition import TaskLogging
from ..topology.model import Color, Gateway
from ..topology.observability import Observability
from . import envoy, sidecars


@dataclass(frozen=True)
class EnvoySetup:
    """What every Envoy of the mesh shares: its image and the mesh's observability sidecars."""

    image: str
    observability: Observability
    metrics_namespace: str

    def envoy(self, *, resource_arn: str, logs: dict, as_sidecar: bool, port_mappings: tuple[int, ...] = ()) -> dict:
        return envoy.envoy_container(image=self.image, resource_arn=resource_arn, logs=logs, as_sidecar=as_sidecar,
                                     port_mappings=port_mappings,
                                     environment=sidecars.envoy_environment(self.observability),
                                     admin_port=sidecars.envoy_admin_port(self.observability))

    def sidecars(self, logs: dict) -> list[dict]:
        return sidecars.sidecar_containers(self.observability, logs, self.metrics_namespace)


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
                    port_mappings=tuple(listener.port for listener in gateway.listeners)),
        *setup.sidecars(logging.for_stream(f"{gateway.name}-telemetry")),
    ]


def app_ports(color: Color) -> tuple[int, ...]:
    return tuple(listener.port for listener in color.listeners)


def bypassed_cidrs(color: Color) -> tuple[str, ...]:
    """The color's egress networks, each once: reached around Envoy (see egress_capabilities)."""
    return tuple(dict.fromkeys(entry.cidr for entry in color.egress if entry.cidr is not None))


def proxy_configuration(app_ports: tuple[int, ...],
                        bypassed: tuple[str, ...] = ()) -> aws.ecs.TaskDefinitionProxyConfigurationArgs:
    return aws.ecs.TaskDefinitionProxyConfigurationArgs(
        type="APPMESH", container_name=envoy.ENVOY_CONTAINER, properties=envoy.proxy_properties(app_ports, bypassed))


