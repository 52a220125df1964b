"""A Service Connect stack judged with the same intent as an App Mesh one (#12): recognised from its AWS resources,
App Mesh-only rules silent, its own rules on groups, egress, the ALB, TLS and task roles — and no mix of the two kinds
switches anything off."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest

from .mesh_programs import CLUSTER, ENVOY_IMAGE, build_mesh, declared_edges
from .service_connect_programs import (
    AUTHORITY, ECS_TASKS_TRUST, ECS_TRUST, LATTICE_PREFIX_LIST, PORT, VPC, app_task, build_service_connect, connect,
    tls_role,
)
from .verdicts import mandatory, of_policy

ONE_KIND = "mesh-one-kind"
EDGES = "mesh-edges-declared"
EXCLUSIVE = "mesh-workload-groups-exclusive"
EGRESS = "mesh-workload-egress"
ONLY_GATEWAY = "lb-internet-facing-only-gateway"
SERVED_PORT = "lb-reaches-served-port"
TLS = "mesh-tls-required"
TLS_ROLE = "iam-service-connect-tls-role"
ROLES = "iam-mesh-task-roles"
REQUIRED = {TLS: {"required": True}}


def with_stack(extra, **options):
    def program():
        extra(build_service_connect(**options))

    return program


def culprits(found) -> set[str]:
    return {v.urn.rsplit("::", 1)[-1] for v in found}


def names(verdicts, policy: str) -> set[str]:
    return culprits(of_policy(verdicts, policy, level="mandatory"))


# --- recognised, and the App Mesh rules silent ---------------------------------------------------


@pytest.mark.parametrize("config", [None, REQUIRED], ids=["default config", "TLS required"])
def test_a_service_connect_stack_with_its_alb_passes(judge, config):
    verdicts = judge(lambda: build_service_connect(tls=config is not None), config)
    assert mandatory(verdicts) == []


def test_the_same_alb_on_a_stack_that_is_not_service_connect_is_refused(judge):
    """The ALB passes above because the stack is recognised as Service Connect, not because ALBs pass."""
    verdicts = judge(with_stack(lambda mesh: aws.appmesh.Mesh("m", name="m", spec={"egress_filter": {"type": "DROP_ALL"}})))
    assert "alb" in names(verdicts, ONLY_GATEWAY)
    assert names(verdicts, ONE_KIND) == {"red-svc", "blue-svc", "green-svc", "cluster"}


def _envoy_in_a_service_connect_task(mesh):
    envoy = {"name": "envoy", "image": ENVOY_IMAGE, "user": "1337",
             "environment": [{"name": "APPMESH_RESOURCE_ARN", "value": "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualNode/x"}]}
    proxy = {"type": "APPMESH", "container_name": "envoy", "properties": {
        "IgnoredUID": "1337", "ProxyIngressPort": "15000", "ProxyEgressPort": "15001", "AppPorts": str(PORT)}}
    mesh.color("both", task=app_task("both", extra_containers=(envoy,), proxy=proxy))


def _proxy_configuration_only(mesh):
    proxy = {"type": "APPMESH", "container_name": "app", "properties": {"IgnoredUID": "1337", "AppPorts": str(PORT)}}
    mesh.color("both", task=app_task("both", proxy=proxy))


def _task_definition_elsewhere(mesh):
    aws.ecs.Service("both-svc", name="both", cluster=mesh.cluster.arn, task_definition="arn:aws:ecs:us-east-1:123456789012:task-definition/x:1",
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["blue"].id]},
                    service_connect_configuration={"enabled": True, "namespace": mesh.namespace.arn})


def _unreadable_containers(mesh):
    task = aws.ecs.TaskDefinition("both-task", family="both", network_mode="awsvpc", container_definitions="[not json")
    mesh.color("both", task=task)


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(_unreadable_containers, id="container definitions that cannot be read"),
        pytest.param(_envoy_in_a_service_connect_task, id="an App Mesh Envoy in a Service Connect task"),
        pytest.param(_proxy_configuration_only, id="an APPMESH proxy configuration without Envoy"),
        pytest.param(_task_definition_elsewhere, id="a task definition the stack does not create"),
    ],
)
def test_a_service_connect_service_that_is_no_workload_is_refused(judge, extra):
    verdicts = judge(with_stack(extra))
    assert "both-svc" in names(verdicts, ONE_KIND)


def test_a_service_that_is_no_workload_cannot_join_a_workload_group(judge):
    def extra(mesh):
        _task_definition_elsewhere(mesh)

    assert "both-svc" in names(judge(with_stack(extra)), EXCLUSIVE)


@pytest.mark.parametrize("evidence", ["service", "cluster"])
def test_service_connect_inside_an_app_mesh_stack_is_refused(judge, evidence):
    def program():
        mesh = build_mesh(front="nlb")
        declared_edges(mesh)
        namespace = aws.servicediscovery.PrivateDnsNamespace("ns", name="colors.local", vpc=VPC)
        if evidence == "cluster":
            aws.ecs.Cluster("sc-cluster", name="sc", service_connect_defaults={"namespace": namespace.arn})
            return
        group = aws.ec2.SecurityGroup("sc-sg", vpc_id=VPC)
        task = app_task("sc")
        aws.ecs.Service("sc-svc", name="sc", cluster=CLUSTER, task_definition=task.arn,
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [group.id]},
                        service_connect_configuration={"enabled": True, "namespace": namespace.arn,
                                                       "services": [{"port_name": "http-8080", "discovery_name": "sc"}]})
        aws.vpc.SecurityGroupIngressRule("a-to-sc", security_group_id=group.id, referenced_security_group_id=mesh.groups["a"].id,
                                         ip_protocol="tcp", from_port=PORT, to_port=PORT)

    verdicts = judge(program)
    assert names(verdicts, ONE_KIND) == {"sc-svc" if evidence == "service" else "sc-cluster"}
    if evidence == "service":  # an App Mesh caller is never declared for a Service Connect callee
        assert names(verdicts, EDGES) == {"a-to-sc"}


# --- ingress into a workload's group --------------------------------------------------------------


def _unserved_port(mesh):
    mesh.ingress("edge", "red", "blue", 9000)


def _all_protocols_from_a_workload(mesh):
    aws.ec2.SecurityGroupRule("edge", type="ingress", security_group_id=mesh.groups["blue"].id,
                              source_security_group_id=mesh.groups["red"].id, protocol="-1", from_port=0, to_port=0)


def _into_a_client_only_service(mesh):
    mesh.color("worker", publish=False)
    mesh.ingress("edge", "red", "worker")


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(_unserved_port, id="a port the callee does not serve"),
        pytest.param(_all_protocols_from_a_workload, id="all protocols, legacy rule"),
        pytest.param(_into_a_client_only_service, id="a client-only service serves nothing"),
    ],
)
def test_ingress_between_workloads_off_the_served_ports_is_refused(judge, extra):
    found = of_policy(judge(with_stack(extra)), EDGES, level="mandatory")
    assert culprits(found) == {"edge"} and "Service Connect service" in found[0].message


def test_any_workload_may_call_another_on_a_served_port_or_its_ingress_override(judge):
    def extra(mesh):
        mesh.ingress("green-to-blue", "green", "blue")
        mesh.color("gold", override=15000)
        mesh.ingress("red-to-gold", "red", "gold", 15000)

    verdicts = judge(with_stack(extra))
    assert not of_policy(verdicts, EDGES) and not of_policy(verdicts, EXCLUSIVE)


def _outsider_group(mesh):
    outsider = aws.ec2.SecurityGroup("outsider", vpc_id=VPC)
    aws.vpc.SecurityGroupIngressRule("edge", security_group_id=mesh.groups["blue"].id, referenced_security_group_id=outsider.id,
                                     ip_protocol="tcp", from_port=PORT, to_port=PORT)


def _vpc_range(mesh):
    aws.vpc.SecurityGroupIngressRule("edge", security_group_id=mesh.groups["blue"].id, cidr_ipv4="10.0.0.0/16",
                                     ip_protocol="tcp", from_port=PORT, to_port=PORT)


def _alb_on_another_port(mesh):
    mesh.ingress("edge", "alb", "blue", 9000)


def _alb_into_a_color_it_does_not_reach(mesh):
    mesh.ingress("edge", "alb", "red")


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(_outsider_group, id="a group that is no workload and no front"),
        pytest.param(_vpc_range, id="an address range"),
        pytest.param(_alb_on_another_port, id="the ALB on a port it does not register"),
        pytest.param(_alb_into_a_color_it_does_not_reach, id="the ALB into a color it does not forward to"),
    ],
)
def test_ingress_from_anything_but_workloads_and_the_own_alb_is_refused(judge, extra):
    assert names(judge(with_stack(extra)), EXCLUSIVE) == {"edge"}


def test_the_world_into_a_workload_is_refused_twice(judge):
    def extra(mesh):
        aws.vpc.SecurityGroupIngressRule("edge", security_group_id=mesh.groups["blue"].id, cidr_ipv4="0.0.0.0/0",
                                         ip_protocol="tcp", from_port=PORT, to_port=PORT)

    verdicts = judge(with_stack(extra))
    assert names(verdicts, EXCLUSIVE) == {"edge"} and names(verdicts, "sg-no-public-ingress") == {"edge"}


def test_an_internal_relay_in_front_of_a_workload_is_judged_as_the_workload(judge):
    def program(source: str):
        def run():
            mesh = build_service_connect()
            group = aws.ec2.SecurityGroup("relay-sg", vpc_id=VPC)
            target = aws.lb.TargetGroup("relay-tg", port=PORT, protocol="HTTP", target_type="ip", vpc_id=VPC)
            mesh.color("gold", load_balancers=[{"target_group_arn": target.arn, "container_name": "app", "container_port": PORT}])
            balancer = aws.lb.LoadBalancer("relay", load_balancer_type="application", internal=True, subnets=["subnet-1"],
                                           security_groups=[group.id])
            aws.lb.Listener("relay-listener", load_balancer_arn=balancer.arn, port=80, protocol="HTTP",
                            default_actions=[{"type": "forward", "target_group_arn": target.arn}])
            aws.vpc.SecurityGroupIngressRule("relay-to-gold", security_group_id=mesh.groups["gold"].id, referenced_security_group_id=group.id,
                                             ip_protocol="tcp", from_port=PORT, to_port=PORT)
            peer = {"cidr_ipv4": source} if "/" in source else {"referenced_security_group_id": mesh.groups[source].id}
            aws.vpc.SecurityGroupIngressRule("into-relay", security_group_id=group.id, ip_protocol="tcp", from_port=80, to_port=80, **peer)

        return run

    assert mandatory(judge(program("red"))) == []
    assert names(judge(program("10.0.0.0/8")), EDGES) == {"into-relay"}


# --- members of a workload's group ----------------------------------------------------------------


def _service_connect_disabled(mesh):
    aws.ecs.Service("intruder", name="intruder", cluster=mesh.cluster.arn, task_definition=app_task("intruder").arn,
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["blue"].id]})


def _second_workload(mesh):
    mesh.color("intruder", group="blue")


def _instance(mesh):
    aws.ec2.Instance("intruder", ami="ami-0123456789abcdef0", instance_type="t3.micro", vpc_security_group_ids=[mesh.groups["blue"].id])


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(_service_connect_disabled, id="an ECS service without Service Connect"),
        pytest.param(_second_workload, id="a second Service Connect workload"),
        pytest.param(_instance, id="an EC2 instance"),
    ],
)
def test_anything_but_the_workloads_own_service_in_its_group_is_refused(judge, extra):
    found = of_policy(judge(with_stack(extra)), EXCLUSIVE, level="mandatory")
    assert culprits(found) >= {"intruder-svc" if extra is _second_workload else "intruder"}
    assert any("Service Connect service blue" in v.message for v in found)


# --- egress ---------------------------------------------------------------------------------------


def _world_on_80(mesh):
    aws.vpc.SecurityGroupEgressRule("out", security_group_id=mesh.groups["red"].id, cidr_ipv4="0.0.0.0/0", ip_protocol="tcp",
                                    from_port=80, to_port=80)


def _all_traffic_to_ipv6_world(mesh):
    aws.ec2.SecurityGroupRule("out", type="egress", security_group_id=mesh.groups["red"].id, ipv6_cidr_blocks=["::/0"],
                              protocol="-1", from_port=0, to_port=0)


def _database_group(mesh):
    database = aws.ec2.SecurityGroup("database", vpc_id=VPC)
    aws.vpc.SecurityGroupEgressRule("out", security_group_id=mesh.groups["red"].id, referenced_security_group_id=database.id,
                                    ip_protocol="tcp", from_port=5432, to_port=5432)


def _callee_on_an_unserved_port(mesh):
    mesh.egress("out", "red", "blue", 9000)


def _range_wider_than_a_destination(mesh):
    aws.vpc.SecurityGroupEgressRule("out", security_group_id=mesh.groups["red"].id, cidr_ipv4="0.0.0.0/1",
                                    ip_protocol="tcp", from_port=5432, to_port=5432)


def _network_on_a_port_range(mesh):
    aws.vpc.SecurityGroupEgressRule("out", security_group_id=mesh.groups["red"].id, cidr_ipv4="10.20.0.0/16",
                                    ip_protocol="tcp", from_port=5432, to_port=5433)


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(_world_on_80, id="the world on another port than 443"),
        pytest.param(_all_traffic_to_ipv6_world, id="all traffic to the IPv6 world, legacy rule"),
        pytest.param(_database_group, id="a group that is no workload's"),
        pytest.param(_callee_on_an_unserved_port, id="a workload on a port it does not serve"),
        pytest.param(_range_wider_than_a_destination, id="a range wider than /8 on one port"),
        pytest.param(_network_on_a_port_range, id="a network on a port range"),
    ],
)
def test_egress_beyond_served_callees_and_https_is_refused(judge, extra):
    found = of_policy(judge(with_stack(extra)), EGRESS, level="mandatory")
    assert culprits(found) == {"out"} and "Service Connect service red" in found[0].message


def test_an_inline_egress_block_of_a_workload_group_is_judged(judge):
    def program():
        mesh = build_service_connect()
        group = aws.ec2.SecurityGroup("violet-sg", vpc_id=VPC, egress=[
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
            {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": ["10.0.0.0/7"]}])
        mesh.groups["violet"] = group
        mesh.color("violet", group="violet")

    found = of_policy(judge(program), EGRESS, level="mandatory")
    assert culprits(found) == {"violet-sg"} and "egress[1]" in found[0].message


def test_https_to_a_prefix_list_and_self_calls_on_served_ports_pass(judge):
    def extra(mesh):
        aws.vpc.SecurityGroupEgressRule("s3", security_group_id=mesh.groups["red"].id, prefix_list_id="pl-63a5400a",
                                        ip_protocol="tcp", from_port=443, to_port=443)
        mesh.egress("blue-self", "blue", "blue")
        mesh.ingress("blue-self-in", "blue", "blue")

    verdicts = judge(with_stack(extra))
    assert not of_policy(verdicts, EGRESS) and mandatory(verdicts) == []


def test_a_destination_outside_the_mesh_on_one_port_passes(judge):
    """A color's `egress`: a network no wider than /8, or a prefix list, on one tcp port."""
    def extra(mesh):
        aws.vpc.SecurityGroupEgressRule("database", security_group_id=mesh.groups["red"].id, cidr_ipv4="10.20.0.0/16",
                                        ip_protocol="tcp", from_port=5432, to_port=5432)
        aws.vpc.SecurityGroupEgressRule("warehouse", security_group_id=mesh.groups["red"].id,
                                        prefix_list_id="pl-0123456789abcdef0", ip_protocol="tcp", from_port=5439, to_port=5439)

    verdicts = judge(with_stack(extra))
    assert not of_policy(verdicts, EGRESS) and mandatory(verdicts) == []


