"""IAM: no wildcard grants, Envoy's control-plane access scoped to its own node or gateway."""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Iterable

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
ENVOY_MANAGED_POLICIES = ("AWSAppMeshEnvoyAccess", "AWSAppMeshPreviewEnvoyAccess")


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


def _statements(document: Any) -> list[dict]:
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    return [statement for statement in statements or [] if isinstance(statement, dict)]


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _allow_statements(subject: Subject) -> Iterable[tuple[str, dict]]:
    for where, document in _documents(subject):
        if is_unknown(document):
            subject.props.note_unknown(where)
            continue
        for index, statement in enumerate(_statements(document)):
            if str(statement.get("Effect", "")).lower() == "allow":
                yield f"{where} statement {statement.get('Sid') or index}", statement


WILDCARD_ALLOW = PolicySpec(
    "iam-no-wildcard-allow",
    'No Allow statement with "*" or "service:*" actions, NotAction or NotResource.',
)


def _check_wildcards(subject: Subject, settings: Settings) -> Iterable[str]:
    for where, statement in _allow_statements(subject):
        for key in ("NotAction", "NotResource"):
            if key in statement:
                yield subject.violation(
                    f"{where} allows with {key}, which grants everything not listed",
                    f"replace {key} with an explicit Action/Resource list",
                )
        for action in _as_list(statement.get("Action")):
            if isinstance(action, str) and (action.strip() == "*" or action.strip().endswith(":*")):
                yield subject.violation(
                    f"{where} allows action {action!r}, every action of {'every service' if action.strip() == '*' else action.split(':')[0]}",
                    "list the exact actions the role needs",
                )


ENVOY_STREAM_SCOPED = PolicySpec(
    "iam-envoy-stream-scoped",
    "appmesh:StreamAggregatedResources is granted only on specific virtual node / virtual gateway ARNs.",
)


def _grants_stream(statement: dict) -> bool:
    return any(isinstance(action, str) and fnmatch.fnmatchcase(STREAM_ACTION, action.strip().lower()) for action in _as_list(statement.get("Action")))


def _check_stream_scope(subject: Subject, settings: Settings) -> Iterable[str]:
    for where, statement in _allow_statements(subject):
        if not _grants_stream(statement):
            continue
        resources = _as_list(statement.get("Resource"))
        broad = [str(resource) for resource in resources if not (isinstance(resource, str) and _SCOPED_ENVOY_RESOURCE.match(resource))]
        if broad or not resources:
            yield subject.violation(
                f"{where} grants appmesh:StreamAggregatedResources on {', '.join(broad) or 'no Resource (NotResource)'}, "
                "so one task's Envoy can fetch any node's configuration",
                "grant it only on the task's own arn:aws:appmesh:<region>:<account>:mesh/<mesh>/virtualNode/<node> (or virtualGateway/<gw>)",
            )


NO_ENVOY_MANAGED_POLICY = PolicySpec(
    "iam-no-envoy-managed-policy",
    "The AWS-managed AWSAppMeshEnvoyAccess policy (StreamAggregatedResources on *) is never attached.",
)


def _is_envoy_managed(arn: Any) -> bool:
    return isinstance(arn, str) and any(arn.endswith(f":policy/{name}") or arn.endswith(f"/{name}") for name in ENVOY_MANAGED_POLICIES)


def _check_managed_policy(subject: Subject, settings: Settings) -> Iterable[str]:
    fix = "attach a policy granting appmesh:StreamAggregatedResources on the task's own node or gateway ARN"
    if subject.type in ATTACHMENTS and _is_envoy_managed(subject.props.get("policyArn")):
        yield subject.violation(f"attaches {subject.props.get('policyArn')}, which grants StreamAggregatedResources on *", fix)
    listed = {ROLE: "managedPolicyArns", EXCLUSIVE_ATTACHMENTS: "policyArns"}.get(subject.type)
    if listed:
        arns = subject.props.items(listed)
        for arn in arns if isinstance(arns, list) else []:
            if _is_envoy_managed(arn):
                yield subject.violation(f"lists managed policy {arn}, which grants StreamAggregatedResources on *", fix)


def policies() -> list:
    document_types = (*DOCUMENT_HOLDERS, ROLE)
    return [
        resource_policy(WILDCARD_ALLOW, document_types, _check_wildcards),
        resource_policy(ENVOY_STREAM_SCOPED, document_types, _check_stream_scope),
        resource_policy(NO_ENVOY_MANAGED_POLICY, (*ATTACHMENTS, ROLE, EXCLUSIVE_ATTACHMENTS), _check_managed_policy),
    ]
