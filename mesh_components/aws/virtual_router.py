"""App Mesh virtual router and route specs: one listener, routes with weighted targets."""

from __future__ import annotations

from typing import Mapping

import pulumi
import pulumi_aws as aws

from ..topology.model import Route, Router


def virtual_router_spec(router: Router) -> aws.appmesh.VirtualRouterSpecArgs:
    return aws.appmesh.VirtualRouterSpecArgs(listeners=[aws.appmesh.VirtualRouterSpecListenerArgs(
        port_mapping=aws.appmesh.VirtualRouterSpecListenerPortMappingArgs(port=router.port, protocol=router.protocol))])


def route_spec(router: Router, route: Route, node_names: Mapping[str, pulumi.Input[str]]) -> aws.appmesh.RouteSpecArgs:
    """The route in the shape its router's protocol needs; targets name virtual nodes with exact weights."""
    targets = [aws.appmesh.RouteSpecHttpRouteActionWeightedTargetArgs(virtual_node=node_names[color], weight=weight)
               for color, weight in route.targets.items()]
    protocol = router.protocol
    if protocol == "tcp":
        return aws.appmesh.RouteSpecArgs(priority=route.priority, tcp_route=aws.appmesh.RouteSpecTcpRouteArgs(
            action=aws.appmesh.RouteSpecTcpRouteActionArgs(weighted_targets=targets)))
    if protocol == "grpc":
        return aws.appmesh.RouteSpecArgs(priority=route.priority, grpc_route=aws.appmesh.RouteSpecGrpcRouteArgs(
            match=aws.appmesh.RouteSpecGrpcRouteMatchArgs(),
            action=aws.appmesh.RouteSpecGrpcRouteActionArgs(weighted_targets=targets)))
    http_route = aws.appmesh.RouteSpecHttpRouteArgs(
        match=aws.appmesh.RouteSpecHttpRouteMatchArgs(prefix=route.match.prefix, method=route.match.method),
        action=aws.appmesh.RouteSpecHttpRouteActionArgs(weighted_targets=targets))
    if protocol == "http2":
        return aws.appmesh.RouteSpecArgs(priority=route.priority, http2_route=http_route)
    return aws.appmesh.RouteSpecArgs(priority=route.priority, http_route=http_route)
