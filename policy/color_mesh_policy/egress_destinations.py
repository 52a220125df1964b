"""Destinations outside the mesh: which address ranges a workload may be let out to on a port other than 443.

A range is a destination when it is no wider than /8 (IPv4) or /32 (IPv6): wider is most of the internet.
A prefix list is accepted on one port (the pack cannot read its entries, and it is no wider than anywhere).
A network the proxy lets bypass Envoy (EgressIgnoredIPs) must be tied to the task's own security groups: each
ECS service running the task has an egress rule to exactly that network on one tcp port, and no rule of those
groups lets traffic to it out on every port, so the bypass reaches that destination on that port and no other
(443, open to anywhere for AWS APIs, excepted).
"""

from __future__ import annotations

from typing import Optional

from .ecs_tasks import proxy_properties
from .mesh_edges import VIRTUAL_NODE, DeclaredMesh, Workload
from .reading import Subject
from .security_group_rules import RULE_TYPES, Network, Rule, parse_network, rules_of
from .stack_index import ECS_SERVICE, StackIndex

WIDEST_PREFIX = {4: 8, 6: 32}


def too_wide(network: Network) -> bool:
    return network.prefixlen < WIDEST_PREFIX[network.version]


def bypass_problem(index: StackIndex, task: Subject, network: Network) -> Optional[str]:
    """Why letting `task`'s traffic to `network` around Envoy is not tied to a declared destination; None if it is."""
    if too_wide(network):
        return f"is wider than /{WIDEST_PREFIX[network.version]}, most of the internet rather than a destination"
    services = [service for service in index.of_types((ECS_SERVICE,)) if index.task_definition_of(service) is task]
    if not services:
        return "but no ECS service of this stack runs the task, so no security group limits where that traffic goes"
    for service in services:
        groups = set(index.service_groups(service))
        rules = [rule for subject in index.of_types(RULE_TYPES) for rule in rules_of(subject)
                 if rule.direction == "egress" and rule.group_id in groups]
        exact = [rule for rule in rules if network in rule.networks() and rule.protocol == "tcp" and rule.single_port]
        if not exact:
            return (f"but ECS service '{service.name}' has no egress rule to exactly {network} on one tcp port, so the "
                    "security group does not hold the bypass to one destination")
        if any(rule.opens_every_port and any(other.overlaps(network) for other in rule.networks()) for rule in rules):
            return f"and a rule of ECS service '{service.name}' lets traffic to it out on every port"
    return None


def stands_for_external_host(node: Subject) -> bool:
    """A virtual node named after the DNS host it discovers models that host outside the mesh (AWS's external-traffic
    pattern): no Envoy runs it."""
    host = node.props.get("spec", "serviceDiscovery", "dns", "hostname")
    return node.type == VIRTUAL_NODE and isinstance(host, str) and host == node.props.get("name")


def external_ports(index: StackIndex, declared: DeclaredMesh, workload: Workload) -> set[int]:
    """Ports on which an App Mesh node reaches a host outside the mesh through its Envoy: the listener ports of the
    external nodes (named after the host they discover by DNS) providing virtual services it lists as backends
    (DROP_ALL lets it reach nothing else)."""
    mesh, kind, name = workload
    if kind != "virtualNode":
        return set()
    dns_nodes = {(node.props.get("meshName"), node.props.get("name")) for node in index.of_types((VIRTUAL_NODE,))
                 if stands_for_external_host(node)}
    ports: set[int] = set()
    for service in declared.backends.get((mesh, name), ()):
        provider = declared.providers.get((mesh, service))
        if provider and provider[0] == "virtualNode" and (mesh, provider[1]) in dns_nodes:
            ports |= declared.listener_ports.get((mesh, provider[1]), set())
    return ports


def bypassed_networks(index: StackIndex, group: str) -> list[set]:
    """For each ECS service running in `group`: the networks its task's proxy lets bypass Envoy."""
    found = []
    for service in index.of_types((ECS_SERVICE,)):
        if group in index.service_groups(service):
            task = index.task_definition_of(service)
            entries = str(proxy_properties(task.props).get("EgressIgnoredIPs") or "") if task else ""
            found.append({network for network in map(parse_network, entries.split(",")) if network})
    return found


def app_mesh_egress_problem(rule: Rule, index: StackIndex, declared: DeclaredMesh, workload: Workload) -> Optional[str]:
    """Why an App Mesh workload's egress to address ranges on a port other than 443 reaches more than its declared
    destinations: a host (through Envoy, to anywhere on an external node's port) or a network its proxy bypasses."""
    if rule.protocol != "tcp" or rule.single_port is None:
        return "on something other than one tcp port"
    port = rule.single_port[1]
    if port in external_ports(index, declared, workload):
        return None
    if rule.prefix_lists:
        return f"to a prefix list on tcp {port}, which no proxy configuration can let bypass Envoy"
    bypassed = bypassed_networks(index, rule.group_id)
    for network in rule.networks():
        if too_wide(network) or not bypassed or not all(network in networks for networks in bypassed):
            return (f"to {network} on tcp {port}, which is neither an external host's port it calls through Envoy nor a "
                    "network its proxy lets bypass Envoy")
    return None
