"""App Mesh virtual gateway and gateway route specs."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..topology.model import Gateway, GatewayRoute
from .virtual_node import ACCESS_LOG_PATH


def virtual_gateway_spec(gateway: Gateway) -> aws.appmesh.VirtualGatewaySpecArgs:
    specs = aws.appmesh
    return specs.VirtualGatewaySpecArgs(
        listeners=[specs.VirtualGatewaySpecListenerArgs(
            port_mapping=specs.VirtualGatewaySpecListenerPortMappingArgs(port=gateway.port, protocol=gateway.protocol),
            health_check=specs.VirtualGatewaySpecListenerHealthCheckArgs(
                protocol=gateway.protocol, port=gateway.port, path="/" if gateway.protocol != "grpc" else None,
                healthy_threshold=2, unhealthy_threshold=2, interval_millis=5000, timeout_millis=2000),
        )],
        logging=specs.VirtualGatewaySpecLoggingArgs(access_log=specs.VirtualGatewaySpecLoggingAccessLogArgs(
            file=specs.VirtualGatewaySpecLoggingAccessLogFileArgs(path=ACCESS_LOG_PATH))),
    )


def gateway_route_spec(gateway: Gateway, route: GatewayRoute, priority: int,
                       service_name: pulumi.Input[str]) -> aws.appmesh.GatewayRouteSpecArgs:
    specs = aws.appmesh
    action = specs.GatewayRouteSpecHttpRouteActionArgs(target=specs.GatewayRouteSpecHttpRouteActionTargetArgs(
        virtual_service=specs.GatewayRouteSpecHttpRouteActionTargetVirtualServiceArgs(
            virtual_service_name=service_name)))
    if gateway.protocol == "grpc":
        return specs.GatewayRouteSpecArgs(priority=priority, grpc_route=specs.GatewayRouteSpecGrpcRouteArgs(
            match=specs.GatewayRouteSpecGrpcRouteMatchArgs(service_name=route.target),
            action=specs.GatewayRouteSpecGrpcRouteActionArgs(target=specs.GatewayRouteSpecGrpcRouteActionTargetArgs(
                virtual_service=specs.GatewayRouteSpecGrpcRouteActionTargetVirtualServiceArgs(
                    virtual_service_name=service_name)))))
    http_route = specs.GatewayRouteSpecHttpRouteArgs(
        match=specs.GatewayRouteSpecHttpRouteMatchArgs(prefix=route.match.prefix), action=action)
    if gateway.protocol == "http2":
        return specs.GatewayRouteSpecArgs(priority=priority, http2_route=http_route)
    return specs.GatewayRouteSpecArgs(priority=priority, http_route=http_route)
