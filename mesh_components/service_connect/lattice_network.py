"""The mesh's VPC Lattice service network and its association with the stack's VPC.

The association's security group (made with every other rule in aws/security_groups.py) admits only the
groups of colors that call a router, on the router's port: it decides which traffic from the VPC may enter
the service network at all. A VPC associates directly with one service network only, so a replaced
association is deleted before its replacement is created (nothing else refers to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..aws.component import MeshComponent
from .lattice import ServiceNetwork


@dataclass(frozen=True)
class LatticeServiceNetworkArgs:
    network: ServiceNetwork
    network_name: str  # lattice_names.service_network_name
    vpc_id: pulumi.Input[str]
    security_group_id: pulumi.Input[str]  # the VPC association's group


class LatticeServiceNetwork(MeshComponent):
    TYPE_NAME = "LatticeServiceNetwork"

    def __init__(self, name: str, args: LatticeServiceNetworkArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.network = aws.vpclattice.ServiceNetwork(
            f"{name}-network", name=args.network_name, auth_type=args.network.auth_type, opts=self.child())
        self.vpc_association = aws.vpclattice.ServiceNetworkVpcAssociation(
            f"{name}-vpc-association", service_network_identifier=self.network.id, vpc_identifier=args.vpc_id,
            security_group_ids=[args.security_group_id], opts=self.named_child())
        self.register_outputs({"serviceNetworkArn": self.network.arn})
