"""Who can reach a mesh workload: its group's members, what it admits, relays and entry points in front of it."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest

from .mesh_programs import CLUSTER, ENVOY_IMAGE, build_mesh, declared_edges
from .verdicts import mandatory, names_in, of_policy

EXCLUSIVE = "mesh-workload-groups-exclusive"
VPC = "vpc-0123456789abcdef0"


def with_mesh(extra, *, front: str | None = "nlb", gateway_port: int = 80):
    def program():
        mesh = build_mesh(front=front, gateway_port=gateway_port)
        declared_edges(mesh)
        extra(mesh)

    return program


@pytest.mark.parametrize("front", ["nlb", "nlb-without-groups"])
@pytest.mark.parametrize("port", [80, 8443])
def test_a_mesh_behind_its_nlb_passes_on_any_gateway_port(judge, front, port):
    """Classes 13 and 16: the per-resource twin does not fix the public ports; an NLB without groups passes."""
    verdicts = judge(with_mesh(lambda mesh: None, front=front, gateway_port=port))
    assert mandatory(verdicts) == []


# --- class 1: members of a workload's group ------------------------------------------------------


def _plain_service(mesh):
    aws.ecs.Service("no-envoy", cluster=CLUSTER, task_definition="plain:1",
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["b"].id]})


def _instance(mesh):
    aws.ec2.Instance("box", ami="ami-0123456789abcdef0", instance_type="t3.micro", vpc_security_group_ids=[mesh.groups["b"].id])


def _lambda(mesh):
    aws.lambda_.Function("fn", role="arn:aws:iam::123456789012:role/fn", runtime="python3.12", handler="x.handler",
                         vpc_config={"subnet_ids": ["subnet-1"], "security_group_ids": [mesh.groups["b"].id]})


def _task_set(mesh):
    aws.ecs.TaskSet("set", cluster=CLUSTER, service="b", task_definition="plain:1",
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["b"].id]})


def _endpoint(mesh):
    aws.ec2.VpcEndpoint("endpoint", vpc_id=VPC, service_name="com.amazonaws.us-east-1.ssm", vpc_endpoint_type="Interface",
                        security_group_ids=[mesh.groups["b"].id])


@pytest.mark.parametrize(
    "extra, culprit",
    [
        pytest.param(_plain_service, "no-envoy", id="ECS service without Envoy"),
        pytest.param(_instance, "box", id="EC2 instance"),
        pytest.param(_lambda, "fn", id="Lambda in the VPC"),
        pytest.param(_task_set, "set", id="task set"),
        pytest.param(_endpoint, "endpoint", id="interface endpoint"),
    ],
)
def test_anything_but_the_workloads_own_tasks_in_its_group_is_refused(judge, extra, culprit):
    found = of_policy(judge(with_mesh(extra)), EXCLUSIVE, level="mandatory")
    assert culprit in {v.urn.rsplit("::", 1)[-1] for v in found}
    assert any("virtual node b" in v.message for v in found)


def test_a_second_service_of_the_same_workload_may_share_its_group(judge):
    def extra(mesh):
        task = "arn:aws:ecs:us-east-1:123456789012:task-definition/b:1"  # b's task definition, by ARN
        aws.ecs.Service("b-canary", cluster=CLUSTER, task_definition=task,
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["b"].id]})

    assert not of_policy(judge(with_mesh(extra)), EXCLUSIVE)


def test_a_group_shared_by_two_workloads_is_refused(judge):
    def extra(mesh):
        aws.ecs.Service("c-in-b", cluster=CLUSTER, task_definition="c",
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["b"].id]})

    assert names_in(judge(with_mesh(extra)), EXCLUSIVE) >= {"c-in-b"}


# --- class 1: what a workload's group admits -----------------------------------------------------


def _from_outsider_group(mesh):
    outsider = aws.ec2.SecurityGroup("outsider", vpc_id=VPC)
    aws.vpc.SecurityGroupIngressRule("outsider-in", security_group_id=mesh.groups["b"].id, referenced_security_group_id=outsider.id,
                                     ip_protocol="tcp", from_port=80, to_port=80)


def _vpc_range_into_node(mesh):
    aws.vpc.SecurityGroupIngressRule("vpc-wide", security_group_id=mesh.groups["b"].id, cidr_ipv4="10.0.0.0/16",
                                     ip_protocol="tcp", from_port=80, to_port=80)


def _legacy_range_into_gateway(mesh):
    aws.ec2.SecurityGroupRule("subnet-range", type="ingress", security_group_id=mesh.groups["gw"].id, cidr_blocks=["10.0.0.0/24"],
                              protocol="tcp", from_port=80, to_port=80)


def _balancer_group_on_another_port(mesh):
    mesh.ingress("nlb-to-gw-8080", "nlb", "gw", 8080)


@pytest.mark.parametrize(
    "extra, culprit",
    [
        pytest.param(_from_outsider_group, "outsider-in", id="a group that is no workload and no front"),
        pytest.param(_vpc_range_into_node, "vpc-wide", id="an address range into a node"),
        pytest.param(_legacy_range_into_gateway, "subnet-range", id="a range into a gateway whose NLB has groups"),
        pytest.param(_balancer_group_on_another_port, "nlb-to-gw-8080", id="its own NLB on another port"),
    ],
)
def test_ingress_from_anything_but_mesh_workloads_and_the_own_front_is_refused(judge, extra, culprit):
    assert names_in(judge(with_mesh(extra)), EXCLUSIVE) == {culprit}


# --- class 16: an NLB without security groups ----------------------------------------------------


def test_gateway_behind_an_nlb_without_groups_may_admit_the_world_on_its_target_port_only(judge):
    program = with_mesh(lambda mesh: None, front="nlb-without-groups")
    verdicts = judge(program)
    assert not of_policy(verdicts, "sg-no-public-ingress") and not of_policy(verdicts, EXCLUSIVE)


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param({"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"}, id="another port"),
        pytest.param({"ip_protocol": "tcp", "from_port": 80, "to_port": 81, "cidr_ipv4": "0.0.0.0/0"}, id="a range of ports"),
        pytest.param({"ip_protocol": "udp", "from_port": 80, "to_port": 80, "cidr_ipv6": "::/0"}, id="udp on the port"),
    ],
)
def test_an_nlb_without_groups_excuses_nothing_wider(judge, rule):
    def extra(mesh):
        aws.vpc.SecurityGroupIngressRule("wider", security_group_id=mesh.groups["gw"].id, **rule)

    verdicts = judge(with_mesh(extra, front="nlb-without-groups"))
    assert names_in(verdicts, "sg-no-public-ingress") == {"wider"}
    assert names_in(verdicts, EXCLUSIVE) == {"wider"}


@pytest.mark.parametrize("workload", ["a", "b"])
def test_an_internal_nlb_without_groups_gives_a_node_no_excuse_for_ranges(judge, workload):
    def program():
        mesh = build_mesh()
        target = aws.lb.TargetGroup("tg", port=80, protocol="TCP", target_type="ip", vpc_id=VPC)
        aws.ecs.Service("relayed", cluster=CLUSTER, task_definition=workload, load_balancers=[
            {"target_group_arn": target.arn, "container_name": "envoy", "container_port": 80}],
            network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups[workload].id]})
        balancer = aws.lb.LoadBalancer("internal", load_balancer_type="network", internal=True, subnets=["subnet-1"])
        aws.lb.Listener("l", load_balancer_arn=balancer.arn, port=80, protocol="TCP",
                        default_actions=[{"type": "forward", "target_group_arn": target.arn}])
        aws.vpc.SecurityGroupIngressRule("nlb-range", security_group_id=mesh.groups[workload].id, cidr_ipv4="10.0.0.0/16",
                                         ip_protocol="tcp", from_port=80, to_port=80)

    assert names_in(judge(program), EXCLUSIVE) == {"nlb-range"}


# --- class 2: relays ------------------------------------------------------------------------------


def internal_balancer_in_front_of(workload: str, kind: str = "network"):
    """An internal load balancer with its own group in front of `workload`; returns (mesh, balancer group)."""
    mesh = build_mesh()
    group = aws.ec2.SecurityGroup("relay-sg", vpc_id=VPC)
    target = aws.lb.TargetGroup("relay-tg", port=80, protocol="TCP" if kind == "network" else "HTTP", target_type="ip", vpc_id=VPC)
    aws.ecs.Service("relay-target", cluster=CLUSTER, task_definition=workload, load_balancers=[
        {"target_group_arn": target.arn, "container_name": "envoy", "container_port": 80}],
        network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups[workload].id]})
    balancer = aws.lb.LoadBalancer("relay", load_balancer_type=kind, internal=True, subnets=["subnet-1"], security_groups=[group.id])
    aws.lb.Listener("relay-listener", load_balancer_arn=balancer.arn, port=8080, protocol="TCP" if kind == "network" else "HTTP",
                    default_actions=[{"type": "forward", "target_group_arn": target.arn}])
    aws.vpc.SecurityGroupIngressRule("relay-to-target", security_group_id=mesh.groups[workload].id,
                                     referenced_security_group_id=group.id, ip_protocol="tcp", from_port=80, to_port=80)
    return mesh, group


@pytest.mark.parametrize("kind", ["network", "application"])
def test_a_declared_caller_may_use_an_internal_relay(judge, kind):
    def program():
        mesh, group = internal_balancer_in_front_of("b", kind)
        aws.vpc.SecurityGroupIngressRule("a-to-relay", security_group_id=group.id, referenced_security_group_id=mesh.groups["a"].id,
                                         ip_protocol="tcp", from_port=8080, to_port=8080)

    verdicts = judge(program)
    assert not of_policy(verdicts, "mesh-edges-declared") and not of_policy(verdicts, EXCLUSIVE)


@pytest.mark.parametrize(
    "caller, source",
    [
        pytest.param("c", "group", id="an undeclared caller's group"),
        pytest.param(None, "10.0.0.0/16", id="an address range"),
        pytest.param(None, "outsider", id="a group outside the mesh"),
    ],
)
def test_a_relay_in_front_of_a_node_is_judged_as_the_node(judge, caller, source):
    def program():
        mesh, group = internal_balancer_in_front_of("b")
        peer = {"cidr_ipv4": source} if "/" in source else {
            "referenced_security_group_id": (mesh.groups[caller] if caller else aws.ec2.SecurityGroup("outsider", vpc_id=VPC)).id}
        aws.vpc.SecurityGroupIngressRule("into-relay", security_group_id=group.id, ip_protocol="tcp", from_port=8080, to_port=8080, **peer)

    found = of_policy(judge(program), "mesh-edges-declared", level="mandatory")
    assert {v.urn.rsplit("::", 1)[-1] for v in found} == {"into-relay"} and "relay" in found[0].message


def _classic_elb(mesh, target: str):
    elb = aws.elb.LoadBalancer("classic", subnets=["subnet-1"], listeners=[
        {"instance_port": 80, "instance_protocol": "tcp", "lb_port": 80, "lb_protocol": "tcp"}])
    aws.ecs.Service("classic-target", cluster=CLUSTER, task_definition=target,
                    load_balancers=[{"elb_name": elb.name, "container_name": "envoy", "container_port": 80}],
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups[target].id]})


def _internal_nlb_in_front_of(mesh, target: str) -> aws.lb.LoadBalancer:
    tg = aws.lb.TargetGroup("linked-tg", port=80, protocol="TCP", target_type="ip", vpc_id=VPC)
    aws.ecs.Service("linked-target", cluster=CLUSTER, task_definition=target, load_balancers=[
        {"target_group_arn": tg.arn, "container_name": "envoy", "container_port": 80}],
        network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups[target].id]})
    nlb = aws.lb.LoadBalancer("linked-nlb", load_balancer_type="network", internal=True, subnets=["subnet-1"])
    aws.lb.Listener("linked-listener", load_balancer_arn=nlb.arn, port=80, protocol="TCP",
                    default_actions=[{"type": "forward", "target_group_arn": tg.arn}])
    return nlb


def _rest_vpc_link(mesh, target: str):
    aws.apigateway.VpcLink("rest-link", name="rest-link", target_arn=_internal_nlb_in_front_of(mesh, target).arn)


def _endpoint_service(mesh, target: str):
    nlb = _internal_nlb_in_front_of(mesh, target)
    aws.ec2.VpcEndpointService("privatelink", acceptance_required=False, network_load_balancer_arns=[nlb.arn])


def _http_vpc_link(mesh, target: str):
    registry = aws.servicediscovery.Service("registry", name="target", dns_config={
        "namespace_id": "ns-1", "dns_records": [{"ttl": 10, "type": "A"}]})
    aws.ecs.Service("linked-target", cluster=CLUSTER, task_definition=target, service_registries={"registry_arn": registry.arn},
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups[target].id]})
    api = aws.apigatewayv2.Api("api", protocol_type="HTTP")
    link = aws.apigatewayv2.VpcLink("http-link", name="http-link", subnet_ids=["subnet-1"], security_group_ids=[])
    aws.apigatewayv2.Integration("to-target", api_id=api.id, integration_type="HTTP_PROXY", integration_method="ANY",
                                 connection_type="VPC_LINK", connection_id=link.id, integration_uri=registry.arn)


ENTRY_POINTS = [
    pytest.param(_classic_elb, "classic", id="internet-facing classic ELB"),
    pytest.param(_rest_vpc_link, "linked-nlb", id="REST API VPC link to an internal NLB"),
    pytest.param(_http_vpc_link, "http-link", id="HTTP API VPC link to Cloud Map"),
    pytest.param(_endpoint_service, "linked-nlb", id="PrivateLink endpoint service on an internal NLB"),
]


@pytest.mark.parametrize("entry, flagged", ENTRY_POINTS)
def test_every_kind_of_entry_point_counts_as_internet_facing(judge, entry, flagged):
    found = of_policy(judge(with_mesh(lambda mesh: entry(mesh, "b"))), "lb-internet-facing-only-gateway", level="mandatory")
    assert {v.urn.rsplit("::", 1)[-1] for v in found} == {flagged} and "virtual node b" in found[0].message


def test_entry_points_reaching_only_the_gateway_pass(judge):
    for entry, _ in [(p.values[0], p.values[1]) for p in ENTRY_POINTS[1:]]:
        verdicts = judge(with_mesh(lambda mesh, entry=entry: entry(mesh, "gw")))
        assert not of_policy(verdicts, "lb-internet-facing-only-gateway")


def test_an_http_api_vpc_link_may_reach_the_gateway_through_its_own_group(judge):
    def program(port: int):
        def run():
            mesh = build_mesh()
            declared_edges(mesh)
            link_group = aws.ec2.SecurityGroup("link-sg", vpc_id=VPC)
            registry = aws.servicediscovery.Service("registry", name="gw", dns_config={
                "namespace_id": "ns-1", "dns_records": [{"ttl": 10, "type": "A"}]})
            aws.ecs.Service("gw-linked", cluster=CLUSTER, task_definition="gw", service_registries={"registry_arn": registry.arn},
                            network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["gw"].id]})
            api = aws.apigatewayv2.Api("api", protocol_type="HTTP")
            link = aws.apigatewayv2.VpcLink("link", name="link", subnet_ids=["subnet-1"], security_group_ids=[link_group.id])
            aws.apigatewayv2.Integration("to-gw", api_id=api.id, integration_type="HTTP_PROXY", integration_method="ANY",
                                         connection_type="VPC_LINK", connection_id=link.id, integration_uri=registry.arn)
            aws.vpc.SecurityGroupIngressRule("link-to-gw", security_group_id=mesh.groups["gw"].id, referenced_security_group_id=link_group.id,
                                             ip_protocol="tcp", from_port=port, to_port=port)

        return run

    assert mandatory(judge(program(80))) == []  # the port the gateway's Envoy maps
    assert names_in(judge(program(22)), EXCLUSIVE) == {"link-to-gw"}


def test_an_internet_facing_classic_elb_is_refused_per_resource(judge):
    verdicts = judge(lambda: aws.elb.LoadBalancer("classic", subnets=["subnet-1"], listeners=[
        {"instance_port": 80, "instance_protocol": "tcp", "lb_port": 80, "lb_protocol": "tcp"}]))
    assert names_in(verdicts, "lb-internet-facing-is-network") == {"classic"}


# --- class 3: the load balancer reaches the gateway's Envoy listener ----------------------------


def gateway_registration(container: str, port: int, *, extra_container: bool = False):
    def program():
        mesh = build_mesh()
        gateway_arn = "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualGateway/gw"
        containers = [{"name": "envoy", "image": ENVOY_IMAGE, "environment": [{"name": "APPMESH_RESOURCE_ARN", "value": gateway_arn}],
                       "portMappings": [{"containerPort": 80}]}]
        if extra_container:
            containers.append({"name": "debug", "image": "busybox:1", "portMappings": [{"containerPort": 9000}]})
        task = aws.ecs.TaskDefinition("gw2", family="gw2", network_mode="awsvpc", container_definitions=json.dumps(containers))
        target = aws.lb.TargetGroup("tg2", port=port, protocol="TCP", target_type="ip", vpc_id=VPC)
        aws.ecs.Service("gw2-svc", cluster=CLUSTER, task_definition=task.arn, load_balancers=[
            {"target_group_arn": target.arn, "container_name": container, "container_port": port}],
            network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["gw"].id]})
        balancer = aws.lb.LoadBalancer("nlb2", load_balancer_type="network", subnets=["subnet-1"])
        aws.lb.Listener("l2", load_balancer_arn=balancer.arn, port=port, protocol="TCP",
                        default_actions=[{"type": "forward", "target_group_arn": target.arn}])

    return program


@pytest.mark.parametrize(
    "container, port, extra",
    [
        pytest.param("debug", 9000, True, id="another container of the gateway task"),
        pytest.param("envoy", 8080, False, id="a port that is no gateway listener"),
        pytest.param("envoy", 9901, False, id="the admin port"),
    ],
)
def test_a_balancer_reaching_the_gateway_elsewhere_than_its_envoy_listener_is_refused(judge, container, port, extra):
    found = of_policy(judge(gateway_registration(container, port, extra_container=extra)), "lb-reaches-gateway-envoy-listener")
    assert found and all(v.enforcement_level == "mandatory" for v in found)


def test_a_balancer_reaching_the_gateway_envoy_on_its_listener_passes(judge):
    assert not of_policy(judge(gateway_registration("envoy", 80)), "lb-reaches-gateway-envoy-listener")


def test_a_gateway_task_whose_other_containers_map_ports_is_refused_per_resource(judge):
    assert of_policy(judge(gateway_registration("envoy", 80, extra_container=True)), "ecs-mesh-proxy-configured", level="mandatory")


# --- class 14: CodeDeploy blue/green ------------------------------------------------------------


def blue_green(second_group_served_by: str | None = "gw"):
    def program():
        mesh = build_mesh(front="nlb")
        declared_edges(mesh)
        green = aws.lb.TargetGroup("gw-tg-green", port=80, protocol="TCP", target_type="ip", vpc_id=VPC)
        aws.lb.Listener("test-listener", load_balancer_arn=mesh.balancer.arn, port=8080, protocol="TCP",
                        default_actions=[{"type": "forward", "target_group_arn": green.arn}])
        aws.vpc.SecurityGroupIngressRule("world-to-test", security_group_id=mesh.groups["nlb"].id, ip_protocol="tcp",
                                         from_port=8080, to_port=8080, cidr_ipv4="0.0.0.0/0")
        if second_group_served_by:
            aws.codedeploy.DeploymentGroup(
                "blue-green", app_name="gw", deployment_group_name="gw", service_role_arn="arn:aws:iam::123456789012:role/cd",
                deployment_style={"deployment_option": "WITH_TRAFFIC_CONTROL", "deployment_type": "BLUE_GREEN"},
                ecs_service={"cluster_name": "mesh", "service_name": second_group_served_by},
                load_balancer_info={"target_group_pair_info": {
                    "prod_traffic_route": {"listener_arns": [mesh.listener.arn]},
                    "test_traffic_route": {"listener_arns": []},
                    "target_groups": [{"name": mesh.target_group.name}, {"name": green.name}]}})

    return program


def test_a_codedeploy_blue_green_second_target_group_is_legitimate(judge):
    assert mandatory(judge(blue_green())) == []


@pytest.mark.parametrize("served_by", [None, "a"], ids=["no deployment group", "pair named for another service"])
def test_a_second_target_group_without_its_blue_green_pair_is_refused(judge, served_by):
    assert names_in(judge(blue_green(served_by)), "lb-internet-facing-only-gateway") == {"nlb"}


# --- unknown values at preview: noted, never judged ----------------------------------------------


def gateway_known_only_after_create():
    """The gateway behind its NLB, with container definitions that stay unknown at preview."""

    def program():
        mesh = build_mesh(front="nlb")
        declared_edges(mesh)
        role = aws.iam.Role("late-role", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
        aws.iam.RolePolicy("late-envoy", role=role.name, policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "appmesh:StreamAggregatedResources", "Resource": GATEWAY}]}))
        definitions = role.tags_all.apply(lambda _: json.dumps([{  # the mocks return no tagsAll: unknown in preview
            "name": "envoy", "image": ENVOY_IMAGE, "portMappings": [{"containerPort": 80}],
            "environment": [{"name": "APPMESH_RESOURCE_ARN", "value": GATEWAY}]}]))
        late = aws.ecs.TaskDefinition("late", family="late", network_mode="awsvpc", task_role_arn=role.arn, container_definitions=definitions)
        aws.ecs.Service("late-svc", cluster=CLUSTER, task_definition=late.arn, load_balancers=[
            {"target_group_arn": mesh.target_group.arn, "container_name": "envoy", "container_port": 80}],
            network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["gw"].id]})
        aws.lb.LoadBalancer("public-alb", load_balancer_type="application", subnets=["subnet-1"])  # known and wrong

    return program


GATEWAY = "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualGateway/gw"


def test_what_is_unknown_at_preview_is_noted_and_what_is_known_still_blocks(judge):
    verdicts = judge(gateway_known_only_after_create(), preview=True)
    assert {v.policy_name for v in mandatory(verdicts)} == {"lb-internet-facing-is-network"}
    notes = {v.policy_name for v in verdicts if "during preview" in v.message}
    assert {"lb-internet-facing-only-gateway", "mesh-workload-groups-exclusive", "iam-mesh-task-roles"} <= notes
    assert {v.policy_name for v in mandatory(judge(gateway_known_only_after_create()))} == {"lb-internet-facing-is-network"}
