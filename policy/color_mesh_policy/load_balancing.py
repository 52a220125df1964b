"""Load balancers: only the gateway faces the internet — on App Mesh the virtual gateway's NLB, on Service
Connect an ALB forwarding to Service Connect workloads on the ports they serve."""

from __future__ import annotations

from typing import Iterable

from pulumi_policy import EnforcementLevel

from .mesh_edges import workload_label
from .reading import PolicySpec, Settings, Subject, is_true, is_unknown, resource_policy, stack_policy
from .ecs_tasks import envoy_containers
from .service_connect import SERVICE_CONNECT_KIND, serving_containers
from .stack_index import CLASSIC_ELB, LOAD_BALANCERS, StackIndex

VIRTUAL_GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway"

INTERNET_FACING_NLB = PolicySpec(
    "lb-internet-facing-is-network",
    "An internet-facing load balancer (ALB, NLB or classic ELB) is a network load balancer, or an application load "
    "balancer with its own security groups (a Service Connect gateway); which of the two a stack may expose is "
    "lb-internet-facing-only-gateway's call (per-resource twin).",
)


def _type_of(subject: Subject) -> object:
    kind = "classic" if subject.type == CLASSIC_ELB else subject.props.get("loadBalancerType")
    return kind if is_unknown(kind) else (kind or "application")


def twin_problem(subject: Subject) -> str | None:
    """Why the per-resource twin refuses an internet-facing load balancer; None if it passes (or is unknown)."""
    internal = subject.props.get("internal")
    kind = _type_of(subject)
    if is_unknown(internal) or is_unknown(kind) or is_true(internal) or kind == "network":
        return None
    groups = subject.props.items("securityGroups")
    if kind == "application" and (is_unknown(groups) or groups):
        return None
    own = " without security groups (it joins the VPC's default group)" if kind == "application" else ""
    return f"is internet-facing (internal is not true) and of type {kind}{own}"


def _check_internet_facing_type(subject: Subject, settings: Settings) -> Iterable[str]:
    problem = twin_problem(subject)
    if problem:
        yield subject.violation(
            f"{problem}; only the gateway's load balancer may face the internet: the virtual gateway's network load "
            "balancer, or on Service Connect an application load balancer with its own security group",
            "set internal = true, or make it the gateway's NLB (loadBalancerType network) or ALB with securityGroups",
        )


ONLY_GATEWAY = PolicySpec(
    "lb-internet-facing-only-gateway",
    "Internet-facing entry points (ALB, NLB, classic ELB, and anything an API Gateway VPC link reaches) forward only "
    "to the gateway: on App Mesh, ECS services whose Envoy serves a virtual gateway, behind a network load balancer; "
    "on a Service Connect stack, Service Connect workloads behind an application load balancer.",
)


def _front_type_problem(index: StackIndex, entry: Subject) -> str | None:
    """The load balancer type the stack's kind allows at the internet: an ALB only on a Service Connect stack."""
    kind = _type_of(entry) if entry.type in LOAD_BALANCERS else None
    if kind is None or is_unknown(kind) or twin_problem(entry):
        return None  # not a load balancer, unknown, or already refused per resource
    service_connect = index.is_service_connect_stack()
    if service_connect and kind != "application":
        return f"is an internet-facing {kind} load balancer on a Service Connect stack, whose gateway is an application load balancer"
    if not service_connect and kind != "network":
        return (f"is an internet-facing {kind} load balancer on a stack that is not Service Connect alone "
                f"({', '.join(sorted(index.kinds)) or 'no mesh'}), where only the virtual gateway's network load balancer faces the internet")
    return None


def _check_only_gateway(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    for front in index.internet_facing_fronts():
        entry = front.subject
        problem = _front_type_problem(index, entry)
        if problem:
            yield entry.urn, entry.violation(problem, "expose the gateway only: the virtual gateway's NLB on App Mesh, the ALB on Service Connect")
        for reach in front.reaches:
            if reach.service is None:
                yield entry.urn, entry.violation(
                    f"is internet-facing and sends traffic through {reach.via}, so what faces the internet cannot be checked",
                    "forward only to the virtual gateway's target group, registered by ECS; attach nothing else",
                )
                continue
            if index.identity_unknown(reach.service):
                continue  # judged once known
            served = index.service_workload(reach.service)
            sc_gateway = served and served[1] == SERVICE_CONNECT_KIND and index.is_service_connect_stack() \
                and entry.type in LOAD_BALANCERS and _type_of(entry) == "application"
            if not sc_gateway and (not served or served[1] != "virtualGateway"):
                what = workload_label(served) if served else "neither an App Mesh gateway's Envoy nor a Service Connect workload"
                where = ", which only the Service Connect stack's application load balancer may reach" if served and served[1] == SERVICE_CONNECT_KIND else ""
                yield entry.urn, entry.violation(
                    f"is internet-facing and {reach.via} reaches ECS service '{reach.service.name}' ({what}){where}",
                    "expose only the gateway (App Mesh: the virtual gateway; Service Connect: workloads behind the ALB); make other load balancers internal",
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


SERVED_PORT = PolicySpec(
    "lb-reaches-served-port",
    "A load balancer or VPC link reaching a Service Connect workload's tasks registers the container that maps the port, "
    "on a port the workload publishes through Service Connect.",
)


def _check_served_port(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    for front in index.fronts:
        for reach in front.reaches:
            served = index.service_workload(reach.service) if reach.service else None
            if not served or served[1] != SERVICE_CONNECT_KIND:
                continue
            ports = index.served_ports(reach.service)
            task = index.task_definition_of(reach.service)
            where = f"{reach.via} reaches ECS service '{reach.service.name}' ({workload_label(served)})"
            if reach.port is None or reach.port not in ports:
                offered = ", ".join(map(str, sorted(ports))) or "none"
                yield front.subject.urn, front.subject.violation(
                    f"{where} on port {reach.port if reach.port is not None else '(unnamed)'}, which it does not publish through Service Connect (it serves {offered})",
                    "register the application container on the port of a named port mapping the service publishes")
            elif reach.container is not None and task and reach.container not in serving_containers(task.props, reach.port):
                yield front.subject.urn, front.subject.violation(
                    f"{where} on container {reach.container!r}, which does not map port {reach.port}",
                    "register the container whose port mapping the service publishes")


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
        stack_policy(SERVED_PORT, _check_served_port),
        resource_policy(DELETION_PROTECTION, LOAD_BALANCERS, _check_deletion_protection),  # classic ELBs have none
    ]
