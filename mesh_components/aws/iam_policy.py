"""IAM policy documents as plain data: the ECS tasks trust policy, statements, documents."""

from __future__ import annotations

import json

ECS_TASKS_TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


def policy_document(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: list[str], resources: list[str], sid: str) -> dict:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
