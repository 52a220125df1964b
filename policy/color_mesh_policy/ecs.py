"""ECS services and task definitions: private tasks, awsvpc, no privileged containers, an intact
Envoy proxy (nothing runs as its UID, no egress side doors) on a pinned, supported image."""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from pulumi_policy import EnforcementLevel

from .ecs_tasks import TASK_DEFINITION, containers, is_envoy, proxy_container_name, proxy_properties
from .reading import STRING_LIST, INTEGER_LIST, PolicySpec, Settings, Subject, is_true, is_unknown, resource_policy
from .security_group_rules import parse_network

ECS_SERVICE = "aws:ecs/service:Service"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
_ENVOY_TAG = re.compile(r"^v?(\d+(?:\.\d+){1,3})(?:-prod)?$")


def _containers_or_problem(subject: Subject) -> tuple[list[dict], Optional[str]]:
    found = containers(subject.props)
    if is_unknown(found):
        return [], None
    if found is None:
        return [], subject.violation(
            "containerDefinitions is not a JSON list of container objects, so it cannot be checked", "fix the JSON"
        )
    return found, None


NO_PUBLIC_IP = PolicySpec("ecs-no-public-ip", "ECS services do not assign public IPs to tasks.")


def _check_public_ip(subject: Subject, settings: Settings) -> Iterable[str]:
    if is_true(subject.props.get("networkConfiguration", "assignPublicIp")):
        yield subject.violation(
            "assigns public IPs to its tasks, putting them on the internet beside the mesh",
            "set networkConfiguration.assignPublicIp = false and reach the internet through a NAT gateway",
        )


AWSVPC = PolicySpec("ecs-awsvpc-network-mode", "Task definitions use the awsvpc network mode (per-task ENIs and security groups).")


def _check_awsvpc(subject: Subject, settings: Settings) -> Iterable[str]:
    mode = subject.props.get("networkMode")
    if not is_unknown(mode) and mode != "awsvpc":
        yield subject.violation(
            f"uses network mode {mode or 'unset (bridge on EC2)'}, so tasks share the host's security groups",
            'set networkMode = "awsvpc"',
        )


NO_PRIVILEGED = PolicySpec("ecs-no-privileged-containers", "No container runs privileged.")


def _check_privileged(subject: Subject, settings: Settings) -> Iterable[str]:
    found, problem = _containers_or_problem(subject)
    if problem:
        yield problem
    for container in found:
        if is_true(container.get("privileged")):
            yield subject.violation(f"container {container.get('name')!r} runs privileged", "remove privileged: true")


PROXY_UID = PolicySpec(
    "ecs-proxy-uid-reserved",
    "In a task with an App Mesh proxy, only the proxy container runs as the proxy's IgnoredUID/IgnoredGID (its traffic skips Envoy).",
)


def _user_ids(user: Any) -> tuple[Optional[str], Optional[str]]:
    if user is None:
        return None, None
    text = str(int(user)) if isinstance(user, float) and user.is_integer() else str(user)
    uid, _, gid = text.partition(":")
    return uid.strip() or None, gid.strip() or None


def _check_proxy_uid(subject: Subject, settings: Settings) -> Iterable[str]:
    proxy = proxy_container_name(subject.props)
    if proxy is None:
        return
    properties = proxy_properties(subject.props)
    ignored_uid, ignored_gid = (str(properties.get(key)).strip() if properties.get(key) is not None else None for key in ("IgnoredUID", "IgnoredGID"))
    found, problem = _containers_or_problem(subject)
    if problem:
        yield problem
    for container in found:
        if container.get("name") == proxy:
            continue
        uid, gid = _user_ids(container.get("user"))
        if ignored_uid and uid == ignored_uid or ignored_gid and gid == ignored_gid:
            yield subject.violation(
                f"container {container.get('name')!r} runs as user {container.get('user')!r}, the proxy's ignored "
                f"{'UID' if uid == ignored_uid else 'GID'}, so its traffic bypasses Envoy and the mesh",
                "run application containers as another user; only the Envoy container uses the IgnoredUID",
            )


PROXY_EGRESS = PolicySpec(
    "ecs-proxy-egress-ignored",
    "The proxy configuration ignores egress only to the task and instance metadata addresses and ignores no egress ports.",
    knobs={
        "allowedEgressIgnoredIps": (STRING_LIST, ["169.254.170.2", "169.254.169.254"]),
        "allowedEgressIgnoredPorts": (INTEGER_LIST, []),
    },
)


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()] if value is not None else []


