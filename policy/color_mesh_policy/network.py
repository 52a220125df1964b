"""Least-privilege security groups, across inline blocks, rule resources and VPC rule resources."""

from __future__ import annotations

from typing import Iterable

from .reading import INTEGER_LIST, STRING_LIST, PolicySpec, Settings, Subject, as_int, is_unknown, resource_policy, stack_policy
from .security_group_rules import (
    DEFAULT_SECURITY_GROUP,
    RULE_TYPES,
    SECURITY_GROUP,
    Rule,
    is_public,
    parse_networks,
    refers_to_itself,
    rules_of,
    within_any,
)
from .ecs_tasks import ADMIN_PORT_VARIABLE, TASK_DEFINITION, admin_port, containers, envoy_containers, port_mappings, proxy_properties
from .lattice import Lattice
from .lattice_prefix_lists import judged_here
from .stack_index import StackIndex

ECS_SERVICE = "aws:ecs/service:Service"
ENI_ATTACHMENT = "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment"
NETWORK_INTERFACE = "aws:ec2/networkInterface:NetworkInterface"

ALLOWED_PUBLIC_CIDRS = ("allowedPublicCidrs", (STRING_LIST, []))

NO_ALL_PROTOCOLS = PolicySpec(
    "sg-no-all-protocols",
    "Security-group rules name one protocol: no -1 / \"-1\" / \"all\" (AWS then ignores the ports and opens everything).",
)


def _check_all_protocols(subject: Subject, settings: Settings) -> Iterable[str]:
    for rule in rules_of(subject):
        if rule.needs("protocol") and rule.protocol == "all":
            yield subject.violation(
                f"{rule.describe()} uses protocol -1 (all protocols), which opens every port whatever fromPort/toPort say",
                "use protocol \"tcp\" with fromPort = toPort = the one port the peer needs",
            )


PORT_RANGE_LIMIT = PolicySpec(
    "sg-port-range-limit",
    "Security-group rules open at most `maxPortRangeWidth` ports (default: a single port); protocols without ports are refused.",
    knobs={"maxPortRangeWidth": ({"type": "integer", "minimum": 1, "maximum": 65536}, 1)},
)


def _check_port_range(subject: Subject, settings: Settings) -> Iterable[str]:
    widest = settings["maxPortRangeWidth"]
    for rule in rules_of(subject):
        if not rule.needs("protocol"):
            continue
        if rule.has_ports:
            if not rule.needs("ports"):
                continue
            low, high = rule.port_range
            if high - low + 1 > widest:
                spelled = "0-0 (which AWS reads as every port)" if (rule.from_port, rule.to_port) in ((0, 0), (0.0, 0.0)) else f"{low}-{high}"
                yield subject.violation(
                    f"{rule.describe()} opens ports {spelled}, {high - low + 1} ports; at most {widest} allowed",
                    "open only the listener port the peer needs (fromPort = toPort)",
                )
        elif isinstance(rule.protocol, str) and rule.protocol.startswith("proto-"):
            yield subject.violation(
                f"{rule.describe()} uses IP protocol {rule.protocol[6:]}, which has no ports: the rule opens the whole protocol",
                "use tcp or udp with a single port",
            )


def _public_sources(rule: Rule, settings: Settings) -> list[str]:
    allowed = parse_networks(settings["allowedPublicCidrs"])
    return [str(network) for network in rule.networks() if is_public(network) and not within_any(network, allowed)]


def _invalid_sources(rule: Rule) -> list[str]:
    return rule.invalid_cidrs()


PUBLIC_INGRESS_LISTENER_PORTS = PolicySpec(
    "sg-public-ingress-listener-ports",
    "Ingress from public address space (IPv4 or IPv6, any spelling) only as one tcp/udp port: one of "
    "`publicListenerPorts` when set, else any single port, which sg-no-public-ingress then holds to what the stack's "
    "internet-facing entry points expose (per-resource twin of sg-no-public-ingress).",
    knobs={
        "allowedPublicCidrs": ALLOWED_PUBLIC_CIDRS[1],
        "publicListenerPorts": (INTEGER_LIST, []),
    },
)


def _check_public_ingress_ports(subject: Subject, settings: Settings) -> Iterable[str]:
    listener_ports = set(settings["publicListenerPorts"])
    for rule in rules_of(subject):
        if not rule.needs("direction") or rule.direction != "ingress":
            continue
        rule.needs("peers")
        for cidr in _invalid_sources(rule):
            yield subject.violation(f"{rule.describe()} has source {cidr!r}, which is not a network", "write a valid CIDR")
        public = _public_sources(rule, settings)
        if public and not rule.needs("protocol", "ports"):
            continue
        single_port = rule.single_port
        single_listener_port = single_port is not None and (not listener_ports or single_port[1] in listener_ports)
        if public and not single_listener_port:
            allowed = f"one of the listener ports {sorted(listener_ports)}" if listener_ports else "a single tcp/udp port"
            yield subject.violation(
                f"{rule.describe()} admits public address space {', '.join(public)} on something other than {allowed}",
                "admit the internet only on the internet-facing load balancer's security group and listener port, "
                "or add the range to allowedPublicCidrs",
            )


