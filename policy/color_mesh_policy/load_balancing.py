"""Load balancers: only the virtual gateway's NLB faces the internet."""

from __future__ import annotations

from typing import Iterable

from pulumi_policy import EnforcementLevel

from .reading import PolicySpec, Settings, Subject, is_true, is_unknown, resource_policy, stack_policy
from .stack_index import LOAD_BALANCERS, StackIndex

INTERNET_FACING_NLB = PolicySpec(
    "lb-internet-facing-is-network",
    "An internet-facing load balancer is a network load balancer (per-resource twin of lb-internet-facing-only-gateway).",
)


def _check_internet_facing_type(subject: Subject, settings: Settings) -> Iterable[str]:
    internal = subject.props.get("internal")
    kind = subject.props.get("loadBalancerType")
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
    "Internet-facing load balancers forward only to ECS services whose Envoy serves an App Mesh virtual gateway.",
)


def _check_only_gateway(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    for balancer in index.internet_facing_balancers():
        for listener in index.listeners_of(balancer):
            for target_group in index.listener_target_groups(listener):
                for attachment in index.target_group_attachments(target_group):
                    yield balancer.urn, balancer.violation(
                        f"is internet-facing and target group {target_group} also gets hand-registered target "
                        f"{attachment.props.get('targetId')} (TargetGroupAttachment '{attachment.name}')",
                        "let ECS register the virtual gateway's tasks; attach nothing else",
                    )
                services = index.services_behind_target_group(target_group)
                if not services:
                    yield balancer.urn, balancer.violation(
                        f"listener '{listener.name}' forwards to {target_group}, which no ECS service of this stack serves, "
                        "so what faces the internet cannot be checked",
                        "forward only to the virtual gateway's target group",
                    )
                for service in services:
                    served = index.service_mesh_resource(service)
                    if not served or served[1] != "virtualGateway":
                        what = f"virtual node {served[2]}" if served else "tasks without an App Mesh Envoy"
                        yield balancer.urn, balancer.violation(
                            f"is internet-facing and listener '{listener.name}' forwards to ECS service '{service.name}' ({what})",
                            "expose only the virtual gateway; make other load balancers internal",
                        )


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
        resource_policy(INTERNET_FACING_NLB, LOAD_BALANCERS, _check_internet_facing_type),
        stack_policy(ONLY_GATEWAY, _check_only_gateway),
        resource_policy(DELETION_PROTECTION, LOAD_BALANCERS, _check_deletion_protection),
    ]
