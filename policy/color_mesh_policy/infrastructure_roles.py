"""ECS infrastructure roles (the roles ECS itself assumes for a feature): created by this stack, trusted only by
ecs.amazonaws.com, granting only what the feature needs — judged by what the role's documents grant, never by a
policy's name. Each feature's policy gives the grant check; this module reads the role."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from .iam import as_list, statements_of, trust_problems
from .managed_policies import REVIEWED, aws_managed_name
from .reading import Subject, is_unknown, parse_json
from .stack_index import StackIndex
from .task_roles import RoleDocuments, role_named

ECS = "ecs.amazonaws.com"

GrantCheck = Callable[[dict], list[str]]


def needed_actions(statement: dict, needed: dict[str, set[str]], purpose: str) -> tuple[list[str], list[tuple[Any, str]], list[str]]:
    """For an Allow statement: the problems of what it grants that `purpose` does not use (any action but the
    `needed` ones, by service and lower-case name, spelled out; NotAction/NotResource), the needed (action, service)
    pairs it grants, and its resources."""
    if "NotAction" in statement or "NotResource" in statement:
        return ["grants with NotAction/NotResource, everything not listed"], [], []
    problems, granted = [], []
    for action in as_list(statement.get("Action")):
        service, _, name = str(action).strip().lower().partition(":")
        if name in needed.get(service, set()):
            granted.append((action, service))
        else:
            problems.append(f"grants {action}, which {purpose} does not use")
    return problems, granted, [str(resource) for resource in as_list(statement.get("Resource"))]


def infrastructure_role_problems(index: StackIndex, arn: str, services: list[Subject], purpose: str, grants: GrantCheck,
                                 fix: str) -> Iterable[tuple[str, str]]:
    """Violations of the role `arn` that `services` name for `purpose` (e.g. "Service Connect TLS role")."""
    users = ", ".join(sorted({service.label for service in services}))
    role = role_named(index, arn)
    if role is None:
        for service in services:
            yield service.urn, service.violation(
                f"names {purpose} {arn}, which this stack does not create, so what it grants is unknown",
                "create the infrastructure role in this stack")
        return
    raw = role.props.get("assumeRolePolicy")
    if not is_unknown(raw):
        document = parse_json(raw)
        _, problems = trust_problems(document, ECS)
        for problem in problems or ([] if statements_of(document) else ["names no statement"]):
            yield role.urn, role.violation(f"is the {purpose} of {users} but its trust policy {problem}", fix)
    carried = RoleDocuments(index, role)
    for where, document in carried.documents():
        for statement in statements_of(document):
            if str(statement.get("Effect", "")).lower() == "allow":
                for problem in grants(statement):
                    yield role.urn, role.violation(f"is the {purpose} of {users} and {where} {problem}", fix)
    for attached in carried.attached():
        name = aws_managed_name(attached)
        if (name is not None and name not in REVIEWED) or (name is None and attached not in carried.customer):
            yield role.urn, role.violation(
                f"is the {purpose} of {users} and attaches {attached}, whose grants the pack cannot read", fix)
