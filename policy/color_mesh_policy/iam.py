"""IAM: no wildcard grants, Envoy's control-plane access scoped to its own node or gateway."""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Iterable

from .managed_policies import aws_managed_name, reviewed_document
from .reading import UNKNOWN, PolicySpec, Settings, Subject, is_unknown, parse_json, resource_policy

POLICY = "aws:iam/policy:Policy"
ROLE = "aws:iam/role:Role"
DOCUMENT_HOLDERS = {
    POLICY: "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
ATTACHMENTS = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
)
EXCLUSIVE_ATTACHMENTS = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
STREAM_ACTION = "appmesh:streamaggregatedresources"
_SCOPED_ENVOY_RESOURCE = re.compile(
    r"^arn:aws[a-z-]*:appmesh:[a-z0-9-]+:\d{12}:mesh/[^/*?]+/(virtualNode|virtualGateway)/[^/*?]+$"
)


def _documents(subject: Subject) -> list[tuple[str, Any]]:
    """(where, parsed document) for each policy document the resource carries; UNKNOWN if unknown."""
    found = []
    if subject.type in DOCUMENT_HOLDERS:
        found.append(("policy", subject.props.get(DOCUMENT_HOLDERS[subject.type])))
    elif subject.type == ROLE:
        inline = subject.props.items("inlinePolicies")
        for index, _ in enumerate(inline if isinstance(inline, list) else []):
            found.append((f"inlinePolicies[{index}]", subject.props.get("inlinePolicies", index, "policy")))
    return [(where, UNKNOWN if is_unknown(raw) else parse_json(raw)) for where, raw in found if raw is not None]


def statements_of(document: Any) -> list[dict]:
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    return [statement for statement in statements or [] if isinstance(statement, dict)]


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _allow_statements(subject: Subject) -> Iterable[tuple[str, dict]]:
    for where, document in _documents(subject):
        if is_unknown(document):
            subject.props.note_unknown(where)
            continue
        for index, statement in enumerate(statements_of(document)):
            if str(statement.get("Effect", "")).lower() == "allow":
                yield f"{where} statement {statement.get('Sid') or index}", statement


WILDCARD_ALLOW = PolicySpec(
    "iam-no-wildcard-allow",
    'No Allow statement with "*" or "service:*" actions, NotAction or NotResource.',
)


def wildcard_problems(where: str, statement: dict) -> Iterable[tuple[str, str]]:
    """(problem, fix) for an Allow statement granting more than it lists."""
    for key in ("NotAction", "NotResource"):
        if key in statement:
            yield f"{where} allows with {key}, which grants everything not listed", f"replace {key} with an explicit Action/Resource list"
    for action in as_list(statement.get("Action")):
        if isinstance(action, str) and (action.strip() == "*" or action.strip().endswith(":*")):
            scope = "every service" if action.strip() == "*" else action.split(":")[0]
            yield f"{where} allows action {action!r}, every action of {scope}", "list the exact actions the role needs"


def _check_wildcards(subject: Subject, settings: Settings) -> Iterable[str]:
    for where, statement in _allow_statements(subject):
        for problem, fix in wildcard_problems(where, statement):
            yield subject.violation(problem, fix)


ENVOY_STREAM_SCOPED = PolicySpec(
    "iam-envoy-stream-scoped",
    "appmesh:StreamAggregatedResources is granted only on specific virtual node / virtual gateway ARNs.",
)


def grants_stream(statement: dict) -> bool:
    return any(isinstance(action, str) and fnmatch.fnmatchcase(STREAM_ACTION, action.strip().lower()) for action in as_list(statement.get("Action")))


def stream_problems(where: str, statement: dict) -> Iterable[tuple[str, str]]:
    """(problem, fix) for an Allow statement granting Envoy's configuration stream beyond single nodes or gateways
    (also the preview namespace, appmesh-preview)."""
    actions = [action.strip().lower() for action in as_list(statement.get("Action")) if isinstance(action, str)]
    if not grants_stream(statement) and not any(action.endswith(":streamaggregatedresources") for action in actions):
        return
    resources = as_list(statement.get("Resource"))
    broad = [str(resource) for resource in resources if not (isinstance(resource, str) and _SCOPED_ENVOY_RESOURCE.match(resource))]
    if broad or not resources:
        yield (f"{where} grants appmesh:StreamAggregatedResources on {', '.join(broad) or 'no Resource (NotResource)'}, "
               "so one task's Envoy can fetch any node's configuration",
               "grant it only on the task's own arn:aws:appmesh:<region>:<account>:mesh/<mesh>/virtualNode/<node> (or virtualGateway/<gw>)")