# --- the internet-facing ALB ---------------------------------------------------------------------


def _public_nlb_to_blue(mesh):
    target = aws.lb.TargetGroup("nlb-tg", port=PORT, protocol="TCP", target_type="ip", vpc_id=VPC)
    aws.ecs.Service("blue-nlb", name="blue-nlb", cluster=mesh.cluster.arn, task_definition="blue", load_balancers=[
        {"target_group_arn": target.arn, "container_name": "app", "container_port": PORT}],
        network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["blue"].id]},
        service_connect_configuration={"enabled": True, "namespace": mesh.namespace.arn})
    nlb = aws.lb.LoadBalancer("culprit", load_balancer_type="network", subnets=["subnet-1"], security_groups=[mesh.groups["alb"].id])
    aws.lb.Listener("nlb-listener", load_balancer_arn=nlb.arn, port=80, protocol="TCP",
                    default_actions=[{"type": "forward", "target_group_arn": target.arn}])


def _rule_to_a_plain_service(mesh):
    target = aws.lb.TargetGroup("plain-tg", port=80, protocol="HTTP", target_type="ip", vpc_id=VPC)
    group = aws.ec2.SecurityGroup("plain-sg", vpc_id=VPC)
    aws.ecs.Service("plain", name="plain", cluster=mesh.cluster.arn, task_definition=app_task("plain").arn, load_balancers=[
        {"target_group_arn": target.arn, "container_name": "app", "container_port": PORT}],
        network_configuration={"subnets": ["subnet-1"], "security_groups": [group.id]})
    aws.lb.ListenerRule("culprit-rule", listener_arn=mesh.listener.arn, priority=2, conditions=[{"path_pattern": {"values": ["/x"]}}],
                        actions=[{"type": "forward", "target_group_arn": target.arn}])


