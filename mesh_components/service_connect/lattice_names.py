"""Physical names of the VPC Lattice resources, within Lattice's rules.

Lattice names (botocore vpc-lattice 2022-11-30) are lowercase letters, digits and hyphens, with no hyphen
first, last or twice in a row; their lengths and reserved prefixes differ: service network 3-63, service
3-40 (not `svc-`), target group 3-128 (not `tg-`), listener 3-63 (not `listener-`), rule 3-63 (not
`rule-`). Service networks, services and target groups are unique within the account and region, so
their names hold the mesh and the stack; listeners are unique within a service, rules within a listener.

Names the provider marks ForceNew (terraform-provider-aws internal/service/vpclattice: a service's name and
custom domain name; a target group's name, type, port, protocol, protocol version and VPC) change with
every input that forces a replacement, so the replacement can be created before the old one is deleted
(physical_names.replaceable_name). A listener is named by its protocol and port, the two inputs that
replace it; a rule by its route's name, which stays when priorities change.
"""

from __future__ import annotations

import hashlib
import re

from ..aws import physical_names

SERVICE_NETWORK_NAME_LIMIT = 63
SERVICE_NAME_LIMIT = 40
TARGET_GROUP_NAME_LIMIT = 128
LISTENER_NAME_LIMIT = 63
RULE_NAME_LIMIT = 63
NAME_MIN = 3
_LATTICE_NAME = re.compile(r"(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+")
_OWN_PREFIX = "cm"  # put in front of a name that would start with a reserved prefix
_HASH_LENGTH = 8


def _replaceable(reserved: str, limit: int, parts: tuple[str, ...], replaced_by: tuple[str, ...]) -> str:
    """A replaceable name of `parts`, with `cm` in front when it would start with the reserved prefix. The
    parts themselves go into the hash too: router `a-b` with color `c` and router `a` with color `b-c` read
    the same."""
    def derive(*named: str) -> str:
        return physical_names.replaceable_name(*named, replaced_by=(*parts, *replaced_by), limit=limit)
    name = derive(*parts)
    return derive(_OWN_PREFIX, *parts) if name.startswith(reserved) else name


def service_network_name(mesh: str, stack: str) -> str:
    return physical_names.fitted_name(mesh, stack, limit=SERVICE_NETWORK_NAME_LIMIT)


def service_name(mesh: str, stack: str, router: str, custom_domain_name: str) -> str:
    return _replaceable("svc-", SERVICE_NAME_LIMIT, (mesh, stack, router), (custom_domain_name,))


def target_group_name(mesh: str, stack: str, router: str, color: str, *, port: int, protocol: str,
                      protocol_version: str, vpc_id: str) -> str:
    return _replaceable("tg-", TARGET_GROUP_NAME_LIMIT, (mesh, stack, router, color),
                        (str(port), protocol, protocol_version, vpc_id))


def listener_name(protocol: str, port: int) -> str:
    """`http-80`: unique within the service (one listener per port) and never `listener-...`."""
    return f"{protocol.lower()}-{port}"


def rule_name(route: str) -> str:
    """The route's name when Lattice takes it as it is; otherwise its readable form and a hash of the route's
    name (routes `a_b` and `a-b` of one router stay apart)."""
    if NAME_MIN <= len(route) <= RULE_NAME_LIMIT and _LATTICE_NAME.fullmatch(route) and not route.startswith("rule-"):
        return route
    digest = hashlib.sha256(route.encode()).hexdigest()[:_HASH_LENGTH]
    readable = physical_names.fitted_name(route, limit=RULE_NAME_LIMIT - _HASH_LENGTH - 1 - len(_OWN_PREFIX) - 1)
    name = f"{readable}-{digest}" if readable else digest
    return f"{_OWN_PREFIX}-{name}" if name.startswith("rule-") else name


def registration_role_name(mesh: str, stack: str) -> str:
    """The ECS infrastructure role that registers the colors' tasks into Lattice target groups."""
    return physical_names.fitted_name(mesh, stack, "lattice-registration", limit=physical_names.IAM_ROLE_NAME_LIMIT)
