"""The offline runner: realistic mock state, recorded wire properties, isolation, errors, stack files."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from mesh_components.offline.recording import STACK_TYPE
from mesh_components.offline.runner import OfflineRunError, ProgramLoggedError, engine_config, run_program

ACCOUNT = "123456789012"


def mesh_program():
    mesh = aws.appmesh.Mesh("mesh", name="color-mesh", spec={"egress_filter": {"type": "DROP_ALL"}})
    node = aws.appmesh.VirtualNode("red", mesh_name=mesh.name, spec={"listeners": [{"port_mapping": {"port": 80, "protocol": "http"}}]})
    gateway = aws.appmesh.VirtualGateway("gw", name="gateway", mesh_name=mesh.name, spec={"listeners": [{"port_mapping": {"port": 80, "protocol": "http"}}]})
    router = aws.appmesh.VirtualRouter("router", name="router", mesh_name=mesh.name, spec={"listeners": [{"port_mapping": {"port": 80, "protocol": "http"}}]})
    aws.appmesh.Route("route", name="colors", mesh_name=mesh.name, virtual_router_name=router.name, spec={
        "http_route": {"match": {"prefix": "/"}, "action": {"weighted_targets": [{"virtual_node": node.name, "weight": 1}]}}})
    aws.appmesh.GatewayRoute("gateway-route", name="to-red", mesh_name=mesh.name, virtual_gateway_name=gateway.name, spec={
        "http_route": {"match": {"prefix": "/"}, "action": {"target": {"virtual_service": {"virtual_service_name": "red.local"}}}}})
    role = aws.iam.Role("task-role", assume_role_policy="{}")
    balancer = aws.lb.LoadBalancer("a-rather-long-load-balancer-name", load_balancer_type="network", subnets=["subnet-1"])
    namespace = aws.servicediscovery.PrivateDnsNamespace("ns", name="colors.local", vpc="vpc-1")
    pulumi.export("nodeArn", node.arn)
    pulumi.export("gatewayArn", gateway.arn)
    pulumi.export("roleArn", role.arn)
    pulumi.export("dns", balancer.dns_name)
    pulumi.export("arnSuffix", balancer.arn_suffix)
    pulumi.export("zone", namespace.hosted_zone)
    pulumi.export("port", 80)


def test_resources_get_realistic_arns_ids_and_auto_names():
    recording = run_program(mesh_program)
    outputs = recording.stack_outputs
    assert outputs["gatewayArn"] == f"arn:aws:appmesh:us-east-1:{ACCOUNT}:mesh/color-mesh/virtualGateway/gateway"
    node_name = recording.named("red").outputs["name"]
    assert node_name.startswith("red-") and len(node_name) == len("red-") + 7
    assert outputs["nodeArn"] == f"arn:aws:appmesh:us-east-1:{ACCOUNT}:mesh/color-mesh/virtualNode/{node_name}"
    assert recording.named("route").outputs["arn"].endswith("mesh/color-mesh/virtualRouter/router/route/colors")
    assert recording.named("gateway-route").outputs["arn"].endswith("mesh/color-mesh/virtualGateway/gateway/gatewayRoute/to-red")
    assert outputs["roleArn"].startswith(f"arn:aws:iam::{ACCOUNT}:role/task-role-")
    balancer_name = recording.named("a-rather-long-load-balancer-name").outputs["name"]
    assert len(balancer_name) <= 32 and outputs["arnSuffix"].startswith(f"net/{balancer_name}/")
    assert outputs["dns"].endswith(".elb.us-east-1.amazonaws.com")
    assert outputs["zone"].startswith("Z") and recording.named("ns").id.startswith("ns-")
    assert outputs["port"] == 80


def test_wire_properties_are_camel_case_floats_with_parents_and_dependencies():
    recording = run_program(mesh_program)
    node = recording.named("red")
    assert node.inputs["spec"]["listeners"][0]["portMapping"]["port"] == 80.0
    assert "name" not in node.inputs and node.checked_inputs["name"] == node.outputs["name"]
    stack = recording.of_type(STACK_TYPE)[0]
    assert node.parent == stack.urn and stack.parent == ""
    assert recording.named("mesh").urn in node.dependencies
    assert node.property_dependencies["meshName"] == (recording.named("mesh").urn,)


def test_runs_are_reproducible_and_stacks_differ():
    first, second = run_program(mesh_program), run_program(mesh_program)
    assert first.resources == second.resources and first.stack_outputs == second.stack_outputs
    prod = run_program(mesh_program, stack="prod", config={"aws:region": "eu-west-1"})
    assert prod.stack_outputs["nodeArn"].startswith(f"arn:aws:appmesh:eu-west-1:{ACCOUNT}:")
    assert prod.named("red").outputs["name"] != first.named("red").outputs["name"]


def test_config_and_stack_do_not_leak_between_runs():
    def program():
        config = pulumi.Config("color-mesh")
        pulumi.export("value", config.get("key"))
        pulumi.export("stack", pulumi.get_stack())
        pulumi.export("project", pulumi.get_project())

    assert run_program(program, stack="one", config={"color-mesh:key": "x"}).stack_outputs == {"value": "x", "stack": "one", "project": "color-mesh"}
    assert run_program(program, stack="two").stack_outputs == {"stack": "two", "project": "color-mesh"}


def test_invokes_answer_like_aws_and_unknown_tokens_are_recorded():
    def program():
        region = aws.get_region()
        identity = aws.get_caller_identity()
        zones = aws.get_availability_zones()
        document = aws.iam.get_policy_document(statements=[
            {"actions": ["appmesh:StreamAggregatedResources"], "resources": ["arn:aws:appmesh:us-east-1:1:mesh/m/virtualNode/a"]},
            {"effect": "Allow", "actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}]},
        ])
        vpc = aws.ec2.get_vpc(id="vpc-0abc")
        aws.ec2.get_security_group(name="default")
        pulumi.export("region", region.region)
        pulumi.export("regionName", region.name)
        pulumi.export("account", identity.account_id)
        pulumi.export("zones", zones.names)
        pulumi.export("policy", document.json)
        pulumi.export("dns", [vpc.enable_dns_support, vpc.enable_dns_hostnames, vpc.id])

    recording = run_program(program, config={"aws:region": "eu-central-1"})
    outputs = recording.stack_outputs
    assert outputs["region"] == outputs["regionName"] == "eu-central-1"
    assert outputs["account"] == ACCOUNT and outputs["zones"] == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    assert json.loads(outputs["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "appmesh:StreamAggregatedResources", "Resource": "arn:aws:appmesh:us-east-1:1:mesh/m/virtualNode/a"},
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}
    assert outputs["dns"] == [True, True, "vpc-0abc"]
    assert recording.unknown_calls == ["aws:ec2/getSecurityGroup:getSecurityGroup"]


def test_program_errors_surface_as_exceptions():
    def raises():
        aws.appmesh.Mesh("mesh")
        raise ValueError("bad topology")

    def raises_in_apply():
        aws.appmesh.Mesh("mesh").arn.apply(lambda _: 1 / 0)

    def logs_error():
        pulumi.log.error("refusing this config")

    with pytest.raises(ValueError, match="bad topology"):
        run_program(raises)
    with pytest.raises(ZeroDivisionError):
        run_program(raises_in_apply)
    with pytest.raises(ProgramLoggedError, match="refusing this config"):
        run_program(logs_error)
    assert run_program(lambda: aws.appmesh.Mesh("mesh")).named("mesh")  # a failed run leaves nothing behind


def test_stack_files_become_namespaced_string_config(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\nconfig:\n  replicas:\n    default: 2\n")
    (tmp_path / "Pulumi.test.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  demo:topology: config/t.yaml\n  demo:flags: {a: [1, 2]}\n  debug: true\n"
    )
    assert engine_config(tmp_path, "test", "demo") == {
        "demo:replicas": "2",
        "aws:region": "eu-west-1",
        "demo:topology": "config/t.yaml",
        "demo:flags": '{"a": [1, 2]}',
        "demo:debug": "true",
    }
    with pytest.raises(OfflineRunError, match="no such stack file"):
        engine_config(tmp_path, "nope", "demo")
    (tmp_path / "Pulumi.secret.yaml").write_text("config:\n  demo:token:\n    secure: AAAB\n")
    with pytest.raises(OfflineRunError, match="secret"):
        engine_config(tmp_path, "secret", "demo")


def test_same_type_and_name_under_different_parents_get_distinct_ids():
    class Box(pulumi.ComponentResource):
        def __init__(self, name: str, kind: str) -> None:
            super().__init__(f"test:index:{kind}", name)
            aws.ec2.SecurityGroup("sg", vpc_id="vpc-1", opts=pulumi.ResourceOptions(parent=self))

    recording = run_program(lambda: (Box("one", "First"), Box("two", "Second")))
    groups = recording.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert len(groups) == 2 and groups[0].id != groups[1].id and groups[0].outputs["name"] != groups[1].outputs["name"]
