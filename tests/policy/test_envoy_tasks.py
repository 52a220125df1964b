"""What the Envoy in a task really does: its identity, the proxy, container keys, capabilities, admin port, image."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest

from .mesh_programs import CLUSTER, ENVOY_IMAGE, build_mesh, declared_edges
from .test_ecs import task
from .verdicts import mandatory, names_in, of_policy

NODE_ARN = "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualNode/b"
GATEWAY_ARN = "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualGateway/gw"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:envoy"


def envoy(**extra) -> dict:
    return {"name": "envoy", "image": ENVOY_IMAGE, "user": "1337", "environment": [{"name": "APPMESH_RESOURCE_ARN", "value": NODE_ARN}], **extra}


APP = {"name": "app", "image": "x:1", "user": "1000", "portMappings": [{"containerPort": 80}]}


def judged(judge, containers, policy: str, **kwargs):
    return of_policy(judge(task(containers=containers, **kwargs)), policy)


# --- class 4: the workload is told from everything ECS passes to Envoy -------------------------

IDENTITY = "ecs-envoy-identity-visible"


@pytest.mark.parametrize(
    "container",
    [
        pytest.param(envoy(environment=[], secrets=[{"name": "APPMESH_RESOURCE_ARN", "valueFrom": SECRET}]), id="from a secret"),
        pytest.param(envoy(environment=[], environmentFiles=[{"value": "arn:aws:s3:::bucket/envoy.env", "type": "s3"}]), id="from a file"),
        pytest.param(envoy(environment=[{"name": "APPMESH_RESOURCE_ARN", "value": NODE_ARN},
                                        {"name": "APPMESH_VIRTUAL_NODE_NAME", "value": "mesh/m/virtualNode/a"}]), id="two identities"),
        pytest.param(envoy(environment=[{"name": "APPMESH_RESOURCE_ARN", "value": NODE_ARN},
                                        {"name": "APPMESH_RESOURCE_ARN", "value": GATEWAY_ARN}]), id="the variable twice"),
        pytest.param(envoy(environment=[]), id="none at all"),
        pytest.param({"name": "proxy", "image": "x:1", "secrets": [{"name": "APPMESH_RESOURCE_ARN", "valueFrom": SECRET}]},
                     id="an Envoy under another name and image"),
    ],
)
def test_an_envoy_whose_identity_is_hidden_or_ambiguous_is_refused(judge, container):
    assert judged(judge, [container, APP], IDENTITY, proxied=False)


def test_an_envoy_naming_one_resource_passes_in_either_spelling_of_the_keys(judge):
    assert not judged(judge, [envoy(), APP], IDENTITY)
    capitalised = {"Name": "envoy", "Image": ENVOY_IMAGE, "User": "1337",
                   "Environment": [{"Name": "APPMESH_RESOURCE_ARN", "Value": NODE_ARN}]}
    assert not judged(judge, [capitalised, APP], IDENTITY)


def test_hiding_the_identity_does_not_make_a_task_a_stranger_to_its_group(judge):
    def program():
        mesh = build_mesh()
        declared_edges(mesh)
        hidden = envoy(environment=[], secrets=[{"name": "APPMESH_RESOURCE_ARN", "valueFrom": SECRET}])
        definition = aws.ecs.TaskDefinition("hidden", family="hidden", network_mode="awsvpc", container_definitions=json.dumps([hidden, APP]))
        aws.ecs.Service("hidden-svc", cluster=CLUSTER, task_definition=definition.arn,
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["b"].id]})

    assert "hidden-svc" in names_in(judge(program), "mesh-workload-groups-exclusive")


# --- class 5: traffic cannot skip Envoy ---------------------------------------------------------

PROXY = "ecs-mesh-proxy-configured"


@pytest.mark.parametrize(
    "containers, kwargs",
    [
        pytest.param([envoy(), APP], {"proxied": False}, id="no proxy configuration"),
        pytest.param([envoy(), APP], {"proxy_properties": {"AppPorts": "8080"}}, id="AppPorts leaves out the app's port"),
        pytest.param([envoy(), {**APP, "portMappings": [{"containerPort": 80}, {"containerPort": 8081}]}], {}, id="a second app port"),
        pytest.param([envoy(), APP], {"proxy_properties": {"AppPorts": ""}}, id="no AppPorts"),
        pytest.param([envoy(), APP], {"proxy_properties": {"ProxyEgressPort": ""}}, id="no egress port"),
    ],
)
def test_a_node_task_whose_traffic_can_skip_envoy_is_refused(judge, containers, kwargs):
    found = judged(judge, containers, PROXY, **kwargs)
    assert found and all(v.enforcement_level == "mandatory" for v in found)


def test_a_proxy_configuration_naming_another_container_is_refused(judge):
    def program():
        aws.ecs.TaskDefinition("t", family="t", network_mode="awsvpc", container_definitions=json.dumps([envoy(), APP]),
                               proxy_configuration={"type": "APPMESH", "container_name": "app", "properties": {
                                   "IgnoredUID": "1337", "ProxyIngressPort": "15000", "ProxyEgressPort": "15001", "AppPorts": "80"}})

    assert of_policy(judge(program), PROXY, level="mandatory")


def test_a_complete_proxy_and_a_lone_gateway_envoy_pass(judge):
    assert not judged(judge, [envoy(), APP], PROXY)
    gateway = envoy(environment=[{"name": "APPMESH_RESOURCE_ARN", "value": GATEWAY_ARN}], portMappings=[{"containerPort": 80}])
    assert not judged(judge, [gateway], PROXY, proxied=False)


@pytest.mark.parametrize(
    "app, ignored",
    [
        pytest.param({"name": "app", "image": "x:1"}, "0", id="no user is root, the ignored 0"),
        pytest.param({"name": "app", "image": "x:1", "user": "root"}, "0", id="root by name"),
        pytest.param({"name": "app", "image": "x:1", "user": "0:0"}, "0", id="uid:gid 0"),
    ],
)
def test_an_app_running_as_an_ignored_root_is_refused(judge, app, ignored):
    found = judged(judge, [envoy(), app], "ecs-proxy-uid-reserved", proxy_properties={"IgnoredUID": ignored})
    assert found and "'app'" in found[0].message


def test_app_ports_cover_the_virtual_nodes_listener_ports(judge):
    def program(app_ports: str):
        def run():
            mesh = aws.appmesh.Mesh("m", name="m", spec={"egress_filter": {"type": "DROP_ALL"}})
            aws.appmesh.VirtualNode("b", name="b", mesh_name=mesh.name, spec={"listeners": [
                {"port_mapping": {"port": 80, "protocol": "http"}}, {"port_mapping": {"port": 9090, "protocol": "grpc"}}]})
            task(containers=[envoy(), APP], proxy_properties={"AppPorts": app_ports})()

        return run

    assert names_in(judge(program("80")), "ecs-app-ports-cover-listeners") == {"task"}
    assert names_in(judge(program("9090")), "ecs-app-ports-cover-listeners") == {"task"}
    assert not of_policy(judge(program("80,9090")), "ecs-app-ports-cover-listeners")


# --- class 6: keys read as the provider reads them; capabilities --------------------------------


@pytest.mark.parametrize(
    "container, policy",
    [
        pytest.param({"name": "app", "image": "x:1", "Privileged": True}, "ecs-no-privileged-containers", id="Privileged"),
        pytest.param({"name": "app", "image": "x:1", "PRIVILEGED": True}, "ecs-no-privileged-containers", id="PRIVILEGED"),
        pytest.param({"Name": "app", "Image": "x:1", "User": "1337"}, "ecs-proxy-uid-reserved", id="User"),
        pytest.param({"name": "app", "image": "x:1", "u\u017fer": "1337"}, "ecs-proxy-uid-reserved", id="long s folds like Go"),
    ],
)
def test_container_keys_are_read_case_insensitively(judge, container, policy):
    assert judged(judge, [envoy(), container], policy)


def test_the_last_spelling_of_a_key_wins_as_in_the_provider(judge):
    definitions = '[{"name": "envoy", "image": "%s", "user": "1337"}, {"name": "app", "image": "x:1", "privileged": false, "Privileged": true}]'
    assert of_policy(judge(task(raw_definitions=definitions % ENVOY_IMAGE)), "ecs-no-privileged-containers")
    reversed_order = '[{"name": "app", "image": "x:1", "Privileged": true, "privileged": false}]'
    assert not of_policy(judge(task(raw_definitions=reversed_order, proxied=False)), "ecs-no-privileged-containers")


@pytest.mark.parametrize("added", [["NET_ADMIN"], ["cap_sys_admin"], ["CHOWN", "ALL"], ["NET_RAW"]])
def test_capabilities_that_undo_the_proxy_are_refused_in_mesh_tasks(judge, added):
    app = {**APP, "linuxParameters": {"capabilities": {"add": added}}}
    assert of_policy(judge(task(containers=[envoy(), app])), "ecs-no-dangerous-capabilities", level="mandatory")
    keyed = {**APP, "LinuxParameters": {"Capabilities": {"Add": added}}}
    assert of_policy(judge(task(containers=[envoy(), keyed])), "ecs-no-dangerous-capabilities")


def test_harmless_capabilities_and_non_mesh_tasks_pass(judge):
    app = {**APP, "linuxParameters": {"capabilities": {"add": ["CHOWN"], "drop": ["NET_ADMIN"]}}}
    assert not of_policy(judge(task(containers=[envoy(), app])), "ecs-no-dangerous-capabilities")
    alone = {"name": "tool", "image": "x:1", "linuxParameters": {"capabilities": {"add": ["NET_ADMIN"]}}}
    assert not of_policy(judge(task(containers=[alone], proxied=False)), "ecs-no-dangerous-capabilities")


# --- class 7: a moved admin interface is still the admin interface -------------------------------

MOVED = [{"name": "APPMESH_RESOURCE_ARN", "value": NODE_ARN}, {"name": "ENVOY_ADMIN_ACCESS_PORT", "value": "9902"}]


@pytest.mark.parametrize(
    "containers, properties",
    [
        pytest.param([envoy(environment=MOVED, portMappings=[{"containerPort": 9902}]), APP], {}, id="Envoy maps it"),
        pytest.param([envoy(environment=MOVED), APP], {"AppPorts": "80,9902"}, id="in AppPorts"),
        pytest.param([envoy(environment=MOVED[:1] + [{"name": "ENVOY_ADMIN_ACCESS_PORT", "value": "admin"}]), APP], {}, id="unreadable"),
        pytest.param([envoy(secrets=[{"name": "ENVOY_ADMIN_ACCESS_PORT", "valueFrom": SECRET}]), APP], {}, id="from a secret"),
        pytest.param([envoy(environmentFiles=[{"value": "arn:aws:s3:::bucket/envoy.env", "type": "s3"}]), APP], {}, id="left to a file"),
    ],
)
def test_a_moved_admin_port_exposed_by_the_task_is_refused(judge, containers, properties):
    assert judged(judge, containers, "sg-no-envoy-admin-port", proxy_properties=properties)


def moved_admin_program(expose):
    def program():
        group, caller = aws.ec2.SecurityGroup("svc-sg", vpc_id="vpc-1"), aws.ec2.SecurityGroup("caller-sg", vpc_id="vpc-1")
        definition = task("moved", containers=[envoy(environment=MOVED), APP])()
        target = aws.lb.TargetGroup("tg", port=80, protocol="TCP", target_type="ip", vpc_id="vpc-1")
        port = 9902 if expose == "balancer" else 80
        aws.ecs.Service("svc", cluster=CLUSTER, task_definition=definition.arn,
                        load_balancers=[{"target_group_arn": target.arn, "container_name": "envoy", "container_port": port}],
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [group.id]})
        rule_port = 9902 if expose == "rule" else 80
        aws.vpc.SecurityGroupIngressRule("in", security_group_id=group.id, referenced_security_group_id=caller.id,
                                         ip_protocol="tcp", from_port=rule_port, to_port=rule_port)

    return program


def test_a_balancer_registering_the_default_admin_port_is_refused(judge):
    def program():
        group = aws.ec2.SecurityGroup("svc-sg", vpc_id="vpc-1")
        definition = task("plain-admin", containers=[envoy(), APP])()
        target = aws.lb.TargetGroup("tg", port=80, protocol="TCP", target_type="ip", vpc_id="vpc-1")  # the group's port looks harmless
        aws.ecs.Service("svc", cluster=CLUSTER, task_definition=definition.arn,
                        load_balancers=[{"target_group_arn": target.arn, "container_name": "envoy", "container_port": 9901}],
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [group.id]})

    assert names_in(judge(program), "envoy-admin-port-closed") == {"svc"}


@pytest.mark.parametrize("expose, culprit", [("rule", "in"), ("balancer", "svc")])
def test_a_moved_admin_port_reached_through_the_stack_is_refused(judge, expose, culprit):
    assert names_in(judge(moved_admin_program(expose)), "envoy-admin-port-closed") == {culprit}


def test_a_moved_admin_port_left_closed_passes(judge):
    verdicts = judge(moved_admin_program(None))
    assert not of_policy(verdicts, "envoy-admin-port-closed") and not of_policy(verdicts, "sg-no-envoy-admin-port")


# --- classes 8 and 15: AWS's Envoy image and its published tags --------------------------------


@pytest.mark.parametrize(
    "image",
    [
        "registry.example.com/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod",
        "840364872350.dkr.ecr.me-south-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod",
        "919366029133.dkr.ecr.cn-north-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod",
        "public.ecr.aws/someone/aws-appmesh-envoy:v1.29.6.0-prod",
        "envoyproxy/envoy:v1.29.6",
        "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod-fipsx",
        "public.ecr.aws/appmesh/aws-appmesh-envoy:1.29.6.0",
    ],
)
def test_envoy_images_from_elsewhere_or_with_unpublished_tags_are_refused(judge, image):
    assert judged(judge, [envoy(image=image), APP], "ecs-envoy-image-pinned")


@pytest.mark.parametrize(
    "image",
    [
        "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
        "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.1-prod-fips",
        "840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod",
        "772975370895.dkr.ecr.me-south-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod-fips",
        "919366029133.dkr.ecr.cn-north-1.amazonaws.com.cn/aws-appmesh-envoy:v1.29.6.0-prod",
        "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod@sha256:" + "a" * 64,
    ],
)
def test_awss_envoy_images_and_fips_tags_pass(judge, image):
    assert not judged(judge, [envoy(image=image), APP], "ecs-envoy-image-pinned")


def test_a_reviewed_mirror_can_be_allowed(judge):
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/mirror/aws-appmesh-envoy:v1.29.6.0-prod"
    config = {"ecs-envoy-image-pinned": {"allowedEnvoyRepositories": [image.rsplit(":", 1)[0]]}}
    assert not of_policy(judge(task(containers=[envoy(image=image), APP]), config), "ecs-envoy-image-pinned")
    assert judged(judge, [envoy(image=image), APP], "ecs-envoy-image-pinned")


def test_the_mesh_programs_pass_every_envoy_task_policy(judge):
    assert mandatory(judge(lambda: declared_edges(build_mesh(front="nlb")))) == []
