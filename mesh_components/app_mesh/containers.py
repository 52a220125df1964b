"""Which containers an App Mesh workload's tasks run: the app and its Envoy sidecar (or, for the gateway,
Envoy alone), the mesh's observability sidecars, and the ECS proxy configuration that routes through Envoy."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws

from ..aws.app_container import app_container_settings
from ..aws.task_definition import TaskLogging
from ..topology.container_settings import resolved_envoy
from ..topology.model import Color, Gateway, Topology
from ..topology.observability import Observability
from . import envoy, sidecars


@dataclass(frozen=True)
class EnvoySetup:
    """What every Envoy of the mesh shares: the stack's image, the mesh's observability sidecars; and whose
    `envoy` settings (image, log level) a color's or the gateway's Envoy takes."""

    image: str  # the stack setting envoyImage (its default included)
    topology: Topology
    metrics_namespace: str

    @property
    def observability(self) -> Observability:
        return self.topology.mesh.observability

    def envoy(self, *, resource_arn: str, logs: dict, as_sidecar: bool, holder: Color | Gateway,
              port_mappings: tuple[int, ...] = ()) -> dict:
        image, log_level = resolved_envoy(self.topology, holder, self.image)
        environment = sidecars.envoy_environment(self.observability)
        if log_level is not None:
            environment["ENVOY_LOG_LEVEL"] = log_level
        return envoy.envoy_container(image=image, resource_arn=resource_arn, logs=logs, as_sidecar=as_sidecar,
                                     port_mappings=port_mappings, environment=environment,
                                     admin_port=sidecars.envoy_admin_port(self.observability))

    def sidecars(self, logs: dict) -> list[dict]:
        return sidecars.sidecar_containers(self.observability, logs, self.metrics_namespace)


def color_containers(name: str, color: Color, setup: EnvoySetup, node_arn: str, logging: TaskLogging) -> list[dict]:
    return [
        envoy.app_container(name=name, image=color.image, ports=app_ports(color), environment=color.env,
                            logs=logging.for_stream(name), settings=app_container_settings(color)),
        setup.envoy(resource_arn=node_arn, logs=logging.for_stream(f"{name}-envoy"), as_sidecar=True, holder=color),
        *setup.sidecars(logging.for_stream(f"{name}-telemetry")),
    ]


def gateway_containers(gateway: Gateway, setup: EnvoySetup, gateway_arn: str, logging: TaskLogging) -> list[dict]:
    return [
        setup.envoy(resource_arn=gateway_arn, logs=logging.for_stream(gateway.name), as_sidecar=False,
                    port_mappings=tuple(listener.port for listener in gateway.listeners), holder=gateway),
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