def _rule_to_an_unserved_target_group(mesh):
    target = aws.lb.TargetGroup("orphan-tg", port=80, protocol="HTTP", target_type="ip", vpc_id=VPC)
    aws.lb.ListenerRule("culprit-rule", listener_arn=mesh.listener.arn, priority=2, conditions=[{"path_pattern": {"values": ["/x"]}}],
                        actions=[{"type": "forward", "forward": {"target_groups": [{"arn": target.arn, "weight": 1}]}}])


@pytest.mark.parametrize(
    "extra, culprit",
    [
        pytest.param(_public_nlb_to_blue, "culprit", id="a public NLB on a Service Connect stack"),
        pytest.param(_rule_to_a_plain_service, "alb", id="a rule to a service without Service Connect"),
        pytest.param(_rule_to_an_unserved_target_group, "alb", id="a weighted forward to a target group nobody serves"),
    ],
)
def test_the_internet_reaches_only_service_connect_workloads_through_the_alb(judge, extra, culprit):
    assert culprit in names(judge(with_stack(extra)), ONLY_GATEWAY)


def _registration(container: str, port: int):
    def program():
        mesh = build_service_connect(gateway=False)
        registered = mesh.registration("blue", container=container, port=port)
        sidecar = {"name": "sidecar", "image": "busybox:1", "user": "1000", "portMappings": [{"containerPort": 9000}]}
        task = app_task("gold", mesh.roles.get("blue"), extra_containers=(sidecar,))
        mesh.color("gold", task=task, group="blue", load_balancers=registered)
        mesh.groups["alb"] = aws.ec2.SecurityGroup("alb-sg", vpc_id=VPC)
        balancer = aws.lb.LoadBalancer("alb", load_balancer_type="application", subnets=["subnet-1"], security_groups=[mesh.groups["alb"].id])
        aws.lb.Listener("alb-listener", load_balancer_arn=balancer.arn, port=80, protocol="HTTP",
                        default_actions=[{"type": "forward", "target_group_arn": mesh.target_groups["blue"].arn}])

    return program


