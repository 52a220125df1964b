"""How `<router>.<namespace>` resolves to the router's VPC Lattice service, without a change in the application.

Decision: a Cloud Map service named after the router in the mesh's private DNS namespace, with one CNAME
record (routing policy WEIGHTED, as Cloud Map requires for CNAME; no health check, which Cloud Map refuses
with CNAME) and one instance whose `AWS_INSTANCE_CNAME` attribute is the Lattice service's generated DNS name
(the service's `dns_entry.domain_name`). Route 53 then answers `router.colors.local` in the VPC with that
CNAME, which resolves to Lattice's link-local addresses in a VPC associated with the service network.

Why this works for Service Connect clients: ECS resolves only Service Connect aliases inside the task; any
other name goes to the VPC's DNS as usual, and a router is never an alias (no ECS service publishes it).
The Lattice service carries the same name as its custom domain name, and for HTTP the Host header the
caller sends (`router.colors.local`) is what selects the service.
Facts: Cloud Map API model (servicediscovery 2017-03-14, DnsRecord.Type CNAME and RegisterInstance
AWS_INSTANCE_CNAME); ECS Service Connect docs (names that are not aliases use the VPC's DNS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..topology.graph import MeshGraph
from ..topology.model import Topology
from .lattice_routers import called_routers

DNS_TTL_SECONDS = 60  # the CNAME's target changes only when the Lattice service is replaced
INSTANCE_ID = "lattice"
CNAME_ATTRIBUTE = "AWS_INSTANCE_CNAME"


@dataclass(frozen=True)
class RouterDnsRecord:
    """The Cloud Map service and instance that make `dns_name` a CNAME to the router's Lattice service."""

    router: str
    namespace: str
    service_name: str  # the Cloud Map service (= the router)
    dns_name: str  # = the Lattice service's custom domain name
    record_type: Literal["CNAME"] = "CNAME"
    routing_policy: Literal["WEIGHTED"] = "WEIGHTED"
    ttl_seconds: int = DNS_TTL_SECONDS
    instance_id: str = INSTANCE_ID
    instance_attribute: str = CNAME_ATTRIBUTE  # its value: the Lattice service's generated DNS name


def router_dns_records(topology: Topology) -> tuple[RouterDnsRecord, ...]:
    namespace = topology.mesh.namespace
    graph = MeshGraph(topology)
    return tuple(RouterDnsRecord(router, namespace, router, graph.dns_name(router))
                 for router in called_routers(topology))
