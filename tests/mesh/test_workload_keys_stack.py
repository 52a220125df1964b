"""A topology using every workload key (secrets, a KMS key, permissions, a customer-managed policy, the container
settings, Envoy settings on the mesh, a color and the gateway), run under the mock engine on both targets and read
back as AWS holds it: the exact app container, Envoy's image and log level, the execution role's secret grants,
the task role's application policy and attachment, and the policy pack's verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mesh_components.offline.policy_runner import PolicyPackProcess
from mesh_components.offline.runner import load_program_entry, run_program
from tests.mesh.stack_view import StackView

TOPOLOGY = Path(__file__).parent / "workload_keys.yaml"
ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:shop/db-AbCdEf"
PARAMETER = f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/shop/api-token"
KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CUSTOMER_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/shop-api-extra"
REGIONAL_ENVOY = "840364872350.dkr.ecr.eu-west-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod"
STACK_ENVOY = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod"
TARGETS = ("app-mesh", "service-connect")

APP_SETTINGS = {
    "environment": [{"name": "LOG_FORMAT", "value": "json"}],
    "secrets": [{"name": "API_TOKEN", "valueFrom": PARAMETER},
                {"name": "DB_PASSWORD", "valueFrom": f"{SECRET}:password::"}],
    "entryPoint": ["/usr/local/bin/api"],
    "command": ["serve", "--port", "8080"],
    "workingDirectory": "/srv/api",
    "healthCheck": {"command": ["CMD-SHELL", "curl -fs http://localhost:8080/healthz || exit 1"]},
    "stopTimeout": 45,
}
SECRET_STATEMENTS = [
    {"Sid": "ReadSecrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
     "Resource": [SECRET, f"{SECRET}-??????"]},
    {"Sid": "ReadParameters", "Effect": "Allow", "Action": ["ssm:GetParameters"], "Resource": [PARAMETER]},
    {"Sid": "DecryptSecrets", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [KEY]},
]
APP_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "App0", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::shop-orders/*"]},
    {"Sid": "App1", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [f"arn:aws:sqs:eu-west-1:{ACCOUNT}:shop-jobs"],
     "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
]}


@pytest.fixture(scope="module", params=TARGETS)
def recording(request):
    return run_program(load_program_entry(), stack="dev", config={
        "color-mesh:topology": str(TOPOLOGY), "aws:region": "eu-west-1", "color-mesh:target": request.param})


@pytest.fixture(scope="module")
def stack(recording) -> StackView:
    return StackView(recording)


def _named(containers: list[dict], name: str) -> dict:
    return next(container for container in containers if container["name"] == name)


def test_the_app_container_gets_secrets_by_reference_and_its_own_settings(stack):
    api = _named(stack.containers("api"), "api")
    assert {key: api[key] for key in APP_SETTINGS} == APP_SETTINGS


def test_a_color_without_these_keys_has_none_of_them(stack):
    web = _named(stack.containers("web"), "web")
    assert not set(web) & (set(APP_SETTINGS) - {"environment"})


def _policy(stack: StackView, name_suffix: str) -> dict:
    found = [p for p in stack.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith(name_suffix)]
    assert len(found) == 1, name_suffix
    return json.loads(found[0].outputs["policy"])


def test_the_execution_role_reads_exactly_the_named_secrets_after_its_pulls_and_logs(stack):
    statements = _policy(stack, "-ecs-execution-policy")["Statement"]
    assert [statement["Sid"] for statement in statements[:-3]] == ["EcrLogin", "PullImages", "WriteLogs"]
    assert statements[-3:] == SECRET_STATEMENTS


def test_the_application_s_permissions_and_policy_go_to_its_own_task_role_only(stack):
    assert _policy(stack, "-api-task-app") == APP_POLICY
    attachments = stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert [(a.outputs["role"], a.outputs["policyArn"]) for a in attachments] == [("shop-dev-api-task", CUSTOMER_POLICY)]
    assert not [p for p in stack.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("-web-task-app")]


def test_each_envoy_takes_its_color_s_image_and_the_nearest_log_level(stack, recording):
    if stack.of_type("aws:appmesh/mesh:Mesh") == []:  # service-connect: no Envoy at all
        assert all(container["name"] != "envoy" for td in stack.of_type("aws:ecs/taskDefinition:TaskDefinition")
                   for container in json.loads(td.outputs["containerDefinitions"]))
        return
    envoys = {family: _named(stack.containers(family), "envoy") for family in ("api", "web", "gateway")}
    assert {family: envoy["image"] for family, envoy in envoys.items()} == {
        "api": REGIONAL_ENVOY, "web": STACK_ENVOY, "gateway": STACK_ENVOY}
    levels = {family: [e["value"] for e in envoy["environment"] if e["name"] == "ENVOY_LOG_LEVEL"]
              for family, envoy in envoys.items()}
    assert levels == {"api": ["debug"], "web": ["warning"], "gateway": ["info"]}
    pulls = _policy(stack, "-ecs-execution-policy")["Statement"][1]["Resource"]
    assert "arn:aws:ecr:eu-west-1:840364872350:repository/aws-appmesh-envoy" in pulls


def test_the_policy_pack_accepts_it_once_the_customer_managed_policy_is_reviewed(recording):
    with PolicyPackProcess() as pack:
        unreviewed = [v for v in pack.analyze(recording) if v.is_mandatory]
        reviewed = [v for v in pack.analyze(recording, {"iam-mesh-task-roles": {"reviewedManagedPolicies": [CUSTOMER_POLICY]}})
                    if v.is_mandatory]
    assert reviewed == []
    assert [(v.policy_name, CUSTOMER_POLICY in v.message) for v in unreviewed] == [("iam-mesh-task-roles", True)]
