"""App Mesh virtual router and route specs: one listener; routes with matches, retries, timeouts and
weighted targets, in the shape the router's protocol needs."""

from __future__ import annotations

from typing import Mapping

import pulumi
import pulumi_aws as aws

from ..topology.graph import MeshGraph
from ..topology.model import Route, Router
from .resilience import retry_policy_spec, timeout_spec
from .route_match import grpc_route_match, http_route_match, tcp_route_match
from .spec_dicts import compact


def virtual_router_spec(router: Router) -> aws.appmesh.VirtualRouterSpecArgs:
    return aws.appmesh.VirtualRouterSpecArgs(listeners=[aws.appmesh.VirtualRouterSpecListenerArgs(
        port_mapping=aws.appmesh.VirtualRouterSpecListenerPortMappingArgs(port=router.port, protocol=router.protocol))])


def route_spec(graph: MeshGraph, router: Router, route: Route, priority: int | None,
               node_names: Mapping[str, pulumi.Input[str]]) -> aws.appmesh.RouteSpecArgs:
    """Targets name virtual nodes with exact weights; a target with several listeners also names the port.
    `priority` is the one the graph compiled (`MeshGraph.route_priorities`), never the topology's own."""
    protocol = router.protocol
    targets = [compact(virtual_node=node_names[color], weight=weight, port=_target_port(graph, color, protocol))
               for color, weight in route.targets.items()]
    action = {"weighted_targets": targets}
    timeout = (timeout_spec(protocol, route.timeouts) or {}).get(protocol)
    if protocol == "tcp":
        return aws.appmesh.RouteSpecArgs(priority=priority, tcp_route=compact(
            match=tcp_route_match(route.match), action=action, timeout=timeout))
    retry_policy = retry_policy_spec(route.retry_policy)
    if protocol == "grpc":
        return aws.appmesh.RouteSpecArgs(priority=priority, grpc_route=compact(
            match=grpc_route_match(route.match), action=action, retry_policy=retry_policy, timeout=timeout))
    http_route = compact(match=http_route_match(route.match), action=action, retry_policy=retry_policy,
                         timeout=timeout)
    if protocol == "http2":
        return aws.appmesh.RouteSpecArgs(priority=priority, http2_route=http_route)
    return aws.appmesh.RouteSpecArgs(priority=priority, http_route=http_route)


def _target_port(graph: MeshGraph, color: str, protocol: str) -> int | None:
    if len(graph.topology.colors[color].listeners) == 1:
        return None
    return graph.ports_speaking(color, protocol)[0]