NO_PUBLIC_INGRESS = PolicySpec(
    "sg-no-public-ingress",
    "No ingress from public address space, except on an internet-facing load balancer's security group on its listener ports.",
    knobs={"allowedPublicCidrs": ALLOWED_PUBLIC_CIDRS[1]},
)


def _check_public_ingress(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    for subject in index.of_types(RULE_TYPES):
        for rule in rules_of(subject):
            if not rule.needs("direction") or rule.direction != "ingress":
                continue
            rule.needs("peers")
            public = _public_sources(rule, settings)
            if not public or not rule.needs("group", "protocol", "ports"):
                continue
            group = rule.group_id if isinstance(rule.group_id, str) else None
            exempt_ports = index.public_listener_ports(group)
            if rule.single_port in exempt_ports:
                continue
            where = (
                f"security group {group} belongs to no internet-facing load balancer"
                if not exempt_ports
                else f"the internet-facing load balancer using {group} listens only on {sorted(port for _, port in exempt_ports)}"
            )
            yield subject.urn, subject.violation(
                f"{rule.describe()} admits public address space {', '.join(public)}; {where}",
                "admit public traffic only on the internet-facing load balancer's security group, on its listener ports",
            )


NO_SELF_ALL_TRAFFIC = PolicySpec(
    "sg-no-self-all-traffic",
    "No rule lets a security group reach itself on all protocols or all ports.",
)


def _check_self_all_traffic(subject: Subject, settings: Settings) -> Iterable[str]:
    for rule in rules_of(subject):
        rule.needs("group", "peers")
        if refers_to_itself(rule) and rule.needs("protocol", "ports") and rule.opens_every_port:
            yield subject.violation(
                f"{rule.describe()} lets every member of the group reach every other member on every port",
                "remove the self rule; allow the single port a declared caller needs from the caller's own group",
            )


NO_DEFAULT_SECURITY_GROUP = PolicySpec(
    "sg-no-default-security-group",
    "The VPC default security group has no rules and nothing runs in it (ECS services must name their security groups).",
)


def _check_default_group(subject: Subject, settings: Settings) -> Iterable[str]:
    if subject.type == DEFAULT_SECURITY_GROUP:
        for rule in rules_of(subject):
            yield subject.violation(
                f"{rule.describe()} is on the VPC's default security group, which every unconfigured ENI joins",
                "leave the default security group without rules and give each workload its own group",
            )
    elif subject.type == ECS_SERVICE:
        configuration = subject.props.get("networkConfiguration")
        if is_unknown(configuration):
            return
        groups = subject.props.items("networkConfiguration", "securityGroups")
        if configuration is not None and not is_unknown(groups) and not groups:
            yield subject.violation(
                "networkConfiguration names no securityGroups, so its tasks join the VPC's default security group",
                "set networkConfiguration.securityGroups to the service's own group",
            )


NO_DEFAULT_GROUP_RULES = PolicySpec(
    "sg-no-default-security-group-rules",
    "No rule resource targets a VPC's default security group (stack twin of sg-no-default-security-group).",
)


def _check_default_group_rules(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    defaults = index.default_group_ids()
    for subject in index.of_types(RULE_TYPES):
        if subject.type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
            continue
        for rule in rules_of(subject):
            if rule.needs("group") and isinstance(rule.group_id, str) and rule.group_id in defaults:
                yield subject.urn, subject.violation(
                    f"{rule.describe()} is attached to {rule.group_id}, a VPC's default security group",
                    "attach the rule to the workload's own security group",
                )
    for subject in index.of_types((ECS_SERVICE,)):
        for group in index.service_groups(subject):
            if group in defaults:
                yield subject.urn, subject.violation(
                    f"runs its tasks in {group}, a VPC's default security group", "give the service its own security group"
                )


NO_EGRESS_ALL_TO_WORLD = PolicySpec(
    "sg-no-egress-all-to-world",
    "No egress of all traffic (all protocols or all ports) to public address space: traffic that skips Envoy would bypass "
    "DROP_ALL, and Service Connect filters no egress.",
)


def _check_egress_all(subject: Subject, settings: Settings) -> Iterable[str]:
    for rule in rules_of(subject):
        if not rule.needs("direction", "protocol", "ports") or rule.direction != "egress" or not rule.opens_every_port:
            continue
        rule.needs("peers")
        public = [str(network) for network in rule.networks() if is_public(network)]
        if public or rule.prefix_lists:
            yield subject.violation(
                f"{rule.describe()} lets all traffic leave for {', '.join(public + [str(p) for p in rule.prefix_lists])}, "
                "so anything that skips the Envoy proxy bypasses the mesh's DROP_ALL egress filter (and Service Connect has "
                "no egress filter at all)",
                "allow egress only on the ports needed (e.g. tcp 443 for AWS APIs, the peers' listener ports)",
            )


NO_ENVOY_ADMIN = PolicySpec(
    "sg-no-envoy-admin-port",
    "Nothing opens the Envoy admin port (default 9901, or the task's ENVOY_ADMIN_ACCESS_PORT) to the network: no ingress "
    "rule, listener or target group on the default port, no port mapping or AppPorts entry on a task's admin port.",
    knobs={"envoyAdminPort": ({"type": "integer", "minimum": 1, "maximum": 65535}, 9901)},
)

LB_LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LB_TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")


def _check_envoy_admin(subject: Subject, settings: Settings) -> Iterable[str]:
    admin = settings["envoyAdminPort"]
    if subject.type == TASK_DEFINITION:
        yield from _task_admin_problems(subject, admin)
        return
    if subject.type in LB_LISTENERS + LB_TARGET_GROUPS:
        if as_int(subject.props.get("port")) == admin:
            yield subject.violation(f"forwards port {admin}, the Envoy admin port", "expose only the Envoy listener port")
        return
    for rule in rules_of(subject):
        if rule.needs("direction", "protocol", "ports") and rule.direction == "ingress" and rule.opens_tcp_port(admin):
            yield subject.violation(
                f"{rule.describe()} opens tcp {admin}, the Envoy admin port (it can drain, reconfigure and stop the proxy)",
                f"narrow the rule to the service's listener port, which is never {admin}",
            )


def _task_admin_problems(subject: Subject, default: int) -> Iterable[str]:
    found = containers(subject.props)
    if not isinstance(found, list):
        return
    app_ports = {as_int(port) for port in str(proxy_properties(subject.props).get("AppPorts") or "").split(",")}
    for envoy in envoy_containers(subject.props):
        admin = admin_port(envoy, default)
        if is_unknown(admin):
            subject.props.note_unknown("containerDefinitions ENVOY_ADMIN_ACCESS_PORT")
            continue
        if admin is None:
            yield subject.violation(
                f"Envoy container {envoy.get('name')!r} may move its admin interface where the pack cannot see "
                f"({ADMIN_PORT_VARIABLE} not a port, from a secret, or left to environment files)",
                f"leave {ADMIN_PORT_VARIABLE} unset, or set it in `environment` to one port",
            )
            continue
        mapped = [container.get("name") for container in found if admin in port_mappings(container)]
        for name in mapped:
            yield subject.violation(
                f"container {name!r} maps port {admin}, the Envoy admin port of container {envoy.get('name')!r}",
                "map only the listener ports; the admin interface stays inside the task",
            )
        if admin in app_ports:
            yield subject.violation(
                f"proxyConfiguration AppPorts includes {admin}, the Envoy admin port", "list only the application's listener ports"
            )


ADMIN_PORT_CLOSED = PolicySpec(
    "envoy-admin-port-closed",
    "Stack twin of sg-no-envoy-admin-port: no load balancer registers an ECS service on its Envoy's admin port, and no "
    "ingress rule on the service's groups opens an admin port moved with ENVOY_ADMIN_ACCESS_PORT.",
    knobs={"envoyAdminPort": NO_ENVOY_ADMIN.knobs["envoyAdminPort"]},
)


def _check_admin_port_closed(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    default = settings["envoyAdminPort"]
    ingress = [(subject, rule) for subject in index.of_types(RULE_TYPES) for rule in rules_of(subject)]
    for service in index.of_types((ECS_SERVICE,)):
        task = index.task_definition_of(service)
        ports = {admin_port(envoy, default) for envoy in envoy_containers(task.props)} if task else set()
        known = {port for port in ports if isinstance(port, int)}
        moved = known - {default}  # rules on the default port are sg-no-envoy-admin-port's
        groups = set(index.service_groups(service)) if moved else set()
        for subject, rule in ingress:
            if not isinstance(rule.group_id, str) or rule.group_id not in groups or rule.direction != "ingress" or not rule.needs("protocol", "ports"):
                continue
            for port in sorted(port for port in moved if rule.opens_tcp_port(port)):
                yield subject.urn, subject.violation(
                    f"{rule.describe()} opens tcp {port}, the Envoy admin port of ECS service '{service.name}' "
                    f"({ADMIN_PORT_VARIABLE})", "open only the service's listener port",
                )
        for port in sorted(known & set(index.service_load_balancer_ports(service))):
            yield service.urn, service.violation(
                f"registers its tasks with a load balancer on port {port}, its Envoy admin port",
                "register only the Envoy listener port",
            )


REFERENCES_RESOLVABLE = PolicySpec(
    "sg-rule-peers-resolvable",
    "Rules name peers the pack can judge: no prefix lists in ingress (unless allowed, or VPC Lattice's into a Service "
    "Connect workload, which lattice-prefix-list-rules judges) and no cross-account group references. Egress to a "
    "prefix list is judged as egress to anywhere, which it cannot exceed.",
    knobs={"allowedPrefixListIds": (STRING_LIST, [])},
)


def _check_references(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    allowed = set(settings["allowedPrefixListIds"])
    index = StackIndex(resources)
    lattice = Lattice(index)
    for subject in index.of_types(RULE_TYPES):
        for rule in rules_of(subject):
            rule.needs("peers")
            egress = rule.needs("direction") and rule.direction == "egress"  # no wider than the same rule to 0.0.0.0/0
            lattice_rule = judged_here(lattice, rule) is not False  # unknown: noted, judged once known
            for prefix_list in [] if egress or lattice_rule else rule.prefix_lists:
                if not is_unknown(prefix_list) and prefix_list not in allowed:
                    yield subject.urn, subject.violation(
                        f"{rule.describe()} uses prefix list {prefix_list}, whose addresses cannot be checked here",
                        "use CIDRs or security-group references, or add the prefix list to allowedPrefixListIds after review",
                    )
            for group in rule.source_groups:
                if isinstance(group, str) and "/" in group:
                    yield subject.urn, subject.violation(
                        f"{rule.describe()} references {group} in another account, which cannot be checked",
                        "reference a security group of this stack",
                    )


REFERENCES_IN_STACK = PolicySpec(
    "sg-rule-peers-in-stack",
    "Every security group a rule references or attaches to is created by this stack (stack twin of sg-rule-peers-resolvable).",
)


def _check_references_in_stack(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    known = index.group_ids()
    for subject in index.of_types(RULE_TYPES):
        for rule in rules_of(subject):
            rule.needs("peers", "group")
            named = [group for group in rule.source_groups if isinstance(group, str)]
            if isinstance(rule.group_id, str) and subject.type not in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
                named.append(rule.group_id)
            for group in named:
                if group not in known:
                    yield subject.urn, subject.violation(
                        f"{rule.describe()} refers to security group {group}, which this stack does not create, so its members are unknown",
                        "reference the security group resource of this stack (its id output), not a literal id",
                    )


NO_ENI_ATTACHMENT = PolicySpec(
    "sg-no-network-interface-attachment",
    "No security groups attached to hand-made network interfaces, a side door around the per-workload groups.",
)


def _check_eni(subject: Subject, settings: Settings) -> Iterable[str]:
    if subject.type == ENI_ATTACHMENT:
        yield subject.violation(
            f"attaches {subject.props.get('securityGroupId')} to network interface {subject.props.get('networkInterfaceId')}",
            "let ECS attach each service's own group through networkConfiguration.securityGroups",
        )
    elif subject.type == NETWORK_INTERFACE:
        groups = subject.props.items("securityGroups")
        if not is_unknown(groups) and groups:
            yield subject.violation(
                f"is a hand-made network interface in {', '.join(map(str, groups))}",
                "let ECS create task interfaces; do not add interfaces to workload groups",
            )


def policies() -> list:
    rule_types = RULE_TYPES
    return [
        resource_policy(NO_ALL_PROTOCOLS, rule_types, _check_all_protocols),
        resource_policy(PORT_RANGE_LIMIT, rule_types, _check_port_range),
        resource_policy(PUBLIC_INGRESS_LISTENER_PORTS, rule_types, _check_public_ingress_ports),
        stack_policy(NO_PUBLIC_INGRESS, _check_public_ingress),
        resource_policy(NO_SELF_ALL_TRAFFIC, rule_types, _check_self_all_traffic),
        resource_policy(NO_DEFAULT_SECURITY_GROUP, (DEFAULT_SECURITY_GROUP, ECS_SERVICE), _check_default_group),
        stack_policy(NO_DEFAULT_GROUP_RULES, _check_default_group_rules),
        resource_policy(NO_EGRESS_ALL_TO_WORLD, rule_types, _check_egress_all),
        resource_policy(NO_ENVOY_ADMIN, rule_types + LB_LISTENERS + LB_TARGET_GROUPS + (TASK_DEFINITION,), _check_envoy_admin),
        stack_policy(ADMIN_PORT_CLOSED, _check_admin_port_closed),
        stack_policy(REFERENCES_RESOLVABLE, _check_references),
        stack_policy(REFERENCES_IN_STACK, _check_references_in_stack),
        resource_policy(NO_ENI_ATTACHMENT, (ENI_ATTACHMENT, NETWORK_INTERFACE), _check_eni),
    ]

