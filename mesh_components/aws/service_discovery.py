"""Cloud Map: the private DNS namespace and one service per virtual service name.

Applications resolve `<service>.<namespace>` before Envoy ever sees the connection, so every
virtual service needs a name that resolves. Colors' tasks register themselves (ECS does that);
routers have no tasks, so their name holds one link-local address that is never reached: Envoy
intercepts the connection and routes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import physical_names
from ..topology.graph import MeshGraph
from .component import MeshComponent

RECORD_TTL_SECONDS = 10
ROUTER_PLACEHOLDER_IPV4 = "169.254.255.254"


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
        self.services = {service: self._service(name, service) for service in registered}
        for router in graph.topology.routers if args.register_services else ():
            aws.servicediscovery.Instance(
                f"{name}-{router}-placeholder", instance_id=physical_names.placeholder_instance_id(router),
                service_id=self.services[router].id,
                attributes={"AWS_INSTANCE_IPV4": ROUTER_PLACEHOLDER_IPV4}, opts=self.child())
        self.register_outputs({"namespaceId": self.namespace.id, "namespace": self.namespace.name})

    def _service(self, name: str, service: str) -> aws.servicediscovery.Service:
        return aws.servicediscovery.Service(
            f"{name}-{service}", name=service,
            dns_config=aws.servicediscovery.ServiceDnsConfigArgs(
                namespace_id=self.namespace.id, routing_policy="MULTIVALUE",
                dns_records=[aws.servicediscovery.ServiceDnsConfigDnsRecordArgs(type="A", ttl=RECORD_TTL_SECONDS)]),
            opts=self.child())
