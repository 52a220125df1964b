"""Lookups across a stack's resources (outputs), shared by the stack policies.

Resources refer to each other by output values (ids, ARNs, names), so every lookup here matches
on those, never on Pulumi names.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Iterable, Optional

from .ecs_tasks import TASK_DEFINITION, served_mesh_resource
from .reading import Subject, is_true, is_unknown
from .security_group_rules import DEFAULT_SECURITY_GROUP, SECURITY_GROUP

VPC = "aws:ec2/vpc:Vpc"
ECS_SERVICE = "aws:ecs/service:Service"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
TARGET_GROUP_ATTACHMENTS = ("aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/targetGroupAttachment:TargetGroupAttachment")

_LISTENER_PROTOCOLS = {"TCP": ("tcp",), "TLS": ("tcp",), "HTTP": ("tcp",), "HTTPS": ("tcp",), "UDP": ("udp",), "TCP_UDP": ("tcp", "udp")}


def _forwarded_to(subject: Subject, actions_key: str) -> list[str]:
    arns = []
    actions = subject.props.items(actions_key)
    for index, _ in enumerate(actions if isinstance(actions, list) else []):
        arns.append(subject.props.get(actions_key, index, "targetGroupArn"))
        groups = subject.props.items(actions_key, index, "forward", "targetGroups")
        for group_index, _ in enumerate(groups if isinstance(groups, list) else []):
            arns.append(subject.props.get(actions_key, index, "forward", "targetGroups", group_index, "arn"))
    return [arn for arn in arns if isinstance(arn, str)]


def _strings(values: Any) -> list[str]:
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []


class StackIndex:
    def __init__(self, resources: list[Subject]) -> None:
        self.resources = resources

    def of_types(self, types: Iterable[str]) -> list[Subject]:
        wanted = set(types)
        return [resource for resource in self.resources if resource.type in wanted]

    # --- security groups ---------------------------------------------------------------------

    def group_ids(self) -> set[str]:
        ids = _strings([group.props.get("id") for group in self.of_types((SECURITY_GROUP, DEFAULT_SECURITY_GROUP))])
        return set(ids) | self.default_group_ids()

    def default_group_ids(self) -> set[str]:
        ids = [vpc.props.get("defaultSecurityGroupId") for vpc in self.of_types((VPC,))]
        ids += [group.props.get("id") for group in self.of_types((DEFAULT_SECURITY_GROUP,))]
        return set(_strings(ids))

    def service_groups(self, service: Subject) -> list[str]:
        groups = service.props.items("networkConfiguration", "securityGroups")
        return [] if is_unknown(groups) else _strings(groups)

    # --- load balancers ----------------------------------------------------------------------

    def is_internet_facing(self, balancer: Subject) -> bool:
        internal = balancer.props.get("internal")
        return not is_unknown(internal) and not is_true(internal)

    def internet_facing_balancers(self) -> list[Subject]:
        return [balancer for balancer in self.of_types(LOAD_BALANCERS) if self.is_internet_facing(balancer)]

    def listeners_of(self, balancer: Subject) -> list[Subject]:
        arn = balancer.props.get("arn")
        return [listener for listener in self.of_types(LISTENERS) if arn is not None and listener.props.get("loadBalancerArn") == arn]

    def public_listener_ports(self, group_id: Any) -> set[tuple[str, int]]:
        """(protocol, port) pairs internet-facing balancers using `group_id` listen on."""
        ports: set[tuple[str, int]] = set()
        for balancer in self.internet_facing_balancers():
            if group_id not in _strings(balancer.props.items("securityGroups")):
                continue
            for listener in self.listeners_of(balancer):
                port = listener.props.get("port")
                protocol = str(listener.props.get("protocol") or "TCP").upper()
                if isinstance(port, (int, float)):
                    ports |= {(kind, int(port)) for kind in _LISTENER_PROTOCOLS.get(protocol, ("tcp",))}
        return ports

    def listener_target_groups(self, listener: Subject) -> list[str]:
        """Target groups a listener forwards to: its default actions and its listener rules' actions."""
        arns = _forwarded_to(listener, "defaultActions")
        listener_arn = listener.props.get("arn")
        for rule in self.of_types(LISTENER_RULES):
            if isinstance(listener_arn, str) and rule.props.get("listenerArn") == listener_arn:
                arns += _forwarded_to(rule, "actions")
        return arns

    def target_group_attachments(self, target_group_arn: str) -> list[Subject]:
        return [
            attachment for attachment in self.of_types(TARGET_GROUP_ATTACHMENTS)
            if attachment.props.get("targetGroupArn") == target_group_arn
        ]

    def services_behind_target_group(self, target_group_arn: str) -> list[Subject]:
        found = []
        for service in self.of_types((ECS_SERVICE,)):
            balancers = service.props.items("loadBalancers")
            for index, _ in enumerate(balancers if isinstance(balancers, list) else []):
                if service.props.get("loadBalancers", index, "targetGroupArn") == target_group_arn:
                    found.append(service)
        return found

    # --- ECS tasks and what their Envoy serves ---------------------------------------------

    @cached_property
    def _task_definitions(self) -> dict[str, Subject]:
        by_reference: dict[str, Subject] = {}
        for task in self.of_types((TASK_DEFINITION,)):
            family, revision = task.props.get("family"), task.props.get("revision")
            references = [task.props.get("arn"), task.props.get("arnWithoutRevision"), family]
            if isinstance(family, str) and isinstance(revision, (int, float)):
                references.append(f"{family}:{int(revision)}")
            for reference in references:
                if isinstance(reference, str):
                    by_reference[reference] = task
        return by_reference

    def task_definition_of(self, service: Subject) -> Optional[Subject]:
        reference = service.props.get("taskDefinition")
        return self._task_definitions.get(reference) if isinstance(reference, str) else None

    def service_mesh_resource(self, service: Subject) -> Optional[tuple[str, str, str]]:
        task = self.task_definition_of(service)
        return served_mesh_resource(task.props) if task else None