@pytest.mark.parametrize("container, port", [("sidecar", 9000), ("app", 9000), ("sidecar", PORT)],
                         ids=["another container and port", "an unpublished port", "a container that does not map the port"])
def test_a_balancer_reaching_a_workload_elsewhere_than_its_published_port_is_refused(judge, container, port):
    assert names(judge(_registration(container, port)), SERVED_PORT) == {"alb"}


def test_a_balancer_reaching_the_app_container_on_its_published_port_passes(judge):
    assert not of_policy(judge(_registration("app", PORT)), SERVED_PORT)


@pytest.mark.parametrize("groups", [True, False], ids=["with its own group", "without groups"])
def test_an_internet_facing_alb_on_an_app_mesh_stack_stays_refused(judge, groups):
    def program():
        mesh = build_mesh(front="nlb")
        declared_edges(mesh)
        aws.lb.LoadBalancer("public-alb", load_balancer_type="application", subnets=["subnet-1"],
                            security_groups=[mesh.groups["nlb"].id] if groups else [])

    verdicts = judge(program)
    flagged = names(verdicts, ONLY_GATEWAY) | names(verdicts, "lb-internet-facing-is-network")
    assert flagged == {"public-alb"}
    assert names(verdicts, "lb-internet-facing-is-network") == (set() if groups else {"public-alb"})


