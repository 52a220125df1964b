"""Cloud Map: the private DNS namespace and, when the target asks for them, one service per name the graph
serves (colors and routers). Colors' tasks register themselves (ECS does that); what a router's name
resolves to is the target's business (`app_mesh/router_names.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..topology.graph import MeshGraph
from .component import MeshComponent

RECORD_TTL_SECONDS = 10


@dataclass(frozen=True)
class ServiceDiscoveryArgs:
    graph: MeshGraph
    vpc_id: pulumi.Input[str]
    # False: the namespace alone (Service Connect creates its own Cloud Map services in it, under the same names)
    register_services: bool = True


class ServiceDiscovery(MeshComponent):
    TYPE_NAME = "ServiceDiscovery"

    def __init__(self, name: str, args: ServiceDiscoveryArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        graph, vpc_id = args.graph, args.vpc_id
        self.namespace = aws.servicediscovery.PrivateDnsNamespace(
            f"{name}-namespace", name=graph.namespace, vpc=vpc_id,
            description=f"Service names of mesh {graph.topology.mesh.name}", opts=self.child())
        registered = graph.services if args.register_services else {}
        self.name = name
        self.services = {service: self._service(name, service) for service in registered}
        self.register_outputs({"namespaceId": self.namespace.id, "namespace": self.namespace.name})

    def _service(self, name: str, service: str) -> aws.servicediscovery.Service:
        return aws.servicediscovery.Service(
            f"{name}-{service}", name=service,
            dns_config=aws.servicediscovery.ServiceDnsConfigArgs(
                namespace_id=self.namespace.id, routing_policy="MULTIVALUE",
                dns_records=[aws.servicediscovery.ServiceDnsConfigDnsRecordArgs(type="A", ttl=RECORD_TTL_SECONDS)]),
            opts=self.child())
