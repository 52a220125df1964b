"""ECS services and task definitions: private tasks, awsvpc, no privileged containers, an intact
Envoy proxy (nothing runs as its UID, no egress side doors) on a pinned, supported image."""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from pulumi_policy import EnforcementLevel

from .ecs_tasks import (
    TASK_DEFINITION,
    containers,
    envoy_containers,
    envoy_identity,
    is_envoy,
    is_mesh_task,
    port_mappings,
    proxy_container_name,
    served_mesh_resource,
    proxy_properties,
    user_ids,
)
from .reading import STRING_LIST, INTEGER_LIST, PolicySpec, Settings, Subject, as_int, is_true, is_unknown, resource_policy, stack_policy
from .egress_destinations import bypass_problem
from .security_group_rules import parse_network
from .stack_index import StackIndex

ECS_SERVICE = "aws:ecs/service:Service"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
VIRTUAL_NODE = "aws:appmesh/virtualNode:VirtualNode"
# AWS publishes Envoy as v<four-part version>-prod, and a FIPS build as v<version>-prod-fips.
_ENVOY_TAG = re.compile(r"^v(\d+\.\d+\.\d+\.\d+)-prod(?:-fips)?$")
# Where AWS vends its Envoy image (aws-app-mesh-roadmap release notes): public ECR; account 840364872350
# in every region without its own account; these opt-in and China regions, each with its own account.
PUBLIC_ENVOY_REPOSITORY = "public.ecr.aws/appmesh/aws-appmesh-envoy"
REGIONAL_ENVOY_ACCOUNT = "840364872350"
REGIONAL_ENVOY_ACCOUNTS = {
    "me-south-1": "772975370895", "ap-east-1": "856666278305", "eu-south-1": "422531588944", "af-south-1": "924023996002",
    "ap-southeast-3": "909464085924", "il-central-1": "564877687649", "eu-south-2": "992897592190",
    "eu-central-2": "704106688930", "cn-north-1": "919366029133", "cn-northwest-1": "919830735681",
}
_REGIONAL_REPOSITORY = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z]{2}-[a-z]+-\d)\.amazonaws\.com(\.cn)?/aws-appmesh-envoy$")


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
        if is_true(container.get("privileged")):  # keys are folded: "Privileged" counts too
            yield subject.violation(f"container {container.get('name')!r} runs privileged", "remove privileged: true")


PROXY_UID = PolicySpec(
    "ecs-proxy-uid-reserved",
    "In a task with an App Mesh proxy, only the proxy container runs as the proxy's IgnoredUID/IgnoredGID (its traffic "
    "skips Envoy); a container without `user` runs as its image's default, root, so an ignored 0 is refused for it.",
)


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
        uid, gid = user_ids(container.get("user"))
        if ignored_uid and uid == ignored_uid or ignored_gid and gid == ignored_gid:
            runs_as = f"user {container.get('user')!r}" if container.get("user") is not None else "its image's default user (root)"
            yield subject.violation(
                f"container {container.get('name')!r} runs as {runs_as}, the proxy's ignored "
                f"{'UID' if uid == ignored_uid else 'GID'}, so its traffic bypasses Envoy and the mesh",
                "run application containers as another, explicit user; only the Envoy container uses the IgnoredUID (1337)",
            )


MESH_PROXY = PolicySpec(
    "ecs-mesh-proxy-configured",
    "A task whose Envoy serves a virtual node routes its traffic through Envoy: an APPMESH proxy configuration naming "
    "the Envoy container, an IgnoredUID/IgnoredGID, both proxy ports, and AppPorts covering every port the task's "
    "other containers map.",
)


