"""Reading VPC Lattice from a stack's resources: its service networks and services, their associations,
listeners, target groups, and the ECS services that register their tasks into those groups.

Lattice resources name each other by identifier, which the API takes as an id or an ARN, so every lookup
here matches both. A stack "uses Lattice" when it holds any Lattice resource or an ECS service registers
into a Lattice target group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Optional

from .ecs_tasks import containers, named_ports
from .mesh_edges import workload_groups
from .reading import Subject
from .security_group_rules import RULE_TYPES, SECURITY_GROUP, rules_of
from .service_connect import SERVICE_CONNECT_KIND
from .stack_index import ECS_SERVICE, StackIndex, strings_in

PREFIX = "aws:vpclattice/"
SERVICE_NETWORK = "aws:vpclattice/serviceNetwork:ServiceNetwork"
SERVICE = "aws:vpclattice/service:Service"
SERVICE_ASSOCIATION = "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation"
VPC_ASSOCIATION = "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation"
LISTENER = "aws:vpclattice/listener:Listener"
LISTENER_RULE = "aws:vpclattice/listenerRule:ListenerRule"
TARGET_GROUP = "aws:vpclattice/targetGroup:TargetGroup"
TARGET_GROUP_ATTACHMENT = "aws:vpclattice/targetGroupAttachment:TargetGroupAttachment"
AUTH_POLICY = "aws:vpclattice/authPolicy:AuthPolicy"
RESOURCE_POLICY = "aws:vpclattice/resourcePolicy:ResourcePolicy"


def identifiers(subject: Subject) -> set[str]:
    """The values other resources may name `subject` by: its id and its ARN."""
    return set(strings_in([subject.props.get("id"), subject.props.get("arn")]))


@dataclass(frozen=True)
class Registration:
    """One `vpcLatticeConfigurations` entry of an ECS service."""

    service: Subject
    entry: int
    target_group: Any  # the ARN as written (a string, UNKNOWN or anything else)
    port_name: Any
    role: Any

    @property
    def where(self) -> str:
        return f"vpcLatticeConfigurations[{self.entry}]"


class Lattice:
    """The Lattice side of a stack, over a StackIndex."""

    def __init__(self, index: StackIndex) -> None:
        self.index = index

    @cached_property
    def present(self) -> bool:
        return any(resource.type.startswith(PREFIX) for resource in self.index.resources) or bool(self.registrations)

    def named(self, types: Iterable[str], reference: Any) -> Optional[Subject]:
        """The stack's resource of `types` whose id or ARN is `reference`."""
        if not isinstance(reference, str):
            return None
        return next((subject for subject in self.index.of_types(types) if reference in identifiers(subject)), None)

    def networks(self) -> list[Subject]:
        return self.index.of_types((SERVICE_NETWORK,))

    @cached_property
    def network_ids(self) -> set[str]:
        return {value for network in self.networks() for value in identifiers(network)}

    def associated_services(self) -> list[Subject]:
        """The stack's Lattice services associated with one of the stack's service networks."""
        return [service for service in self.index.of_types((SERVICE,)) if any(
            association.props.get("serviceNetworkIdentifier") in self.network_ids
            for association in self.service_associations(service))]

    def service_associations(self, service: Subject) -> list[Subject]:
        ids = identifiers(service)
        return [association for association in self.index.of_types((SERVICE_ASSOCIATION,))
                if association.props.get("serviceIdentifier") in ids]

    def listener_ports(self, services: Optional[list[Subject]] = None) -> set[int]:
        """Ports the listeners of `services` (default: the services in the stack's service networks) listen on."""
        ids = {value for service in (self.associated_services() if services is None else services) for value in identifiers(service)}
        ports = set()
        for listener in self.index.of_types((LISTENER,)):
            port = listener.props.get("port")
            if listener.props.get("serviceIdentifier") in ids and isinstance(port, (int, float)):
                ports.add(int(port))
        return ports

    @cached_property
    def router_ports(self) -> set[int]:
        """The ports the listeners of the stack's service networks' services listen on."""
        return self.listener_ports()

    @cached_property
    def called_ports(self) -> dict[str, set[int]]:
        """Caller group -> the tcp ports the VPC association's groups admit it on that a listener of the network's
        services listens on: who may call the routers, as the stack declares it."""
        listening = self.router_ports
        called: dict[str, set[int]] = {}
        for subject in self.index.of_types(RULE_TYPES):
            for rule in rules_of(subject):
                if rule.direction != "ingress" or rule.group_id not in self.association_groups or rule.single_port is None:
                    continue
                protocol, port = rule.single_port
                if protocol == "tcp" and port in listening:
                    for group in strings_in(rule.source_groups):
                        called.setdefault(group, set()).add(port)
        return called

    def vpc_associations(self) -> list[Subject]:
        return self.index.of_types((VPC_ASSOCIATION,))

    @cached_property
    def association_groups(self) -> set[str]:
        """Security groups of the VPC associations of the stack's service networks."""
        return {group for association in self.vpc_associations()
                if association.props.get("serviceNetworkIdentifier") in self.network_ids
                for group in strings_in(association.props.items("securityGroupIds"))}

    @cached_property
    def registrations(self) -> list[Registration]:
        found = []
        for service in self.index.of_types((ECS_SERVICE,)):
            entries = service.props.items("vpcLatticeConfigurations")
            for entry, _ in enumerate(entries if isinstance(entries, list) else []):
                read = lambda key: service.props.get("vpcLatticeConfigurations", entry, key)  # noqa: E731
                found.append(Registration(service, entry, read("targetGroupArn"), read("portName"), read("roleArn")))
        return found

    def registration_port(self, registration: Registration) -> Optional[int]:
        """The container port of the port mapping a registration names (what Lattice sends to)."""
        task = self.index.task_definition_of(registration.service)
        found = containers(task.props) if task else None
        for container in found if isinstance(found, list) else []:
            port = named_ports(container).get(registration.port_name) if isinstance(registration.port_name, str) else None
            if port is not None:
                return port
        return None

    def target_ports(self, group: str) -> set[int]:
        """Ports Lattice reaches the tasks in security group `group` on: the registration ports of the Service Connect
        workloads running in it, into the stack's Lattice target groups."""
        ports = set()
        for registration in self.registrations:
            if not self.is_workload(registration.service) or group not in self.index.service_groups(registration.service):
                continue
            if self.named((TARGET_GROUP,), registration.target_group) is None:
                continue
            port = self.registration_port(registration)
            if port is not None:
                ports.add(port)
        return ports

    def is_workload(self, service: Subject) -> bool:
        workload = self.index.service_workload(service)
        return bool(workload) and workload[1] == SERVICE_CONNECT_KIND

    @cached_property
    def workload_groups(self) -> dict[str, set]:
        return {group: {owner for owner in owners if owner[1] == SERVICE_CONNECT_KIND}
                for group, owners in workload_groups(self.index).items()}

    @cached_property
    def pending_groups(self) -> set[str]:
        """Groups of ECS services whose workload is not known yet (preview): whose rules cannot be told apart."""
        return {group for service in self.index.of_types((ECS_SERVICE,)) if self.index.identity_unknown(service)
                for group in self.index.service_groups(service)}

    @cached_property
    def mesh_vpcs(self) -> set[str]:
        """The VPCs the Service Connect workloads' security groups are in."""
        vpcs = set()
        for group in self.index.of_types((SECURITY_GROUP,)):
            if group.props.get("id") in self.workload_groups and self.workload_groups[group.props.get("id")]:
                vpc = group.props.get("vpcId")
                if isinstance(vpc, str):
                    vpcs.add(vpc)
        return vpcs
