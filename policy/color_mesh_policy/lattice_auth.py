"""Who may invoke a VPC Lattice service: its auth type and auth policy.

Lattice applies an auth policy only under auth type AWS_IAM, and names a caller only when the request is
SigV4-signed. So a service (or service network) with an auth policy must have auth type AWS_IAM, an AWS_IAM
service must have a policy (else every request is refused), and the policy's Allow statements may grant
`vpc-lattice-svcs:Invoke` alone, to IAM roles named one by one that are task roles of this stack's Service
Connect workloads, and of callers: workloads whose group the service network's VPC association admits on a port
the service listens on (the stack's declaration of who calls it). No `*` or account principal, no other principal
kind, no wildcard action, no Not* key.
Deny statements and conditions only narrow what is allowed, so they pass.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

from .iam import as_list, statements_of
from .lattice import AUTH_POLICY, SERVICE, SERVICE_NETWORK, Lattice, identifiers
from .reading import PolicySpec, Settings, Subject, is_unknown, parse_json, resource_policy, stack_policy
from .stack_index import ECS_SERVICE, StackIndex, strings_in
from .task_roles import role_named

INVOKE = "vpc-lattice-svcs:invoke"
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[^*?]+$")
_FIX = "allow only vpc-lattice-svcs:Invoke, to {\"AWS\": [<each caller's task role ARN>]}"
AWS_IAM = "AWS_IAM"

SERVICE_AUTH = PolicySpec(
    "lattice-service-auth",
    "A VPC Lattice service or service network with an auth policy has auth type AWS_IAM, and an AWS_IAM service has "
    "an auth policy; the policy allows only vpc-lattice-svcs:Invoke, only to IAM roles named one by one that are task "
    "roles of this stack's Service Connect workloads the service network's VPC association admits on the service's "
    "listener ports (no * or account principal, no wildcard action, no NotPrincipal, NotAction or NotResource).",
)


def _task_roles(index: StackIndex, lattice: Lattice) -> dict[str, set[str]]:
    """Task role ARN of each of the stack's Service Connect workloads -> the security groups its tasks run in."""
    roles: dict[str, set[str]] = {}
    for service in index.of_types((ECS_SERVICE,)):
        task = index.task_definition_of(service) if lattice.is_workload(service) else None
        role = role_named(index, task.props.get("taskRoleArn")) if task else None
        for arn in strings_in([role.props.get("arn")] if role else []):
            roles.setdefault(arn, set()).update(index.service_groups(service))
    return roles


def _callers(lattice: Lattice, roles: dict[str, set[str]], target: Optional[Subject]) -> tuple[set[str], set[int]]:
    """(task roles of the workloads the VPC association admits on the target's listener ports, those ports). A
    service network's policy covers every service in it."""
    services = [target] if target is not None and target.type == SERVICE else None
    ports = lattice.listener_ports(services)
    return {arn for arn, groups in roles.items() if any(lattice.called_ports.get(group, set()) & ports for group in groups)}, ports


