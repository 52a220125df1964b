"""What a color's application may do in AWS: IAM statements (`permissions`) and customer-managed policies
(`managed_policies`) for that color's task role only.

Refused, so that a role never grants more than it lists (and the policy pack's iam-no-wildcard-allow,
which refuses the same, never blocks a deployment the file asked for): the action `*` and every
`<service>:*` (all of a service's actions: `s3:*` includes s3:DeleteBucket and s3:PutBucketPolicy),
a bare `*` resource or an ARN whose resource part is only `*` (every resource of that service), and
anything but an ARN as a resource. NotAction/NotResource cannot be written: a permission only has
`actions`, `resources` and `conditions`. Narrower wildcards stay allowed: `s3:Get*`,
`arn:aws:s3:::bucket/*`. `appmesh:StreamAggregatedResources` is Envoy's alone, granted by the mesh on
the node's own ARN. Pure: no Pulumi.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field, StrictBool, StrictStr

from .errors import Problem
from .managed_policies import managed_policy_problems
from .spec import NonEmptyStr, Spec

if TYPE_CHECKING:
    from .model import Topology

ConditionValue = Union[StrictStr, StrictBool, tuple[StrictStr, ...]]


class Permission(Spec):
    """One IAM Allow statement for the application: these actions on these resources, under these conditions."""

    actions: Annotated[tuple[NonEmptyStr, ...], Field(min_length=1)] = Field(description="e.g. s3:GetObject")
    resources: Annotated[tuple[NonEmptyStr, ...], Field(min_length=1)] = Field(description="ARNs, e.g. arn:aws:s3:::bucket/*")
    conditions: dict[NonEmptyStr, dict[NonEmptyStr, ConditionValue]] = Field(
        default_factory=dict, description="IAM condition operator -> {condition key: value or values}")


ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*?]+")
ACTION_SHAPE = "<service>:<Action>, e.g. s3:GetObject"
ARN = re.compile(r"arn:[^:]+:[^:]+:[^:]*:[^:]*:(?P<resource>.+)")
ENVOY_STREAM = "appmesh:streamaggregatedresources"
# IAM's condition operators (IAM User Guide, "Condition operators"); each may end in IfExists (but Null),
# and set operators prefix them with ForAllValues: or ForAnyValue:.
CONDITION_OPERATORS = (
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
    "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
    "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress",
    "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike")
_CONDITION_OPERATOR = re.compile(rf"(?:ForAllValues:|ForAnyValue:)?(?:(?:{'|'.join(CONDITION_OPERATORS)})(?:IfExists)?|Null)")


def action_problem(action: str) -> str | None:
    if action.strip() == "*":
        return "'*' grants every action of every service; list the actions the application calls"
    if not ACTION.fullmatch(action):
        return f"invalid action {action!r}; expected {ACTION_SHAPE}"
    service, name = action.split(":")
    if name == "*":
        return (f"{action!r} grants every {service} action (administering {service} included); list the actions the "
                f"application calls, e.g. {service}:Get*")
    if fnmatch.fnmatchcase(ENVOY_STREAM, action.lower()):
        return f"{action!r} is Envoy's: the mesh grants it on the color's own virtual node; remove it"
    return None


def resource_problem(resource: str) -> str | None:
    if resource.strip() == "*":
        return "'*' is every resource; name the ARNs the application uses (a wildcard inside an ARN is fine)"
    match = ARN.fullmatch(resource)
    if match is None:
        return f"invalid resource {resource!r}; expected an ARN, e.g. arn:aws:s3:::bucket/*"
    if set(match["resource"]) <= {"*"}:
        return f"{resource!r} is every resource of the service; name the resources the application uses"
    return None


def permission_problems(permission: Permission, path: tuple) -> Iterator[Problem]:
    for index, action in enumerate(permission.actions):
        problem = action_problem(action)
        if problem:
            yield Problem(problem, path=path + ("actions", index))
    for index, resource in enumerate(permission.resources):
        problem = resource_problem(resource)
        if problem:
            yield Problem(problem, path=path + ("resources", index))
    for operator, values in permission.conditions.items():
        if not _CONDITION_OPERATOR.fullmatch(operator):
            yield Problem(f"unknown condition operator {operator!r}; allowed: an IAM operator such as StringEquals, "
                          "ArnLike or Bool, optionally ending in IfExists or prefixed ForAllValues:/ForAnyValue:",
                          path=path + ("conditions", operator), on_key=True)
        elif not values:
            yield Problem("names no condition key; give at least one key: value", path=path + ("conditions", operator))


def check_permissions(topology: "Topology") -> Iterator[Problem]:
    for color_name, color in topology.colors.items():
        where = ("colors", color_name)
        for index, permission in enumerate(color.permissions):
            yield from permission_problems(permission, where + ("permissions", index))
        seen: set[str] = set()
        for index, arn in enumerate(color.managed_policies):
            if arn in seen:
                yield Problem(f"{arn!r} is listed twice; list each policy once", path=where + ("managed_policies", index))
            seen.add(arn)
            yield from managed_policy_problems(arn, where + ("managed_policies", index))


def _condition_value(value: ConditionValue):
    """As IAM's documents write them: text, a list of text, booleans as "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return list(value) if isinstance(value, tuple) else value


def app_statements(permissions: tuple[Permission, ...]) -> list[dict]:
    """The IAM statements of `permissions`, in order (Sid App0, App1, ...)."""
    return [{"Sid": f"App{index}", "Effect": "Allow", "Action": list(permission.actions),
             "Resource": list(permission.resources),
             **({"Condition": {operator: {key: _condition_value(value) for key, value in values.items()}
                               for operator, values in permission.conditions.items()}}
                if permission.conditions else {})}
            for index, permission in enumerate(permissions)]


PERMISSION_CHECKS = (check_permissions,)
