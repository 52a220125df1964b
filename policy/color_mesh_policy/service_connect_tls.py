"""The ECS infrastructure role Service Connect TLS uses: assumed by ECS alone, granting only what issuing and
rotating the services' certificates needs — judged by what the role's documents grant, never by a policy's name.

What Service Connect TLS needs is AWS's managed policy AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity
(v4): Secrets Manager actions on the `ecs-sc!` secrets ECS creates, and reading and issuing certificates from Private CA
authorities. A role may grant those actions, no others, on those resources: Private CA actions on named certificate
authorities, or on any only under the managed policy's tag condition (`aws:ResourceTag/AmazonECSManaged` = true);
KMS use on named keys (for a service's `kmsKey`).
"""

from __future__ import annotations

import re
from typing import Iterable

from . import service_connect
from .iam import as_list, statements_of, trust_problems
from .managed_policies import REVIEWED, aws_managed_name
from .reading import PolicySpec, Settings, Subject, is_unknown, parse_json, stack_policy
from .stack_index import ECS_SERVICE, StackIndex
from .task_roles import RoleDocuments, role_named

ECS = "ecs.amazonaws.com"
_SECRETS = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-*]*:(\d{12}|\*)?:secret:ecs-sc!")
_AUTHORITY = re.compile(r"^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority/[^/*?]+$")
_KEY = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[^/*?]+$")
_ACTIONS = {
    "secretsmanager": {"createsecret", "tagresource", "updatesecret", "getsecretvalue", "putsecretvalue", "deletesecret",
                       "rotatesecret", "updatesecretversionstage", "describesecret"},
    "acm-pca": {"getcertificate", "getcertificateauthoritycertificate", "describecertificateauthority", "issuecertificate"},
    "kms": {"encrypt", "decrypt", "generatedatakey", "describekey"},
}

TLS_ROLE = PolicySpec(
    "iam-service-connect-tls-role",
    "The infrastructure role a Service Connect service's tls names is created by this stack, trusted only by "
    "ecs.amazonaws.com (sts:AssumeRole), and grants only what Service Connect TLS needs: Secrets Manager on ecs-sc! "
    "secrets, Private CA certificate reads and issuing on named authorities (or under AWS's AmazonECSManaged tag "
    "condition), KMS on named keys.",
)


def _tag_conditioned(statement: dict) -> bool:
    equals = statement.get("Condition", {}).get("StringEquals", {}) if isinstance(statement.get("Condition"), dict) else {}
    return isinstance(equals, dict) and str(equals.get("aws:ResourceTag/AmazonECSManaged", "")).lower() == "true"


def grant_problems(statement: dict) -> list[str]:
    """What an Allow statement grants beyond Service Connect TLS's needs."""
    if "NotAction" in statement or "NotResource" in statement:
        return ["grants with NotAction/NotResource, everything not listed"]
    problems = []
    resources = [str(resource) for resource in as_list(statement.get("Resource"))]
    for action in as_list(statement.get("Action")):
        service, _, name = str(action).strip().lower().partition(":")
        if name not in _ACTIONS.get(service, set()):
            problems.append(f"grants {action}, which Service Connect TLS does not use")
            continue
        pattern = {"secretsmanager": _SECRETS, "acm-pca": _AUTHORITY, "kms": _KEY}[service]
        loose = [resource for resource in resources if not pattern.match(resource)]
        if service == "acm-pca" and loose == ["*"] and _tag_conditioned(statement):
            continue
        if loose or not resources:
            problems.append(f"grants {action} on {', '.join(loose) or 'no Resource'}, beyond "
                            + {"secretsmanager": "the ecs-sc! secrets ECS creates", "acm-pca": "named certificate authorities",
                               "kms": "named keys"}[service])
    return problems


def _tls_roles(index: StackIndex) -> dict[str, list[Subject]]:
    """Role ARN -> the ECS services whose Service Connect tls names it."""
    named: dict[str, list[Subject]] = {}
    for service in index.of_types((ECS_SERVICE,)):
        if service_connect.enabled(service) is not True:
            continue
        for entry in service_connect.entries(service):
            role = service.props.get("serviceConnectConfiguration", "services", entry, "tls", "roleArn")
            if isinstance(role, str):
                named.setdefault(role, []).append(service)
    return named


def _check_tls_role(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    for arn, services in sorted(_tls_roles(index).items()):
        users = ", ".join(sorted({service.label for service in services}))
        role = role_named(index, arn)
        if role is None:
            for service in services:
                yield service.urn, service.violation(
                    f"names Service Connect TLS role {arn}, which this stack does not create, so what it grants is unknown",
                    "create the infrastructure role in this stack")
            continue
        yield from _role_problems(index, role, users)


def _role_problems(index: StackIndex, role: Subject, users: str) -> Iterable[tuple[str, str]]:
    fix = ("trust only {\"Service\": \"ecs.amazonaws.com\"} with sts:AssumeRole and grant only the Service Connect TLS "
           "actions (AWS's AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity, or the same narrower)")
    raw = role.props.get("assumeRolePolicy")
    if not is_unknown(raw):
        document = parse_json(raw)
        _, problems = trust_problems(document, ECS)
        for problem in problems or ([] if statements_of(document) else ["names no statement"]):
            yield role.urn, role.violation(f"is the Service Connect TLS role of {users} but its trust policy {problem}", fix)
    carried = RoleDocuments(index, role)
    for where, document in carried.documents():
        for statement in statements_of(document):
            if str(statement.get("Effect", "")).lower() == "allow":
                for problem in grant_problems(statement):
                    yield role.urn, role.violation(f"is the Service Connect TLS role of {users} and {where} {problem}", fix)
    for arn in carried.attached():
        name = aws_managed_name(arn)
        if (name is not None and name not in REVIEWED) or (name is None and arn not in carried.customer):
            yield role.urn, role.violation(
                f"is the Service Connect TLS role of {users} and attaches {arn}, whose grants the pack cannot read", fix)


def policies() -> list:
    return [stack_policy(TLS_ROLE, _check_tls_role)]
