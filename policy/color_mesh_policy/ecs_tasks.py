"""Reading ECS task definitions: containers, the Envoy sidecar and the App Mesh resource it serves.

Container definitions are read the way the provider decodes them (Go's encoding/json into the
SDK's types): keys case-insensitively, so every key here is lower case (`user`, `privileged`,
`environment`, `name`, `value`…). What Envoy is told comes from everything ECS passes it: the
`environment` list, `secrets` (values the pack cannot read) and `environmentFiles` (likewise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from .reading import UNKNOWN, Props, as_int, is_unknown, parse_json_folded

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ENVOY_IMAGE_MARKER = "aws-appmesh-envoy"
RESOURCE_VARIABLE = "APPMESH_RESOURCE_ARN"
LEGACY_NODE_VARIABLE = "APPMESH_VIRTUAL_NODE_NAME"  # Envoy < 1.15
IDENTITY_VARIABLES = (RESOURCE_VARIABLE, LEGACY_NODE_VARIABLE)
ADMIN_PORT_VARIABLE = "ENVOY_ADMIN_ACCESS_PORT"
_MESH_RESOURCE = re.compile(r"(?:^|:)mesh/([^/]+)/(virtualNode|virtualGateway)/([^/]+)$")

Workload = tuple[str, str, str]  # (mesh, "virtualNode" | "virtualGateway", name)


def containers(props: Props) -> Any:
    """The container definitions as a list of dicts with folded keys; UNKNOWN; or None when they are
    not a JSON list of objects."""
    raw = props.get("containerDefinitions")
    if is_unknown(raw):
        return UNKNOWN
    parsed = parse_json_folded(raw)
    if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
        return None
    return parsed


def proxy_properties(props: Props) -> dict[str, Any]:
    """proxyConfiguration.properties as a dict (the provider takes a map; the API a name/value list)."""
    properties = props.get("proxyConfiguration", "properties")
    if isinstance(properties, list):
        return {item.get("name"): item.get("value") for item in properties if isinstance(item, dict)}
    return dict(properties) if isinstance(properties, dict) else {}


def proxy_container_name(props: Props) -> Optional[str]:
    if props.get("proxyConfiguration") is None:
        return None
    name = props.get("proxyConfiguration", "containerName")
    return name if isinstance(name, str) else None


def _entries(container: dict, key: str) -> list[dict]:
    entries = container.get(key)
    return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []


def environment_values(container: dict, name: str) -> list[Any]:
    """Every value the `environment` list gives variable `name` (several entries may name it)."""
    return [entry.get("value") for entry in _entries(container, "environment") if entry.get("name") == name]


def secret_names(container: dict) -> set[str]:
    return {entry.get("name") for entry in _entries(container, "secrets") if isinstance(entry.get("name"), str)}


def has_environment_files(container: dict) -> bool:
    return bool(_entries(container, "environmentfiles"))


def is_envoy(container: dict, proxy_name: Optional[str]) -> bool:
    """The proxy container, anything named `envoy`, running AWS's Envoy image, or told which mesh resource it serves."""
    name, image = container.get("name"), container.get("image")
    told = any(environment_values(container, variable) for variable in IDENTITY_VARIABLES)
    hidden = bool(secret_names(container) & set(IDENTITY_VARIABLES))
    return (name == "envoy" or (proxy_name is not None and name == proxy_name) or told or hidden
            or (isinstance(image, str) and ENVOY_IMAGE_MARKER in image))


def mesh_resource(arn: Any) -> Optional[Workload]:
    """(mesh, "virtualNode"|"virtualGateway", name) from an App Mesh ARN or `mesh/<m>/virtualNode/<n>`."""
    if not isinstance(arn, str):
        return None
    match = _MESH_RESOURCE.search(arn.strip())
    return (match.group(1), match.group(2), match.group(3)) if match else None


def _legacy_node(value: Any) -> Optional[Workload]:
    """APPMESH_VIRTUAL_NODE_NAME is `mesh/<mesh>/virtualNode/<node>`."""
    found = mesh_resource(value)
    return found if found and found[1] == "virtualNode" else None


@dataclass(frozen=True)
class EnvoyIdentity:
    """What one Envoy container serves, or why that cannot be told from the task definition."""

    container: str
    resource: Optional[Workload]
    problem: Optional[str]