def test_an_alb_without_security_groups_is_refused_per_resource_on_any_stack(judge):
    def extra(mesh):
        aws.lb.LoadBalancer("bare-alb", load_balancer_type="application", subnets=["subnet-1"])

    assert names(judge(with_stack(extra)), "lb-internet-facing-is-network") == {"bare-alb"}


# --- TLS ------------------------------------------------------------------------------------------


def _tls_program(tls):
    def program():
        mesh = build_service_connect()
        mesh.tls = tls(mesh) if callable(tls) else tls
        mesh.color("gold")

    return program


@pytest.mark.parametrize(
    "tls, problem",
    [
        pytest.param(None, "has no tls", id="no tls"),
        pytest.param(lambda mesh: {"issuer_cert_authority": {"aws_pca_authority_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x"},
                                   "role_arn": tls_role().arn}, "not an AWS Private CA", id="an ACM certificate, not a Private CA"),
        pytest.param({"issuer_cert_authority": {"aws_pca_authority_arn": AUTHORITY}}, "without a roleArn", id="no infrastructure role"),
    ],
)
def test_without_private_ca_tls_a_stack_requiring_tls_is_refused(judge, tls, problem):
    verdicts = judge(_tls_program(tls), REQUIRED)
    found = of_policy(verdicts, TLS, level="mandatory")
    assert "gold-svc" in culprits(found)
    assert any(problem in v.message and "requires TLS" in v.message for v in found)


