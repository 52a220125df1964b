"""Mesh task roles, tied to their tasks: role → task definition → the mesh resource its Envoy serves.

A task role may stream only the configuration of the node or gateway its own task's Envoy serves,
trusts only ECS tasks, carries only policies the pack can read (created by this stack, or AWS-managed
and reviewed in managed_policies.REVIEWED, or listed in `reviewedManagedPolicies`: an AWS-managed
policy's name, or a customer-managed policy's ARN, after a human review), and the stack's own documents
grant nothing on a bare `*` resource but the actions AWS authorizes on `*` only (X-Ray's uploads).
"""

from __future__ import annotations

import fnmatch
from typing import Any, Iterable, Optional

from .ecs_tasks import TASK_DEFINITION, Workload, identity_pending, is_mesh_task, mesh_resource, served_arns, served_mesh_resource
from .iam import EXCLUSIVE_ATTACHMENTS, POLICY, ROLE, as_list, grants_stream, statements_of, attached_policy_arns, trust_problems
from .managed_policies import REVIEWED, aws_managed_name, reviewed_document
from .reading import STRING_LIST, PolicySpec, Settings, Subject, is_unknown, parse_json, stack_policy
from .service_connect import SERVICE_CONNECT_KIND
from .stack_index import ECS_SERVICE, StackIndex, strings_in

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"

MESH_TASK_ROLES = PolicySpec(
    "iam-mesh-task-roles",
    "The task role of every mesh task is created by this stack, trusts only ECS tasks, streams only the node or gateway "
    "its own task's Envoy serves (a Service Connect workload's task: no App Mesh action at all), grants nothing on a "
    "bare '*' resource in this stack's documents (but actions with no resource-level permissions), and carries only "
    "readable policies (this stack's, reviewed AWS-managed ones, or those listed in reviewedManagedPolicies).",
    knobs={"reviewedManagedPolicies": (STRING_LIST, [])},
)


def _names(role: Subject) -> set[str]:
    return {value for value in (role.props.get("name"), role.props.get("id"), role.props.get("arn")) if isinstance(value, str)}


class RoleDocuments:
    """Every policy document a role carries, and the managed policies it attaches."""

    def __init__(self, index: StackIndex, role: Subject) -> None:
        self.index, self.role, self.names = index, role, _names(role)
        self.customer = {policy.props.get("arn"): policy for policy in index.of_types((POLICY,)) if isinstance(policy.props.get("arn"), str)}

    def documents(self) -> list[tuple[str, Any]]:
        found = []
        inline = self.role.props.items("inlinePolicies")
        for i, _ in enumerate(inline if isinstance(inline, list) else []):
            found.append((f"Role '{self.role.name}' inlinePolicies[{i}]", self.role.props.get("inlinePolicies", i, "policy")))
        for policy in self.index.of_types((ROLE_POLICY,)):
            if policy.props.get("role") in self.names:
                found.append((f"RolePolicy '{policy.name}'", policy.props.get("policy")))
        for arn in self.attached():
            if arn in self.customer:
                found.append((f"Policy '{self.customer[arn].name}'", self.customer[arn].props.get("policy")))
            elif reviewed_document(arn):
                found.append((f"AWS-managed {aws_managed_name(arn)}", reviewed_document(arn)))
        return [(where, parse_json(raw)) for where, raw in found if raw is not None and not is_unknown(raw)]

    def attached(self) -> list[str]:
        arns = [arn for _, arn in attached_policy_arns(self.role)]
        for subject in self.index.of_types((ROLE_POLICY_ATTACHMENT, EXCLUSIVE_ATTACHMENTS, POLICY_ATTACHMENT)):
            roles = {ROLE_POLICY_ATTACHMENT: [subject.props.get("role")], EXCLUSIVE_ATTACHMENTS: [subject.props.get("roleName")],
                     POLICY_ATTACHMENT: subject.props.items("roles")}[subject.type]
            if set(strings_in(roles if isinstance(roles, list) else [])) & self.names:
                arns += [arn for _, arn in attached_policy_arns(subject)] if subject.type != POLICY_ATTACHMENT else [subject.props.get("policyArn")]
        return [arn for arn in arns if isinstance(arn, str)]


def _streamed(document: Any) -> list[Any]:
    return [resource for statement in statements_of(document) if str(statement.get("Effect", "")).lower() == "allow"
            and grants_stream(statement) for resource in as_list(statement.get("Resource"))]


def role_named(index: StackIndex, arn: Any) -> Optional[Subject]:
    """The stack's role a reference (ARN, name or id) names."""
    return next((role for role in index.of_types((ROLE,)) if isinstance(arn, str) and arn in _names(role)), None)


def _role_of(index: StackIndex, task: Subject) -> Optional[Subject]:
    return role_named(index, task.props.get("taskRoleArn"))


def _service_connect_tasks(index: StackIndex) -> dict[str, Subject]:
    """URN -> task definition of every Service Connect workload."""
    found = {}
    for service in index.of_types((ECS_SERVICE,)):
        workload = index.service_workload(service)
        task = index.task_definition_of(service)
        if workload and workload[1] == SERVICE_CONNECT_KIND and task:
            found[task.urn] = task
    return found


