"""One shape for a security-group rule, whichever of the three ways it was written.

Inline `ingress`/`egress` blocks on `aws:ec2/securityGroup`, `aws:ec2/securityGroupRule` (with
`type`), and `aws:vpc/securityGroupIngressRule`/`EgressRule` all become `Rule`. Addresses are
compared as parsed networks (so `::0/0`, host bits and split halves of the world are caught).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from .reading import UNKNOWN, Props, Subject, as_int, is_true, is_unknown

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
RULE_TYPES = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP, LEGACY_RULE, INGRESS_RULE, EGRESS_RULE)

ALL_PORTS = (0, 65535)
_NAMED_PROTOCOLS = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "icmp": "icmp", "1": "icmp", "icmpv6": "icmpv6", "58": "icmpv6"}
_ALL_PROTOCOLS = {"-1", "all"}

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

# Address space that is not reachable from the internet; anything not inside one of these is public.
_NON_PUBLIC = [
    ipaddress.ip_network(text)
    for text in (
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8",
        "fc00::/7", "fe80::/10", "::1/128",
    )
]


def parse_network(text: Any) -> Optional[Network]:
    """A CIDR (host bits allowed, as AWS masks them) or a bare address; None if not an address."""
    if not isinstance(text, str):
        return None
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def is_public(network: Network) -> bool:
    return not any(network.version == private.version and network.subnet_of(private) for private in _NON_PUBLIC)


def within_any(network: Network, allowed: list[Network]) -> bool:
    return any(network.version == other.version and network.subnet_of(other) for other in allowed)


def parse_networks(texts: Any) -> list[Network]:
    return [network for network in map(parse_network, texts if isinstance(texts, list) else []) if network]


def protocol_kind(raw: Any) -> Any:
    """"all", "tcp", "udp", "icmp", "icmpv6", "proto-<n>" (no ports), UNKNOWN, or None if absent."""
    if is_unknown(raw):
        return UNKNOWN
    if raw is None:
        return None
    text = str(raw).strip().lower()
    number = as_int(raw)
    if number is not None:
        text = str(number)
    if text in _ALL_PROTOCOLS:
        return "all"
    if text in _NAMED_PROTOCOLS:
        return _NAMED_PROTOCOLS[text]
    return f"proto-{text}"


@dataclass
class Rule:
    """One rule: which group it is on, which way, what it opens and to/from whom."""

    where: str  # "ingress[0]" for inline blocks, "" for a rule resource
    direction: Any  # "ingress", "egress" or UNKNOWN
    protocol: Any  # see protocol_kind
    from_port: Any
    to_port: Any
    cidrs: list = field(default_factory=list)  # raw strings (IPv4 and IPv6)
    prefix_lists: list = field(default_factory=list)
    source_groups: list = field(default_factory=list)  # referenced group ids
    self_reference: bool = False
    group_id: Any = None  # the group the rule is on; None when unknown from the inputs
    subject: Any = None  # the resource the rule was read from

    def needs(self, *aspects: str) -> bool:
        """False, noting the unknown on the resource, if an aspect the check needs is unknown.

        Aspects: direction, protocol, ports, peers (CIDRs, prefix lists, groups), group.
        """
        values = {
            "direction": [self.direction],
            "protocol": [self.protocol],
            "ports": [self.from_port, self.to_port],
            "peers": [*self.cidrs, *self.prefix_lists, *self.source_groups],
            "group": [self.group_id],
        }
        unknown = [aspect for aspect in aspects if any(is_unknown(value) for value in values[aspect])]
        if unknown and self.subject is not None:
            self.subject.props.note_unknown(f"{self.where or 'rule'} {'/'.join(unknown)}".strip())
        return not unknown

    @property
    def has_ports(self) -> bool:
        return self.protocol in ("tcp", "udp")

    @property
    def port_range(self) -> Optional[tuple[int, int]]:
        """(from, to) for tcp/udp; (0, 65535) when absent or 0-0 (AWS reads both as every port)."""
        if not self.has_ports:
            return None
        low, high = as_int(self.from_port), as_int(self.to_port)
        if is_unknown(self.from_port) or is_unknown(self.to_port):
            return None
        if low is None and high is None or (low == 0 and high == 0):
            return ALL_PORTS
        low = 0 if low is None else max(low, 0)
        high = 65535 if high is None or high < 0 else high
        return (min(low, high), max(low, high))

    @property
    def opens_every_port(self) -> bool:
        return self.protocol == "all" or (self.has_ports and self.port_range == ALL_PORTS)

    @property
    def single_port(self) -> Optional[tuple[str, int]]:
        """(protocol, port) when a tcp/udp rule opens exactly one port; None otherwise."""
        port_range = self.port_range
        if port_range is None or port_range[0] != port_range[1]:
            return None
        return (self.protocol, port_range[0])

    def opens_tcp_port(self, port: int) -> bool:
        if self.protocol == "all":
            return True
        port_range = self.port_range
        return self.protocol == "tcp" and port_range is not None and port_range[0] <= port <= port_range[1]

    def networks(self) -> list[Network]:
        return parse_networks([cidr for cidr in self.cidrs if not is_unknown(cidr)])

    def invalid_cidrs(self) -> list[str]:
        return [cidr for cidr in self.cidrs if not is_unknown(cidr) and parse_network(cidr) is None]

    def describe(self) -> str:
        if self.protocol == "all":
            opens = "all protocols"
        elif self.has_ports:
            port_range = self.port_range
            opens = f"{self.protocol} " + ("?" if port_range is None else f"{port_range[0]}-{port_range[1]}" if port_range[0] != port_range[1] else str(port_range[0]))
        else:
            opens = str(self.protocol)
        peers = [*map(str, self.cidrs), *map(str, self.prefix_lists), *map(str, self.source_groups)] + (["self"] if self.self_reference else [])
        where = f"{self.where} " if self.where else ""
        return f"{where}{self.direction} rule ({opens} {'from' if self.direction == 'ingress' else 'to'} {', '.join(peers) or 'nobody'})"


def _listed(props: Props, *path: Any) -> list:
    values = props.items(*path)
    return values if not is_unknown(values) else [UNKNOWN]


def _inline_rules(subject: Subject) -> list[Rule]:
    props = subject.props
    group_id = props.get("id")
    rules = []
    for direction in ("ingress", "egress"):
        blocks = props.items(direction)
        if is_unknown(blocks):  # a stand-in whose every aspect is unknown, so each check notes it
            rules.append(Rule(direction, direction, UNKNOWN, UNKNOWN, UNKNOWN, [UNKNOWN], group_id=group_id))
            continue
        for index, _ in enumerate(blocks):
            block = (direction, index)
            rules.append(
                Rule(
                    where=f"{direction}[{index}]",
                    direction=direction,
                    protocol=protocol_kind(props.get(*block, "protocol")),
                    from_port=props.get(*block, "fromPort"),
                    to_port=props.get(*block, "toPort"),
                    cidrs=_listed(props, *block, "cidrBlocks") + _listed(props, *block, "ipv6CidrBlocks"),
                    prefix_lists=_listed(props, *block, "prefixListIds"),
                    source_groups=_listed(props, *block, "securityGroups"),
                    self_reference=is_true(props.get(*block, "self")),
                    group_id=group_id,
                )
            )
    return rules


def _legacy_rule(subject: Subject) -> list[Rule]:
    props = subject.props
    source = props.get("sourceSecurityGroupId")
    return [
        Rule(
            where="",
            direction=props.get("type"),
            protocol=protocol_kind(props.get("protocol")),
            from_port=props.get("fromPort"),
            to_port=props.get("toPort"),
            cidrs=_listed(props, "cidrBlocks") + _listed(props, "ipv6CidrBlocks"),
            prefix_lists=_listed(props, "prefixListIds"),
            source_groups=[source] if source is not None else [],
            self_reference=is_true(props.get("self")),
            group_id=props.get("securityGroupId"),
        )
    ]


def _vpc_rule(subject: Subject) -> list[Rule]:
    props = subject.props
    optional = lambda key: [props.get(key)] if props.get(key) is not None else []  # noqa: E731
    return [
        Rule(
            where="",
            direction="ingress" if subject.type == INGRESS_RULE else "egress",
            protocol=protocol_kind(props.get("ipProtocol")),
            from_port=props.get("fromPort"),
            to_port=props.get("toPort"),
            cidrs=optional("cidrIpv4") + optional("cidrIpv6"),
            prefix_lists=optional("prefixListId"),
            source_groups=optional("referencedSecurityGroupId"),
            group_id=props.get("securityGroupId"),
        )
    ]


def rules_of(subject: Subject) -> list[Rule]:
    """The rules a resource writes. Reading them notes no unknowns: `Rule.needs` does, per check."""
    quiet = Subject(subject.type, subject.name, subject.urn, Props(subject.props.data))
    if subject.type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        rules = _inline_rules(quiet)
    elif subject.type == LEGACY_RULE:
        rules = _legacy_rule(quiet)
    elif subject.type in (INGRESS_RULE, EGRESS_RULE):
        rules = _vpc_rule(quiet)
    else:
        rules = []
    for rule in rules:
        rule.subject = subject
    return rules


def refers_to_itself(rule: Rule) -> bool:
    return rule.self_reference or (
        isinstance(rule.group_id, str) and any(source == rule.group_id for source in rule.source_groups)
    )
