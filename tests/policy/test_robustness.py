"""Odd shapes, absent keys and unknown values never crash a policy, and the shipped stacks pass.

Odd shapes are sent straight over the analyzer protocol (a hand-made recording), since pulumi_aws's
typed inputs would refuse to build them.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from mesh_components.offline.recording import RecordedResource, Recording
from mesh_components.offline.runner import load_program_entry, read_project_name, engine_config, run_program, run_stack

from .verdicts import mandatory

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
ROOT = Path(__file__).resolve().parents[2]

ODD_PROPERTIES = {
    "aws:ec2/securityGroup:SecurityGroup": [
        {"ingress": "not a list"}, {"ingress": [None, 5, {"protocol": None, "fromPort": "x", "cidrBlocks": "0.0.0.0/0"}]},
        {"egress": [{"protocol": UNKNOWN, "cidrBlocks": [UNKNOWN]}]}, {"ingress": UNKNOWN},
    ],
    "aws:ec2/securityGroupRule:SecurityGroupRule": [{}, {"type": "ingress", "protocol": {"odd": 1}, "cidrBlocks": ["not-a-cidr"]}],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
        {"ipProtocol": 6.0, "fromPort": 90000, "toPort": -5},
        {"ipProtocol": "tcp", "securityGroupId": {"odd": 1}, "referencedSecurityGroupId": ["sg-1"], "cidrIpv4": "0.0.0.0/0"},
    ],
    "aws:ecs/service:Service": [
        {"networkConfiguration": "x"}, {"networkConfiguration": {"securityGroups": UNKNOWN}},
        {"taskDefinition": {"odd": 1}, "networkConfiguration": {"securityGroups": [{"odd": 1}, "sg-1"]}},
    ],
    "aws:ec2/vpc:Vpc": [{"defaultSecurityGroupId": ["sg-x"]}],
    "aws:appmesh/mesh:Mesh": [{"spec": []}, {"spec": {"egressFilter": "DROP_ALL"}}],
    "aws:appmesh/virtualNode:VirtualNode": [{"spec": {"listeners": "x", "backends": [None]}}, {"meshName": {"odd": 1}, "name": ["x"]}],
    "aws:appmesh/route:Route": [{"spec": {"httpRoute": None}}],
    "aws:ecs/taskDefinition:TaskDefinition": [
        {"containerDefinitions": 5}, {"containerDefinitions": "[1, 2]"}, {"containerDefinitions": UNKNOWN},
        {"containerDefinitions": '[{"name": "app", "user": null}]', "proxyConfiguration": {"properties": [{"name": "IgnoredUID"}]}},
        {"containerDefinitions": '[{"Name": {"x": 1}, "Environment": [{"Name": "APPMESH_RESOURCE_ARN", "Value": {"a": 1}}], '
                                 '"Secrets": "x", "LinuxParameters": {"Capabilities": {"Add": "NET_ADMIN"}}, "PortMappings": [{"ContainerPort": "x"}]}]',
         "taskRoleArn": {"odd": 1}, "proxyConfiguration": {"containerName": ["x"], "properties": {"AppPorts": {"odd": 1}}}},
        {"containerDefinitions": '[{"name": "envoy", "environment": [{"name": "ENVOY_ADMIN_ACCESS_PORT", "value": [1]}]}]'},
    ],
    "aws:iam/policy:Policy": [{"policy": "{not json"}, {"policy": {"Statement": {"Effect": "Allow", "Action": 7}}}, {"policy": UNKNOWN}],
    "aws:iam/role:Role": [
        {"inlinePolicies": [{"policy": None}], "managedPolicyArns": "x"},
        {"assumeRolePolicy": '{"Statement": [{"Effect": "Allow", "Principal": {"Service": {"odd": 1}}, "Action": [null]}]}'},
        {"assumeRolePolicy": UNKNOWN, "arn": ["x"], "name": {"odd": 1}},
    ],
    "aws:lb/loadBalancer:LoadBalancer": [{"internal": "maybe", "securityGroups": [None]}],
    "aws:lb/listener:Listener": [{"port": "eighty", "defaultActions": [{"forward": {"targetGroups": "x"}}]}],
    "aws:cloudwatch/logGroup:LogGroup": [{"retentionInDays": UNKNOWN}],
    "aws:codedeploy/deploymentGroup:DeploymentGroup": [
        {"ecsService": {"serviceName": "s", "clusterName": "c"}, "loadBalancerInfo": {"targetGroupPairInfo": [{"targetGroups": [{"name": {"odd": 1}}]}]}},
        {"ecsService": ["x"], "loadBalancerInfo": {"targetGroupPairInfo": "x"}},
    ],
    "aws:apigatewayv2/vpcLink:VpcLink": [{"id": {"odd": 1}, "securityGroupIds": [None, 3]}],
    "aws:apigatewayv2/integration:Integration": [{"connectionId": {"odd": 1}, "integrationUri": ["x"], "connectionType": "VPC_LINK"}],
    "aws:apigateway/vpcLink:VpcLink": [{"targetArn": {"odd": 1}, "targetArns": "x"}],
    "aws:elb/loadBalancer:LoadBalancer": [{"name": ["x"], "listeners": [{"lbPort": "x"}], "instances": [{"odd": 1}]}],
    "aws:ecs/taskSet:TaskSet": [{"taskDefinition": ["x"], "networkConfiguration": {"securityGroups": [{"odd": 1}]}}],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [{"role": {"odd": 1}, "policyArn": ["x"]}],
    "aws:iam/policyAttachment:PolicyAttachment": [{"roles": [{"odd": 1}], "policyArn": 5}],
    "aws:appmesh/virtualGateway:VirtualGateway": [{"meshName": ["m"], "name": "g", "spec": {"listeners": [{"portMapping": {"port": "x"}}]}}],
}


def odd_recording() -> Recording:
    resources = []
    for type_token, shapes in ODD_PROPERTIES.items():
        for index, properties in enumerate(shapes):
            name = f"odd-{type_token.rsplit(':', 1)[-1].lower()}-{index}"
            urn = f"urn:pulumi:dev::color-mesh::{type_token}::{name}"
            resources.append(RecordedResource(urn, type_token, name, True, "", (), {}, properties, properties, properties))
    return Recording(resources, {})


def test_odd_shapes_and_unknowns_never_crash_a_policy(policy_pack):
    verdicts = policy_pack.analyze(odd_recording())  # a crashing policy raises PolicyPackError here
    assert any(v.policy_name == "mesh-egress-drop-all" and v.is_mandatory for v in verdicts)


def test_the_same_recording_gives_the_same_verdicts(policy_pack):
    assert policy_pack.analyze(odd_recording()) == policy_pack.analyze(odd_recording())


PROGRAM_MISSING = importlib.util.find_spec("mesh_components.program") is None


@pytest.mark.skipif(PROGRAM_MISSING, reason="mesh_components.program (the lead's program) does not exist yet")
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_have_no_mandatory_violations(policy_pack, stack):
    recording = run_stack(stack, ROOT)
    assert len(recording.resources) > 50
    assert mandatory(policy_pack.analyze(recording)) == []


@pytest.mark.skipif(PROGRAM_MISSING, reason="mesh_components.program (the lead's program) does not exist yet")
def test_the_program_with_its_gateway_on_another_port_has_no_mandatory_violations(policy_pack, tmp_path):
    """The public ports follow what the stack exposes (#16, class 13): a gateway on 8080 is not refused."""
    topology = (ROOT / "config" / "topology.yaml").read_text()
    assert "gateway:\n  name: gateway\n  protocol: http\n  port: 80\n" in topology
    moved = tmp_path / "topology.yaml"
    moved.write_text(topology.replace("gateway:\n  name: gateway\n  protocol: http\n  port: 80\n",
                                      "gateway:\n  name: gateway\n  protocol: http\n  port: 8080\n"))
    config = {**engine_config(ROOT, "dev", read_project_name(ROOT)), "color-mesh:topology": str(moved)}
    recording = run_program(load_program_entry(), config=config)
    listeners = [r for r in recording.resources if r.type == "aws:lb/listener:Listener"]
    assert [r.outputs.get("port") for r in listeners] == [8080.0]
    assert mandatory(policy_pack.analyze(recording)) == []


def _readme_policy_rows() -> dict[str, list[str]]:
    section = (ROOT / "README.md").read_text().split("## Policy pack", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {row.split("`")[1]: [cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows}


def test_the_readme_table_lists_every_policy_with_its_level_and_config_keys(policy_pack):
    rows = _readme_policy_rows()
    assert set(rows) == {policy.name for policy in policy_pack.info}
    for policy in policy_pack.info:
        _, _, _, level, config = rows[policy.name]
        assert level.startswith(policy.enforcement_level), policy.name
        assert {key for key in policy.config_schema} == set(re.findall(r"`(\w+)`", config)), policy.name


@pytest.mark.parametrize(
    "policy, key, default",
    [
        ("sg-public-ingress-listener-ports", "publicListenerPorts", []),
        ("ecs-no-dangerous-capabilities", "forbiddenCapabilities", ["ALL", "NET_ADMIN", "NET_RAW", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE"]),
        ("ecs-envoy-image-pinned", "allowedEnvoyRepositories", []),
        ("iam-mesh-task-roles", "reviewedManagedPolicies", []),
        ("envoy-admin-port-closed", "envoyAdminPort", 9901),
    ],
)
def test_new_parameters_are_in_the_config_schema_with_their_defaults(policy_pack, policy, key, default):
    schema = {info.name: info.config_schema for info in policy_pack.info}[policy]
    assert schema[key]["default"] == default


PROGRAM_FIXTURES = sorted((ROOT / "tests" / "traffic" / "fixtures").glob("*.yaml"))


@pytest.mark.skipif(PROGRAM_MISSING, reason="mesh_components.program (the lead's program) does not exist yet")
@pytest.mark.parametrize("fixture", PROGRAM_FIXTURES, ids=[path.stem for path in PROGRAM_FIXTURES])
def test_the_programs_other_shapes_have_no_mandatory_violations(policy_pack, fixture):
    """Gateway listeners, HTTP features, observability sidecars with a moved admin port, TLS, every protocol."""
    recording = run_program(load_program_entry(), stack="traffic-test", config={"color-mesh:topology": str(fixture), "aws:region": "us-east-1"})
    assert mandatory(policy_pack.analyze(recording)) == []