def _check_mesh_proxy(subject: Subject, settings: Settings) -> Iterable[str]:
    found = containers(subject.props)
    if not isinstance(found, list):
        return  # unreadable definitions are reported by ecs-no-privileged-containers
    proxy = proxy_container_name(subject.props)
    envoys = [container for container in found if is_envoy(container, proxy)]
    others = [container for container in found if not is_envoy(container, proxy)]
    served = {envoy_identity(envoy).resource for envoy in envoys}
    gateway_only = bool(served) and all(resource and resource[1] == "virtualGateway" for resource in served)
    anonymous_alone = not others and served <= {None}  # ecs-envoy-identity-visible reports it
    if gateway_only:
        yield from _gateway_side_ports(subject, others)
    if not envoys or gateway_only or anonymous_alone:
        return  # a virtual gateway's Envoy is the task's entry point and runs without a proxy configuration
    fix = ('set proxyConfiguration {type: "APPMESH", containerName: <the Envoy container>, properties: IgnoredUID 1337, '
           "ProxyIngressPort 15000, ProxyEgressPort 15001, AppPorts <the listener ports>, EgressIgnoredIPs <metadata>}")
    if subject.props.get("proxyConfiguration") is None:
        yield subject.violation("runs Envoy for a virtual node but has no proxyConfiguration, so the application's traffic never passes Envoy", fix)
        return
    kind = subject.props.get("proxyConfiguration", "type")
    if not is_unknown(kind) and kind not in (None, "APPMESH"):
        yield subject.violation(f"proxyConfiguration type is {kind!r}, not APPMESH", fix)
    names = [container.get("name") for container in found if is_envoy(container, None)]  # Envoy by its own name, image or identity
    if isinstance(proxy, str) and proxy not in names:
        yield subject.violation(f"proxyConfiguration names container {proxy!r}, which is not the task's Envoy", fix)
    properties = proxy_properties(subject.props)
    missing = [key for key in ("ProxyIngressPort", "ProxyEgressPort") if properties.get(key) in (None, "")]
    if properties.get("IgnoredUID") in (None, "") and properties.get("IgnoredGID") in (None, ""):
        missing.append("IgnoredUID")
    if missing:
        yield subject.violation(f"proxyConfiguration has no {', '.join(missing)}", fix)
    yield from _app_ports_problems(subject, properties.get("AppPorts"), others, fix)


def _gateway_side_ports(subject: Subject, others: list[dict]) -> Iterable[str]:
    """Without a proxy, nothing in a gateway task passes Envoy but Envoy itself: no other container is an entry point."""
    for container in others:
        if port_mappings(container):
            yield subject.violation(
                f"runs a virtual gateway, and its container {container.get('name')!r} maps port(s) "
                f"{', '.join(map(str, port_mappings(container)))}, an entry point beside the gateway's Envoy",
                "map ports only on the gateway's Envoy container (its listener ports)")


def _app_ports_problems(subject: Subject, raw: Any, others: list[dict], fix: str) -> Iterable[str]:
    if is_unknown(raw):
        return
    entries = _split(raw)
    ports = {as_int(entry) for entry in entries}
    if not entries or None in ports:
        yield subject.violation(f"proxyConfiguration AppPorts is {raw!r}, not a list of ports", fix)
        return
    for container in others:
        skipped = sorted(set(port_mappings(container)) - ports)
        if skipped:
            yield subject.violation(
                f"container {container.get('name')!r} maps port(s) {', '.join(map(str, skipped))}, which AppPorts "
                f"({raw}) leaves out, so traffic to them skips Envoy",
                "list every application port in AppPorts",
            )


APP_PORTS_COVER_LISTENERS = PolicySpec(
    "ecs-app-ports-cover-listeners",
    "Stack twin of ecs-mesh-proxy-configured: a virtual node task's AppPorts include every listener port of the "
    "virtual node its Envoy serves, so no caller reaches the application beside Envoy.",
)


