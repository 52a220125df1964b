"""Lookups across a stack's resources (outputs), shared by the stack policies.

Resources refer to each other by output values (ids, ARNs, names), so every lookup here matches
on those, never on Pulumi names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Optional

from .ecs_tasks import TASK_DEFINITION, containers, identity_pending, port_mappings, served_mesh_resource
from . import service_connect
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


def strings_in(values: Any) -> list[str]:
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []


class StackIndex:
    def __init__(self, resources: list[Subject]) -> None:
        self.resources = resources

    def of_types(self, types: Iterable[str]) -> list[Subject]:
        wanted = set(types)
        return [resource for resource in self.resources if resource.type in wanted]

    # --- security groups ---------------------------------------------------------------------

    def group_ids(self) -> set[str]:
        ids = strings_in([group.props.get("id") for group in self.of_types((SECURITY_GROUP, DEFAULT_SECURITY_GROUP))])
        return set(ids) | self.default_group_ids()

    def default_group_ids(self) -> set[str]:
        ids = [vpc.props.get("defaultSecurityGroupId") for vpc in self.of_types((VPC,))]
        ids += [group.props.get("id") for group in self.of_types((DEFAULT_SECURITY_GROUP,))]
        return set(strings_in(ids))

    def service_groups(self, service: Subject) -> list[str]:
        groups = service.props.items("networkConfiguration", "securityGroups")
        return [] if is_unknown(groups) else strings_in(groups)

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
        """(protocol, port) pairs the internet may reach `group_id` on: the listener ports of internet-facing
        fronts using the group, and the target port of ECS services in the group behind an internet-facing
        front without security groups (an NLB passes the clients' addresses through to its targets)."""
        ports: set[tuple[str, int]] = set()
        for front in self.internet_facing_fronts():
            if group_id in front.groups:
                ports |= front.listener_ports
            elif not front.groups:
                ports |= {("tcp", reach.port) for reach in front.reaches
                          if reach.service and reach.port and group_id in self.service_groups(reach.service)}
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

    def service_load_balancer_ports(self, service: Subject) -> list[int]:
        balancers = service.props.items("loadBalancers")
        ports = [service.props.get("loadBalancers", index, "containerPort") for index, _ in enumerate(balancers if isinstance(balancers, list) else [])]
        return [int(port) for port in ports if isinstance(port, (int, float))]

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

    def service_workload(self, service: Subject) -> Optional[tuple[str, str, str]]:
        """The workload a service (or task set) runs: the App Mesh node or gateway its Envoy serves, or itself as a
        Service Connect workload; None when it is neither (or both)."""
        served = self.service_mesh_resource(service)
        if served:
            return served
        if service.type != ECS_SERVICE or service_connect.enabled(service) is not True:
            return None
        task = self.task_definition_of(service)
        if service_connect.why_not_workload(service, task.props if task else None):
            return None
        return service_connect.workload_name(service)

    def served_ports(self, service: Subject) -> set[int]:
        """The ports a Service Connect workload serves (empty for anything else)."""
        task = self.task_definition_of(service)
        return service_connect.served_ports(service, task.props) if task and self.service_workload(service) else set()

    @cached_property
    def kinds(self) -> set[str]:
        """Which meshes the stack runs, from evidence: App Mesh resources or Envoy tasks; Service Connect services
        or cluster defaults."""
        found = set()
        if any(resource.type.startswith(service_connect.APP_MESH_PREFIX) for resource in self.resources) or any(
                service_connect.runs_app_mesh_proxy(task.props) for task in self.of_types((TASK_DEFINITION,))):
            found.add(service_connect.APP_MESH)
        if any(service_connect.enabled(service) is True for service in self.of_types((ECS_SERVICE,))) or any(
                service_connect.is_cluster_with_defaults(cluster) for cluster in self.of_types((service_connect.CLUSTER,))):
            found.add(service_connect.SERVICE_CONNECT)
        return found

    def is_service_connect_stack(self) -> bool:
        return self.kinds == {service_connect.SERVICE_CONNECT}

    def identity_unknown(self, service: Subject) -> bool:
        """True when what the service runs is not known yet (preview): its task definition reference, the
        task's container definitions or an Envoy's identity value is unknown. Noted, never judged."""
        reference = service.props.get("taskDefinition")
        if is_unknown(reference) or is_unknown(service_connect.enabled(service)):
            return True
        task = self.task_definition_of(service)
        return task is not None and identity_pending(task.props)

    def reach_ports(self, reach: "Reach") -> set[int]:
        """The ports a front sends to: the registered container port, else (a Cloud Map integration names
        none) every port the service's task maps."""
        if reach.port is not None:
            return {reach.port}
        task = self.task_definition_of(reach.service) if reach.service else None
        found = containers(task.props) if task else None
        return {port for container in found for port in port_mappings(container)} if isinstance(found, list) else set()

    @cached_property
    def fronts(self) -> list["Front"]:
        return _Fronts(self).build()

    def internet_facing_fronts(self) -> list["Front"]:
        return [front for front in self.fronts if front.internet_facing]


# --- entry points in front of ECS services -------------------------------------------------------

CLASSIC_ELB = "aws:elb/loadBalancer:LoadBalancer"
CLASSIC_ELB_ATTACHMENT = "aws:elb/attachment:Attachment"
REST_VPC_LINK = "aws:apigateway/vpcLink:VpcLink"
HTTP_VPC_LINK = "aws:apigatewayv2/vpcLink:VpcLink"
HTTP_INTEGRATION = "aws:apigatewayv2/integration:Integration"
DEPLOYMENT_GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup"
ENDPOINT_SERVICE = "aws:ec2/vpcEndpointService:VpcEndpointService"
TASK_SET = "aws:ecs/taskSet:TaskSet"


@dataclass(frozen=True)
class Reach:
    """Where a front sends traffic: an ECS service's container and port, or a target the pack cannot tie to one."""

    service: Optional[Subject]
    port: Optional[int]
    container: Optional[str]
    via: str  # for messages: "listener 'l' → target group <arn>"


@dataclass
class Front:
    """A load balancer or API Gateway VPC link: its security groups ([] for none) and what it reaches."""

    subject: Subject
    groups: list[str]
    internet_facing: bool
    reaches: list[Reach]
    listener_ports: set[tuple[str, int]]


def _listener_ports(listener: Subject) -> set[tuple[str, int]]:
    port = listener.props.get("port")
    protocol = str(listener.props.get("protocol") or "TCP").upper()
    if not isinstance(port, (int, float)):
        return set()
    return {(kind, int(port)) for kind in _LISTENER_PROTOCOLS.get(protocol, ("tcp",))}


def _is_service(service: Subject, name: str, cluster: str) -> bool:
    """An ECS service by name and cluster (the service's `cluster` is an ARN or a name)."""
    own = service.props.get("cluster")
    return service.props.get("name") == name and isinstance(own, str) and own.rsplit("/", 1)[-1] == cluster


class _Fronts:
    """Builds every front of a stack; kept apart from StackIndex's simple lookups."""

    def __init__(self, index: "StackIndex") -> None:
        self.index = index

    def target_group_names(self) -> dict[str, str]:
        return {tg.props.get("name"): tg.props.get("arn") for tg in self.index.of_types(TARGET_GROUPS)
                if isinstance(tg.props.get("name"), str) and isinstance(tg.props.get("arn"), str)}

    def blue_green_partners(self) -> dict[str, set[tuple[str, Any, Any]]]:
        """Target group ARN -> (other target group, ECS service name, cluster name) for each CodeDeploy deployment
        group that swaps the two for that service (blue/green): the other group reaches that service too."""
        names = self.target_group_names()
        partners: dict[str, set[tuple[str, Any, Any]]] = {}
        for group in self.index.of_types((DEPLOYMENT_GROUP,)):
            service = (group.props.get("ecsService", "serviceName"), group.props.get("ecsService", "clusterName"))
            if not all(isinstance(part, str) for part in service):
                continue
            pairs = group.props.items("loadBalancerInfo", "targetGroupPairInfo")  # one object in pulumi-aws 7, a list in the API
            for pair in pairs if isinstance(pairs, list) else []:
                members = group.props.at(pair, "targetGroups")
                arns = {names.get(name) for name in strings_in([group.props.at(member, "name") for member in (members if isinstance(members, list) else [])])} - {None}
                for arn in arns:
                    partners.setdefault(arn, set()).update((other, *service) for other in arns - {arn})
        return partners

    def service_reaches(self, target_group: str, via: str, partners: dict) -> list[Reach]:
        reaches = []
        candidates = [(target_group, None)] + [(other, service) for other, *service in partners.get(target_group, ())]
        for arn, only in candidates:
            for service in self.index.of_types((ECS_SERVICE,)):
                if only is not None and not _is_service(service, *only):
                    continue
                balancers = service.props.items("loadBalancers")
                for i, _ in enumerate(balancers if isinstance(balancers, list) else []):
                    if service.props.get("loadBalancers", i, "targetGroupArn") == arn:
                        reaches.append(self._reach(service, i, via))
        if not reaches:
            reaches.append(Reach(None, None, None, f"{via}, which no ECS service of this stack serves"))
        for attachment in self.index.target_group_attachments(target_group):
            reaches.append(Reach(None, None, None, f"{via}, where target {attachment.props.get('targetId')} is hand-registered "
                                                   f"(TargetGroupAttachment '{attachment.name}')"))
        return reaches

    @staticmethod
    def _reach(service: Subject, entry: int, via: str) -> Reach:
        port = service.props.get("loadBalancers", entry, "containerPort")
        container = service.props.get("loadBalancers", entry, "containerName")
        return Reach(service, int(port) if isinstance(port, (int, float)) else None, container if isinstance(container, str) else None, via)

    def listener_reaches(self, listener: Subject, partners: dict[str, set[str]]) -> list[Reach]:
        reaches = []
        for target_group in self.index.listener_target_groups(listener):
            reaches += self.service_reaches(target_group, f"listener '{listener.name}' → target group {target_group}", partners)
        return reaches

    def build(self) -> list[Front]:
        partners = self.blue_green_partners()
        linked = self._vpc_linked_balancers()
        fronts = []
        for balancer in self.index.of_types(LOAD_BALANCERS):
            reaches, ports = [], set()
            for listener in self.index.listeners_of(balancer):
                reaches += self.listener_reaches(listener, partners)
                ports |= _listener_ports(listener)
            internet = self.index.is_internet_facing(balancer) or balancer.props.get("arn") in strings_in(list(linked))
            fronts.append(Front(balancer, strings_in(balancer.props.items("securityGroups")), internet, reaches, ports))
        fronts += [self._classic(balancer) for balancer in self.index.of_types((CLASSIC_ELB,))]
        fronts += [self._vpc_link(link, partners) for link in self.index.of_types((HTTP_VPC_LINK,))]
        return fronts

    def _vpc_linked_balancers(self) -> set[str]:
        """Load balancers reachable from outside the VPC however internal their scheme: REST VPC links' targets,
        HTTP API integrations' listeners, and PrivateLink endpoint services' load balancers (other accounts' VPCs)."""
        arns = set()
        for service in self.index.of_types((ENDPOINT_SERVICE,)):
            arns |= set(strings_in([*service.props.items("networkLoadBalancerArns"), *service.props.items("gatewayLoadBalancerArns")]))
        for link in self.index.of_types((REST_VPC_LINK,)):
            arns |= set(strings_in([*link.props.items("targetArns"), link.props.get("targetArn")]))  # one string in pulumi-aws 7
        listeners = {listener.props.get("arn"): listener.props.get("loadBalancerArn") for listener in self.index.of_types(LISTENERS)
                     if isinstance(listener.props.get("arn"), str)}
        for integration in self.index.of_types((HTTP_INTEGRATION,)):
            uri = integration.props.get("integrationUri")
            balancer = listeners.get(uri) if isinstance(uri, str) else None
            if isinstance(balancer, str) and integration.props.get("connectionType") == "VPC_LINK":
                arns.add(balancer)
        return arns

    def _classic(self, balancer: Subject) -> Front:
        name = balancer.props.get("name")
        reaches = []
        for service in self.index.of_types((ECS_SERVICE,)):
            entries = service.props.items("loadBalancers")
            for i, _ in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(name, str) and service.props.get("loadBalancers", i, "elbName") == name:
                    reaches.append(self._reach(service, i, f"classic load balancer {name}"))
        instances = strings_in(balancer.props.items("instances"))
        instances += [a.props.get("instance") for a in self.index.of_types((CLASSIC_ELB_ATTACHMENT,)) if a.props.get("elb") == name]
        reaches += [Reach(None, None, None, f"registered instance {instance}") for instance in instances]
        ports = set()
        listeners = balancer.props.items("listeners")
        for i, _ in enumerate(listeners if isinstance(listeners, list) else []):
            port = balancer.props.get("listeners", i, "lbPort")
            if isinstance(port, (int, float)):
                ports.add(("tcp", int(port)))
        return Front(balancer, strings_in(balancer.props.items("securityGroups")), self.index.is_internet_facing(balancer), reaches, ports)

    def _vpc_link(self, link: Subject, partners: dict[str, set[str]]) -> Front:
        link_id = link.props.get("id")
        listeners = {listener.props.get("arn"): listener for listener in self.index.of_types(LISTENERS) if isinstance(listener.props.get("arn"), str)}
        reaches = []
        for integration in self.index.of_types((HTTP_INTEGRATION,)):
            if not isinstance(link_id, str) or integration.props.get("connectionId") != link_id:
                continue
            uri = integration.props.get("integrationUri")
            if isinstance(uri, str) and uri in listeners:
                reaches += self.listener_reaches(listeners[uri], partners)
                continue
            registered = [service for service in self.index.of_types((ECS_SERVICE,))
                          if uri in strings_in([service.props.get("serviceRegistries", "registryArn")])]
            for service in registered:
                port = service.props.get("serviceRegistries", "port")
                reaches.append(Reach(service, int(port) if isinstance(port, (int, float)) else None, None, f"integration '{integration.name}' → {uri}"))
            if not registered:
                reaches.append(Reach(None, None, None, f"integration '{integration.name}' → {uri}, which the pack cannot tie to an ECS service"))
        return Front(link, strings_in(link.props.items("securityGroupIds")), True, reaches, set())
