"""The name callers already use, `<router>.<namespace>`, as a CNAME to the router's VPC Lattice service:
a Cloud Map service in the mesh's namespace with one CNAME record and one instance holding the Lattice
service's generated DNS name (lattice_dns.RouterDnsRecord says why this resolves for Service Connect tasks).

Named like the router, within the namespace: Service Connect's own Cloud Map services take the colors'
names, which never equal a router's (colors and routers share one name space).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..aws.component import MeshComponent
from .lattice_dns import RouterDnsRecord


@dataclass(frozen=True)
class RouterDnsNameArgs:
    record: RouterDnsRecord
    namespace_id: pulumi.Input[str]
    lattice_dns_name: pulumi.Input[str]  # the Lattice service's dns_entries[0].domain_name


class RouterDnsName(MeshComponent):
    TYPE_NAME = "RouterDnsName"

    def __init__(self, name: str, args: RouterDnsNameArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        record = args.record
        self.service = aws.servicediscovery.Service(
            f"{name}-service", name=record.service_name,
            dns_config=aws.servicediscovery.ServiceDnsConfigArgs(
                namespace_id=args.namespace_id, routing_policy=record.routing_policy,
                dns_records=[aws.servicediscovery.ServiceDnsConfigDnsRecordArgs(
                    type=record.record_type, ttl=record.ttl_seconds)]),
            opts=self.child())
        self.instance = aws.servicediscovery.Instance(
            f"{name}-instance", instance_id=record.instance_id, service_id=self.service.id,
            attributes={record.instance_attribute: args.lattice_dns_name}, opts=self.child())
        self.register_outputs({"dnsName": record.dns_name})
