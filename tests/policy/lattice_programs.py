"""The small Service Connect mesh of service_connect_programs (built here, so that the colors register into Lattice)
with a router on VPC Lattice, in raw pulumi_aws
resources, to bend per test.

Red calls `router.colors.local:80`, a Lattice service in the mesh's one service network that forwards to green
and blue at 4:1; green and blue register their `http-8080` port mapping into one IP target group each (in the
mesh's VPC) through `vpcLatticeConfigurations`, with an ECS infrastructure role carrying AWS's managed Lattice
policy. The network's VPC association has its own group admitting red's group on 80; red may send to Lattice's
prefix list on 80, green and blue accept it on 8080. `auth=True` makes the router AWS_IAM with an auth policy
naming red's task role.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable, Optional

import pulumi
import pulumi_aws as aws

from .service_connect_programs import ECS_TRUST, PORT, PORT_NAME, VPC, ServiceConnectMesh, _alb as alb

ROUTER_PORT = 80
LATTICE_LIST = "pl-0123456789abcdef0"
LATTICE_MANAGED_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice"
TARGETS = {"green": 4, "blue": 1}
INVOKE = "vpc-lattice-svcs:Invoke"


@dataclass
class LatticeMesh:
    mesh: ServiceConnectMesh
    role: aws.iam.Role
    network: aws.vpclattice.ServiceNetwork
    association_group: aws.ec2.SecurityGroup
    service: aws.vpclattice.Service
    listener: aws.vpclattice.Listener
    target_groups: dict[str, aws.vpclattice.TargetGroup] = field(default_factory=dict)

    def prefix_list_rule(self, name: str, group: str, direction: str, port: int, prefix_list: str = LATTICE_LIST) -> None:
        kind = aws.vpc.SecurityGroupIngressRule if direction == "ingress" else aws.vpc.SecurityGroupEgressRule
        kind(name, security_group_id=self.mesh.groups[group].id, prefix_list_id=prefix_list, ip_protocol="tcp",
             from_port=port, to_port=port)

    def admit(self, name: str, caller: str, port: int = ROUTER_PORT) -> None:
        """The VPC association's group admits `caller` on `port`."""
        aws.vpc.SecurityGroupIngressRule(name, security_group_id=self.association_group.id, ip_protocol="tcp", from_port=port,
                                         to_port=port, referenced_security_group_id=self.mesh.groups[caller].id)

    def auth_policy(self, name: str, statement: dict) -> aws.vpclattice.AuthPolicy:
        return aws.vpclattice.AuthPolicy(name, resource_identifier=self.service.arn,
                                         policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [statement]}))


def invoke_by(*principals) -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": INVOKE, "Resource": "*"}


def lattice_role(name: str = "lattice-role", *, managed: bool = True) -> aws.iam.Role:
    role = aws.iam.Role(name, assume_role_policy=json.dumps(ECS_TRUST))
    if managed:
        aws.iam.RolePolicyAttachment(f"{name}-managed", role=role.name, policy_arn=LATTICE_MANAGED_POLICY)
    return role


def _service_connect_mesh(registrations: dict[str, list[dict]], gateway: bool) -> ServiceConnectMesh:
    """build_service_connect's mesh (red calls blue; the ALB reaches blue and green), the colors registering into Lattice."""
    namespace = aws.servicediscovery.PrivateDnsNamespace("ns", name="colors.local", vpc=VPC)
    mesh = ServiceConnectMesh(namespace, aws.ecs.Cluster("cluster", name="mesh", service_connect_defaults={"namespace": namespace.arn}))
    for name in ("red", "blue", "green"):
        balanced = gateway and name != "red"
        mesh.color(name, load_balancers=mesh.registration(name) if balanced else None, lattice=registrations.get(name))
    mesh.ingress("red-to-blue", "red", "blue")
    mesh.egress("red-out-blue", "red", "blue")
    if gateway:
        alb(mesh)
    return mesh


def build_lattice(*, auth: bool = False, statement: Optional[Callable[[ServiceConnectMesh], dict]] = None,
                  role: Optional[aws.iam.Role] = None, gateway: bool = True) -> LatticeMesh:
    """`statement`: the auth policy's statement, given the mesh (default: red's task role may invoke)."""
    role = role or lattice_role()
    groups = {color: aws.vpclattice.TargetGroup(f"router-{color}", name=f"router-{color}", type="IP", config={
        "port": PORT, "protocol": "HTTP", "protocol_version": "HTTP1", "vpc_identifier": VPC}) for color in TARGETS}
    mesh = _service_connect_mesh({color: [{"port_name": PORT_NAME, "role_arn": role.arn, "target_group_arn": group.arn}]
                                  for color, group in groups.items()}, gateway)
    network = aws.vpclattice.ServiceNetwork("mesh-network", name="colors", auth_type="NONE")
    association_group = aws.ec2.SecurityGroup("lattice-sg", vpc_id=VPC)
    aws.vpclattice.ServiceNetworkVpcAssociation("mesh-vpc", vpc_identifier=VPC, service_network_identifier=network.id,
                                                security_group_ids=[association_group.id])
    service = aws.vpclattice.Service("router", name="router", auth_type="AWS_IAM" if auth else "NONE",
                                     custom_domain_name="router.colors.local")
    aws.vpclattice.ServiceNetworkServiceAssociation("router-in-mesh", service_identifier=service.id,
                                                    service_network_identifier=network.id)
    listener = aws.vpclattice.Listener("router-http", name="http", protocol="HTTP", port=ROUTER_PORT, service_identifier=service.id,
                                       default_action={"fixed_response": {"status_code": 404}})
    aws.vpclattice.ListenerRule("router-colors", name="colors", listener_identifier=listener.arn, service_identifier=service.id,
                                priority=1, match={"http_match": {"path_match": {"match": {"prefix": "/"}, "case_sensitive": True}}},
                                action={"forward": {"target_groups": [
                                    {"target_group_identifier": groups[color].id, "weight": weight} for color, weight in TARGETS.items()]}})
    lattice = LatticeMesh(mesh, role, network, association_group, service, listener, groups)
    lattice.admit("red-to-lattice", "red")
    lattice.prefix_list_rule("red-out-router", "red", "egress", ROUTER_PORT)
    for color in TARGETS:
        lattice.prefix_list_rule(f"lattice-to-{color}", color, "ingress", PORT)
    if auth:
        lattice.auth_policy("router-auth", (statement or (lambda mesh: invoke_by(mesh.roles["red"].arn)))(mesh))
    return lattice
