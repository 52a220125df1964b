"""The workload keys' pure parts: which secret ARNs ECS reads and what the execution role is granted on,
the application's IAM statements, and whose Envoy settings win."""

from __future__ import annotations

import pytest

from mesh_components.topology.container_settings import EnvoySettings, resolved_envoy
from mesh_components.topology.loader import parse_topology
from mesh_components.topology.permissions import Permission, action_problem, app_statements, resource_problem
from mesh_components.topology.secrets import SecretReferenceError, parse_secret

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db"
PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api-key"


def test_a_secret_is_granted_as_written_and_with_the_random_suffix_of_its_full_arn():
    source = parse_secret(SECRET)
    assert (source.kind, source.arn, source.value_from) == ("secretsmanager", SECRET, SECRET)
    assert source.grant_resources() == (SECRET, SECRET + "-??????")


def test_a_json_key_is_read_by_ecs_but_the_grant_names_the_secret():
    source = parse_secret(SECRET + "-AbCdEf:password:AWSCURRENT:")
    assert source.value_from == SECRET + "-AbCdEf:password:AWSCURRENT:"
    assert source.grant_resources() == (SECRET + "-AbCdEf", SECRET + "-AbCdEf-??????")


def test_a_parameter_is_granted_exactly():
    assert parse_secret(PARAMETER).grant_resources() == (PARAMETER,)


@pytest.mark.parametrize("text", [
    SECRET + ":password",  # the json-key without its two version fields
    SECRET + "*",  # a wildcard would widen the grant
    "arn:aws:secretsmanager:eu-west-1:1234:secret:db",  # not an account
    "arn:aws:ssm:eu-west-1:123456789012:parameter/",  # no name
    "arn:aws:s3:::bucket/secret",
    "prod/db",
])
def test_what_is_not_a_secret_ecs_reads_is_refused(text):
    with pytest.raises(SecretReferenceError):
        parse_secret(text)


@pytest.mark.parametrize("action", ["*", "s3:*", "*:*", "appmesh:StreamAggregatedResources", "appmesh:*Resources",
                                    "s3 GetObject", "GetObject"])
def test_actions_granting_everything_or_envoys_own_are_refused(action):
    assert action_problem(action) is not None


@pytest.mark.parametrize("action", ["s3:GetObject", "s3:Get*", "dynamodb:Query", "sqs:ReceiveMessage"])
def test_named_and_narrowly_wildcarded_actions_are_fine(action):
    assert action_problem(action) is None


@pytest.mark.parametrize("resource,refused", [
    ("*", True), ("arn:aws:s3:::*", True), ("arn:aws:dynamodb:*:*:*", True), ("bucket", True),
    ("arn:aws:s3:::bucket/*", False), ("arn:aws:dynamodb:eu-west-1:123456789012:table/orders", False),
    ("arn:aws:sqs:*:123456789012:jobs", False),
])
def test_resources(resource, refused):
    assert (resource_problem(resource) is not None) == refused


def test_statements_keep_the_order_and_conditions_as_written():
    permissions = (Permission(actions=("s3:GetObject",), resources=("arn:aws:s3:::b/*",)),
                   Permission(actions=("sqs:SendMessage", "sqs:GetQueueUrl"), resources=("arn:aws:sqs:eu-west-1:123456789012:jobs",),
                              conditions={"Bool": {"aws:SecureTransport": True}, "StringEquals": {"aws:SourceVpce": ("vpce-1", "vpce-2")}}))
    assert app_statements(permissions) == [
        {"Sid": "App0", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]},
        {"Sid": "App1", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
         "Resource": ["arn:aws:sqs:eu-west-1:123456789012:jobs"],
         "Condition": {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}},
    ]


STACK_IMAGE = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod"
MESH_IMAGE = "840364872350.dkr.ecr.eu-west-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod"
COLOR_IMAGE = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod-fips"


def _topology(mesh_envoy: str, color_envoy: str):
    text = f"""
mesh: {{name: m, namespace: colors.local{mesh_envoy}}}
colors:
  red: {{image: app{color_envoy}}}
  blue: {{image: app, backends: [red]}}
"""
    return parse_topology(text.encode()).topology


def test_envoy_settings_a_color_gives_win_over_the_mesh_s_which_win_over_the_stack_setting():
    topology = _topology(f", envoy: {{image: '{MESH_IMAGE}', log_level: debug}}",
                         f", envoy: {{image: '{COLOR_IMAGE}'}}")
    assert resolved_envoy(topology, topology.colors["red"], STACK_IMAGE) == (COLOR_IMAGE, "debug")
    assert resolved_envoy(topology, topology.colors["blue"], STACK_IMAGE) == (MESH_IMAGE, "debug")


def test_without_envoy_settings_the_stack_setting_and_envoy_s_own_log_level_apply():
    topology = _topology("", "")
    assert resolved_envoy(topology, topology.colors["red"], STACK_IMAGE) == (STACK_IMAGE, None)
    assert EnvoySettings().model_dump(exclude_none=True) == {}


def test_a_customer_managed_policy_is_attached_with_a_warning_that_the_pack_must_be_told():
    text = b"""
mesh: {name: m, namespace: colors.local}
colors:
  red: {image: app, managed_policies: ["arn:aws:iam::123456789012:policy/orders-reader"]}
  blue: {image: app, backends: [red]}
"""
    warnings = parse_topology(text, "t.yaml").warnings
    assert [str(warning) for warning in warnings if "managed_policies" in str(warning)] == [
        "t.yaml:4:40: warning: colors.red.managed_policies[0]: attached as written: the policy pack cannot read a policy "
        "this stack does not create and refuses it until its ARN is listed in the pack's reviewedManagedPolicies "
        "(review it first)"]