def test_tls_is_not_required_unless_configured(judge):
    assert not of_policy(judge(_tls_program(None)), TLS)


def _tls_role_with(trust=ECS_TRUST, statements=(), managed=()):
    def tls(mesh):
        role = aws.iam.Role("sc-tls-role", assume_role_policy=json.dumps(trust))
        if statements:
            aws.iam.RolePolicy("sc-tls-inline", role=role.name, policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
        for index, arn in enumerate(managed):
            aws.iam.RolePolicyAttachment(f"sc-tls-attached-{index}", role=role.name, policy_arn=arn)
        return {"issuer_cert_authority": {"aws_pca_authority_arn": AUTHORITY}, "role_arn": role.arn}

    return _tls_program(tls)


SECRETS = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecs-sc!*"


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(_tls_role_with(trust={"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": ["ecs.amazonaws.com", "ecs-tasks.amazonaws.com"]}, "Action": "sts:AssumeRole"}]}),
            id="also trusted by ECS tasks"),
        pytest.param(_tls_role_with(statements=[{"Effect": "Allow", "Action": "acm-pca:IssueCertificate", "Resource": "*"}]),
                     id="issuing from every authority without the tag condition"),
        pytest.param(_tls_role_with(statements=[{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]),
                     id="every secret"),
        pytest.param(_tls_role_with(statements=[{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "s3:GetObject"],
                                                 "Resource": SECRETS}]), id="an action TLS does not use"),
        pytest.param(_tls_role_with(managed=["arn:aws:iam::aws:policy/AdministratorAccess"]), id="AdministratorAccess, by what it grants"),
        pytest.param(_tls_role_with(managed=["arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes"]),
                     id="an unreviewed managed policy"),
    ],
)
def test_a_tls_role_granting_more_than_service_connect_tls_needs_is_refused(judge, program):
    assert names(judge(program), TLS_ROLE) == {"sc-tls-role"}


def test_a_tls_role_the_stack_does_not_create_is_refused(judge):
    program = _tls_program({"issuer_cert_authority": {"aws_pca_authority_arn": AUTHORITY},
                            "role_arn": "arn:aws:iam::123456789012:role/elsewhere"})
    assert names(judge(program), TLS_ROLE) == {"gold-svc"}


