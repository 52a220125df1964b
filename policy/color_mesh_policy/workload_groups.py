"""A mesh workload's security group belongs to that workload alone: only its own ECS tasks run in it,
and nothing reaches it except mesh workloads (judged by mesh-edges-declared) and its own front
(the load balancer or VPC link that forwards to it).

Membership is read from every AWS resource that names the group, whatever its type (instances,
Lambda functions, task sets, load balancers, endpoints…), so a new ENI-creating type needs no code.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .egress_destinations import app_mesh_egress_problem, too_wide
from .lattice import Lattice
from .lattice_prefix_lists import judged_here
from .mesh_edges import DeclaredMesh, Workload, served_ports_by_workload, workload_groups, workload_label
from .reading import PolicySpec, Settings, Subject, go_fold, stack_policy
from .service_connect import SERVICE_CONNECT_KIND
from .security_group_rules import DEFAULT_SECURITY_GROUP, RULE_TYPES, SECURITY_GROUP, Rule, is_public, rules_of
from .stack_index import ECS_SERVICE, TASK_SET, StackIndex

_NOT_MEMBERS = (*RULE_TYPES, "aws:ec2/vpc:Vpc")  # rules are judged below; a VPC names its default group only


_name = workload_label


def _named_groups(value: Any, under_group_key: bool = False) -> set[str]:
    """Strings under any key that names security groups (securityGroups, vpcSecurityGroupIds, …), at any depth."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found |= _named_groups(item, under_group_key or "securitygroup" in go_fold(str(key)))
    elif isinstance(value, list):
        for item in value:
            found |= _named_groups(item, under_group_key)
    elif under_group_key and isinstance(value, str):
        found.add(value)
    return found


GROUPS_EXCLUSIVE = PolicySpec(
    "mesh-workload-groups-exclusive",
    "A mesh workload's security group (App Mesh or Service Connect) holds only that workload's ECS tasks, and admits only mesh workloads "
    "(on declared edges, judged by mesh-edges-declared) and the workload's own load balancer or VPC link on the port "
    "it forwards to; address ranges only into a virtual gateway behind a front without security groups, on that port "
    "(VPC Lattice's prefix list: lattice-prefix-list-rules).",
)


