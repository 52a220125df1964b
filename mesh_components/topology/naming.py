"""Physical names for AWS resources whose names have hard length limits.

Names are built from the mesh, the stack and the workload so dev and prod can share an account.
When the plain name is too long it is cut and a hash of the whole name is appended, so names stay
deterministic (no churn between runs) and distinct (two long names differing at the end still
differ).
"""

from __future__ import annotations

import hashlib
import re

LOAD_BALANCER_NAME_LIMIT = 32
TARGET_GROUP_NAME_LIMIT = 32
IAM_ROLE_NAME_LIMIT = 64
ECS_NAME_LIMIT = 255
LOG_GROUP_NAME_LIMIT = 512

_HASH_LENGTH = 8
_NOT_ALLOWED = re.compile(r"[^a-z0-9-]+")


def fitted_name(*parts: str, limit: int) -> str:
    """`parts` joined by hyphens, lowercased, limited to [a-z0-9-], never longer than `limit`."""
    name = _NOT_ALLOWED.sub("-", "-".join(parts).lower()).strip("-")
    name = re.sub(r"-{2,}", "-", name)
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:_HASH_LENGTH]
    head = name[: limit - _HASH_LENGTH - 1].rstrip("-")
    return f"{head}-{digest}"


def load_balancer_name(mesh: str, stack: str) -> str:
    return fitted_name(mesh, stack, limit=LOAD_BALANCER_NAME_LIMIT)


def target_group_name(mesh: str, stack: str, gateway: str) -> str:
    return fitted_name(mesh, stack, gateway, limit=TARGET_GROUP_NAME_LIMIT)


def task_role_name(mesh: str, stack: str, workload: str) -> str:
    return fitted_name(mesh, stack, workload, "task", limit=IAM_ROLE_NAME_LIMIT)


def execution_role_name(mesh: str, stack: str) -> str:
    return fitted_name(mesh, stack, "execution", limit=IAM_ROLE_NAME_LIMIT)


def cluster_name(mesh: str, stack: str) -> str:
    return fitted_name(mesh, stack, limit=ECS_NAME_LIMIT)


def task_family(mesh: str, stack: str, workload: str) -> str:
    return fitted_name(mesh, stack, workload, limit=ECS_NAME_LIMIT)


def log_group_name(mesh: str, stack: str) -> str:
    return "/ecs/" + fitted_name(mesh, stack, limit=LOG_GROUP_NAME_LIMIT - len("/ecs/"))
