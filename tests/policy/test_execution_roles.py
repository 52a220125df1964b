"""Execution roles read exactly the secrets their tasks name; task roles' own documents grant nothing on `*`
but what AWS authorizes on `*` alone; a customer-managed policy on a task role passes once reviewed."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest

from .test_task_roles import ACCOUNT, TRUST, _task_role_with, arn_of, mesh_task, role, stream
from .verdicts import mandatory, names_in, of_policy

SECRETS = "iam-execution-role-secrets"
ROLES = "iam-mesh-task-roles"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:shop/db"
OTHER_SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:shop/admin"
PARAMETER = f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/shop/token"
KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action: str, *resources: str) -> dict:
    return {"Effect": "Allow", "Action": [action], "Resource": list(resources)}


def _task_reading_secrets(*grants: dict):
    def program():
        execution = aws.iam.Role("exec-role", assume_role_policy=json.dumps(TRUST))
        aws.iam.RolePolicy("exec-policy", role=execution.name, policy=_policy(*grants))
        app = {"name": "app", "image": "app:1", "secrets": [
            {"name": "DB", "valueFrom": f"{SECRET}:password::"}, {"name": "TOKEN", "valueFrom": PARAMETER}]}
        aws.ecs.TaskDefinition("app-task", family="app", network_mode="awsvpc", execution_role_arn=execution.arn,
                               container_definitions=json.dumps([app]))
    return program


def test_reading_exactly_the_named_secrets_passes(judge):
    program = _task_reading_secrets(_allow("secretsmanager:GetSecretValue", SECRET, f"{SECRET}-??????"),
                                    _allow("ssm:GetParameters", PARAMETER), _allow("kms:Decrypt", KEY))
    assert not of_policy(judge(program), SECRETS)


@pytest.mark.parametrize("grant", [
    pytest.param(_allow("secretsmanager:GetSecretValue", "*"), id="every secret"),
    pytest.param(_allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:shop/*"), id="a secret path"),
    pytest.param(_allow("secretsmanager:GetSecretValue", SECRET, OTHER_SECRET), id="another secret"),
    pytest.param(_allow("secretsmanager:Get*", "*"), id="an action pattern"),
    pytest.param(_allow("ssm:GetParameters", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/shop/*"), id="a parameter path"),
    pytest.param(_allow("ssm:GetParameter", f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/other"), id="another parameter"),
    pytest.param(_allow("kms:Decrypt", "*"), id="every key"),
    pytest.param({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "NotResource": [SECRET]}, id="NotResource"),
])
def test_reading_beyond_the_named_secrets_is_refused(judge, grant):
    assert names_in(judge(_task_reading_secrets(grant)), SECRETS) == {"exec-role"}


def test_a_role_no_task_uses_as_execution_role_is_not_judged_here(judge):
    def program():
        other = aws.iam.Role("other-role", assume_role_policy=json.dumps(TRUST))
        aws.iam.RolePolicy("other-policy", role=other.name, policy=_policy(_allow("secretsmanager:GetSecretValue", OTHER_SECRET)))
    assert not of_policy(judge(program), SECRETS)


def _task_role_granting(statement: dict):
    def program():
        own = role("a")
        aws.iam.RolePolicy("a-envoy", role=own.name, policy=stream(arn_of("virtualNode", "a")))
        aws.iam.RolePolicy("a-app", role=own.name, policy=_policy(statement))
        mesh_task("a", own)
    return program


def test_a_task_role_granting_an_action_on_every_resource_is_refused(judge):
    verdicts = judge(_task_role_granting(_allow("s3:GetObject", "*")))
    assert names_in(verdicts, ROLES) == {"a-role"}
    assert "s3:GetObject on every resource" in of_policy(verdicts, ROLES)[0].message


def test_x_ray_uploads_which_aws_authorizes_on_every_resource_only_pass(judge):
    statement = {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": ["*"]}
    assert mandatory(judge(_task_role_granting(statement))) == []


def test_a_customer_managed_policy_passes_once_its_arn_is_reviewed(judge):
    arn = f"arn:aws:iam::{ACCOUNT}:policy/made-elsewhere"
    program = _task_role_with(arn)
    assert names_in(judge(program), ROLES) == {"b-role"}
    assert not of_policy(judge(program, {ROLES: {"reviewedManagedPolicies": [arn]}}), ROLES)


def test_while_a_task_s_containers_are_unknown_the_role_is_not_judged_yet(judge):
    def program():
        execution = aws.iam.Role("exec-role", name="exec", assume_role_policy=json.dumps(TRUST))
        aws.iam.RolePolicy("exec-policy", role=execution.name,
                           policy=_policy(_allow("secretsmanager:GetSecretValue", OTHER_SECRET)))
        app = {"name": "app", "image": "app:1", "secrets": [{"name": "DB", "valueFrom": SECRET}]}
        later = aws.s3.Bucket("later").arn  # unknown at preview, as a node's ARN in the containers is
        aws.ecs.TaskDefinition("app-task", family="app", network_mode="awsvpc", execution_role_arn="exec",
                               container_definitions=later.apply(lambda _: json.dumps([app])))

    assert not of_policy(judge(program, preview=True), SECRETS)
    assert names_in(judge(program), SECRETS) == {"exec-role"}