def _check_proxy_egress(subject: Subject, settings: Settings) -> Iterable[str]:
    if proxy_container_name(subject.props) is None:
        return
    properties = proxy_properties(subject.props)
    allowed = [parse_network(text) for text in settings["allowedEgressIgnoredIps"]]
    for entry in _split(properties.get("EgressIgnoredIPs")):
        network = parse_network(entry)
        if network is None or not any(other and network.version == other.version and network.subnet_of(other) for other in allowed):
            yield subject.violation(
                f"proxy EgressIgnoredIPs includes {entry}: traffic to it skips Envoy and the mesh's egress filter",
                "ignore only 169.254.170.2 and 169.254.169.254 (task and instance metadata)",
            )
    allowed_ports = {str(port) for port in settings["allowedEgressIgnoredPorts"]}
    extra_ports = [port for port in _split(properties.get("EgressIgnoredPorts")) if port not in allowed_ports]
    if extra_ports:
        yield subject.violation(
            f"proxy EgressIgnoredPorts {', '.join(extra_ports)}: traffic to those ports skips Envoy and the mesh",
            "remove EgressIgnoredPorts",
        )


ENVOY_IMAGE = PolicySpec(
    "ecs-envoy-image-pinned",
    "The Envoy image is pinned to a version tag (no latest, no missing tag) at or above the supported minimum.",
    knobs={"minimumEnvoyVersion": ({"type": "string", "pattern": r"^\d+(\.\d+){1,3}$"}, "1.17.2.0")},
)


def _version(text: str) -> tuple[int, ...]:
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


def envoy_image_problem(image: Any, minimum: str) -> Optional[str]:
    if not isinstance(image, str):
        return "has no image"
    reference = image.split("@", 1)[0]
    last = reference.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"image {image!r} has no version tag" + (" (a digest alone says nothing about the version)" if "@" in image else "")
    tag = last.rsplit(":", 1)[1]
    match = _ENVOY_TAG.match(tag)
    if not match:
        return f"image tag {tag!r} is not a version (like v1.29.6.0-prod)"
    if _version(match.group(1)) < _version(minimum):
        return f"image version {match.group(1)} is older than the supported minimum {minimum}"
    return None


def _check_envoy_image(subject: Subject, settings: Settings) -> Iterable[str]:
    found, problem = _containers_or_problem(subject)
    if problem:
        yield problem
    proxy = proxy_container_name(subject.props)
    for container in found:
        if is_envoy(container, proxy):
            image_problem = envoy_image_problem(container.get("image"), settings["minimumEnvoyVersion"])
            if image_problem:
                yield subject.violation(
                    f"Envoy container {container.get('name')!r} {image_problem}",
                    f"use public.ecr.aws/appmesh/aws-appmesh-envoy:v<version>-prod, version >= {settings['minimumEnvoyVersion']}",
                )


READONLY_ROOT = PolicySpec(
    "ecs-readonly-root-filesystem",
    "Containers run with a read-only root filesystem.",
    level=EnforcementLevel.ADVISORY,
)


def _check_readonly(subject: Subject, settings: Settings) -> Iterable[str]:
    found, _ = _containers_or_problem(subject)
    for container in found:
        if not is_true(container.get("readonlyRootFilesystem")):
            yield subject.violation(
                f"container {container.get('name')!r} has a writable root filesystem", "set readonlyRootFilesystem: true"
            )


LOG_RETENTION = PolicySpec(
    "logs-retention-set", "CloudWatch log groups set a retention period.", level=EnforcementLevel.ADVISORY
)


def _check_retention(subject: Subject, settings: Settings) -> Iterable[str]:
    days = subject.props.get("retentionInDays")
    if not is_unknown(days) and not days:
        yield subject.violation("keeps logs forever (no retentionInDays)", "set retentionInDays, e.g. 30")


def policies() -> list:
    task = (TASK_DEFINITION,)
    return [
        resource_policy(NO_PUBLIC_IP, (ECS_SERVICE,), _check_public_ip),
        resource_policy(AWSVPC, task, _check_awsvpc),
        resource_policy(NO_PRIVILEGED, task, _check_privileged),
        resource_policy(PROXY_UID, task, _check_proxy_uid),
        resource_policy(PROXY_EGRESS, task, _check_proxy_egress),
        resource_policy(ENVOY_IMAGE, task, _check_envoy_image),
        resource_policy(READONLY_ROOT, task, _check_readonly),
        resource_policy(LOG_RETENTION, (LOG_GROUP,), _check_retention),
    ]
