"""IAM for mesh tasks: a task role streams only its own task's resource, managed policies are judged by
what they grant, and task roles trust ECS tasks alone."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest

from .mesh_programs import ENVOY_IMAGE
from .verdicts import mandatory, names_in, of_policy

ROLES = "iam-mesh-task-roles"
ACCOUNT = "123456789012"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def arn_of(kind: str, name: str) -> str:
    return f"arn:aws:appmesh:us-east-1:{ACCOUNT}:mesh/m/{kind}/{name}"


def stream(*arns: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "appmesh:StreamAggregatedResources", "Resource": list(arns)}]})


def mesh_task(name: str, role: aws.iam.Role, kind: str = "virtualNode") -> aws.ecs.TaskDefinition:
    envoy = {"name": "envoy", "image": ENVOY_IMAGE, "user": "1337",
             "environment": [{"name": "APPMESH_RESOURCE_ARN", "value": arn_of(kind, name)}]}
    return aws.ecs.TaskDefinition(f"{name}-task", family=name, network_mode="awsvpc", task_role_arn=role.arn,
                                  container_definitions=json.dumps([envoy, {"name": "app", "image": "x:1", "user": "1000"}]),
                                  proxy_configuration={"type": "APPMESH", "container_name": "envoy", "properties": {
                                      "IgnoredUID": "1337", "ProxyIngressPort": "15000", "ProxyEgressPort": "15001", "AppPorts": "80"}})


def role(name: str, trust=None, **kwargs) -> aws.iam.Role:
    return aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps(trust or TRUST), **kwargs)


# --- class 9: a task role streams only its own task's node or gateway -----------------------------


def test_each_task_streaming_its_own_resource_passes(judge):
    def program():
        a = role("a")
        aws.iam.RolePolicy("a-envoy", role=a.name, policy=stream(arn_of("virtualNode", "a")))
        mesh_task("a", a)
        gw = role("gw", inline_policies=[{"name": "envoy", "policy": stream(arn_of("virtualGateway", "gw"))}])
        mesh_task("gw", gw, "virtualGateway")

    assert mandatory(judge(program)) == []


def _another_nodes_arn():
    b = role("b")
    aws.iam.RolePolicy("b-envoy", role=b.name, policy=stream(arn_of("virtualNode", "a")))
    mesh_task("b", b)


def _one_role_for_two_tasks():
    shared = role("shared")
    aws.iam.RolePolicy("shared-envoy", role=shared.name, policy=stream(arn_of("virtualNode", "a"), arn_of("virtualNode", "b")))
    mesh_task("a", shared)
    mesh_task("b", shared)


def _through_an_attached_policy():
    b = role("b")
    aws.iam.RolePolicy("b-envoy", role=b.name, policy=stream(arn_of("virtualNode", "b")))
    extra = aws.iam.Policy("gateway-config", policy=stream(arn_of("virtualGateway", "gw")))
    aws.iam.RolePolicyAttachment("b-extra", role=b.name, policy_arn=extra.arn)
    mesh_task("b", b)


def _same_names_in_another_account():
    b = role("b")
    aws.iam.RolePolicy("b-envoy", role=b.name, policy=stream(arn_of("virtualNode", "b").replace(ACCOUNT, "210987654321")))
    mesh_task("b", b)


@pytest.mark.parametrize(
    "program, culprits",
    [
        pytest.param(_another_nodes_arn, {"b-role"}, id="another node's ARN"),
        pytest.param(_same_names_in_another_account, {"b-role"}, id="the same names in another account's mesh"),
        pytest.param(_one_role_for_two_tasks, {"shared-role"}, id="one role for two tasks"),
        pytest.param(_through_an_attached_policy, {"b-role"}, id="a gateway's ARN through an attached policy"),
    ],
)
def test_a_task_role_streaming_another_workload_is_refused(judge, program, culprits):
    verdicts = judge(program)
    assert names_in(verdicts, ROLES) == culprits
    assert not of_policy(verdicts, "iam-envoy-stream-scoped")  # every grant is one node's ARN: only the tie shows it


def test_a_task_role_the_stack_does_not_create_is_refused(judge):
    def program():
        envoy = {"name": "envoy", "image": ENVOY_IMAGE, "environment": [{"name": "APPMESH_RESOURCE_ARN", "value": arn_of("virtualNode", "b")}]}
        aws.ecs.TaskDefinition("t", family="t", network_mode="awsvpc", task_role_arn=f"arn:aws:iam::{ACCOUNT}:role/elsewhere",
                               container_definitions=json.dumps([envoy]))

    assert names_in(judge(program), ROLES) == {"t"}


# --- class 10: AWS-managed policies, judged by what they grant -----------------------------------


@pytest.mark.parametrize(
    "program, culprit",
    [
        pytest.param(lambda: aws.iam.RolePolicyAttachment("admin", role="r", policy_arn="arn:aws:iam::aws:policy/AdministratorAccess"),
                     "admin", id="AdministratorAccess"),
        pytest.param(lambda: role("power", managed_policy_arns=["arn:aws:iam::aws:policy/PowerUserAccess"]), "power-role",
                     id="PowerUserAccess listed on a role"),
        pytest.param(lambda: aws.iam.PolicyAttachment("full", roles=["r"], policy_arn="arn:aws:iam::aws:policy/AWSAppMeshFullAccess"),
                     "full", id="AWSAppMeshFullAccess"),
        pytest.param(lambda: aws.iam.RolePolicyAttachmentsExclusive("envoy", role_name="r", policy_arns=[
            "arn:aws-cn:iam::aws:policy/AWSAppMeshEnvoyAccess"]), "envoy", id="AWSAppMeshEnvoyAccess in China"),
    ],
)
def test_managed_policies_granting_what_we_forbid_are_refused(judge, program, culprit):
    found = of_policy(judge(program), "iam-managed-policies-judged", level="mandatory")
    assert {v.urn.rsplit("::", 1)[-1] for v in found} == {culprit}


def _task_role_with(*arns: str):
    def program():
        own = role("b", managed_policy_arns=list(arns))
        aws.iam.RolePolicy("b-envoy", role=own.name, policy=stream(arn_of("virtualNode", "b")))
        mesh_task("b", own)

    return program


@pytest.mark.parametrize(
    "arn",
    [
        pytest.param("arn:aws:iam::aws:policy/ReadOnlyAccess", id="unreviewed AWS-managed"),
        pytest.param("arn:aws:iam::aws:policy/service-role/AWSAppSyncPushToCloudWatchLogs", id="unreviewed service-role"),
        pytest.param(f"arn:aws:iam::{ACCOUNT}:policy/made-elsewhere", id="customer-managed outside the stack"),
    ],
)
def test_policies_the_pack_cannot_read_are_refused_on_mesh_task_roles(judge, arn):
    assert names_in(judge(_task_role_with(arn)), ROLES) == {"b-role"}


def test_reviewed_harmless_managed_policies_pass_and_more_can_be_reviewed(judge):
    harmless = _task_role_with("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
                               "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    assert mandatory(judge(harmless)) == []
    unreviewed = _task_role_with("arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert not of_policy(judge(unreviewed, {ROLES: {"reviewedManagedPolicies": ["ReadOnlyAccess"]}}), ROLES)


# --- class 11: task roles trust ECS tasks alone ----------------------------------------------------


def trusting(*statements):
    return lambda: role("t", {"Version": "2012-10-17", "Statement": list(statements)})


ECS = {"Service": "ecs-tasks.amazonaws.com"}


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(trusting({"Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]},
                               "Action": "sts:AssumeRole"}), id="another service too"),
        pytest.param(trusting({"Effect": "Allow", "Principal": ECS, "Action": "sts:AssumeRole"},
                              {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}),
                     id="an account in a second statement"),
        pytest.param(trusting({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}), id="anyone"),
        pytest.param(trusting({"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}),
                     id="NotPrincipal"),
        pytest.param(trusting({"Effect": "Allow", "Principal": ECS, "Action": ["sts:AssumeRole", "sts:*"]}), id="more than AssumeRole"),
    ],
)
def test_task_role_trust_wider_than_ecs_tasks_is_refused(judge, program):
    assert of_policy(judge(program), "iam-task-role-trust", level="mandatory")


def test_a_mesh_tasks_role_trusting_something_else_is_refused_through_the_task(judge):
    def program():
        other = role("b", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        mesh_task("b", other)

    verdicts = judge(program)
    assert not of_policy(verdicts, "iam-task-role-trust")  # no ECS principal: the role alone does not look like a task role
    assert names_in(verdicts, ROLES) == {"b-role"}


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Principal": ECS, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Action": ["sts:AssumeRole"],
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ],
)
def test_trusting_ecs_tasks_alone_passes(judge, statement):
    verdicts = judge(trusting(statement, {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
                                          "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
    assert not of_policy(verdicts, "iam-task-role-trust")