def _check_app_ports_cover_listeners(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    listeners: dict[tuple, set[int]] = {}
    for node in (resource for resource in resources if resource.type == VIRTUAL_NODE):
        entries = node.props.items("spec", "listeners")
        ports = [node.props.get("spec", "listeners", i, "portMapping", "port") for i, _ in enumerate(entries if isinstance(entries, list) else [])]
        key = (node.props.get("meshName"), node.props.get("name"))
        if all(isinstance(part, str) for part in key):
            listeners[key] = {int(port) for port in ports if isinstance(port, (int, float))}
    for task in (resource for resource in resources if resource.type == TASK_DEFINITION):
        served = served_mesh_resource(task.props)
        raw = proxy_properties(task.props).get("AppPorts")
        if not served or served[1] != "virtualNode" or proxy_container_name(task.props) is None or is_unknown(raw):
            continue
        missing = sorted(listeners.get((served[0], served[2]), set()) - {as_int(port) for port in _split(raw)})
        if missing:
            yield task.urn, task.violation(
                f"serves virtual node {served[2]}, whose listener port(s) {', '.join(map(str, missing))} AppPorts ({raw}) leaves out, "
                "so callers reach the application on them without passing Envoy",
                "list every listener port of the virtual node in AppPorts")


CAPABILITIES = PolicySpec(
    "ecs-no-dangerous-capabilities",
    "No container of a mesh task adds a Linux capability that can rewrite or sidestep the proxy's traffic "
    "redirection or take over other processes.",
    knobs={"forbiddenCapabilities": (STRING_LIST, ["ALL", "NET_ADMIN", "NET_RAW", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE"])},
)


def _check_capabilities(subject: Subject, settings: Settings) -> Iterable[str]:
    if not is_mesh_task(subject.props):
        return
    forbidden = {str(name).upper() for name in settings["forbiddenCapabilities"]}
    found, _ = _containers_or_problem(subject)
    for container in found:
        added = (container.get("linuxparameters") or {}).get("capabilities") if isinstance(container.get("linuxparameters"), dict) else None
        names = (added or {}).get("add") if isinstance(added, dict) else None
        for name in names if isinstance(names, list) else []:
            canonical = str(name).strip().upper().removeprefix("CAP_")
            if canonical in forbidden:
                yield subject.violation(
                    f"container {container.get('name')!r} adds capability {name}, with which it can undo the proxy's "
                    "iptables redirection or reach into Envoy",
                    "remove linuxParameters.capabilities.add entries; mesh tasks need none of them",
                )


ENVOY_IDENTITY = PolicySpec(
    "ecs-envoy-identity-visible",
    "Every Envoy container names the one mesh resource it serves in plain `environment` (APPMESH_RESOURCE_ARN), "
    "not from a secret or environment file, and not several.",
)


def _check_envoy_identity(subject: Subject, settings: Settings) -> Iterable[str]:
    for envoy in envoy_containers(subject.props):
        identity = envoy_identity(envoy)
        if identity.problem:
            yield subject.violation(
                f"Envoy container {identity.container!r} {identity.problem}, so the pack cannot tell which workload the task is",
                "set APPMESH_RESOURCE_ARN once, in the container's environment, to the virtual node or gateway ARN",
            )


PROXY_EGRESS = PolicySpec(
    "ecs-proxy-egress-ignored",
    "The proxy configuration ignores egress only to the task and instance metadata addresses, and to networks no wider "
    "than /8 that the security groups of every ECS service running the task let out on one tcp port (a color's egress "
    "cidr); it ignores no egress ports.",
    knobs={
        "allowedEgressIgnoredIps": (STRING_LIST, ["169.254.170.2", "169.254.169.254"]),
        "allowedEgressIgnoredPorts": (INTEGER_LIST, []),
    },
)


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()] if value is not None else []


def _check_proxy_egress(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    for subject in index.of_types((TASK_DEFINITION,)):
        for problem in _proxy_egress_problems(index, subject, settings):
            yield subject.urn, problem


def _proxy_egress_problems(index: StackIndex, subject: Subject, settings: Settings) -> Iterable[str]:
    if proxy_container_name(subject.props) is None:
        return
    properties = proxy_properties(subject.props)
    allowed = [parse_network(text) for text in settings["allowedEgressIgnoredIps"]]
    for entry in _split(properties.get("EgressIgnoredIPs")):
        network = parse_network(entry)
        if network is not None and any(other and network.version == other.version and network.subnet_of(other) for other in allowed):
            continue
        problem = "is not a network" if network is None else bypass_problem(index, subject, network)
        if problem:
            yield subject.violation(
                f"proxy EgressIgnoredIPs includes {entry}, which {problem}: traffic to it skips Envoy and the mesh's egress filter",
                "ignore only 169.254.170.2 and 169.254.169.254 (task and instance metadata), and networks the task's own "
                "security groups let out on one port",
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
    "Envoy runs AWS's image (public ECR or AWS's regional repositories) pinned to a published tag, v<version>-prod "
    "or -prod-fips, at or above the supported minimum.",
    knobs={
        "minimumEnvoyVersion": ({"type": "string", "pattern": r"^\d+(\.\d+){1,3}$"}, "1.17.2.0"),
        "allowedEnvoyRepositories": (STRING_LIST, []),
    },
)


def _version(text: str) -> tuple[int, ...]:
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


def is_aws_envoy_repository(repository: str, extra: Iterable[str] = ()) -> bool:
    if repository == PUBLIC_ENVOY_REPOSITORY or repository in set(extra):
        return True
    match = _REGIONAL_REPOSITORY.match(repository)
    if not match:
        return False
    account, region, china = match.groups()
    if region.startswith("cn-") != bool(china):
        return False
    return account == REGIONAL_ENVOY_ACCOUNTS.get(region, REGIONAL_ENVOY_ACCOUNT)


def envoy_image_problem(image: Any, minimum: str, extra_repositories: Iterable[str] = ()) -> Optional[str]:
    if not isinstance(image, str):
        return "has no image"
    reference = image.split("@", 1)[0]
    repository, _, tag = reference.rpartition(":") if ":" in reference.rsplit("/", 1)[-1] else (reference, "", "")
    if not is_aws_envoy_repository(repository.lower(), extra_repositories):
        return f"image {image!r} does not come from AWS's Envoy repositories"
    if not tag:
        return f"image {image!r} has no version tag" + (" (a digest alone says nothing about the version)" if "@" in image else "")
    match = _ENVOY_TAG.match(tag)
    if not match:
        return f"image tag {tag!r} is not one AWS publishes (v<version>-prod or v<version>-prod-fips)"
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
            image = container.get("image")
            if is_unknown(image):
                subject.props.note_unknown("containerDefinitions image")
                continue
            image_problem = envoy_image_problem(image, settings["minimumEnvoyVersion"], settings["allowedEnvoyRepositories"])
            if image_problem:
                yield subject.violation(
                    f"Envoy container {container.get('name')!r} {image_problem}",
                    f"use {PUBLIC_ENVOY_REPOSITORY}:v<version>-prod (or AWS's regional repository), version >= {settings['minimumEnvoyVersion']}",
                )


READONLY_ROOT = PolicySpec(
    "ecs-readonly-root-filesystem",
    "Containers run with a read-only root filesystem.",
    level=EnforcementLevel.ADVISORY,
)


def _check_readonly(subject: Subject, settings: Settings) -> Iterable[str]:
    found, _ = _containers_or_problem(subject)
    for container in found:
        if not is_true(container.get("readonlyrootfilesystem")):
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
        stack_policy(PROXY_EGRESS, _check_proxy_egress),
        resource_policy(MESH_PROXY, task, _check_mesh_proxy),
        stack_policy(APP_PORTS_COVER_LISTENERS, _check_app_ports_cover_listeners),
        resource_policy(CAPABILITIES, task, _check_capabilities),
        resource_policy(ENVOY_IDENTITY, task, _check_envoy_identity),
        resource_policy(ENVOY_IMAGE, task, _check_envoy_image),
        resource_policy(READONLY_ROOT, task, _check_readonly),
        resource_policy(LOG_RETENTION, (LOG_GROUP,), _check_retention),
    ]
