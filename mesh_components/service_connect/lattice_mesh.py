"""Everything VPC Lattice brings to the routers colors call, composed: the service network and its VPC
association, the target groups, one Lattice service per router and the Cloud Map CNAME that makes its
name resolve, and the ECS infrastructure role the colors' services register their tasks with.

The colors' ECS services (target.py) register into `target_groups` with `registration_role_arn`, after
`attachments`; auth policies, which name the callers' task roles, come after the colors (lattice_auth_policy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import pulumi

from ..aws.component import MeshComponent
from ..aws.ecs_infrastructure_role import EcsInfrastructureRole, EcsInfrastructureRoleArgs
from .lattice import LatticeTargetGroupKey, TargetGroup
from .lattice_dns import RouterDnsRecord
from .lattice_dns_name import RouterDnsName, RouterDnsNameArgs
from .lattice_network import LatticeServiceNetwork, LatticeServiceNetworkArgs
from .lattice_registration_role import registration_statements
from .lattice_routers import LatticeRouters
from .lattice_service import LatticeRouterService, LatticeRouterServiceArgs
from .lattice_target_groups import LatticeTargetGroups, LatticeTargetGroupsArgs


@dataclass(frozen=True)
class LatticeNames:
    """Physical names (lattice_names), decided by the target from the mesh and the stack."""

    service_network: str
    service: Callable[[str, str], str]  # (router, custom domain name) -> name
    target_group: Callable[[TargetGroup, str], str]  # (group, vpc id) -> name
    registration_role: str


@dataclass(frozen=True)
class LatticeMeshArgs:
    routers: LatticeRouters
    dns_records: tuple[RouterDnsRecord, ...]
    names: LatticeNames
    vpc_id: pulumi.Input[str]
    association_security_group_id: pulumi.Input[str]
    namespace_id: pulumi.Input[str]


class LatticeMesh(MeshComponent):
    TYPE_NAME = "LatticeMesh"

    def __init__(self, name: str, args: LatticeMeshArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        routers, names = args.routers, args.names
        self.network = LatticeServiceNetwork(f"{name}-network", LatticeServiceNetworkArgs(
            routers.service_network, names.service_network, args.vpc_id, args.association_security_group_id),
            opts=self.child())
        groups = LatticeTargetGroups(f"{name}-target-groups", LatticeTargetGroupsArgs(
            routers.target_groups, names.target_group, args.vpc_id), opts=self.child())
        self.target_groups: dict[LatticeTargetGroupKey, pulumi.Output[str]] = {
            key: group.arn for key, group in groups.groups.items()}
        self.services = {service.router: LatticeRouterService(f"{name}-{service.router}", LatticeRouterServiceArgs(
            service, names.service(service.router, service.custom_domain_name), self.network.network.id,
            {key: group.id for key, group in groups.groups.items()}), opts=self.child())
            for service in routers.services}
        for record in args.dns_records:
            RouterDnsName(f"{name}-{record.router}-dns", RouterDnsNameArgs(
                record, args.namespace_id, self.services[record.router].dns_name), opts=self.child())
        self.registration_role = EcsInfrastructureRole(f"{name}-registration", EcsInfrastructureRoleArgs(
            names.registration_role, registration_statements(list(self.target_groups.values()))), opts=self.child())
        self.register_outputs({"serviceNetworkArn": self.network.network.arn})

    @property
    def attachments(self) -> tuple[pulumi.Resource, ...]:
        """What puts the target groups to use: the rules forwarding to them."""
        return tuple(rule for service in self.services.values() for rule in service.rules)