def envoy_identity(container: dict) -> EnvoyIdentity:
    name = str(container.get("name"))
    hidden = sorted(secret_names(container) & set(IDENTITY_VARIABLES))
    if hidden:
        return EnvoyIdentity(name, None, f"takes {', '.join(hidden)} from a secret, whose value the pack cannot read")
    values = [(RESOURCE_VARIABLE, value) for value in environment_values(container, RESOURCE_VARIABLE)]
    values += [(LEGACY_NODE_VARIABLE, value) for value in environment_values(container, LEGACY_NODE_VARIABLE)]
    if not values:
        if has_environment_files(container):
            return EnvoyIdentity(name, None, "names no mesh resource in `environment` and loads environment files, "
                                             "which may set it out of the pack's sight")
        return EnvoyIdentity(name, None, "names no mesh resource (no APPMESH_RESOURCE_ARN)")
    if any(is_unknown(value) for _, value in values):
        return EnvoyIdentity(name, None, None)  # judged once known
    resources = {(mesh_resource(value) if variable == RESOURCE_VARIABLE else _legacy_node(value)) for variable, value in values}
    if None in resources:
        bad = next(value for variable, value in values if (mesh_resource(value) if variable == RESOURCE_VARIABLE else _legacy_node(value)) is None)
        return EnvoyIdentity(name, None, f"is told to serve {bad!r}, which is not a virtual node or virtual gateway")
    if len(resources) > 1:
        listed = ", ".join("/".join(resource) for resource in sorted(resources))
        return EnvoyIdentity(name, None, f"is told to serve several mesh resources ({listed}), so which one it serves is unclear")
    return EnvoyIdentity(name, resources.pop(), None)


def envoy_containers(props: Props) -> list[dict]:
    found = containers(props)
    if not isinstance(found, list):
        return []
    proxy_name = proxy_container_name(props)
    return [container for container in found if is_envoy(container, proxy_name)]


def served_mesh_resource(props: Props) -> Optional[Workload]:
    """The one mesh resource the task's Envoy serves; None when there is no Envoy or it cannot be told."""
    identities = [envoy_identity(container) for container in envoy_containers(props)]
    resources = {identity.resource for identity in identities}
    if not identities or None in resources or len(resources) != 1:
        return None
    return resources.pop()


def identity_pending(props: Props) -> bool:
    """True when the container definitions or an Envoy's identity value are unknown (preview); noted on `props`."""
    if is_unknown(containers(props)):
        return True
    pending = any(identity.resource is None and identity.problem is None for identity in map(envoy_identity, envoy_containers(props)))
    if pending:
        props.note_unknown("containerDefinitions APPMESH_RESOURCE_ARN")
    return pending


def served_arns(props: Props) -> set[str]:
    """The full ARNs (`arn:…`) the task's Envoy containers are given in APPMESH_RESOURCE_ARN."""
    return {value.strip() for envoy in envoy_containers(props) for value in environment_values(envoy, RESOURCE_VARIABLE)
            if isinstance(value, str) and value.strip().startswith("arn:")}


def is_mesh_task(props: Props) -> bool:
    return proxy_container_name(props) is not None or bool(envoy_containers(props))


def admin_port(container: dict, default: int) -> Any:
    """The port Envoy's admin interface listens on: ENVOY_ADMIN_ACCESS_PORT, else `default`.
    None when it is set but not a port (or set from a secret, which the pack cannot read)."""
    if ADMIN_PORT_VARIABLE in secret_names(container):
        return None
    values = environment_values(container, ADMIN_PORT_VARIABLE)
    if not values:
        return None if has_environment_files(container) else default  # a file may set it (`environment` would win)
    if any(is_unknown(value) for value in values):
        return UNKNOWN
    ports = {as_int(value) for value in values}
    return ports.pop() if len(ports) == 1 and None not in ports else None


def named_ports(container: dict) -> dict[str, int]:
    """Port mapping name -> container port (the names Service Connect services publish by `portName`)."""
    found = {}
    for entry in _entries(container, "portmappings"):
        port = as_int(entry.get("containerport"))
        if isinstance(entry.get("name"), str) and port is not None:
            found[entry["name"]] = port
    return found


def port_mappings(container: dict) -> list[int]:
    ports = [as_int(entry.get("containerport")) for entry in _entries(container, "portmappings")]
    return [port for port in ports if port is not None]


def user_ids(user: Any) -> tuple[Optional[str], Optional[str]]:
    """(uid, gid) a container runs as. No user means the image's default, which for most images is root.
    `root` is uid/gid 0; other names cannot be resolved here and stay names."""
    if user is None:
        return "0", "0"
    text = str(int(user)) if isinstance(user, float) and user.is_integer() else str(user)
    uid, _, gid = text.partition(":")
    uid, gid = uid.strip() or None, gid.strip() or "0"  # without a group, Docker falls back to the passwd entry or 0
    return ("0" if uid == "root" else uid), ("0" if gid == "root" else gid)