def _check_stream_scope(subject: Subject, settings: Settings) -> Iterable[str]:
    for where, statement in _allow_statements(subject):
        for problem, fix in stream_problems(where, statement):
            yield subject.violation(problem, fix)


MANAGED_POLICIES = PolicySpec(
    "iam-managed-policies-judged",
    "AWS-managed policies the pack has reviewed are judged by what they grant (AdministratorAccess, PowerUserAccess, "
    "AWSAppMeshFullAccess, AWSAppMeshEnvoyAccess… are refused), wherever they are attached.",
)


def attached_policy_arns(subject: Subject) -> list[tuple[str, Any]]:
    """(where, policy ARN) for every managed policy the resource attaches."""
    if subject.type in ATTACHMENTS:
        return [("policyArn", subject.props.get("policyArn"))]
    listed = {ROLE: "managedPolicyArns", EXCLUSIVE_ATTACHMENTS: "policyArns"}.get(subject.type)
    arns = subject.props.items(listed) if listed else []
    return [(listed, arn) for arn in arns] if isinstance(arns, list) else []


def _check_managed_policy(subject: Subject, settings: Settings) -> Iterable[str]:
    for where, arn in attached_policy_arns(subject):
        document = reviewed_document(arn)
        for statement in statements_of(document) if document else []:
            label = f"AWS-managed {aws_managed_name(arn)}"
            for problem, _ in [*wildcard_problems(label, statement), *stream_problems(label, statement)]:
                yield subject.violation(
                    f"{where} attaches {arn}: {problem}",
                    "attach a policy of your own with the exact actions and resources the role needs",
                )


TASK_ROLE_TRUST = PolicySpec(
    "iam-task-role-trust",
    "A role that ECS tasks assume (its trust policy names ecs-tasks.amazonaws.com or any principal) trusts only "
    "ecs-tasks.amazonaws.com, to sts:AssumeRole; conditions (such as aws:SourceAccount) may narrow it.",
)
ECS_TASKS = "ecs-tasks.amazonaws.com"


def _principals(statement: dict) -> list[str]:
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [principal]
    if not isinstance(principal, dict):
        return [] if principal is None else [str(principal)]
    return [f"{kind}:{value}" for kind, values in principal.items() for value in as_list(values)]


def trust_problems(document: Any, service: str = ECS_TASKS) -> tuple[bool, list[str]]:
    """(is a role `service` assumes, what widens it) for a trust policy."""
    allows = [statement for statement in statements_of(document) if str(statement.get("Effect", "")).lower() == "allow"]
    principals = [principal for statement in allows for principal in _principals(statement)]
    task_role = any(principal in (f"Service:{service}", "*", "AWS:*", "Service:*") for principal in principals) or any(
        "NotPrincipal" in statement for statement in allows)
    problems = []
    for index, statement in enumerate(allows):
        where = f"statement {statement.get('Sid') or index}"
        if "NotPrincipal" in statement:
            problems.append(f"{where} trusts with NotPrincipal, every principal not listed")
        others = [principal for principal in _principals(statement) if principal != f"Service:{service}"]
        if others:
            problems.append(f"{where} also trusts {', '.join(others)}")
        actions = [str(action) for action in as_list(statement.get("Action")) if str(action).lower() != "sts:assumerole"]
        if actions or "NotAction" in statement:
            problems.append(f"{where} allows {', '.join(actions) or 'NotAction'} besides sts:AssumeRole")
    return task_role, problems


def _check_task_role_trust(subject: Subject, settings: Settings) -> Iterable[str]:
    raw = subject.props.get("assumeRolePolicy")
    if is_unknown(raw):
        return
    task_role, problems = trust_problems(parse_json(raw))
    for problem in problems if task_role else []:
        yield subject.violation(
            f"trust policy {problem}; a task role is assumed by ECS tasks alone",
            f'trust only {{"Service": "{ECS_TASKS}"}} with sts:AssumeRole (optionally conditioned on aws:SourceAccount)',
        )


def policies() -> list:
    document_types = (*DOCUMENT_HOLDERS, ROLE)
    return [
        resource_policy(WILDCARD_ALLOW, document_types, _check_wildcards),
        resource_policy(ENVOY_STREAM_SCOPED, document_types, _check_stream_scope),
        resource_policy(MANAGED_POLICIES, (*ATTACHMENTS, ROLE, EXCLUSIVE_ATTACHMENTS), _check_managed_policy),
        resource_policy(TASK_ROLE_TRUST, (ROLE,), _check_task_role_trust),
    ]