def _check_groups_exclusive(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    owners = workload_groups(index)
    lattice = Lattice(index)
    yield from _members(index, owners)
    for subject in index.of_types(RULE_TYPES):
        for rule in rules_of(subject):
            if not rule.needs("direction", "group", "peers") or rule.direction != "ingress" or not isinstance(rule.group_id, str) or rule.group_id not in owners:
                continue
            if judged_here(lattice, rule) is True:
                continue  # Lattice's prefix list: lattice-prefix-list-rules
            yield from _foreign_ingress(index, owners, subject, rule)


def _members(index: StackIndex, owners: dict[str, set[Workload]]) -> Iterable[tuple[str, str]]:
    for group, workloads in sorted(owners.items()):
        if len(workloads) > 1:
            names = ", ".join(map(_name, sorted(workloads)))
            for service in index.of_types((ECS_SERVICE,)):
                if group in index.service_groups(service):
                    yield service.urn, service.violation(
                        f"runs in security group {group}, which the tasks of several workloads share ({names}), so each "
                        "reaches whatever the others are allowed", "give every workload its own security group")
    for subject in index.resources:
        if not subject.type.startswith("aws:") or subject.type in _NOT_MEMBERS:
            continue
        if subject.type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
            continue
        for group in sorted(_named_groups(subject.props.data) & set(owners)):
            if subject.type in (ECS_SERVICE, TASK_SET):
                if index.identity_unknown(subject):
                    continue  # judged once known
                runs = index.service_workload(subject)  # a task set names its task definition too
                if runs in owners[group]:
                    continue
                what = f"runs {_name(runs)}" if runs else "runs neither an identified App Mesh Envoy nor a Service Connect workload"
            else:
                what = "is not a mesh workload's ECS task"
            workloads = ", ".join(map(_name, sorted(owners[group])))
            yield subject.urn, subject.violation(
                f"is placed in security group {group} of {workloads} but {what}, so it can reach and be reached as that workload",
                "give it its own security group; a workload's group holds only that workload's tasks")


def _fronts_of(index: StackIndex, group: str) -> list:
    """(front, reach) pairs for fronts that forward to ECS services running in `group`."""
    return [(front, reach) for front in index.fronts for reach in front.reaches
            if reach.service is not None and group in index.service_groups(reach.service)]


def _foreign_ingress(index: StackIndex, owners: dict[str, set[Workload]], subject: Subject, rule: Rule) -> Iterable[tuple[str, str]]:
    target = rule.group_id
    workloads = ", ".join(map(_name, sorted(owners[target])))
    fronts = _fronts_of(index, target)
    for source in [group for group in rule.source_groups if isinstance(group, str)]:
        if source in owners:
            continue  # mesh to mesh: mesh-edges-declared
        ports = {("tcp", port) for front, reach in fronts if source in front.groups for port in index.reach_ports(reach)}
        if not ports:
            yield subject.urn, subject.violation(
                f"{rule.describe()} admits group {source}, which is neither a mesh workload nor a load balancer or VPC link "
                f"in front of {workloads}", "admit only declared mesh callers and the workload's own load balancer")
        elif rule.needs("protocol", "ports") and rule.single_port not in ports:
            yield subject.urn, subject.violation(
                f"{rule.describe()} admits the load balancer group {source} into {workloads} on something other than the "
                f"port it forwards to ({', '.join(str(port) for _, port in sorted(ports))})", "admit the load balancer on the target port only")
    ranges = [value for value in [*rule.cidrs, *rule.prefix_lists] if isinstance(value, str)]
    if ranges:
        problem = _range_problem(index, owners[target], fronts, rule)
        if problem:
            yield subject.urn, subject.violation(
                f"{rule.describe()} admits {', '.join(ranges)} into the group of {workloads}, {problem}",
                "admit mesh callers by their security group, one rule per declared edge; address ranges only into a "
                "virtual gateway behind a network load balancer without security groups, on its target port")


def _range_problem(index: StackIndex, workloads: set[Workload], fronts: list, rule: Rule) -> Optional[str]:
    if any(workload[1] != "virtualGateway" for workload in workloads):
        return "so every address in the range can call it, declared or not"
    open_fronts = [(front, port) for front, reach in fronts if not front.groups for port in index.reach_ports(reach)]
    if not open_fronts:
        return "which no load balancer without security groups forwards to"
    if rule.prefix_lists:
        return "through a prefix list, whose addresses the pack cannot judge"
    if not rule.needs("protocol", "ports"):
        return None
    ports = {("tcp", port) for _, port in open_fronts}
    if rule.single_port not in ports:
        return f"on something other than the port its load balancer forwards to ({', '.join(str(p) for _, p in sorted(ports))})"
    public_ok = any(front.internet_facing for front, port in open_fronts if ("tcp", port) == rule.single_port)
    if not public_ok and any(is_public(network) for network in rule.networks()):
        return "from public addresses, though no internet-facing load balancer forwards to it"
    return None


WORKLOAD_EGRESS = PolicySpec(
    "mesh-workload-egress",
    "Service Connect has no egress filter, so a Service Connect workload's security group lets traffic out only to other "
    "Service Connect workloads' groups on a port they serve, on tcp 443 (AWS APIs, image pulls) to any address or "
    "prefix list, and on one other tcp port to a destination outside the mesh: a network no wider than /8 (IPv4) or "
    "/32 (IPv6), or a prefix list (VPC Lattice's prefix list on a router port: lattice-prefix-list-rules). An App "
    "Mesh workload's group lets address ranges out on a port other than tcp 443 only on one tcp port of an external "
    "host its node calls through Envoy, or to a network its proxy lets bypass Envoy.",
)
HTTPS = ("tcp", 443)


def _check_workload_egress(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    owners = workload_groups(index)
    served = served_ports_by_workload(index)
    declared = DeclaredMesh(index)
    lattice = Lattice(index)
    for subject in index.of_types(RULE_TYPES):
        for rule in rules_of(subject):
            if not rule.needs("direction", "group") or rule.direction != "egress" or not isinstance(rule.group_id, str):
                continue
            app_mesh = [workload for workload in owners.get(rule.group_id, ()) if workload[1] != SERVICE_CONNECT_KIND]
            if app_mesh and rule.needs("peers", "protocol", "ports"):
                yield from _app_mesh_egress(subject, rule, index, declared, app_mesh)
            callers = [workload for workload in owners.get(rule.group_id, ()) if workload[1] == SERVICE_CONNECT_KIND]
            if not callers or not rule.needs("peers", "protocol", "ports") or judged_here(lattice, rule) is True:
                continue  # (Lattice's prefix list: lattice-prefix-list-rules)
            problem = _egress_problem(rule, owners, served)
            if problem:
                yield subject.urn, subject.violation(
                    f"{rule.describe()} lets {', '.join(map(_name, sorted(callers)))} send {problem}; Service Connect has no "
                    "egress filter, so the security group is the only limit",
                    "allow egress only to the callee's security group on the port it serves, and tcp 443 for AWS APIs")


def _app_mesh_egress(subject: Subject, rule: Rule, index: StackIndex, declared: DeclaredMesh,
                     workloads: list[Workload]) -> Iterable[tuple[str, str]]:
    if not [value for value in [*rule.cidrs, *rule.prefix_lists] if isinstance(value, str)] or rule.single_port == HTTPS:
        return
    for workload in sorted(workloads):
        problem = app_mesh_egress_problem(rule, index, declared, workload)
        if problem:
            yield subject.urn, subject.violation(
                f"{rule.describe()} lets {_name(workload)} send {problem}, so what skips Envoy, or what Envoy may reach, "
                "is wider than the mesh declares",
                "let out address ranges only on an external host's port (its virtual node a backend) or to the networks "
                "the proxy configuration's EgressIgnoredIPs names")


def _egress_problem(rule: Rule, owners: dict[str, set[Workload]], served: dict[Workload, set[int]]) -> Optional[str]:
    ranges = [str(value) for value in [*rule.cidrs, *rule.prefix_lists] if isinstance(value, str)]
    if ranges and rule.single_port != HTTPS:
        wide = [str(network) for network in rule.networks() if too_wide(network)]
        if rule.protocol != "tcp" or rule.single_port is None or wide or rule.invalid_cidrs():
            return f"to {', '.join(wide or ranges)} on something other than tcp 443 or one tcp port to a destination"
    peers = [group for group in [*rule.source_groups, *([rule.group_id] if rule.self_reference else [])] if isinstance(group, str)]
    for peer in peers:
        callees = owners.get(peer, set())
        if not callees:
            return f"to group {peer}, which is no Service Connect workload's"
        for callee in sorted(callees):
            ports = served.get(callee, set()) if callee[1] == SERVICE_CONNECT_KIND else set()
            if rule.single_port not in {("tcp", port) for port in ports}:
                offered = f"tcp {', '.join(map(str, sorted(ports)))}" if ports else "no port through Service Connect"
                return f"to {_name(callee)} (group {peer}) on something other than what it serves ({offered})"
    return None


def policies() -> list:
    return [stack_policy(GROUPS_EXCLUSIVE, _check_groups_exclusive), stack_policy(WORKLOAD_EGRESS, _check_workload_egress)]