def _check_mesh_task_roles(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    reviewed = set(REVIEWED) | set(settings["reviewedManagedPolicies"])
    service_connect = _service_connect_tasks(index)
    for task in index.of_types((TASK_DEFINITION,)):
        mesh_task = is_mesh_task(task.props)
        if not (mesh_task or task.urn in service_connect) or task.props.get("taskRoleArn") is None or is_unknown(task.props.get("taskRoleArn")):
            continue
        role = _role_of(index, task)
        if role is None:
            yield task.urn, task.violation(
                f"runs a mesh workload with task role {task.props.get('taskRoleArn')}, which this stack does not create, so what it grants is unknown",
                "create the task role in this stack")
            continue
        yield from _trust_problems(task, role)
        carried = RoleDocuments(index, role)
        if mesh_task:
            yield from _stream_problems(task, role, carried, served_mesh_resource(task.props))
        else:
            yield from _app_mesh_grants(task, role, carried)
        yield from _unreadable_policies(task, role, carried, reviewed)
        yield from _wildcard_resources(task, role, carried)


# Actions AWS authorizes only on Resource "*" (Service Authorization Reference: no resource types), which a
# mesh task role may hold on "*": the X-Ray daemon's uploads.
ONLY_ON_EVERY_RESOURCE = frozenset({"xray:puttracesegments", "xray:puttelemetryrecords"})


def _wildcard_resources(task: Subject, role: Subject, carried: "RoleDocuments") -> Iterable[tuple[str, str]]:
    """The stack's own documents (reviewed AWS-managed ones are judged by their review) grant on `*` only what AWS
    accepts on `*` alone."""
    for where, document in carried.documents():
        if where.startswith("AWS-managed"):
            continue
        for statement in statements_of(document):
            if str(statement.get("Effect", "")).lower() != "allow" or "*" not in as_list(statement.get("Resource")):
                continue
            actions = [str(action) for action in as_list(statement.get("Action"))
                       if str(action).strip().lower() not in ONLY_ON_EVERY_RESOURCE]
            if actions:
                yield role.urn, role.violation(
                    f"{where} grants the task role of {task.label} {', '.join(actions)} on every resource ('*')",
                    "name the ARNs the task uses")


def _trust_problems(task: Subject, role: Subject) -> Iterable[tuple[str, str]]:
    raw_trust = role.props.get("assumeRolePolicy")
    if not is_unknown(raw_trust):
        _, problems = trust_problems(parse_json(raw_trust))
        if not statements_of(parse_json(raw_trust)):
            problems = ["names no statement"]
        for problem in problems:
            yield role.urn, role.violation(f"is the task role of {task.label} but its trust policy {problem}",
                                           'trust only {"Service": "ecs-tasks.amazonaws.com"} with sts:AssumeRole')


def _app_mesh_grants(task: Subject, role: Subject, carried: "RoleDocuments") -> Iterable[tuple[str, str]]:
    """A Service Connect task talks to no App Mesh control plane: any App Mesh action is a grant it never needs."""
    for where, document in carried.documents():
        for statement in statements_of(document):
            if str(statement.get("Effect", "")).lower() != "allow":
                continue
            granted = [str(action) for action in as_list(statement.get("Action")) if _may_match_app_mesh(action)]
            if granted or "NotAction" in statement:
                yield role.urn, role.violation(
                    f"{where} grants the task role of {task.label}, a Service Connect workload, {', '.join(granted) or 'NotAction'}; "
                    "Service Connect tasks need no App Mesh permission",
                    "remove App Mesh actions from Service Connect task roles")


def _may_match_app_mesh(action: Any) -> bool:
    if not isinstance(action, str):
        return False
    service = action.strip().lower().split(":", 1)[0]
    return any(fnmatch.fnmatchcase(name, service) for name in ("appmesh", "appmesh-preview")) or action.strip() == "*"


def _stream_problems(task: Subject, role: Subject, carried: "RoleDocuments", served: Optional[Workload]) -> Iterable[tuple[str, str]]:
    exact = served_arns(task.props)  # a full ARN names the region and the mesh owner's account too
    for where, document in [] if identity_pending(task.props) else carried.documents():  # judged once the identity is known
        for resource in _streamed(document):
            if served is None or mesh_resource(resource) != served or not isinstance(resource, str) or "*" in resource \
                    or exact and resource not in exact:
                own = "/".join(served) if served else "no resource the pack can identify"
                yield role.urn, role.violation(
                    f"{where} lets the task role of {task.label} stream {resource}, but that task's Envoy serves {own}, so the "
                    "task can fetch another workload's configuration",
                    "give each task its own role, granting StreamAggregatedResources on that task's node or gateway ARN only")


def _unreadable_policies(task: Subject, role: Subject, carried: "RoleDocuments", reviewed: set[str]) -> Iterable[tuple[str, str]]:
    for arn in carried.attached():
        name = aws_managed_name(arn)
        if name is not None and name not in reviewed:
            yield role.urn, role.violation(
                f"is the task role of {task.label} and attaches AWS-managed {name}, which the pack has not reviewed, so what it grants is unknown",
                "attach a policy of your own, or add the name to reviewedManagedPolicies after reviewing it")
        elif name is None and arn not in carried.customer and arn not in reviewed:
            yield role.urn, role.violation(
                f"is the task role of {task.label} and attaches {arn}, which this stack does not create, so what it grants is unknown",
                "create the policy in this stack, or add its ARN to reviewedManagedPolicies after reviewing it")


def policies() -> list:
    return [stack_policy(MESH_TASK_ROLES, _check_mesh_task_roles)]
