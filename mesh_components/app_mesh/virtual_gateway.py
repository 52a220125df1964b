"""App Mesh virtual gateway and gateway route specs."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..topology.listeners import GatewayListener
from ..topology.graph import MeshGraph
from ..topology.model import Gateway, GatewayRoute
from .health_check import health_check_spec
from .access_log import access_log_spec
from .route_match import grpc_gateway_match, http_gateway_match
from .spec_dicts import compact
from .tls import backend_defaults_spec, listener_tls_spec


def virtual_gateway_spec(graph: MeshGraph) -> aws.appmesh.VirtualGatewaySpecArgs:
    gateway = graph.topology.gateway
    return aws.appmesh.VirtualGatewaySpecArgs(
        listeners=[gateway_listener_spec(listener) for listener in gateway.listeners],
        backend_defaults=backend_defaults_spec(graph.caller_tls(graph.gateway).default),
        logging={"access_log": access_log_spec(gateway.access_log)},
    )


def gateway_listener_spec(listener: GatewayListener) -> dict:
    return compact(port_mapping={"port": listener.port, "protocol": listener.protocol},
                   health_check=health_check_spec(listener), tls=listener_tls_spec(listener.tls))


def gateway_route_spec(gateway: Gateway, route: GatewayRoute, priority: int,
                       service_name: pulumi.Input[str]) -> aws.appmesh.GatewayRouteSpecArgs:
    """The route in the shape of the protocol of the gateway listener it serves."""
    target = compact(virtual_service={"virtual_service_name": service_name}, port=route.target_port)
    protocol = gateway.protocol_of(route)
    if protocol == "grpc":
        return aws.appmesh.GatewayRouteSpecArgs(priority=priority, grpc_route={
            "match": grpc_gateway_match(route.match), "action": {"target": target}})
    http_route = {"match": http_gateway_match(route.match),
                  "action": compact(target=target, rewrite=_rewrite(route))}
    if protocol == "http2":
        return aws.appmesh.GatewayRouteSpecArgs(priority=priority, http2_route=http_route)
    return aws.appmesh.GatewayRouteSpecArgs(priority=priority, http_route=http_route)


def _enabled(flag: bool | None) -> str | None:
    return None if flag is None else ("ENABLED" if flag else "DISABLED")


def _rewrite(route: GatewayRoute) -> dict | None:
    rewrite = route.rewrite
    if rewrite is None:
        return None
    prefix = (compact(value=rewrite.prefix.value, default_prefix=_enabled(rewrite.prefix.default))
              if rewrite.prefix else None)
    return compact(
        prefix=prefix,
        path={"exact": rewrite.path} if rewrite.path else None,
        hostname={"default_target_hostname": _enabled(rewrite.hostname)} if rewrite.hostname is not None else None,
    ) or None