def test_a_tls_role_of_our_own_narrower_than_the_managed_policy_passes(judge):
    program = _tls_role_with(statements=[
        {"Effect": "Allow", "Action": ["secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:DescribeSecret",
                                       "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
                                       "secretsmanager:DeleteSecret", "secretsmanager:RotateSecret",
                                       "secretsmanager:UpdateSecretVersionStage"], "Resource": SECRETS},
        {"Effect": "Allow", "Action": ["acm-pca:IssueCertificate", "acm-pca:GetCertificate", "acm-pca:DescribeCertificateAuthority",
                                       "acm-pca:GetCertificateAuthorityCertificate"], "Resource": AUTHORITY}])
    verdicts = judge(program, REQUIRED)
    assert not of_policy(verdicts, TLS_ROLE) and "gold-svc" not in names(verdicts, TLS)


# --- task roles -----------------------------------------------------------------------------------


def _stream_grant(mesh):
    aws.iam.RolePolicy("red-envoy", role=mesh.roles["red"].name, policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "appmesh:StreamAggregatedResources",
         "Resource": "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualNode/red"}]}))


def _envoy_managed_policy(mesh):
    aws.iam.RolePolicyAttachment("red-envoy", role=mesh.roles["red"].name, policy_arn="arn:aws:iam::aws:policy/AWSAppMeshEnvoyAccess")


def _app_mesh_read_pattern(mesh):
    aws.iam.RolePolicy("red-envoy", role=mesh.roles["red"].name, policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "app*:Describe*", "Resource": "*"}]}))


def _trusted_by_ec2(mesh):
    trust = {"Version": "2012-10-17", "Statement": [{**ECS_TASKS_TRUST["Statement"][0],
                                                     "Principal": {"Service": ["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"]}}]}
    role = aws.iam.Role("red2-role", assume_role_policy=json.dumps(trust))
    mesh.roles["red"] = role
    mesh.color("gold", task=app_task("gold", role), group="red")


@pytest.mark.parametrize(
    "extra, culprit",
    [
        pytest.param(_stream_grant, "red-role", id="its own node's stream"),
        pytest.param(_envoy_managed_policy, "red-role", id="AWSAppMeshEnvoyAccess"),
        pytest.param(_app_mesh_read_pattern, "red-role", id="an action pattern matching App Mesh"),
        pytest.param(_trusted_by_ec2, "red2-role", id="trusted by EC2 too"),
    ],
)
def test_service_connect_task_roles_carry_no_app_mesh_permission_and_trust_ecs_tasks_alone(judge, extra, culprit):
    assert culprit in names(judge(with_stack(extra)), ROLES)


