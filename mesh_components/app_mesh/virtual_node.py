"""App Mesh virtual node spec for a color: its listeners, discovery, backends (with their TLS) and access log."""

from __future__ import annotations

import pulumi_aws as aws

from ..topology.graph import ExternalHost, MeshGraph, Workload
from ..topology.listeners import Listener
from ..topology.model import Color
from .health_check import health_check_spec
from .access_log import access_log_spec
from .resilience import connection_pool_spec, outlier_detection_spec, timeout_spec
from .spec_dicts import compact
from .tls import backend_defaults_spec, client_policy_spec, listener_tls_spec

IPV4_ONLY = "IPv4_ONLY"


def virtual_node_spec(graph: MeshGraph, color_name: str) -> aws.appmesh.VirtualNodeSpecArgs:
    """A worker (no listener) gets neither listeners nor service discovery: App Mesh requires discovery only
    of a node with listeners, and the provider sends neither when they are absent (expandVirtualNodeSpec)."""
    topology = graph.topology
    color = topology.colors[color_name]
    specs = aws.appmesh
    client_tls = graph.caller_tls(Workload("color", color_name))
    hosts = external_hosts_of(color)
    # backend_defaults would reach the external hosts too (Envoy originating the mesh's TLS to them), so a
    # color calling out names each mesh backend's own policy instead.
    per_backend = (client_tls.towards if hosts else client_tls.per_backend.get)
    return specs.VirtualNodeSpecArgs(
        listeners=[listener_spec(listener) for listener in color.listeners],
        service_discovery=None if color.is_worker else specs.VirtualNodeSpecServiceDiscoveryArgs(
            aws_cloud_map=specs.VirtualNodeSpecServiceDiscoveryAwsCloudMapArgs(
                namespace_name=graph.namespace, service_name=color_name)),
        backends=[
            {"virtual_service": compact(virtual_service_name=service.dns_name,
                                        client_policy=client_policy_spec(per_backend(service.name)))}
            for service in graph.backends_of(color_name)
        ] + [{"virtual_service": {"virtual_service_name": host}} for host in hosts],
        backend_defaults=None if hosts else backend_defaults_spec(client_tls.default),
        logging={"access_log": access_log_spec(color.access_log)},
    )


def external_hosts_of(color: Color) -> list[str]:
    """The hosts a color's egress names, each once, in the order written (their virtual services' names)."""
    return list(dict.fromkeys(entry.host for entry in color.egress if entry.host is not None))


def external_node_spec(external: ExternalHost) -> aws.appmesh.VirtualNodeSpecArgs:
    """A host outside the mesh as App Mesh models it with DROP_ALL kept: a node no task runs, found by DNS
    (IPv4 only: the VPC has no IPv6), listening on each port callers reach it on (AWS's external-traffic
    walkthrough). No health check: Envoy does not probe what it does not run."""
    return aws.appmesh.VirtualNodeSpecArgs(
        listeners=[{"port_mapping": {"port": port, "protocol": protocol}} for port, protocol in external.listeners],
        service_discovery=aws.appmesh.VirtualNodeSpecServiceDiscoveryArgs(
            dns=aws.appmesh.VirtualNodeSpecServiceDiscoveryDnsArgs(hostname=external.host, ip_preference=IPV4_ONLY)),
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
