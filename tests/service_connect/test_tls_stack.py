"""Service Connect TLS under the mock engine: every listener with tls published with TLS from the Private CA its
callers trust, through the stack's one ECS infrastructure role (trusted by ECS alone, granting exactly what
issuing those certificates needs); the ALB speaking HTTPS to those ports; and the policy pack, with TLS
required, finding nothing mandatory."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from mesh_components.aws import physical_names
from mesh_components.aws.ecs_infrastructure_role import ECS_TRUST
from mesh_components.offline.fake_cloud import ACCOUNT_ID
from mesh_components.offline.policy_runner import PolicyPackProcess
from mesh_components.offline.runner import load_program_entry, run_program
from policy.color_mesh_policy.service_connect_tls import grant_problems
from tests.mesh.stack_view import StackView
from tests.reference import REFERENCE
from tests.traffic.stacks import FIXTURES

REGION = "eu-west-1"
CA = f"arn:aws:acm-pca:{REGION}:{ACCOUNT_ID}:certificate-authority/0a1b2c3d"
OTHER_CA = f"arn:aws:acm-pca:{REGION}:{ACCOUNT_ID}:certificate-authority/9f8e7d6c"
IMAGE = "forsakenidol/colorapp"


def served(name: str) -> dict:
    return {"mode": "STRICT", "certificate": {"acm": f"arn:aws:acm:{REGION}:{ACCOUNT_ID}:certificate/{name}"}}


# mesh.tls required: every listener STRICT, every call enforcing TLS with the one CA. No gateway: the topology's
# own check wants the gateway's calls enforced, which an ALB cannot do (capabilities refuse it). A color nobody
# calls has no caller's CA to take its certificates from (refused, see the README's fidelity table), so every color is called.
TLS_REQUIRED = {
    "mesh": {"name": "color-mesh", "namespace": "colors.local", "egress_filter": "DROP_ALL", "tls": "required",
             "backend_tls": {"trust": {"acm": [CA]}}},
    "colors": {
        "red": {"image": IMAGE, "tls": served("red"), "backends": ["blue"]},  # every color is called: the CA
        "blue": {"image": IMAGE, "tls": served("blue"), "backends": ["red", "green"]},
        "green": {"image": IMAGE, "listeners": [{"port": 80, "protocol": "http", "tls": served("green")},
                                                {"port": 9090, "protocol": "grpc", "tls": served("green-grpc")}]},
    },
}


def run(tmp_path, data: dict, *, stack: str = "dev"):
    path = tmp_path / "topology.yaml"
    path.write_text(yaml.safe_dump(data))
    return run_program(load_program_entry(), stack=stack, config={
        "color-mesh:topology": str(path), "aws:region": REGION, "color-mesh:target": "service-connect"})


@pytest.fixture(scope="module")
def required(tmp_path_factory):
    return run(tmp_path_factory.mktemp("sc-tls"), TLS_REQUIRED)


def tls_role(stack: StackView):
    roles = [role for role in stack.of_type("aws:iam/role:Role") if role.outputs["assumeRolePolicy"] == ECS_TRUST]
    assert len(roles) == 1  # one per stack, whatever the number of colors
    return roles[0]


def published(stack: StackView) -> dict[tuple[str, str], dict]:
    """(color, port name) -> the Service Connect service ECS gets."""
    return {(service.outputs["name"], entry["portName"]): entry for service in stack.of_type("aws:ecs/service:Service")
            for entry in service.outputs["serviceConnectConfiguration"]["services"]}


def test_every_listener_with_tls_is_published_with_the_private_ca_and_the_stacks_tls_role(required):
    stack = StackView(required)
    role = tls_role(stack)
    assert role.outputs["name"] == physical_names.service_connect_tls_role_name("color-mesh", "dev") == \
        "color-mesh-dev-service-connect-tls"
    expected_tls = {"issuerCertAuthority": {"awsPcaAuthorityArn": CA}, "roleArn": role.outputs["arn"]}  # no kmsKey
    entries = published(stack)
    assert sorted(entries) == [("blue", "http-80"), ("green", "grpc-9090"), ("green", "http-80"), ("red", "http-80")]
    assert {key: entry["tls"] for key, entry in entries.items()} == {key: expected_tls for key in entries}
    # Each service is created once the role's permissions exist, not only the role.
    policy = next(p for p in stack.of_type("aws:iam/rolePolicy:RolePolicy") if p.outputs["role"] == role.id)
    assert all(policy.urn in service.dependencies for service in stack.of_type("aws:ecs/service:Service"))


def test_the_tls_role_is_trusted_by_ecs_alone_and_grants_exactly_what_issuing_needs(required):
    stack = StackView(required)
    role = tls_role(stack)
    assert json.loads(role.outputs["assumeRolePolicy"])["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    statements = stack.role_policy_of(role.outputs["arn"])["Statement"]
    secrets = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:ecs-sc!*"
    assert {statement["Sid"]: (sorted(statement["Action"]), statement["Resource"]) for statement in statements} == {
        "CreateTlsSecret": (["secretsmanager:CreateSecret", "secretsmanager:TagResource"], secrets),
        "RotateTlsSecret": (sorted(["secretsmanager:UpdateSecret", "secretsmanager:GetSecretValue",
                                    "secretsmanager:PutSecretValue", "secretsmanager:DeleteSecret",
                                    "secretsmanager:RotateSecret", "secretsmanager:UpdateSecretVersionStage"]), secrets),
        "DescribeTlsSecret": (["secretsmanager:DescribeSecret"], secrets),
        "ReadPrivateCa": (["acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificate",
                           "acm-pca:GetCertificateAuthorityCertificate"], [CA]),
        "IssueFromPrivateCa": (["acm-pca:IssueCertificate"], [CA]),
    }
    by_sid = {statement["Sid"]: statement for statement in statements}
    assert by_sid["IssueFromPrivateCa"]["Condition"] == {
        "StringEquals": {"acm-pca:TemplateArn": "arn:aws:acm-pca:::template/EndEntityCertificate/V1"}}
    assert by_sid["CreateTlsSecret"]["Condition"]["StringEquals"]["aws:RequestTag/AmazonECSManaged"] == "true"
    assert by_sid["RotateTlsSecret"]["Condition"]["StringEquals"][
        "secretsmanager:ResourceTag/aws:secretsmanager:owningService"] == "ecs-sc"
    assert [problem for statement in statements for problem in grant_problems(statement)] == []
    assert not [action for statement in statements for action in statement["Action"] if action.startswith("kms:")]


def test_tls_required_checks_with_no_mandatory_violation(required):
    with PolicyPackProcess() as pack:
        verdicts = pack.analyze(required, {"mesh-tls-required": {"required": True}})
    assert [v for v in verdicts if v.is_mandatory] == []


def test_the_pack_would_see_a_listener_left_without_tls(required):
    """The clean verdict above means something: the same stack with one service's tls dropped is refused."""
    stripped = copy.deepcopy(required)
    red = next(r for r in stripped.resources if r.type == "aws:ecs/service:Service" and r.outputs["name"] == "red")
    for props in (red.inputs, red.outputs):
        del props["serviceConnectConfiguration"]["services"][0]["tls"]
    with PolicyPackProcess() as pack:
        verdicts = pack.analyze(stripped, {"mesh-tls-required": {"required": True}})
    assert [(v.policy_name, v.urn.rsplit("::", 1)[-1]) for v in verdicts if v.is_mandatory] == [
        ("mesh-tls-required", red.name)]


