"""Declared App Mesh relationships, read back from a stack's resources, and the rule that
security-group ingress between mesh task groups follows them.

A node A may call node B on port P when A lists virtual service S as a backend and S is provided
by B (or by a router whose routes target B), P being B's listener port (or the route target's
port). A virtual gateway may call what its gateway routes target, the same way.

Service Connect declares no call graph in AWS (any client may resolve any alias): its security
groups are the declaration, so ingress between Service Connect workloads is judged on the port
alone (one the callee serves), and a caller of the other kind is never declared.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from .reading import PolicySpec, Settings, Subject, stack_policy
from .service_connect import SERVICE_CONNECT_KIND
from .security_group_rules import RULE_TYPES, rules_of
from .stack_index import ECS_SERVICE, StackIndex

VIRTUAL_NODE = "aws:appmesh/virtualNode:VirtualNode"
VIRTUAL_SERVICE = "aws:appmesh/virtualService:VirtualService"
ROUTE = "aws:appmesh/route:Route"
GATEWAY_ROUTE = "aws:appmesh/gatewayRoute:GatewayRoute"
ROUTE_KINDS = ("httpRoute", "http2Route", "grpcRoute", "tcpRoute")

Workload = tuple[str, str, str]  # (mesh, "virtualNode" | "virtualGateway", name)


def _key(mesh: object, name: object) -> tuple:
    """A lookup key of two names; anything but a string (an odd shape) becomes None."""
    return tuple(value if isinstance(value, str) else None for value in (mesh, name))


_KIND_NAMES = {"virtualNode": "virtual node", "virtualGateway": "virtual gateway", SERVICE_CONNECT_KIND: "Service Connect service"}


def workload_label(workload: Workload) -> str:
    return f"{_KIND_NAMES.get(workload[1], workload[1])} {workload[2]}"


_name = workload_label


class DeclaredMesh:
    """Who may call whom on which port, per the App Mesh resources of the stack."""

    def __init__(self, index: StackIndex) -> None:
        self.listener_ports: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.backends: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.providers: dict[tuple[str, str], tuple[str, str]] = {}
        self.router_targets: dict[tuple[str, str], set[tuple[str, int | None]]] = defaultdict(set)
        self.gateway_targets: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.served: dict[Workload, set[int]] = served_ports_by_workload(index)
        for node in index.of_types((VIRTUAL_NODE,)):
            self._read_node(node)
        for service in index.of_types((VIRTUAL_SERVICE,)):
            self._read_service(service)
        for route in index.of_types((ROUTE,)):
            self._read_route(route)
        for route in index.of_types((GATEWAY_ROUTE,)):
            self._read_gateway_route(route)

    def _read_node(self, node: Subject) -> None:
        key = _key(node.props.get("meshName"), node.props.get("name"))
        listeners = node.props.items("spec", "listeners")
        for index, _ in enumerate(listeners if isinstance(listeners, list) else []):
            port = node.props.get("spec", "listeners", index, "portMapping", "port")
            if isinstance(port, (int, float)):
                self.listener_ports[key].add(int(port))
        backends = node.props.items("spec", "backends")
        for index, _ in enumerate(backends if isinstance(backends, list) else []):
            service = node.props.get("spec", "backends", index, "virtualService", "virtualServiceName")
            if isinstance(service, str):
                self.backends[key].add(service)

    def _read_service(self, service: Subject) -> None:
        key = _key(service.props.get("meshName"), service.props.get("name"))
        node = service.props.get("spec", "provider", "virtualNode", "virtualNodeName")
        router = service.props.get("spec", "provider", "virtualRouter", "virtualRouterName")
        if isinstance(node, str):
            self.providers[key] = ("virtualNode", node)
        elif isinstance(router, str):
            self.providers[key] = ("virtualRouter", router)

    def _read_route(self, route: Subject) -> None:
        key = _key(route.props.get("meshName"), route.props.get("virtualRouterName"))
        for kind in ROUTE_KINDS:
            targets = route.props.items("spec", kind, "action", "weightedTargets")
            for index, _ in enumerate(targets if isinstance(targets, list) else []):
                node = route.props.get("spec", kind, "action", "weightedTargets", index, "virtualNode")
                port = route.props.get("spec", kind, "action", "weightedTargets", index, "port")
                if isinstance(node, str):
                    self.router_targets[key].add((node, int(port) if isinstance(port, (int, float)) else None))

    def _read_gateway_route(self, route: Subject) -> None:
        key = _key(route.props.get("meshName"), route.props.get("virtualGatewayName"))
        for kind in ("httpRoute", "http2Route", "grpcRoute"):
            service = route.props.get("spec", kind, "action", "target", "virtualService", "virtualServiceName")
            if isinstance(service, str):
                self.gateway_targets[key].add(service)

    def serving(self, mesh: str, service: str) -> set[tuple[str, int]]:
        """(node, port) pairs a call to virtual service `service` can land on."""
        provider = self.providers.get((mesh, service))
        if provider is None:
            return set()
        kind, name = provider
        if kind == "virtualNode":
            return {(name, port) for port in self.listener_ports.get((mesh, name), ())}
        landed = set()
        for node, port in self.router_targets.get((mesh, name), ()):
            ports = {port} if port is not None else self.listener_ports.get((mesh, node), set())
            landed |= {(node, each) for each in ports}
        return landed

    def ports(self, caller: Workload, callee: Workload) -> set[int]:
        """Ports `caller` may reach `callee` on: declared App Mesh edges; any port a Service Connect callee serves
        to a Service Connect caller."""
        if callee[1] == SERVICE_CONNECT_KIND:
            return set(self.served.get(callee, ())) if caller[1] == SERVICE_CONNECT_KIND else set()
        return self.allowed(caller).get(callee, set())

    def allowed(self, caller: Workload) -> dict[Workload, set[int]]:
        """Callee workload -> ports `caller` may reach it on."""
        mesh, kind, name = caller
        if kind == SERVICE_CONNECT_KIND:
            return {}
        services = self.backends.get((mesh, name), set()) if kind == "virtualNode" else self.gateway_targets.get((mesh, name), set())
        reach: dict[Workload, set[int]] = defaultdict(set)
        for service in services:
            for node, port in self.serving(mesh, service):
                reach[(mesh, "virtualNode", node)].add(port)
        return reach


def workload_groups(index: StackIndex) -> dict[str, set[Workload]]:
    """Security-group id -> the mesh workloads whose tasks run in it."""
    owners: dict[str, set[Workload]] = defaultdict(set)
    for service in index.of_types((ECS_SERVICE,)):
        workload = index.service_workload(service)
        if workload:
            for group in index.service_groups(service):
                owners[group].add(workload)
    return owners


MESH_EDGES = PolicySpec(
    "mesh-edges-declared",
    "Every ingress between security groups of mesh tasks matches a declared App Mesh relationship on the callee's listener port; "
    "between Service Connect workloads, a port the callee serves; never between workloads of different kinds.",
)


def served_ports_by_workload(index: StackIndex) -> dict[Workload, set[int]]:
    served: dict[Workload, set[int]] = defaultdict(set)
    for service in index.of_types((ECS_SERVICE,)):
        workload = index.service_workload(service)
        if workload and workload[1] == SERVICE_CONNECT_KIND:
            served[workload] |= index.served_ports(service)
    return served


def _check_mesh_edges(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    declared = DeclaredMesh(index)
    owners = workload_groups(index)
    for subject in index.of_types(RULE_TYPES):
        for rule in rules_of(subject):
            if not rule.needs("direction", "group", "peers") or rule.direction != "ingress":
                continue
            target = rule.group_id
            sources = [group for group in [*rule.source_groups, *([target] if rule.self_reference else [])] if isinstance(group, str)]
            if isinstance(target, str) and target not in owners:
                yield from _relayed(index, declared, owners, subject, rule, sources)
            if not isinstance(target, str) or target not in owners:
                continue
            for source in sources:
                for caller in sorted(owners.get(source, ())):
                    for callee in sorted(owners[target]):
                        problem = _undeclared(rule, caller, callee, declared)
                        if problem:
                            yield subject.urn, subject.violation(
                                f"{rule.describe()} lets {_name(caller)} (group {source}) reach {_name(callee)} (group {target}), {problem}",
                                "allow only the edges the mesh declares: a backend of the caller served by the callee, "
                                "on the callee's listener port; or declare the backend",
                            )


def _relayed(index: StackIndex, declared: DeclaredMesh, owners, subject: Subject, rule, sources: list[str]) -> Iterable[tuple[str, str]]:
    """Ingress into a load balancer's (or VPC link's) group, judged as ingress into the workloads behind it."""
    for front in index.fronts:
        if rule.group_id not in front.groups:
            continue
        behind = [(reach, index.service_workload(reach.service)) for reach in front.reaches if reach.service]
        relayed_kinds = ("virtualNode",) if front.internet_facing else ("virtualNode", SERVICE_CONNECT_KIND)  # the public ALB is the gateway
        nodes = [(reach, served) for reach, served in behind if served and served[1] in relayed_kinds]
        if not nodes:
            continue
        names = ", ".join(sorted({_name(served) for _, served in nodes}))
        ranges = [str(value) for value in [*rule.cidrs, *rule.prefix_lists] if isinstance(value, str)]
        strangers = [source for source in sources if source not in owners]
        if ranges or strangers:
            yield subject.urn, subject.violation(
                f"{rule.describe()} admits {', '.join(ranges + strangers)} into load balancer '{front.subject.name}', which "
                f"relays to {names}, so callers the mesh never declared reach it",
                "admit only the declared callers' security groups into a load balancer in front of a virtual node")
        for source in sources:
            for caller in sorted(owners.get(source, ())):
                for reach, callee in nodes:
                    ports = declared.ports(caller, callee)
                    if not ports or reach.port not in ports:
                        yield subject.urn, subject.violation(
                            f"{rule.describe()} lets {_name(caller)} (group {source}) reach {_name(callee)} through load balancer "
                            f"'{front.subject.name}', but {_name(caller)} declares no backend that {_name(callee)} serves on "
                            f"port {reach.port}",
                            "declare the backend, or do not admit the caller into the load balancer's group")


def _undeclared(rule, caller: Workload, callee: Workload, declared: DeclaredMesh) -> str:
    if callee[1] == SERVICE_CONNECT_KIND and caller[1] != SERVICE_CONNECT_KIND:
        return "but only Service Connect workloads call a Service Connect workload (a stack runs one kind of mesh)"
    ports = declared.ports(caller, callee)
    if callee[1] == SERVICE_CONNECT_KIND and not ports:
        return "but it serves no port through Service Connect"
    if not ports:
        return f"but {_name(caller)} declares no backend that {_name(callee)} serves"
    if rule.single_port not in [("tcp", port) for port in ports]:
        what = f"{_name(callee)} serves" if callee[1] == SERVICE_CONNECT_KIND else "the declared relationship is on"
        return f"but {what} tcp {', '.join(map(str, sorted(ports)))} only"
    return ""


def policies() -> list:
    return [stack_policy(MESH_EDGES, _check_mesh_edges)]
