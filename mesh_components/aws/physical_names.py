"""Physical names for AWS resources whose names have hard length limits.

Names are built from the mesh, the stack and the workload so dev and prod can share an account.
When the plain name is too long it is cut and a hash of the whole name is appended, so names stay
deterministic (no churn between runs) and distinct (two long names differing at the end still
differ).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re

LOAD_BALANCER_NAME_LIMIT = 32
TARGET_GROUP_NAME_LIMIT = 32
IAM_ROLE_NAME_LIMIT = 64
ECS_NAME_LIMIT = 255
LOG_GROUP_NAME_LIMIT = 512
EC2_DESCRIPTION_LIMIT = 255  # security group descriptions
EC2_TAG_VALUE_LIMIT = 256
CLOUD_MAP_INSTANCE_ID_LIMIT = 64

_HASH_LENGTH = 8
_NOT_ALLOWED = re.compile(r"[^a-z0-9-]+")


def _readable(*parts: str) -> str:
    """`parts` joined by hyphens, lowercased, limited to [a-z0-9-] without leading, trailing or double hyphens."""
    return re.sub(r"-{2,}", "-", _NOT_ALLOWED.sub("-", "-".join(parts).lower()).strip("-"))


def fitted_name(*parts: str, limit: int) -> str:
    """`_readable(parts)`, never longer than `limit`."""
    name = _readable(*parts)
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:_HASH_LENGTH]
    head = name[: limit - _HASH_LENGTH - 1].rstrip("-")
    return f"{head}-{digest}"


def replaceable_name(*parts: str, replaced_by: tuple[str, ...], limit: int) -> str:
    """A physical name that changes whenever an input that forces replacement changes.

    A fixed name blocks create-before-delete (the new resource would take the old one's name while it
    still exists), and delete-before-replace fails for a resource something else still uses (a target
    group behind a listener). With the forcing inputs in a hash at its end, a replacement always gets a
    new name, so it can be created first, the users moved over, and the old one deleted.
    """
    readable = _readable(*parts)
    digest = hashlib.sha256("\x1f".join((readable, *replaced_by)).encode()).hexdigest()[:_HASH_LENGTH]
    return f"{readable[: limit - _HASH_LENGTH - 1].rstrip('-')}-{digest}"


def fitted_text(text: str, limit: int) -> str:
    """Free text (a description, a tag value) cut to `limit`, with a hash of the whole when cut, so two long
    texts that differ only at the end stay different."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - _HASH_LENGTH - 1]}-{hashlib.sha256(text.encode()).hexdigest()[:_HASH_LENGTH]}"


def load_balancer_name(mesh: str, stack: str) -> str:
    """ELB names may not begin with `internal-` (a mesh called `internal`): those get an `lb-` in front."""
    name = fitted_name(mesh, stack, limit=LOAD_BALANCER_NAME_LIMIT)
    return fitted_name("lb", mesh, stack, limit=LOAD_BALANCER_NAME_LIMIT) if name.startswith("internal-") else name


def target_group_name(mesh: str, stack: str, gateway: str, port: int, *, protocol: str, target_type: str,
                      vpc_id: str) -> str:
    """Named by what it is (its gateway port), and renamed with every input that replaces a target group
    (port, protocol, target type, VPC; terraform-provider-aws elbv2/target_group.go marks them ForceNew)."""
    return replaceable_name(mesh, stack, gateway, str(port), replaced_by=(str(port), protocol, target_type, vpc_id),
                            limit=TARGET_GROUP_NAME_LIMIT)


def task_role_name(mesh: str, stack: str, workload: str) -> str:
    return fitted_name(mesh, stack, workload, "task", limit=IAM_ROLE_NAME_LIMIT)


def execution_role_name(mesh: str, stack: str) -> str:
    return fitted_name(mesh, stack, "execution", limit=IAM_ROLE_NAME_LIMIT)


def service_connect_tls_role_name(mesh: str, stack: str) -> str:
    """The stack's one ECS infrastructure role for Service Connect TLS."""
    return fitted_name(mesh, stack, "service-connect-tls", limit=IAM_ROLE_NAME_LIMIT)


def cluster_name(mesh: str, stack: str) -> str:
    return fitted_name(mesh, stack, limit=ECS_NAME_LIMIT)


def task_family(mesh: str, stack: str, workload: str) -> str:
    return fitted_name(mesh, stack, workload, limit=ECS_NAME_LIMIT)


def log_group_name(mesh: str, stack: str) -> str:
    return "/ecs/" + fitted_name(mesh, stack, limit=LOG_GROUP_NAME_LIMIT - len("/ecs/"))


def security_group_description(mesh: str, group: str) -> str:
    return fitted_text(f"color-mesh {mesh} {group}", EC2_DESCRIPTION_LIMIT)


def security_group_name_tag(mesh: str, group: str) -> str:
    return fitted_text(f"{mesh}-{group}", EC2_TAG_VALUE_LIMIT)


def placeholder_instance_id(router: str) -> str:
    """The Cloud Map instance that makes a router's name resolve (letters, digits and `-_/:.@`, at most 64)."""
    return fitted_text(f"{router}-placeholder", CLOUD_MAP_INSTANCE_ID_LIMIT)


# --- Pulumi resource names ------------------------------------------------------------------------
# A Pulumi name made by joining keys with hyphens is ambiguous (router `a` + route `b-c` and router
# `a-b` + route `c` both give `a-b-c`), and the engine refuses two resources with one URN. Colors,
# routers and the gateway are DNS labels and routes are letters, digits, hyphens and underscores: none
# holds KEY_SEPARATOR, so keys joined by it split back into exactly those keys, and distinct keys can
# never make the same name.
KEY_SEPARATOR = "."


def keyed_name(prefix: str, *keys: str, suffix: str = "") -> str:
    """`prefix-key1.key2...suffix`; every key must be free of KEY_SEPARATOR."""
    for key in keys:
        if KEY_SEPARATOR in key:
            raise ValueError(f"{key!r} holds {KEY_SEPARATOR!r}; it cannot be part of a keyed resource name")
    return f"{prefix}-{KEY_SEPARATOR.join(keys)}{suffix}"


def cidr_key(cidr: str) -> str:
    """A CIDR as a name key: `ipv4-10_0_0_0/8`, `ipv6-2001_db8__/32` (normalized, one spelling per network)."""
    network = ipaddress.ip_network(cidr, strict=False)
    return f"ipv{network.version}-" + str(network).replace(".", "_").replace(":", "_")


def legacy_aliases(names: list[tuple[str, str]]) -> dict[str, str]:
    """(new name, name an earlier release gave it) pairs -> {new: old} for the renamed ones.

    An old name several resources would share is dropped: the earlier release could not have deployed
    it (duplicate URN), and an alias two resources claim is refused by the engine.
    """
    old_counts: dict[str, int] = {}
    for _, old in names:
        old_counts[old] = old_counts.get(old, 0) + 1
    current = {new for new, _ in names}
    return {new: old for new, old in names if new != old and old_counts[old] == 1 and old not in current}
