"""A small Service Connect mesh written with raw pulumi_aws resources (not our components), to bend per test.

Colors `red`, `blue`, `green` serve http on 8080 (port mapping `http-8080`, appProtocol http) under
`<color>.colors.local`; red calls blue. Each color is an ECS service (Fargate, awsvpc) with Service Connect
enabled in the Cloud Map namespace, its own security group and task role, no Envoy and no proxy
configuration. An internet-facing ALB with its own group admits the world on 80 and forwards `/` to blue and
`/router` to green (a listener rule with a weighted forward and a url rewrite); blue and green register their
`app` container on 8080 into one IP target group each. `tls=True` adds Service Connect TLS from a Private CA
with an ECS infrastructure role carrying AWS's managed TLS policy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import pulumi_aws as aws

VPC = "vpc-0123456789abcdef0"
PORT = 8080
PORT_NAME = "http-8080"
AUTHORITY = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0a1b2c3d"
TLS_MANAGED_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
ECS_TASKS_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
ECS_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def app_task(name: str, role: Optional[aws.iam.Role] = None, *, extra_containers: tuple[dict, ...] = (),
             proxy: Optional[dict] = None) -> aws.ecs.TaskDefinition:
    app = {"name": "app", "image": "forsakenidol/colorapp:1", "essential": True, "user": "1000",
           "portMappings": [{"name": PORT_NAME, "containerPort": PORT, "protocol": "tcp", "appProtocol": "http"}]}
    return aws.ecs.TaskDefinition(
        f"{name}-task", family=name, network_mode="awsvpc", requires_compatibilities=["FARGATE"], cpu="256", memory="512",
        task_role_arn=role.arn if role else None, container_definitions=json.dumps([app, *extra_containers]),
        proxy_configuration=proxy)


def connect(namespace, *, tls: Optional[dict] = None, publish: bool = True, override: Optional[int] = None, name: str = "") -> dict:
    services = []
    if publish:
        service = {"port_name": PORT_NAME, "discovery_name": name, "client_alias": [{"port": PORT, "dns_name": f"{name}.colors.local"}]}
        if override is not None:
            service["ingress_port_override"] = override
        if tls is not None:
            service["tls"] = tls
        services.append(service)
    return {"enabled": True, "namespace": namespace, "services": services}


@dataclass
class ServiceConnectMesh:
    namespace: aws.servicediscovery.PrivateDnsNamespace
    cluster: aws.ecs.Cluster
    groups: dict[str, aws.ec2.SecurityGroup] = field(default_factory=dict)
    roles: dict[str, aws.iam.Role] = field(default_factory=dict)
    target_groups: dict[str, aws.lb.TargetGroup] = field(default_factory=dict)
    balancer: Optional[aws.lb.LoadBalancer] = None
    listener: Optional[aws.lb.Listener] = None
    tls: Optional[dict] = None

    def ingress(self, name: str, source: str, target: str, port: int = PORT, protocol: str = "tcp") -> None:
        aws.vpc.SecurityGroupIngressRule(name, security_group_id=self.groups[target].id, referenced_security_group_id=self.groups[source].id,
                                         ip_protocol=protocol, from_port=port, to_port=port)

    def egress(self, name: str, source: str, target: str, port: int = PORT) -> None:
        aws.vpc.SecurityGroupEgressRule(name, security_group_id=self.groups[source].id, referenced_security_group_id=self.groups[target].id,
                                        ip_protocol="tcp", from_port=port, to_port=port)

    def color(self, name: str, *, load_balancers=None, task: Optional[aws.ecs.TaskDefinition] = None,
              group: Optional[str] = None, lattice: Optional[list[dict]] = None, **connect_options) -> aws.ecs.Service:
        if group is None:
            self.groups[name] = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=VPC)
            aws.vpc.SecurityGroupEgressRule(f"{name}-to-aws", security_group_id=self.groups[name].id, ip_protocol="tcp",
                                            from_port=443, to_port=443, cidr_ipv4="0.0.0.0/0")
            self.roles[name] = aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps(ECS_TASKS_TRUST))
        task = task or app_task(name, self.roles.get(name))
        return aws.ecs.Service(
            f"{name}-svc", name=name, cluster=self.cluster.arn, task_definition=task.arn, desired_count=1, launch_type="FARGATE",
            network_configuration={"subnets": ["subnet-1"], "security_groups": [self.groups[group or name].id], "assign_public_ip": False},
            service_connect_configuration=connect(self.namespace.arn, tls=self.tls, name=name, **connect_options),
            load_balancers=load_balancers, vpc_lattice_configurations=lattice)

    def registration(self, name: str, *, container: str = "app", port: int = PORT) -> list[dict]:
        self.target_groups[name] = aws.lb.TargetGroup(f"{name}-tg", port=port, protocol="HTTP", target_type="ip", vpc_id=VPC)
        return [{"target_group_arn": self.target_groups[name].arn, "container_name": container, "container_port": port}]


def tls_role() -> aws.iam.Role:
    role = aws.iam.Role("sc-tls-role", assume_role_policy=json.dumps(ECS_TRUST))
    aws.iam.RolePolicyAttachment("sc-tls-managed", role=role.name, policy_arn=TLS_MANAGED_POLICY)
    return role


def build_service_connect(*, tls: bool = False, gateway: bool = True) -> ServiceConnectMesh:
    namespace = aws.servicediscovery.PrivateDnsNamespace("ns", name="colors.local", vpc=VPC)
    cluster = aws.ecs.Cluster("cluster", name="mesh", service_connect_defaults={"namespace": namespace.arn})
    mesh = ServiceConnectMesh(namespace, cluster)
    if tls:
        mesh.tls = {"issuer_cert_authority": {"aws_pca_authority_arn": AUTHORITY}, "role_arn": tls_role().arn}
    mesh.color("red")
    for name in ("blue", "green"):
        mesh.color(name, load_balancers=mesh.registration(name) if gateway else None)
    mesh.ingress("red-to-blue", "red", "blue")
    mesh.egress("red-out-blue", "red", "blue")
    if gateway:
        _alb(mesh)
    return mesh


def _alb(mesh: ServiceConnectMesh) -> None:
    group = mesh.groups["alb"] = aws.ec2.SecurityGroup("alb-sg", vpc_id=VPC)
    aws.vpc.SecurityGroupIngressRule("world-to-alb", security_group_id=group.id, ip_protocol="tcp", from_port=80, to_port=80,
                                     cidr_ipv4="0.0.0.0/0")
    for name in ("blue", "green"):
        mesh.ingress(f"alb-to-{name}", "alb", name)
        mesh.egress(f"alb-out-{name}", "alb", name)
    mesh.balancer = aws.lb.LoadBalancer("alb", load_balancer_type="application", subnets=["subnet-1", "subnet-2"],
                                        security_groups=[group.id], enable_deletion_protection=True)
    mesh.listener = aws.lb.Listener("alb-listener", load_balancer_arn=mesh.balancer.arn, port=80, protocol="HTTP",
                                    default_actions=[{"type": "forward", "target_group_arn": mesh.target_groups["blue"].arn}])
    aws.lb.ListenerRule("to-router", listener_arn=mesh.listener.arn, priority=1,
                        conditions=[{"path_pattern": {"values": ["/router", "/router/*"]}}],
                        actions=[{"type": "forward", "forward": {"target_groups": [
                            {"arn": mesh.target_groups["green"].arn, "weight": 4}]}}],
                        transforms=[{"type": "url-rewrite", "url_rewrite_config": {"rewrite": {"regex": "^/router(/.*)?$", "replace": "/$1"}}}])
