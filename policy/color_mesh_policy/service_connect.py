"""Reading ECS Service Connect from AWS resources: which services take part, what they publish, and which
kind of mesh a stack runs.

A Service Connect workload is an ECS service with `serviceConnectConfiguration.enabled` whose task
definition (created by this stack) runs no App Mesh Envoy and has no proxy configuration: ECS injects
its own proxy. What it serves are the container ports of the port mappings its Service Connect
services name (`portName`), and any `ingressPortOverride` (where the proxy then listens).
A stack's kind is read from evidence: App Mesh resources or Envoy tasks make it App Mesh; services
with Service Connect enabled or a cluster with Service Connect defaults make it Service Connect.
"""

from __future__ import annotations

from typing import Any, Optional

from .ecs_tasks import containers, envoy_containers, named_ports, port_mappings
from .reading import Props, Subject, as_int, is_true, is_unknown

APP_MESH = "app-mesh"
SERVICE_CONNECT = "service-connect"
SERVICE_CONNECT_KIND = "serviceConnect"  # the middle of a Workload tuple, beside virtualNode / virtualGateway
CLUSTER = "aws:ecs/cluster:Cluster"
APP_MESH_PREFIX = "aws:appmesh/"


def enabled(service: Subject) -> Any:
    """True, False, or UNKNOWN: whether the service takes part in Service Connect."""
    value = service.props.get("serviceConnectConfiguration", "enabled")
    return value if is_unknown(value) else is_true(value)


def entries(service: Subject) -> list[int]:
    """Indexes of the service's Service Connect services (what it publishes)."""
    found = service.props.items("serviceConnectConfiguration", "services")
    return list(range(len(found))) if isinstance(found, list) else []


def runs_app_mesh_proxy(task: Props) -> bool:
    return task.get("proxyConfiguration") is not None or bool(envoy_containers(task))


def served_ports(service: Subject, task: Props) -> set[int]:
    """Ports callers reach the service's tasks on: the named port mappings it publishes, and ingress overrides."""
    found = containers(task)
    names: dict[str, int] = {}
    for container in found if isinstance(found, list) else []:
        names.update(named_ports(container))
    ports = set()
    for index in entries(service):
        port_name = service.props.get("serviceConnectConfiguration", "services", index, "portName")
        if isinstance(port_name, str) and port_name in names:
            ports.add(names[port_name])
        override = as_int(service.props.get("serviceConnectConfiguration", "services", index, "ingressPortOverride"))
        if override is not None:
            ports.add(override)
    return ports


def serving_containers(task: Props, port: int) -> set[str]:
    """Names of the task's containers that map `port`."""
    found = containers(task)
    return {str(container.get("name")) for container in (found if isinstance(found, list) else []) if port in port_mappings(container)}


def workload_name(service: Subject) -> tuple[str, str, str]:
    """(namespace, "serviceConnect", service name) — one workload per ECS service."""
    namespace = service.props.get("serviceConnectConfiguration", "namespace")
    name = service.props.get("name")
    return (namespace if isinstance(namespace, str) else "", SERVICE_CONNECT_KIND, name if isinstance(name, str) else service.name)


def is_cluster_with_defaults(cluster: Subject) -> bool:
    namespace = cluster.props.get("serviceConnectDefaults", "namespace")
    return namespace is not None


def why_not_workload(service: Subject, task: Optional[Props]) -> Optional[str]:
    """Why a service with Service Connect enabled is no Service Connect workload; None when it is one."""
    if task is None:
        return "its task definition is not created by this stack, so what it runs and serves is unknown"
    if not isinstance(containers(task), list):
        return "its task definition's container definitions cannot be read, so what it serves is unknown"
    if runs_app_mesh_proxy(task):
        return "its task definition also runs an App Mesh Envoy or proxy configuration, so it is neither kind of workload"
    return None
