"""ECS policies: private tasks, awsvpc, no privileged containers, an intact Envoy proxy and image."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest

from .mesh_programs import ENVOY_IMAGE
from .verdicts import names_in, of_policy

METADATA = "169.254.170.2,169.254.169.254"


def task(name: str = "task", *, containers=None, proxy_properties=None, network_mode="awsvpc", proxied=True, raw_definitions=None):
    envoy = {"name": "envoy", "image": ENVOY_IMAGE, "essential": True, "user": "1337"}
    app = {"name": "app", "image": "forsakenidol/colorapp", "essential": True}
    definitions = raw_definitions if raw_definitions is not None else json.dumps(containers or [envoy, app])
    properties = {"IgnoredUID": "1337", "ProxyIngressPort": "15000", "ProxyEgressPort": "15001", "AppPorts": "80",
                  "EgressIgnoredIPs": METADATA, **(proxy_properties or {})}
    return lambda: aws.ecs.TaskDefinition(
        name, family=name, network_mode=network_mode, container_definitions=definitions,
        proxy_configuration={"type": "APPMESH", "container_name": "envoy", "properties": properties} if proxied else None,
    )


def test_services_with_public_ips_are_refused(judge):
    def program():
        for name, public in (("public", True), ("private", False)):
            aws.ecs.Service(name, cluster="c", task_definition="t:1", network_configuration={
                "subnets": ["subnet-1"], "security_groups": ["sg-1"], "assign_public_ip": public})

    assert names_in(judge(program), "ecs-no-public-ip") == {"public"}


@pytest.mark.parametrize("mode", ["bridge", "host", None])
def test_task_definitions_outside_awsvpc_are_refused(judge, mode):
    assert of_policy(judge(task(network_mode=mode)), "ecs-awsvpc-network-mode", level="mandatory")


def test_awsvpc_task_definition_passes(judge):
    assert not of_policy(judge(task()), "ecs-awsvpc-network-mode")


def test_privileged_containers_are_refused_and_the_key_is_privileged(judge):
    privileged = {"name": "app", "image": "x:1", "privileged": True}
    misspelled = {"name": "app", "image": "x:1", "privilege": True}  # not an ECS key: nothing runs privileged
    assert of_policy(judge(task(containers=[privileged], proxied=False)), "ecs-no-privileged-containers", level="mandatory")
    assert not of_policy(judge(task(containers=[misspelled], proxied=False)), "ecs-no-privileged-containers")


@pytest.mark.parametrize("user", ["1337", "1337:1000", 1337])
def test_app_container_running_as_the_proxy_uid_is_refused(judge, user):
    containers = [{"name": "envoy", "image": ENVOY_IMAGE, "user": "1337"}, {"name": "app", "image": "x:1", "user": user}]
    found = of_policy(judge(task(containers=containers)), "ecs-proxy-uid-reserved", level="mandatory")
    assert found and "'app'" in found[0].message


def test_only_envoy_as_1337_passes_and_gateway_tasks_have_no_proxy(judge):
    assert not of_policy(judge(task()), "ecs-proxy-uid-reserved")
    gateway = [{"name": "envoy", "image": ENVOY_IMAGE, "user": "1337"}, {"name": "sidecar", "image": "x:1", "user": "1337"}]
    assert not of_policy(judge(task(containers=gateway, proxied=False)), "ecs-proxy-uid-reserved")


@pytest.mark.parametrize(
    "properties",
    [
        pytest.param({"EgressIgnoredIPs": METADATA + ",10.0.0.0/8"}, id="extra network"),
        pytest.param({"EgressIgnoredIPs": "0.0.0.0/0"}, id="the world"),
        pytest.param({"EgressIgnoredPorts": "22,443"}, id="ignored ports"),
    ],
)
def test_proxy_egress_side_doors_are_refused(judge, properties):
    assert of_policy(judge(task(proxy_properties=properties)), "ecs-proxy-egress-ignored", level="mandatory")


def bypass(ignored: str = "10.20.0.0/16", *, rule_cidr: str = "10.20.0.0/16", protocol: str = "tcp",
           ports: tuple[int, int] = (6379, 6379), service: bool = True):
    """A proxied task run by a service whose group lets `rule_cidr` out; the proxy lets `ignored` bypass Envoy."""
    def program():
        definition = task(proxy_properties={"EgressIgnoredIPs": f"{METADATA},{ignored}"})()
        group = aws.ec2.SecurityGroup("sg", vpc_id="vpc-1")
        aws.vpc.SecurityGroupEgressRule("out", security_group_id=group.id, cidr_ipv4=rule_cidr, ip_protocol=protocol,
                                        from_port=ports[0], to_port=ports[1])
        if service:
            aws.ecs.Service("svc", cluster="c", task_definition=definition.arn, network_configuration={
                "subnets": ["subnet-1"], "security_groups": [group.id], "assign_public_ip": False})
    return program


def test_a_bypassed_network_tied_to_one_egress_rule_on_one_port_passes(judge):
    assert not of_policy(judge(bypass()), "ecs-proxy-egress-ignored")


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(bypass(service=False), id="no service runs the task"),
        pytest.param(bypass(rule_cidr="10.0.0.0/8"), id="the group lets a wider network out"),
        pytest.param(bypass(ports=(6379, 6380)), id="a port range"),
        pytest.param(bypass(protocol="-1", ports=(0, 0)), id="all traffic to it"),
        pytest.param(bypass("0.0.0.0/1", rule_cidr="0.0.0.0/1"), id="wider than /8"),
    ],
)
def test_a_bypassed_network_not_held_to_one_destination_is_refused(judge, program):
    found = of_policy(judge(program), "ecs-proxy-egress-ignored", level="mandatory")
    assert found and any(network in found[0].message for network in ("10.20.0.0/16", "0.0.0.0/1"))


def test_metadata_addresses_alone_pass_and_are_configurable(judge):
    assert not of_policy(judge(task()), "ecs-proxy-egress-ignored")
    program = task(proxy_properties={"EgressIgnoredPorts": "22"})
    config = {"ecs-proxy-egress-ignored": {"allowedEgressIgnoredPorts": [22]}}
    assert not of_policy(judge(program, config), "ecs-proxy-egress-ignored")


@pytest.mark.parametrize(
    "image",
    [
        "public.ecr.aws/appmesh/aws-appmesh-envoy:latest",
        "public.ecr.aws/appmesh/aws-appmesh-envoy",
        "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.15.1.0-prod",
        "public.ecr.aws/appmesh/aws-appmesh-envoy@sha256:" + "a" * 64,
        "public.ecr.aws/appmesh/aws-appmesh-envoy:prod",
    ],
)
def test_unpinned_or_old_envoy_images_are_refused(judge, image):
    containers = [{"name": "envoy", "image": image, "user": "1337"}, {"name": "app", "image": "x:1"}]
    assert of_policy(judge(task(containers=containers)), "ecs-envoy-image-pinned", level="mandatory")


def test_minimum_envoy_version_is_configurable(judge):
    assert not of_policy(judge(task()), "ecs-envoy-image-pinned")  # v1.29.6.0-prod
    config = {"ecs-envoy-image-pinned": {"minimumEnvoyVersion": "1.30.0.0"}}
    assert of_policy(judge(task(), config), "ecs-envoy-image-pinned")


def test_unreadable_container_definitions_are_reported_not_skipped(judge):
    verdicts = judge(task(raw_definitions='{"name": "not a list"}'))
    assert of_policy(verdicts, "ecs-no-privileged-containers", level="mandatory")


def test_writable_root_filesystems_and_unbounded_log_retention_are_advisory(judge):
    def program():
        task()()
        aws.cloudwatch.LogGroup("forever")
        aws.cloudwatch.LogGroup("month", retention_in_days=30)
        aws.ecs.TaskDefinition("locked", family="locked", network_mode="awsvpc", container_definitions=json.dumps(
            [{"name": "app", "image": "x:1", "readonlyRootFilesystem": True}]))

    verdicts = judge(program)
    assert names_in(verdicts, "ecs-readonly-root-filesystem") == {"task"}
    assert names_in(verdicts, "logs-retention-set") == {"forever"}
    assert {v.enforcement_level for v in of_policy(verdicts, "logs-retention-set")} == {"advisory"}
