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
from .infrastructure_roles import infrastructure_role_problems, needed_actions
from .reading import PolicySpec, Settings, Subject, stack_policy
from .stack_index import ECS_SERVICE, StackIndex
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
    problems, granted, resources = needed_actions(statement, _ACTIONS, "Service Connect TLS")
    for action, service in granted:
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
    fix = ("trust only {\"Service\": \"ecs.amazonaws.com\"} with sts:AssumeRole and grant only the Service Connect TLS "
           "actions (AWS's AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity, or the same narrower)")
    for arn, services in sorted(_tls_roles(index).items()):
        yield from infrastructure_role_problems(index, arn, services, "Service Connect TLS role", grant_problems, fix)


def policies() -> list:
    return [stack_policy(TLS_ROLE, _check_tls_role)]
