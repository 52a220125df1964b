"""Security groups and every rule in them, derived from the mesh graph and nothing else.

One group per workload (each color, the gateway) and one for the load balancer. Each access the
graph allows becomes an ingress rule on the callee's group and an egress rule on the caller's
group: TCP, on the callee's listener port only. Workloads may also reach AWS endpoints and image
registries on 443. Calls an AWS service carries between tasks from its regional managed prefix list (VPC
Lattice) are opened towards and from that prefix list on their ports only (`PrefixListAccess`). Each `egress`
entry of a color is one egress rule on its port: to its cidr or prefix list, or, for a host (a security group
cannot filter by name; App Mesh's Envoy enforces the name), to anywhere. Rules are separate resources (never
inline blocks), so one style judges them all.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal, Optional

import pulumi
import pulumi_aws as aws

from . import physical_names
from ..topology.graph import CallEdge, MeshGraph, Workload
from .component import MeshComponent

LOAD_BALANCER_GROUP = "load-balancer"
HTTPS_PORT = 443
ANYWHERE_IPV4 = "0.0.0.0/0"
PREFIX_LIST_KEY_START = "prefix-list-"  # a PrefixListAccess's peer key; prefix list ids start with pl-


def group_key(workload: Workload) -> str:
    """Colors and the gateway live in different name spaces; their group keys must not clash."""
    return f"{workload.kind}-{workload.name}"


@dataclass(frozen=True)
class PrefixListAccess:
    """Calls an AWS service carries from its regional managed prefix list (VPC Lattice: a caller sends to
    link-local addresses, and the targets see the service's own addresses). `callers` (color, port) get egress
    to the prefix list on that port; `targets` (color, port) accept it on that port; the group `key` (the
    service's entry into the VPC, e.g. Lattice's VPC association) admits each caller's group on its port.
    The callers' calls to `services` go only this way, so they open no path from task to task."""

    key: str  # the entry group's key, and the prefix list's in rule names; no color, gateway or CIDR key
    prefix_list_name: str  # with `{region}`, e.g. com.amazonaws.{region}.vpc-lattice
    callers: tuple[tuple[str, int], ...]
    targets: tuple[tuple[str, int], ...]
    services: tuple[str, ...]  # the virtual services (routers) whose calls it carries

    @property
    def peer_key(self) -> str:
        return f"{PREFIX_LIST_KEY_START}{self.key}"


@dataclass(frozen=True)
class RuleSpec:
    """One TCP rule on one port: `group` lets traffic in from / out to `peer_group`, `cidr` or `prefix_list`:
    a prefix list's id (a color's egress), or a PrefixListAccess.peer_key the component looks the id up for."""

    group: str
    direction: Literal["ingress", "egress"]
    port: int
    peer_group: Optional[str] = None
    cidr: Optional[str] = None
    prefix_list: Optional[str] = None

    @property
    def peer(self) -> str:
        return self.peer_group or self.prefix_list or self.cidr

    def resource_name(self, prefix: str) -> str:
        """Keyed by group, direction, peer and port, so no two rules share a name (group keys, prefix-list keys
        and CIDR keys hold no KEY_SEPARATOR and never equal one another)."""
        peer = self.peer_group or self.prefix_list or physical_names.cidr_key(self.cidr)
        return physical_names.keyed_name(prefix, self.group, self.direction, peer, str(self.port))

    def legacy_name(self, prefix: str) -> str:
        """The name releases before keyed names gave the rule (hyphen-joined, ambiguous); prefix-list rules
        came later and have none."""
        if self.prefix_list:
            return self.resource_name(prefix)
        peer = self.peer_group or re.sub(r"[^0-9a-f]+", "-", self.cidr or "")
        return f"{prefix}-{self.group}-{self.direction}-{peer}-{self.port}"

    @property
    def description(self) -> str:
        return f"{'from' if self.direction == 'ingress' else 'to'} {self.peer} on tcp/{self.port}"


def rule_specs(graph: MeshGraph, public_cidrs: list[str],
               load_balancer_targets: Optional[tuple[tuple[str, int], ...]] = None,
               prefix_list_access: Optional[PrefixListAccess] = None) -> list[RuleSpec]:
    """Every rule the mesh needs, no two alike, in a stable order.

    `load_balancer_targets` None: the load balancer forwards to gateway tasks, which call the colors. Given
    (color, port) pairs: no gateway task runs (an ALB is the gateway) and the load balancer reaches exactly
    those colors' ports itself. `prefix_list_access`: see PrefixListAccess."""
    rules: set[RuleSpec] = set()
    workloads = _task_workloads(graph, load_balancer_targets)
    for access in sorted({edge.access for edge in graph.edges if not _carried(edge, prefix_list_access)}):
        if access.source in workloads:
            _add_pair(rules, group_key(access.source), group_key(Workload("color", access.target)), access.port)
    for workload in workloads:
        rules.add(RuleSpec(group_key(workload), "egress", HTTPS_PORT, cidr=ANYWHERE_IPV4))
        rules.update(_egress_rules(graph, workload))
    for entry in graph.public_entries:
        if load_balancer_targets is None:
            _add_pair(rules, LOAD_BALANCER_GROUP, group_key(entry.gateway), entry.port)
        rules.update(RuleSpec(LOAD_BALANCER_GROUP, "ingress", entry.internet_port, cidr=_normalized(cidr))
                     for cidr in public_cidrs)
    for color, port in load_balancer_targets or ():
        _add_pair(rules, LOAD_BALANCER_GROUP, group_key(Workload("color", color)), port)
    if prefix_list_access is not None:
        rules.update(_prefix_list_rules(prefix_list_access))
    return sorted(rules, key=lambda rule: rule.resource_name(""))


def _egress_rules(graph: MeshGraph, workload: Workload) -> list[RuleSpec]:
    """A color's `egress` entries: each to exactly its destination and port (a host: anywhere on that port)."""
    if workload.kind != "color":
        return []
    return [RuleSpec(group_key(workload), "egress", entry.port,
                     cidr=entry.cidr or (ANYWHERE_IPV4 if entry.host else None), prefix_list=entry.prefix_list)
            for entry in graph.topology.colors[workload.name].egress]


def _carried(edge: CallEdge, access: Optional[PrefixListAccess]) -> bool:
    """A color's call to a service the prefix list carries: it never goes from task to task."""
    return (access is not None and edge.caller.kind == "color" and edge.service in access.services
            and edge.caller.name in {color for color, _ in access.callers})


def _prefix_list_rules(access: PrefixListAccess) -> set[RuleSpec]:
    rules = set()
    for color, port in access.callers:
        caller = group_key(Workload("color", color))
        rules.add(RuleSpec(caller, "egress", port, prefix_list=access.peer_key))
        rules.add(RuleSpec(access.key, "ingress", port, peer_group=caller))
    rules.update(RuleSpec(group_key(Workload("color", color)), "ingress", port, prefix_list=access.peer_key)
                 for color, port in access.targets)
    return rules


def _add_pair(rules: set[RuleSpec], caller: str, callee: str, port: int) -> None:
    rules.add(RuleSpec(callee, "ingress", port, peer_group=caller))
    rules.add(RuleSpec(caller, "egress", port, peer_group=callee))


def _task_workloads(graph: MeshGraph, load_balancer_targets: Optional[tuple[tuple[str, int], ...]]) -> tuple[Workload, ...]:
    """The workloads that run tasks (and so have a group): all, or the colors when the gateway is an ALB."""
    if load_balancer_targets is None:
        return graph.workloads
    return tuple(workload for workload in graph.workloads if workload.kind == "color")


def _normalized(cidr: str) -> str:
    """One spelling per network (`2001:DB8::/32` and `2001:db8::/32` are one rule; AWS refuses it twice)."""
    return str(ipaddress.ip_network(cidr, strict=False))


@dataclass(frozen=True)
class SecurityGroupsArgs:
    graph: MeshGraph
    vpc_id: pulumi.Input[str]
    public_cidrs: list[str]  # admitted into the load balancer, on the gateway's ports only
    load_balancer_targets: Optional[tuple[tuple[str, int], ...]] = None  # see rule_specs
    prefix_list_access: Optional[PrefixListAccess] = None  # see rule_specs
    # Rules keep the URNs releases before keyed names gave them (aliases): for targets whose stacks were deployed
    # then. Each alias costs the engine and the SDK work, so a target that never had those names passes False.
    legacy_rule_names: bool = True


class SecurityGroups(MeshComponent):
    TYPE_NAME = "SecurityGroups"

    def __init__(self, name: str, args: SecurityGroupsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        graph, vpc_id, public_cidrs = args.graph, args.vpc_id, args.public_cidrs
        keys = [group_key(workload) for workload in _task_workloads(graph, args.load_balancer_targets)]
        if graph.gateway:
            keys.append(LOAD_BALANCER_GROUP)
        access = args.prefix_list_access
        if access is not None and access.callers:
            keys.append(access.key)
        mesh = graph.topology.mesh.name
        self.groups = {key: aws.ec2.SecurityGroup(f"{name}-{key}", vpc_id=vpc_id,
                                                  description=physical_names.security_group_description(mesh, key),
                                                  tags={"Name": physical_names.security_group_name_tag(mesh, key)},
                                                  opts=self.child())
                       for key in keys}
        self.prefix_list_id = self._prefix_list_id(access) if access is not None else None
        rules = rule_specs(graph, public_cidrs, args.load_balancer_targets, access)
        old_names = physical_names.legacy_aliases([(rule.resource_name(name), rule.legacy_name(name)) for rule in rules]
                                                  ) if args.legacy_rule_names else {}
        for rule in rules:
            self._rule(rule.resource_name(name), rule, old_names.get(rule.resource_name(name)))
        self.register_outputs({key: group.id for key, group in self.groups.items()})

    def for_workload(self, workload: Workload) -> aws.ec2.SecurityGroup:
        return self.groups[group_key(workload)]

    @property
    def load_balancer(self) -> aws.ec2.SecurityGroup:
        return self.groups[LOAD_BALANCER_GROUP]

    def _prefix_list_id(self, access: PrefixListAccess) -> pulumi.Output[str]:
        """Looked up through the component's provider, in the region it deploys to."""
        region = aws.get_region_output(opts=self.invoke_output()).region
        name = region.apply(lambda value: access.prefix_list_name.format(region=value))
        return aws.ec2.get_managed_prefix_list_output(name=name, opts=self.invoke_output()).id

    def _rule(self, resource_name: str, rule: RuleSpec, old_name: Optional[str]) -> None:
        peer = _peer_args(rule, self.groups, self.prefix_list_id)
        resource = aws.vpc.SecurityGroupIngressRule if rule.direction == "ingress" else aws.vpc.SecurityGroupEgressRule
        resource(resource_name, security_group_id=self.groups[rule.group].id, ip_protocol="tcp",
                 from_port=rule.port, to_port=rule.port, description=rule.description,
                 opts=self.child(**self.renamed_from(resource, old_name)), **peer)


def _peer_args(rule: RuleSpec, groups: dict[str, aws.ec2.SecurityGroup],
               prefix_list_id: Optional[pulumi.Output[str]]) -> dict:
    if rule.peer_group:
        return {"referenced_security_group_id": groups[rule.peer_group].id}
    if rule.prefix_list:  # the looked-up id for the PrefixListAccess's key; a color's egress names the id itself
        return {"prefix_list_id": prefix_list_id if rule.prefix_list.startswith(PREFIX_LIST_KEY_START) else rule.prefix_list}
    if ipaddress.ip_network(rule.cidr, strict=False).version == 6:
        return {"cidr_ipv6": rule.cidr}
    return {"cidr_ipv4": rule.cidr}