def test_no_tls_no_role(tmp_path):
    data = yaml.safe_load(REFERENCE.read_text())
    del data["colors"]["red"]["backends"]
    stack = StackView(run(tmp_path, data))
    assert [role for role in stack.of_type("aws:iam/role:Role") if role.outputs["assumeRolePolicy"] == ECS_TRUST] == []
    assert all("tls" not in entry for entry in published(stack).values())


def alb_reached_colors_with_tls() -> dict:
    """The reference mesh (less red's router call) with tls on every color: callers enforce TLS with the CA,
    the gateway (an ALB, which verifies no target certificate) names the CA without enforcing."""
    data = yaml.safe_load(REFERENCE.read_text())
    del data["colors"]["red"]["backends"]
    data["mesh"]["backend_tls"] = {"trust": {"acm": [CA]}}
    data["gateway"]["backend_tls"] = {"enforce": False, "trust": {"acm": [CA]}}
    for name, color in data["colors"].items():
        color["tls"] = served(name)
    return data


def test_the_alb_speaks_https_to_ports_behind_service_connect_tls(tmp_path):
    recording = run(tmp_path, alb_reached_colors_with_tls())
    stack = StackView(recording)
    groups = stack.of_type("aws:lb/targetGroup:TargetGroup")
    assert len(groups) == 3  # blue, green, yellow
    for group in groups:
        assert (group.outputs["protocol"], group.outputs["healthCheck"]["protocol"]) == ("HTTPS", "HTTPS")
    assert {entry["tls"]["issuerCertAuthority"]["awsPcaAuthorityArn"] for entry in published(stack).values()} == {CA}
    with PolicyPackProcess() as pack:
        verdicts = pack.analyze(recording)
    assert [v for v in verdicts if v.is_mandatory] == []


def test_the_tls_role_name_fits_iams_limit_with_the_longest_names(tmp_path):
    data = copy.deepcopy(TLS_REQUIRED)
    data["mesh"]["name"] = "m" * 255
    role = tls_role(StackView(run(tmp_path, data, stack="s" * 100)))
    assert len(role.outputs["name"]) <= physical_names.IAM_ROLE_NAME_LIMIT
    assert role.outputs["name"] == physical_names.service_connect_tls_role_name("m" * 255, "s" * 100)


def test_two_cas_for_one_color_are_refused_before_anything_is_registered(tmp_path):
    data = copy.deepcopy(TLS_REQUIRED)
    data["colors"]["green"]["backends"] = ["red"]  # with the mesh's CA
    data["colors"]["blue"]["backend_tls_for"] = {"red": {"trust": {"acm": [OTHER_CA]}}}
    with pytest.raises(Exception, match="callers trust different certificate authorities"):
        run(tmp_path, data)


def test_https_gateway_listeners_negotiate_tls_1_3(tmp_path):
    data = yaml.safe_load((FIXTURES / "gateway_listeners.yaml").read_text())
    listeners = StackView(run(tmp_path, data)).of_type("aws:lb/listener:Listener")
    assert {(int(listener.outputs["port"]), listener.outputs["protocol"], listener.outputs.get("sslPolicy"))
            for listener in listeners} == {(80, "HTTP", None), (8443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06")}
