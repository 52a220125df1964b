"""Load balancers: only the virtual gateway's NLB faces the internet."""

from __future__ import annotations

from typing import Iterable

from pulumi_policy import EnforcementLevel

from .reading import PolicySpec, Settings, Subject, is_true, is_unknown, resource_policy, stack_policy
from .ecs_tasks import envoy_containers
from .stack_index import CLASSIC_ELB, LOAD_BALANCERS, StackIndex

VIRTUAL_GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway"

INTERNET_FACING_NLB = PolicySpec(
    "lb-internet-facing-is-network",
    "An internet-facing load balancer (ALB, NLB or classic ELB) is a network load balancer "
    "(per-resource twin of lb-internet-facing-only-gateway).",
)


def _check_internet_facing_type(subject: Subject, settings: Settings) -> Iterable[str]:
    internal = subject.props.get("internal")
    kind = "classic" if subject.type == CLASSIC_ELB else subject.props.get("loadBalancerType")
    if is_unknown(internal) or is_unknown(kind) or is_true(internal):
        return
    if kind != "network":
        yield subject.violation(
            f"is internet-facing (internal is not true) and of type {kind or 'application (the default)'}; "
            "only the virtual gateway's network load balancer may face the internet",
            "set internal = true, or make it the gateway's NLB (loadBalancerType network)",
        )


ONLY_GATEWAY = PolicySpec(
    "lb-internet-facing-only-gateway",
    "Internet-facing entry points (ALB, NLB, classic ELB, and anything an API Gateway VPC link reaches) forward only "
    "to ECS services whose Envoy serves an App Mesh virtual gateway.",
)


def _check_only_gateway(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    for front in index.internet_facing_fronts():
        entry = front.subject
        for reach in front.reaches:
            if reach.service is None:
                yield entry.urn, entry.violation(
                    f"is internet-facing and sends traffic through {reach.via}, so what faces the internet cannot be checked",
                    "forward only to the virtual gateway's target group, registered by ECS; attach nothing else",
                )
                continue
            if index.identity_unknown(reach.service):
                continue  # judged once known
            served = index.service_mesh_resource(reach.service)
            if not served or served[1] != "virtualGateway":
                what = f"virtual node {served[2]}" if served else "tasks without an identified App Mesh Envoy"
                yield entry.urn, entry.violation(
                    f"is internet-facing and {reach.via} reaches ECS service '{reach.service.name}' ({what})",
                    "expose only the virtual gateway; make other load balancers internal",
                )


GATEWAY_LISTENER = PolicySpec(
    "lb-reaches-gateway-envoy-listener",
    "A load balancer or VPC link reaching a virtual gateway's tasks sends traffic to the gateway's Envoy container on "
    "one of the virtual gateway's listener ports.",
)


def _gateway_listener_ports(index: StackIndex) -> dict[tuple, set[int]]:
    ports: dict[tuple, set[int]] = {}
    for gateway in index.of_types((VIRTUAL_GATEWAY,)):
        key = (gateway.props.get("meshName"), gateway.props.get("name"))
        if not all(isinstance(part, str) for part in key):
            continue
        listeners = gateway.props.items("spec", "listeners")
        for i, _ in enumerate(listeners if isinstance(listeners, list) else []):
            port = gateway.props.get("spec", "listeners", i, "portMapping", "port")
            if isinstance(port, (int, float)):
                ports.setdefault(key, set()).add(int(port))
    return ports


def _check_gateway_listener(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    listener_ports = _gateway_listener_ports(index)
    for front in index.fronts:
        for reach in front.reaches:
            served = index.service_mesh_resource(reach.service) if reach.service else None
            if not served or served[1] != "virtualGateway":
                continue
            task = index.task_definition_of(reach.service)
            envoys = [envoy.get("name") for envoy in envoy_containers(task.props)] if task else []
            ports = listener_ports.get((served[0], served[2]))
            where = f"{reach.via} reaches ECS service '{reach.service.name}' (virtual gateway {served[2]})"
            if reach.container is not None and reach.container not in envoys:
                yield front.subject.urn, front.subject.violation(
                    f"{where} on container {reach.container!r}, not its Envoy", "register the gateway's Envoy container")
            if ports is None:
                yield front.subject.urn, front.subject.violation(
                    f"{where}, whose VirtualGateway this stack does not define, so its listener ports are unknown",
                    "define the virtual gateway in this stack")
            elif reach.port is not None and reach.port not in ports:
                yield front.subject.urn, front.subject.violation(
                    f"{where} on port {reach.port}, which is not a listener port of the gateway ({', '.join(map(str, sorted(ports)))})",
                    "register the Envoy container on the virtual gateway's listener port")


DELETION_PROTECTION = PolicySpec(
    "lb-deletion-protection",
    "Load balancers enable deletion protection (the NLB's DNS name is what clients know).",
    level=EnforcementLevel.ADVISORY,
)


def _check_deletion_protection(subject: Subject, settings: Settings) -> Iterable[str]:
    if not is_true(subject.props.get("enableDeletionProtection")):
        yield subject.violation("can be deleted by any update that replaces it", "set enableDeletionProtection = true")


def policies() -> list:
    return [
        resource_policy(INTERNET_FACING_NLB, (*LOAD_BALANCERS, CLASSIC_ELB), _check_internet_facing_type),
        stack_policy(ONLY_GATEWAY, _check_only_gateway),
        stack_policy(GATEWAY_LISTENER, _check_gateway_listener),
        resource_policy(DELETION_PROTECTION, LOAD_BALANCERS, _check_deletion_protection),  # classic ELBs have none
    ]
