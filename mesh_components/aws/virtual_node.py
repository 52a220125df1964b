"""App Mesh virtual node spec for a color: its listener, health check, discovery and backends."""

from __future__ import annotations

import pulumi_aws as aws

from ..topology.graph import MeshGraph
from ..topology.model import Color, HealthCheck

ACCESS_LOG_PATH = "/dev/stdout"
_PATH_PROTOCOLS = ("http", "http2")


def virtual_node_spec(graph: MeshGraph, color_name: str) -> aws.appmesh.VirtualNodeSpecArgs:
    color = graph.topology.colors[color_name]
    specs = aws.appmesh
    return specs.VirtualNodeSpecArgs(
        listeners=[specs.VirtualNodeSpecListenerArgs(
            port_mapping=specs.VirtualNodeSpecListenerPortMappingArgs(port=color.port, protocol=color.protocol),
            health_check=listener_health_check(color),
        )],
        service_discovery=specs.VirtualNodeSpecServiceDiscoveryArgs(
            aws_cloud_map=specs.VirtualNodeSpecServiceDiscoveryAwsCloudMapArgs(
                namespace_name=graph.namespace, service_name=color_name)),
        backends=[
            specs.VirtualNodeSpecBackendArgs(virtual_service=specs.VirtualNodeSpecBackendVirtualServiceArgs(
                virtual_service_name=service.dns_name))
            for service in graph.backends_of(color_name)
        ],
        logging=specs.VirtualNodeSpecLoggingArgs(access_log=specs.VirtualNodeSpecLoggingAccessLogArgs(
            file=specs.VirtualNodeSpecLoggingAccessLogFileArgs(path=ACCESS_LOG_PATH))),
    )


def listener_health_check(color: Color) -> aws.appmesh.VirtualNodeSpecListenerHealthCheckArgs:
    """HTTP(2) colors with a path are probed on it; anything else gets a connection check on its protocol."""
    check = color.health_check or HealthCheck()
    probe_path = check.path if color.protocol in _PATH_PROTOCOLS else None
    return aws.appmesh.VirtualNodeSpecListenerHealthCheckArgs(
        protocol=color.protocol if probe_path or color.protocol == "grpc" else "tcp",
        path=probe_path,
        port=color.port,
        healthy_threshold=check.healthy_threshold,
        unhealthy_threshold=check.unhealthy_threshold,
        interval_millis=check.interval_seconds * 1000,
        timeout_millis=check.timeout_seconds * 1000,
    )
