"""App Mesh virtual node spec for a color: its listeners, discovery, backends (with their TLS) and access log."""

from __future__ import annotations

import pulumi_aws as aws

from ..topology.graph import MeshGraph, Workload
from ..topology.listeners import Listener
from .health_check import health_check_spec
from .access_log import access_log_spec
from .resilience import connection_pool_spec, outlier_detection_spec, timeout_spec
from .spec_dicts import compact
from .tls import backend_defaults_spec, client_policy_spec, listener_tls_spec


def virtual_node_spec(graph: MeshGraph, color_name: str) -> aws.appmesh.VirtualNodeSpecArgs:
    topology = graph.topology
    color = topology.colors[color_name]
    specs = aws.appmesh
    client_tls = graph.caller_tls(Workload("color", color_name))
    return specs.VirtualNodeSpecArgs(
        listeners=[listener_spec(listener) for listener in color.listeners],
        service_discovery=specs.VirtualNodeSpecServiceDiscoveryArgs(
            aws_cloud_map=specs.VirtualNodeSpecServiceDiscoveryAwsCloudMapArgs(
                namespace_name=graph.namespace, service_name=color_name)),
        backends=[
            {"virtual_service": compact(virtual_service_name=service.dns_name,
                                        client_policy=client_policy_spec(client_tls.per_backend.get(service.name)))}
            for service in graph.backends_of(color_name)
        ],
        backend_defaults=backend_defaults_spec(client_tls.default),
        logging={"access_log": access_log_spec(color.access_log)},
    )


def listener_spec(listener: Listener) -> dict:
    return compact(
        port_mapping={"port": listener.port, "protocol": listener.protocol},
        health_check=health_check_spec(listener),
        timeout=timeout_spec(listener.protocol, listener.timeouts),
        outlier_detection=outlier_detection_spec(listener.outlier_detection),
        connection_pool=connection_pool_spec(listener.protocol, listener.connection_pool),
        tls=listener_tls_spec(listener.tls),
    )
