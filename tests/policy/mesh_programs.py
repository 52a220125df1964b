"""A small mesh written with raw pulumi_aws resources (not our components), to bend per test.

Nodes `a`, `b`, `c` and gateway `gw` in mesh `m`; `a` calls service `b.local` (node b) and
`router.local` (a router sending everything to c); the gateway routes to `b.local`. Each workload
runs as an ECS service with its own security group and an Envoy container naming its resource.
`build_mesh(front=...)` also puts an internet-facing NLB in front of the gateway, with its own
security group ("nlb") or without any ("nlb-without-groups", clients' addresses reach the gateway).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi_aws as aws

CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/mesh"
ENVOY_IMAGE = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod"


def envoy_task(name: str, resource_arn, *, proxied: bool = True, port: int = 80) -> aws.ecs.TaskDefinition:
    def definitions(arn: str) -> str:
        envoy = {"name": "envoy", "image": ENVOY_IMAGE, "essential": True,
                 "environment": [{"name": "APPMESH_RESOURCE_ARN", "value": arn}]}
        if not proxied:
            envoy["portMappings"] = [{"containerPort": port, "protocol": "tcp"}]
        if proxied:
            envoy["user"] = "1337"
            return json.dumps([envoy, {"name": "app", "image": "forsakenidol/colorapp", "essential": True}])
        return json.dumps([envoy])

    proxy = {
        "type": "APPMESH",
        "container_name": "envoy",
        "properties": {"IgnoredUID": "1337", "ProxyIngressPort": "15000", "ProxyEgressPort": "15001", "AppPorts": "80",
                       "EgressIgnoredIPs": "169.254.170.2,169.254.169.254"},
    }
    return aws.ecs.TaskDefinition(
        f"{name}-task", family=name, network_mode="awsvpc", requires_compatibilities=["FARGATE"], cpu="256", memory="512",
        container_definitions=resource_arn.apply(definitions), proxy_configuration=proxy if proxied else None,
    )


def workload(name: str, resource_arn, *, proxied: bool = True, port: int = 80, load_balancers=None) -> aws.ec2.SecurityGroup:
    group = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id="vpc-0123456789abcdef0")
    task = envoy_task(name, resource_arn, proxied=proxied, port=port)
    aws.ecs.Service(f"{name}-svc", name=name, cluster=CLUSTER, task_definition=task.arn, desired_count=1, launch_type="FARGATE",
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [group.id]}, load_balancers=load_balancers)
    return group


@dataclass
class Mesh:
    groups: dict[str, aws.ec2.SecurityGroup] = field(default_factory=dict)
    target_group: aws.lb.TargetGroup | None = None
    balancer: aws.lb.LoadBalancer | None = None
    listener: aws.lb.Listener | None = None

    def ingress(self, name: str, source: str, target: str, port: int = 80, protocol: str = "tcp") -> None:
        aws.vpc.SecurityGroupIngressRule(
            name, security_group_id=self.groups[target].id, referenced_security_group_id=self.groups[source].id,
            ip_protocol=protocol, from_port=port, to_port=port,
        )


def node(name: str, mesh, backends: tuple[str, ...] = ()) -> aws.appmesh.VirtualNode:
    spec = {"listeners": [{"port_mapping": {"port": 80, "protocol": "http"}}],
            "service_discovery": {"dns": {"hostname": f"{name}.local"}},
            "backends": [{"virtual_service": {"virtual_service_name": service}} for service in backends]}
    return aws.appmesh.VirtualNode(name, name=name, mesh_name=mesh.name, spec=spec)


def build_mesh(*, front: str | None = None, gateway_port: int = 80) -> Mesh:
    mesh = aws.appmesh.Mesh("m", name="m", spec={"egress_filter": {"type": "DROP_ALL"}})
    nodes = {"a": node("a", mesh, ("b.local", "router.local")), "b": node("b", mesh), "c": node("c", mesh)}
    aws.appmesh.VirtualService("b-service", name="b.local", mesh_name=mesh.name,
                               spec={"provider": {"virtual_node": {"virtual_node_name": nodes["b"].name}}})
    router = aws.appmesh.VirtualRouter("router", name="router", mesh_name=mesh.name,
                                       spec={"listeners": [{"port_mapping": {"port": 80, "protocol": "http"}}]})
    aws.appmesh.Route("to-c", name="to-c", mesh_name=mesh.name, virtual_router_name=router.name, spec={
        "http_route": {"match": {"prefix": "/"}, "action": {"weighted_targets": [{"virtual_node": nodes["c"].name, "weight": 1}]}}})
    aws.appmesh.VirtualService("router-service", name="router.local", mesh_name=mesh.name,
                               spec={"provider": {"virtual_router": {"virtual_router_name": router.name}}})
    gateway = aws.appmesh.VirtualGateway("gw", name="gw", mesh_name=mesh.name,
                                         spec={"listeners": [{"port_mapping": {"port": gateway_port, "protocol": "http"}}]})
    aws.appmesh.GatewayRoute("gw-to-b", name="gw-to-b", mesh_name=mesh.name, virtual_gateway_name=gateway.name, spec={
        "http_route": {"match": {"prefix": "/"}, "action": {"target": {"virtual_service": {"virtual_service_name": "b.local"}}}}})
    built = Mesh({name: workload(name, each.arn) for name, each in nodes.items()})
    if front is None:
        built.groups["gw"] = workload("gw", gateway.arn, proxied=False, port=gateway_port)
        return built
    built.target_group = aws.lb.TargetGroup("gw-tg", port=gateway_port, protocol="TCP", target_type="ip", vpc_id="vpc-0123456789abcdef0")
    registration = [{"target_group_arn": built.target_group.arn, "container_name": "envoy", "container_port": gateway_port}]
    built.groups["gw"] = workload("gw", gateway.arn, proxied=False, port=gateway_port, load_balancers=registration)
    world = {"ip_protocol": "tcp", "from_port": gateway_port, "to_port": gateway_port, "cidr_ipv4": "0.0.0.0/0"}
    if front == "nlb":
        built.groups["nlb"] = aws.ec2.SecurityGroup("nlb-sg", vpc_id="vpc-0123456789abcdef0")
        aws.vpc.SecurityGroupIngressRule("world-to-nlb", security_group_id=built.groups["nlb"].id, **world)
        built.ingress("nlb-to-gw", "nlb", "gw", gateway_port)
        groups = [built.groups["nlb"].id]
    else:
        aws.vpc.SecurityGroupIngressRule("world-to-gw", security_group_id=built.groups["gw"].id, **world)
        groups = []
    built.balancer = aws.lb.LoadBalancer("nlb", load_balancer_type="network", subnets=["subnet-1", "subnet-2"], security_groups=groups)
    built.listener = aws.lb.Listener("nlb-listener", load_balancer_arn=built.balancer.arn, port=gateway_port, protocol="TCP",
                                     default_actions=[{"type": "forward", "target_group_arn": built.target_group.arn}])
    return built


def declared_edges(mesh: Mesh) -> None:
    """The rules the mesh declares: a→b, a→c (through the router), gw→b, all on port 80."""
    mesh.ingress("a-to-b", "a", "b")
    mesh.ingress("a-to-c", "a", "c")
    mesh.ingress("gw-to-b", "gw", "b")