def test_a_service_connect_task_role_with_its_own_application_grant_passes(judge):
    def extra(mesh):
        aws.iam.RolePolicy("red-app", role=mesh.roles["red"].name, policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::colors/*"}]}))

    assert not of_policy(judge(with_stack(extra)), ROLES)


# --- preview --------------------------------------------------------------------------------------


def test_at_preview_the_service_connect_stack_shows_no_mandatory_violation(judge):
    assert mandatory(judge(lambda: build_service_connect(tls=True), REQUIRED, preview=True)) == []


def test_a_workload_whose_containers_are_unknown_at_preview_is_noted_not_judged(judge):
    """What a task serves is unknown until its container definitions are (they often carry outputs); at preview the
    groups' ids are unknown too, so the group policies note and never block."""
    def program():
        mesh = build_service_connect()
        role = mesh.roles["red"]
        definitions = role.tags_all.apply(lambda _: json.dumps([{  # the mocks return no tagsAll: unknown in preview
            "name": "app", "image": "forsakenidol/colorapp:1", "user": "1000",
            "portMappings": [{"name": "http-8080", "containerPort": PORT, "appProtocol": "http"}]}]))
        aws.ecs.TaskDefinition("late-task", family="late", network_mode="awsvpc", container_definitions=definitions)
        mesh.groups["late"] = aws.ec2.SecurityGroup("late-sg", vpc_id=VPC)
        aws.ecs.Service("late-svc", name="late", cluster=mesh.cluster.arn, task_definition="late",  # by family: known at preview
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["late"].id]},
                        service_connect_configuration=connect(mesh.namespace.arn, name="late"), load_balancers=mesh.registration("late"))
        mesh.ingress("red-to-late", "red", "late")
        mesh.ingress("alb-to-late", "alb", "late")
        aws.lb.ListenerRule("to-late", listener_arn=mesh.listener.arn, priority=3, conditions=[{"path_pattern": {"values": ["/late"]}}],
                            actions=[{"type": "forward", "target_group_arn": mesh.target_groups["late"].arn}])

    preview = judge(program, preview=True)
    assert mandatory(preview) == []
    assert {EXCLUSIVE, ONLY_GATEWAY} <= {v.policy_name for v in preview if "during preview" in v.message}
    assert mandatory(judge(program)) == []


# --- VPC Lattice's prefix list: accepted exactly where the stack's Lattice resources call for it ---------------

RESOLVABLE = "sg-rule-peers-resolvable"
PREFIX_LISTS = "lattice-prefix-list-rules"  # judges Lattice's prefix list in a stack using Lattice (the others leave it)


def with_lattice(extra):
    def program():
        extra(build_service_connect(lattice=True))

    return program


def test_a_router_on_lattice_beside_the_mesh_passes(judge):
    assert mandatory(judge(with_lattice(lambda mesh: None))) == []


def _prefix_list_into(name: str, port: int = PORT, **peers):
    def extra(mesh):
        aws.vpc.SecurityGroupIngressRule("in", security_group_id=mesh.groups[name].id, ip_protocol="tcp", from_port=port,
                                         to_port=port, prefix_list_id=LATTICE_PREFIX_LIST, **peers)
    return extra


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(_prefix_list_into("blue"), id="into a workload no Lattice target group holds"),
        pytest.param(_prefix_list_into("green", 9090), id="into the target on another port than its target group's"),
        pytest.param(_prefix_list_into("red"), id="into the caller"),
    ],
)
def test_lattice_prefix_list_ingress_beyond_the_registered_targets_is_refused(judge, extra):
    verdicts = judge(with_lattice(extra))
    assert names(verdicts, PREFIX_LISTS) == {"in"} and names(verdicts, EXCLUSIVE) == names(verdicts, RESOLVABLE) == set()


def _prefix_list_out_of(name: str, port: int = PORT):
    def extra(mesh):
        aws.vpc.SecurityGroupEgressRule("out", security_group_id=mesh.groups[name].id, ip_protocol="tcp", from_port=port,
                                        to_port=port, prefix_list_id=LATTICE_PREFIX_LIST)
    return extra


def test_lattice_prefix_list_egress_beyond_the_admitted_callers_is_refused(judge):
    verdicts = judge(with_lattice(_prefix_list_out_of("blue")))  # a router port the VPC association does not admit blue on
    assert names(verdicts, PREFIX_LISTS) == {"out"} and names(verdicts, EGRESS) == set()


def test_a_prefix_list_on_a_port_no_lattice_listener_uses_is_a_destination_outside_the_mesh(judge):
    """What a color's `egress: [{prefix_list: ..., port: ...}]` generates: mesh-workload-egress's to judge (one tcp port)."""
    verdicts = judge(with_lattice(_prefix_list_out_of("red", 9090)))
    assert names(verdicts, PREFIX_LISTS) == names(verdicts, EGRESS) == set()


def test_without_lattice_resources_the_same_prefix_list_ingress_is_refused(judge):
    """The ingress of with_lattice passes only because the stack's Lattice resources call for it; the egress is then
    a destination outside the mesh on one tcp port (a color's egress), which mesh-workload-egress accepts."""
    def program():
        mesh = build_service_connect()
        _prefix_list_out_of("red")(mesh)
        _prefix_list_into("green")(mesh)
    verdicts = judge(program)
    assert names(verdicts, EGRESS) == set() and names(verdicts, EXCLUSIVE) == {"in"} and names(verdicts, RESOLVABLE) == {"in"}
