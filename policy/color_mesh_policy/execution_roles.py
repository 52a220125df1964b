"""Execution roles read exactly the secrets their tasks' containers name.

ECS injects a container's `secrets` with the task's execution role: `secretsmanager:GetSecretValue` on a
Secrets Manager secret, `ssm:GetParameters` on an SSM parameter, `kms:Decrypt` on a customer-managed
key. A role used as some task definition's execution role may hold these actions only on:
- a secret one of its tasks names: its ARN (the `valueFrom` without `:<json-key>:<stage>:<id>`), or that
  ARN followed by `-??????` (a partial ARN's random suffix);
- a parameter ARN one of its tasks names, exactly;
- a single KMS key ARN (`key/<id>`, no wildcard): which key encrypts a secret is not in the stack.
Anything else (`*`, `secret:*`, another secret) lets ECS hand another workload's secrets to tasks
that may run with this role.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Iterable

from .ecs_tasks import TASK_DEFINITION, containers
from .iam import as_list, statements_of
from .reading import PolicySpec, Settings, Subject, is_unknown, stack_policy
from .stack_index import StackIndex
from .task_roles import RoleDocuments, role_named

EXECUTION_ROLE_SECRETS = PolicySpec(
    "iam-execution-role-secrets",
    "An execution role reads only the secrets (secretsmanager:GetSecretValue) and parameters (ssm:GetParameters) its "
    "task definitions' containers name, and decrypts (kms:Decrypt) only with single named keys.",
)
READ_SECRET, READ_PARAMETERS, READ_PARAMETER, DECRYPT = (
    "secretsmanager:getsecretvalue", "ssm:getparameters", "ssm:getparameter", "kms:decrypt")
_KMS_KEY = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+")
SECRET_SUFFIX = "-??????"


def named_secrets(tasks: list[Subject]) -> tuple[set[str], set[str]]:
    """(secret ARNs, parameter ARNs) the containers of `tasks` read through `secrets`."""
    secrets, parameters = set(), set()
    for task in tasks:
        found = containers(task.props)
        for container in found if isinstance(found, list) else []:
            for secret in as_list(container.get("secrets")):
                value_from = secret.get("valuefrom") if isinstance(secret, dict) else None
                if not isinstance(value_from, str):
                    continue
                parts = value_from.split(":")
                if len(parts) >= 7 and parts[2] == "secretsmanager":
                    secrets.add(":".join(parts[:7]))
                else:
                    parameters.add(value_from)
    return secrets, parameters


def _allowed(action: str, resource: str, secrets: set[str], parameters: set[str]) -> bool:
    if action == READ_SECRET:
        return resource in secrets or (resource.endswith(SECRET_SUFFIX) and resource[:-len(SECRET_SUFFIX)] in secrets)
    if action in (READ_PARAMETERS, READ_PARAMETER):
        return resource in parameters
    return bool(_KMS_KEY.fullmatch(resource))


def secret_grant_problems(where: str, statement: dict, secrets: set[str], parameters: set[str]) -> Iterable[str]:
    patterns = [str(action).strip().lower() for action in as_list(statement.get("Action"))]
    granted = [action for action in (READ_SECRET, READ_PARAMETERS, READ_PARAMETER, DECRYPT)
               if any(fnmatch.fnmatchcase(action, pattern) for pattern in patterns)]
    if granted and "NotResource" in statement:
        yield f"{where} grants {', '.join(granted)} with NotResource"
    for action in granted:
        broad = [str(resource) for resource in as_list(statement.get("Resource"))
                 if not (isinstance(resource, str) and _allowed(action, resource, secrets, parameters))]
        if broad:
            yield f"{where} grants {action} on {', '.join(broad)}, which no task using this role names"


def _check_execution_role_secrets(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    tasks_by_role: dict[str, tuple[Subject, list[Subject]]] = {}
    for task in index.of_types((TASK_DEFINITION,)):
        arn = task.props.get("executionRoleArn")
        role = None if is_unknown(arn) else role_named(index, arn)
        if role is not None:
            tasks_by_role.setdefault(role.urn, (role, []))[1].append(task)
    for role, tasks in tasks_by_role.values():
        pending = [task for task in tasks if is_unknown(containers(task.props))]
        if pending:  # which secrets the role may read is known once every task's containers are (fail open)
            pending[0].props.note_unknown("containerDefinitions")
            continue
        secrets, parameters = named_secrets(tasks)
        for where, document in RoleDocuments(index, role).documents():
            for statement in statements_of(document):
                if str(statement.get("Effect", "")).lower() != "allow":
                    continue
                for problem in secret_grant_problems(where, statement, secrets, parameters):
                    yield role.urn, role.violation(
                        f"is an execution role and {problem}",
                        "grant GetSecretValue/GetParameters only on the ARNs the task definitions' secrets name, "
                        "and kms:Decrypt only on the key that encrypts them")


def policies() -> list:
    return [stack_policy(EXECUTION_ROLE_SECRETS, _check_execution_role_secrets)]