def _check_service_auth(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    lattice = Lattice(index)
    policies = index.of_types((AUTH_POLICY,))
    targets = [policy.props.get("resourceIdentifier") for policy in policies]
    for service in index.of_types((SERVICE,)):
        ids = identifiers(service)
        if not ids or any(is_unknown(target) for target in targets):
            continue  # which policy applies to it is known once created
        if service.props.get("authType") == AWS_IAM and not ids & set(strings_in(targets)):
            yield service.urn, service.violation(
                "has auth type AWS_IAM but no auth policy, so Lattice refuses every request",
                "attach an auth policy allowing vpc-lattice-svcs:Invoke to the callers' task roles")
    roles = _task_roles(index, lattice)
    for policy in policies:
        target = lattice.named((SERVICE, SERVICE_NETWORK), policy.props.get("resourceIdentifier"))
        yield from _auth_type_problems(policy, target)
        raw = policy.props.get("policy")
        if is_unknown(raw):
            continue
        for problem in _grant_problems(parse_json(raw), _caller_roles(roles, _callers(lattice, roles, target))):
            yield policy.urn, policy.violation(problem, _FIX)


def _auth_type_problems(policy: Subject, target: Optional[Subject]) -> Iterable[tuple[str, str]]:
    auth_type = target.props.get("authType") if target else None
    if target is not None and not is_unknown(auth_type) and auth_type != AWS_IAM:
        yield policy.urn, policy.violation(
            f"applies to {target.label}, whose auth type is {auth_type or 'NONE'}, so Lattice ignores the policy and "
            "admits every caller the security groups let through", f"set authType = {AWS_IAM} on {target.label}")


RoleCheck = Callable[[str], Optional[str]]  # an AWS principal that is no account or "*" -> why it may not invoke


def _grant_problems(document: Any, role_problem: RoleCheck) -> Iterable[str]:
    statements = statements_of(document)
    if not statements:
        yield "names no statement Lattice can read"
    for index, statement in enumerate(statements):
        if str(statement.get("Effect", "")).lower() != "allow":
            continue
        where = f"statement {statement.get('Sid') or index}"
        for key in ("NotPrincipal", "NotAction", "NotResource"):
            if key in statement:
                yield f"{where} allows with {key}, which grants everything not listed"
        for action in as_list(statement.get("Action")):
            if str(action).strip().lower() != INVOKE:
                yield f"{where} allows {action!r}; only vpc-lattice-svcs:Invoke, spelled out, may be granted"
        yield from (f"{where} allows {problem}" for problem in _principal_problems(statement.get("Principal"), role_problem))


def _principal_problems(principal: Any, role_problem: RoleCheck) -> Iterable[str]:
    if principal is None:
        yield "without a Principal"
        return
    if not isinstance(principal, dict):
        yield f"principal {principal!r}, every caller"
        return
    for kind, values in principal.items():
        for value in as_list(values):
            if kind != "AWS":
                yield f"{kind} principal {value!r}; only the callers' task roles may invoke"
            elif value == "*" or not isinstance(value, str):
                yield f"AWS principal {value!r}, every caller"
            elif value.isdigit() or value.endswith(":root"):
                yield f"AWS principal {value!r}, every principal of that account"
            elif role_problem(value):
                yield f"AWS principal {value!r}, {role_problem(value)}"


def _caller_roles(roles: dict[str, set[str]], callers: tuple[set[str], set[int]]) -> RoleCheck:
    def problem(arn: str) -> Optional[str]:
        if arn not in roles:
            return "which is not the task role of a Service Connect workload of this stack"
        if arn not in callers[0]:
            ports = ", ".join(map(str, sorted(callers[1]))) or "none"
            return f"the task role of a workload the service network's VPC association does not admit on the router's ports ({ports}), so no caller"
        return None

    return problem


def _one_role(arn: str) -> Optional[str]:
    return None if _ROLE_ARN.match(arn) else "which is not one IAM role named by its ARN"


AUTH_POLICY_SHAPE = PolicySpec(
    "lattice-auth-policy-shape",
    "Per-resource twin of lattice-service-auth: a VPC Lattice auth policy's Allow statements grant only "
    "vpc-lattice-svcs:Invoke, to IAM roles named one by one by ARN (no *, account, other principal kind, pattern, "
    "NotPrincipal, NotAction or NotResource).",
)


def _check_shape(subject: Subject, settings: Settings) -> Iterable[str]:
    raw = subject.props.get("policy")
    if is_unknown(raw):
        return
    for problem in _grant_problems(parse_json(raw), _one_role):
        yield subject.violation(problem, _FIX)


def policies() -> list:
    return [stack_policy(SERVICE_AUTH, _check_service_auth), resource_policy(AUTH_POLICY_SHAPE, (AUTH_POLICY,), _check_shape)]
