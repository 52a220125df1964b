"""The VPC the mesh runs in: an existing one from stack config, or a new two-AZ VPC."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..settings.stack_settings import ExistingNetwork
from .component import MeshComponent

ZONE_COUNT = 2


@dataclass(frozen=True)
class NetworkArgs:
    existing: Optional[ExistingNetwork]  # use this VPC; None: create one
    vpc_cidr: str  # the new VPC's block


class Network(MeshComponent):
    TYPE_NAME = "Network"

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        if args.existing:
            self._use_existing(args.existing)
        else:
            self._create(name, args.vpc_cidr)
        self.register_outputs({
            "vpcId": self.vpc_id,
            "publicSubnetIds": self.public_subnet_ids,
            "privateSubnetIds": self.private_subnet_ids,
        })

    def _use_existing(self, network: ExistingNetwork) -> None:
        vpc = aws.ec2.get_vpc(id=network.vpc_id, opts=self.invoke())
        if not (vpc.enable_dns_support and vpc.enable_dns_hostnames):
            raise pulumi.RunError(
                f"VPC {network.vpc_id} needs DNS support and DNS hostnames enabled: "
                "the Cloud Map private namespace cannot resolve service names without both")
        self.vpc_id = pulumi.Output.from_input(network.vpc_id)
        self.public_subnet_ids = pulumi.Output.from_input(list(network.public_subnet_ids))
        self.private_subnet_ids = pulumi.Output.from_input(list(network.private_subnet_ids))

    def _create(self, name: str, cidr: str) -> None:
        # The output form: a blocking look-up through the component's provider would have to await the provider
        # inside a nested event loop (the SDK's sync invoke), which it leaves behind unclosed.
        available = aws.get_availability_zones_output(state="available", opts=self.invoke_output()).names
        zones = [available.apply(lambda names, index=index: _zone(names, index)) for index in range(ZONE_COUNT)]
        public_blocks, private_blocks = _subnet_blocks(cidr, ZONE_COUNT)
        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=cidr, enable_dns_support=True, enable_dns_hostnames=True,
                          tags={"Name": name}, opts=self.child())
        gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, opts=self.child())
        public = [self._subnet(f"{name}-public-{i}", vpc, block, zone)
                  for i, (block, zone) in enumerate(zip(public_blocks, zones))]
        private = [self._subnet(f"{name}-private-{i}", vpc, block, zone)
                   for i, (block, zone) in enumerate(zip(private_blocks, zones))]
        nat_address = aws.ec2.Eip(f"{name}-nat", domain="vpc", opts=self.child())
        # One NAT gateway: tasks only need it to pull images; a zone outage delays pulls, not traffic.
        nat = aws.ec2.NatGateway(f"{name}-nat", allocation_id=nat_address.id, subnet_id=public[0].id,
                                 opts=self.child(depends_on=[gateway]))
        self._route_all(f"{name}-public", vpc, public, gateway_id=gateway.id)
        self._route_all(f"{name}-private", vpc, private, nat_gateway_id=nat.id)
        self.vpc_id = vpc.id
        self.public_subnet_ids = pulumi.Output.all(*[subnet.id for subnet in public])
        self.private_subnet_ids = pulumi.Output.all(*[subnet.id for subnet in private])

    def _subnet(self, name: str, vpc: aws.ec2.Vpc, block: str, zone: pulumi.Input[str]) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(name, vpc_id=vpc.id, cidr_block=block, availability_zone=zone,
                              map_public_ip_on_launch=False, tags={"Name": name}, opts=self.child())

    def _route_all(self, name: str, vpc: aws.ec2.Vpc, subnets: list[aws.ec2.Subnet], **target) -> None:
        table = aws.ec2.RouteTable(name, vpc_id=vpc.id,
                                   routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", **target)],
                                   opts=self.child())
        for index, subnet in enumerate(subnets):
            aws.ec2.RouteTableAssociation(f"{name}-{index}", route_table_id=table.id, subnet_id=subnet.id,
                                          opts=self.child())


def _zone(names: list[str], index: int) -> str:
    if len(names) < ZONE_COUNT:
        raise pulumi.RunError(f"the region has {len(names)} available availability zone(s); the mesh's VPC needs "
                              f"{ZONE_COUNT} (or set color-mesh:network to an existing VPC)")
    return names[index]


def _subnet_blocks(cidr: str, zones: int) -> tuple[list[str], list[str]]:
    """Public subnets from the start of the block, private ones from its second half."""
    network = ipaddress.ip_network(cidr)
    halves = list(network.subnets(prefixlen_diff=1))
    public = [str(block) for block in list(halves[0].subnets(new_prefix=network.prefixlen + 4))[:zones]]
    private = [str(block) for block in list(halves[1].subnets(new_prefix=network.prefixlen + 2))[:zones]]
    return public, private
