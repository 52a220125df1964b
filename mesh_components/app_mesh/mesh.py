"""The App Mesh itself: mesh, virtual nodes and services, routers and routes, gateway and its routes.

Every App Mesh name is unique only within its scope (the mesh; a route within its router, a gateway route
within its gateway), and the scope is an input that forces replacement. Each resource's own name is a
topology key that is also part of its Pulumi name, or (virtual services) the DNS name, which changes with
the namespace. So a replacement always lands on a new name or in a new scope, and the resources are
replaced create-before-delete: delete-before-replace would try to delete, say, a virtual service while
a gateway route (which is only updated) still targets it, and App Mesh refuses (ResourceInUseException).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..aws import physical_names
from ..topology.graph import ExternalHost, MeshGraph
from ..aws.component import MeshComponent
from .virtual_gateway import gateway_route_spec, virtual_gateway_spec
from .virtual_node import external_node_spec, virtual_node_spec
from .virtual_router import route_spec, virtual_router_spec


@dataclass(frozen=True)
class AppMeshArgs:
    graph: MeshGraph


class AppMesh(MeshComponent):
    TYPE_NAME = "AppMesh"

    def __init__(self, name: str, args: AppMeshArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        graph = args.graph
        topology = graph.topology
        self.mesh = aws.appmesh.Mesh(
            f"{name}-mesh", name=topology.mesh.name,
            spec=aws.appmesh.MeshSpecArgs(egress_filter=aws.appmesh.MeshSpecEgressFilterArgs(
                type=topology.mesh.egress_filter)),
            opts=self.child())
        self.mesh_name = self.mesh.name
        self._route_aliases = physical_names.legacy_aliases([
            (physical_names.keyed_name(name, router, route, suffix="-route"), f"{name}-{router}-{route}-route")
            for router, spec in topology.routers.items() for route in spec.routes])
        self.virtual_nodes = {color: self._virtual_node(name, graph, color) for color in topology.colors}
        self.virtual_routers = {router: self._virtual_router(name, graph, router) for router in topology.routers}
        self.virtual_services = {
            **{color: self._virtual_service(name, graph, color, virtual_node_name=node.name)
               for color, node in self.virtual_nodes.items() if color in graph.services},  # workers have none
            **{router: self._virtual_service(name, graph, router, virtual_router_name=vr.name)
               for router, vr in self.virtual_routers.items()},
        }
        self.external_services = {external.host: self._external_service(name, external)
                                  for external in graph.external_hosts}
        self.virtual_gateway = self._virtual_gateway(name, graph) if topology.gateway else None
        self.register_outputs({
            "meshName": self.mesh.name,
            "meshArn": self.mesh.arn,
            "virtualServices": {service: vs.name for service, vs in self.virtual_services.items()},
        })

    def _virtual_node(self, name: str, graph: MeshGraph, color: str) -> aws.appmesh.VirtualNode:
        return aws.appmesh.VirtualNode(f"{name}-{color}-node", name=color, mesh_name=self.mesh_name,
                                       spec=virtual_node_spec(graph, color), opts=self.child())

    def _virtual_router(self, name: str, graph: MeshGraph, router_name: str) -> aws.appmesh.VirtualRouter:
        router = graph.topology.routers[router_name]
        virtual_router = aws.appmesh.VirtualRouter(
            f"{name}-{router_name}-router", name=router_name, mesh_name=self.mesh_name,
            spec=virtual_router_spec(router), opts=self.child())
        node_names = {color: node.name for color, node in self.virtual_nodes.items()}
        priorities = graph.route_priorities(router_name)
        for route_name, route in router.routes.items():
            resource_name = physical_names.keyed_name(name, router_name, route_name, suffix="-route")
            aws.appmesh.Route(resource_name, name=route_name, mesh_name=self.mesh_name,
                              virtual_router_name=virtual_router.name,
                              spec=route_spec(graph, router, route, priorities[route_name], node_names),
                              opts=self.child(**self.renamed_from(aws.appmesh.Route, self._route_aliases.get(resource_name))))
        return virtual_router

    def _virtual_service(self, name: str, graph: MeshGraph, service: str,
                         virtual_node_name: pulumi.Input[str] | None = None,
                         virtual_router_name: pulumi.Input[str] | None = None) -> aws.appmesh.VirtualService:
        specs = aws.appmesh
        provider = (specs.VirtualServiceSpecProviderArgs(
                        virtual_node=specs.VirtualServiceSpecProviderVirtualNodeArgs(virtual_node_name=virtual_node_name))
                    if virtual_node_name is not None else
                    specs.VirtualServiceSpecProviderArgs(
                        virtual_router=specs.VirtualServiceSpecProviderVirtualRouterArgs(
                            virtual_router_name=virtual_router_name)))
        return aws.appmesh.VirtualService(f"{name}-{service}-service", name=graph.services[service].dns_name,
                                          mesh_name=self.mesh_name,
                                          spec=specs.VirtualServiceSpecArgs(provider=provider),
                                          opts=self.child())

    def _external_service(self, name: str, external: ExternalHost) -> aws.appmesh.VirtualService:
        """A host outside the mesh: a node named after it (a name with dots, so never a color's) and a virtual
        service of the same name that callers list as a backend."""
        node = aws.appmesh.VirtualNode(f"{name}-external-{external.host}-node", name=external.host,
                                       mesh_name=self.mesh_name, spec=external_node_spec(external), opts=self.child())
        provider = aws.appmesh.VirtualServiceSpecProviderArgs(
            virtual_node=aws.appmesh.VirtualServiceSpecProviderVirtualNodeArgs(virtual_node_name=node.name))
        return aws.appmesh.VirtualService(f"{name}-external-{external.host}-service", name=external.host,
                                          mesh_name=self.mesh_name,
                                          spec=aws.appmesh.VirtualServiceSpecArgs(provider=provider), opts=self.child())

    def _virtual_gateway(self, name: str, graph: MeshGraph) -> aws.appmesh.VirtualGateway:
        gateway = graph.topology.gateway
        virtual_gateway = aws.appmesh.VirtualGateway(
            f"{name}-{gateway.name}-gateway", name=gateway.name, mesh_name=self.mesh_name,
            spec=virtual_gateway_spec(graph), opts=self.child())
        for route_name, route, priority in graph.gateway_routes_by_precedence:
            aws.appmesh.GatewayRoute(
                f"{name}-{gateway.name}-{route_name}-gateway-route", name=route_name, mesh_name=self.mesh_name,
                virtual_gateway_name=virtual_gateway.name,
                spec=gateway_route_spec(gateway, route, priority, self.virtual_services[route.target].name),
                opts=self.child())
        return virtual_gateway
