"""Reading ECS task definitions: containers, the Envoy sidecar and the App Mesh resource it serves."""

from __future__ import annotations

import re
from typing import Any, Optional

from .reading import UNKNOWN, Props, is_unknown, parse_json

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ENVOY_IMAGE_MARKER = "aws-appmesh-envoy"
_MESH_RESOURCE = re.compile(r"(?:^|:)mesh/([^/]+)/(virtualNode|virtualGateway)/([^/]+)$")


def containers(props: Props) -> Any:
    """The container definitions as a list of dicts; UNKNOWN; or None when they are not a JSON list."""
    raw = props.get("containerDefinitions")
    if is_unknown(raw):
        return UNKNOWN
    parsed = parse_json(raw)
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


def is_envoy(container: dict, proxy_name: Optional[str]) -> bool:
    name = container.get("name")
    image = container.get("image")
    return name == "envoy" or name == proxy_name or (isinstance(image, str) and ENVOY_IMAGE_MARKER in image)


def environment(container: dict) -> dict[str, Any]:
    entries = container.get("environment")
    if not isinstance(entries, list):
        return {}
    return {entry.get("name"): entry.get("value") for entry in entries if isinstance(entry, dict)}


def mesh_resource(arn: Any) -> Optional[tuple[str, str, str]]:
    """(mesh, "virtualNode"|"virtualGateway", name) from an App Mesh ARN or `mesh/<m>/virtualNode/<n>`."""
    if not isinstance(arn, str):
        return None
    match = _MESH_RESOURCE.search(arn.strip())
    return (match.group(1), match.group(2), match.group(3)) if match else None


def served_mesh_resource(props: Props) -> Optional[tuple[str, str, str]]:
    """What the task's Envoy serves: APPMESH_RESOURCE_ARN (or the pre-1.15 APPMESH_VIRTUAL_NODE_NAME)."""
    found = containers(props)
    if not isinstance(found, list):
        return None
    proxy_name = proxy_container_name(props)
    for container in found:
        if is_envoy(container, proxy_name):
            env = environment(container)
            resource = mesh_resource(env.get("APPMESH_RESOURCE_ARN")) or mesh_resource(env.get("APPMESH_VIRTUAL_NODE_NAME"))
            if resource:
                return resource
    return None
