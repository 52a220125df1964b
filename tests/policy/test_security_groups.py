"""Least-privilege security-group policies, across the three ways to write a rule, and their bypasses."""

from __future__ import annotations

import pulumi_aws as aws
import pytest

from .verdicts import mandatory, names_in, of_policy


def group(name: str = "web", **kwargs) -> aws.ec2.SecurityGroup:
    return aws.ec2.SecurityGroup(name, vpc_id="vpc-0123456789abcdef0", **kwargs)


def inline_ingress(**rule):
    return lambda: group(ingress=[rule])


def legacy_rule(kind: str = "ingress", **rule):
    def program():
        target = group()
        aws.ec2.SecurityGroupRule("rule", type=kind, security_group_id=target.id, **rule)

    return program


def vpc_ingress(**rule):
    def program():
        target = group()
        aws.vpc.SecurityGroupIngressRule("rule", security_group_id=target.id, **rule)

    return program


def vpc_egress(**rule):
    def program():
        target = group()
        aws.vpc.SecurityGroupEgressRule("rule", security_group_id=target.id, **rule)

    return program


def peer_rule(**rule):
    """An ingress rule from another group of the stack (no public source in play)."""

    def program():
        target, source = group("target"), group("source")
        aws.vpc.SecurityGroupIngressRule("rule", security_group_id=target.id, referenced_security_group_id=source.id, **rule)

    return program


# --- all protocols ------------------------------------------------------------------------------

ALL_PROTOCOL_SPELLINGS = [
    pytest.param(inline_ingress(protocol="-1", from_port=0, to_port=0, cidr_blocks=["10.0.0.0/8"]), id="inline -1"),
    pytest.param(inline_ingress(protocol="all", from_port=443, to_port=443, cidr_blocks=["10.0.0.0/8"]), id="inline all on 443"),
    pytest.param(legacy_rule(protocol="-1", from_port=443, to_port=443, cidr_blocks=["10.0.0.0/8"]), id="rule resource -1 on 443"),
    pytest.param(vpc_ingress(ip_protocol="-1", cidr_ipv4="10.0.0.0/8"), id="vpc rule -1"),
    pytest.param(vpc_egress(ip_protocol="-1", cidr_ipv4="10.0.0.0/8"), id="vpc egress -1"),
]


@pytest.mark.parametrize("program", ALL_PROTOCOL_SPELLINGS)
def test_all_protocols_in_any_spelling_is_refused(judge, program):
    found = of_policy(judge(program), "sg-no-all-protocols")
    assert found and all(v.enforcement_level == "mandatory" for v in found)
    assert "-1" in found[0].message and "Fix:" in found[0].message


def test_numeric_minus_one_protocol_is_refused(judge):
    verdicts = judge(legacy_rule(protocol=-1, from_port=0, to_port=0, cidr_blocks=["10.0.0.0/8"]))
    assert of_policy(verdicts, "sg-no-all-protocols")


def test_a_tcp_rule_is_not_all_protocols(judge):
    assert not of_policy(judge(peer_rule(ip_protocol="tcp", from_port=80, to_port=80)), "sg-no-all-protocols")


# --- port ranges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(peer_rule(ip_protocol="tcp", from_port=0, to_port=65535), id="0-65535"),
        pytest.param(peer_rule(ip_protocol="tcp", from_port=1024, to_port=65535), id="1024-65535"),
        pytest.param(peer_rule(ip_protocol="tcp", from_port=0, to_port=0), id="0-0 means all"),
        pytest.param(peer_rule(ip_protocol="udp", from_port=53, to_port=54), id="two udp ports"),
        pytest.param(legacy_rule(protocol="tcp", from_port=80, to_port=81, cidr_blocks=["10.0.0.0/8"]), id="rule resource"),
        pytest.param(inline_ingress(protocol="tcp", from_port=8000, to_port=9000, cidr_blocks=["10.0.0.0/8"]), id="inline"),
        pytest.param(peer_rule(ip_protocol="47", from_port=443, to_port=443), id="GRE 47 has no ports"),
        pytest.param(legacy_rule(protocol="50", from_port=443, to_port=443, cidr_blocks=["10.0.0.0/8"]), id="ESP 50 has no ports"),
    ],
)
def test_port_ranges_wider_than_one_port_are_refused(judge, program):
    assert of_policy(judge(program), "sg-port-range-limit", level="mandatory")


def test_single_ports_and_icmp_pass_the_port_range_limit(judge):
    assert not of_policy(judge(peer_rule(ip_protocol="tcp", from_port=8080, to_port=8080)), "sg-port-range-limit")
    assert not of_policy(judge(peer_rule(ip_protocol="icmp", from_port=-1, to_port=-1)), "sg-port-range-limit")


def test_port_range_width_is_configurable(judge):
    program = peer_rule(ip_protocol="tcp", from_port=8000, to_port=8080)
    assert of_policy(judge(program), "sg-port-range-limit")
    assert not of_policy(judge(program, {"sg-port-range-limit": {"maxPortRangeWidth": 81}}), "sg-port-range-limit")
    assert of_policy(judge(program, {"sg-port-range-limit": {"maxPortRangeWidth": 80}}), "sg-port-range-limit")


# --- public address space -------------------------------------------------------------------------

PUBLIC_SOURCES = [
    pytest.param(vpc_ingress(ip_protocol="tcp", from_port=22, to_port=22, cidr_ipv4="0.0.0.0/0"), id="0.0.0.0/0"),
    pytest.param(vpc_ingress(ip_protocol="tcp", from_port=22, to_port=22, cidr_ipv6="::/0"), id="::/0"),
    pytest.param(vpc_ingress(ip_protocol="tcp", from_port=22, to_port=22, cidr_ipv6="::0/0"), id="::0/0"),
    pytest.param(legacy_rule(protocol="tcp", from_port=22, to_port=22, ipv6_cidr_blocks=["0::/0"]), id="0::/0"),
    pytest.param(inline_ingress(protocol="tcp", from_port=22, to_port=22, ipv6_cidr_blocks=["2000::/3"]), id="2000::/3"),
    pytest.param(inline_ingress(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["0.0.0.0/1", "128.0.0.0/1"]), id="world in halves"),
    pytest.param(legacy_rule(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["10.1.2.3/0"]), id="host bits /0"),
    pytest.param(vpc_ingress(ip_protocol="tcp", from_port=22, to_port=22, cidr_ipv4="8.8.8.8/32"), id="one public host"),
]


@pytest.mark.parametrize("program", PUBLIC_SOURCES)
def test_ingress_from_public_address_space_is_refused(judge, program):
    verdicts = judge(program)
    assert of_policy(verdicts, "sg-no-public-ingress", level="mandatory")
    # The twin holds public ingress to one port; which ports are listener ports it learns from its config.
    config = {"sg-public-ingress-listener-ports": {"publicListenerPorts": [80, 443]}}
    assert of_policy(judge(program, config), "sg-public-ingress-listener-ports", level="mandatory")


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(vpc_ingress(ip_protocol="tcp", from_port=80, to_port=81, cidr_ipv4="0.0.0.0/0"), id="two ports"),
        pytest.param(legacy_rule(protocol="-1", from_port=0, to_port=0, ipv6_cidr_blocks=["::/0"]), id="all protocols"),
        pytest.param(inline_ingress(protocol="tcp", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/1"]), id="0-0 inline"),
    ],
)
def test_public_ingress_on_more_than_one_port_is_refused_per_resource_by_default(judge, program):
    assert of_policy(judge(program), "sg-public-ingress-listener-ports", level="mandatory")


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "172.16.5.0/24", "192.168.1.1/32", "100.64.0.0/10"])
def test_ingress_from_private_space_is_not_public(judge, cidr):
    verdicts = judge(vpc_ingress(ip_protocol="tcp", from_port=80, to_port=80, cidr_ipv4=cidr))
    assert not of_policy(verdicts, "sg-no-public-ingress")
    assert not of_policy(verdicts, "sg-public-ingress-listener-ports")


def balancer_program(*, internal: bool, rule_port: int, listener_port: int = 80, cidr: str = "0.0.0.0/0"):
    def program():
        lb_group = group("lb")
        aws.vpc.SecurityGroupIngressRule(
            "world", security_group_id=lb_group.id, ip_protocol="tcp", from_port=rule_port, to_port=rule_port, cidr_ipv4=cidr
        )
        balancer = aws.lb.LoadBalancer(
            "nlb", load_balancer_type="network", internal=internal, security_groups=[lb_group.id], subnets=["subnet-1", "subnet-2"]
        )
        target = aws.lb.TargetGroup("tg", port=listener_port, protocol="TCP", target_type="ip", vpc_id="vpc-0123456789abcdef0")
        aws.lb.Listener(
            "listener", load_balancer_arn=balancer.arn, port=listener_port, protocol="TCP",
            default_actions=[{"type": "forward", "target_group_arn": target.arn}],
        )

    return program


def test_internet_facing_balancer_group_may_admit_the_world_on_its_listener_port(judge):
    assert not of_policy(judge(balancer_program(internal=False, rule_port=80)), "sg-no-public-ingress")


def test_balancer_exemption_covers_only_listener_ports(judge):
    assert names_in(judge(balancer_program(internal=False, rule_port=81, listener_port=81)), "sg-no-public-ingress") == set()
    assert names_in(judge(balancer_program(internal=False, rule_port=8080)), "sg-no-public-ingress") == {"world"}


def test_internal_balancer_group_gets_no_exemption(judge):
    assert names_in(judge(balancer_program(internal=True, rule_port=80)), "sg-no-public-ingress") == {"world"}


def test_allowed_public_cidrs_are_configurable(judge):
    program = vpc_ingress(ip_protocol="tcp", from_port=22, to_port=22, cidr_ipv4="203.0.113.7/32")
    config = {"allowedPublicCidrs": ["203.0.113.0/24"]}
    verdicts = judge(program, {"sg-no-public-ingress": config, "sg-public-ingress-listener-ports": config})
    assert not of_policy(verdicts, "sg-no-public-ingress") and not of_policy(verdicts, "sg-public-ingress-listener-ports")
    assert of_policy(judge(program), "sg-no-public-ingress")


# --- self, default group, egress, admin port ------------------------------------------------------


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(inline_ingress(protocol="-1", from_port=0, to_port=0, self=True), id="inline self -1"),
        pytest.param(legacy_rule(protocol="tcp", from_port=0, to_port=65535, self=True), id="rule resource self all ports"),
    ],
)
def test_self_all_traffic_is_refused(judge, program):
    assert of_policy(judge(program), "sg-no-self-all-traffic", level="mandatory")


def test_vpc_rule_referencing_its_own_group_with_all_traffic_is_refused(judge):
    def program():
        own = group()
        aws.vpc.SecurityGroupIngressRule("rule", security_group_id=own.id, referenced_security_group_id=own.id, ip_protocol="-1")

    assert names_in(judge(program), "sg-no-self-all-traffic") == {"rule"}


def test_self_rule_on_one_port_is_not_all_traffic(judge):
    assert not of_policy(judge(legacy_rule(protocol="tcp", from_port=80, to_port=80, self=True)), "sg-no-self-all-traffic")


def test_rules_on_the_default_security_group_are_refused(judge):
    def program():
        aws.ec2.DefaultSecurityGroup("default", vpc_id="vpc-1", ingress=[{"protocol": "tcp", "from_port": 80, "to_port": 80, "self": True}])

    assert of_policy(judge(program), "sg-no-default-security-group", level="mandatory")


def test_an_emptied_default_security_group_passes(judge):
    assert not of_policy(judge(lambda: aws.ec2.DefaultSecurityGroup("default", vpc_id="vpc-1")), "sg-no-default-security-group")


def test_rule_resources_on_a_vpcs_default_group_are_refused(judge):
    def program():
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
        peer = aws.ec2.SecurityGroup("peer", vpc_id=vpc.id)
        aws.vpc.SecurityGroupIngressRule(
            "rule", security_group_id=vpc.default_security_group_id, referenced_security_group_id=peer.id,
            ip_protocol="tcp", from_port=80, to_port=80,
        )
        aws.vpc.SecurityGroupIngressRule(
            "fine", security_group_id=peer.id, referenced_security_group_id=peer.id, ip_protocol="tcp", from_port=80, to_port=80
        )

    assert names_in(judge(program), "sg-no-default-security-group-rules") == {"rule"}


def test_ecs_service_without_security_groups_runs_in_the_default_group(judge):
    def program():
        aws.ecs.Service("svc", cluster="arn:aws:ecs:us-east-1:123456789012:cluster/c", task_definition="family:1",
                        network_configuration={"subnets": ["subnet-1"], "security_groups": []})
        named = group("own")
        aws.ecs.Service("named", cluster="arn:aws:ecs:us-east-1:123456789012:cluster/c", task_definition="family:1",
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [named.id]})

    assert names_in(judge(program), "sg-no-default-security-group") == {"svc"}


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(lambda: group(egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]), id="inline"),
        pytest.param(vpc_egress(ip_protocol="-1", cidr_ipv6="::/0"), id="vpc egress ::/0"),
        pytest.param(legacy_rule("egress", protocol="tcp", from_port=0, to_port=65535, cidr_blocks=["0.0.0.0/0"]), id="all tcp ports"),
    ],
)
def test_egress_of_all_traffic_to_the_world_is_refused(judge, program):
    assert of_policy(judge(program), "sg-no-egress-all-to-world", level="mandatory")


def test_egress_on_443_to_the_world_is_allowed(judge):
    assert not of_policy(judge(vpc_egress(ip_protocol="tcp", from_port=443, to_port=443, cidr_ipv4="0.0.0.0/0")), "sg-no-egress-all-to-world")


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(peer_rule(ip_protocol="tcp", from_port=9901, to_port=9901), id="exact port"),
        pytest.param(peer_rule(ip_protocol="tcp", from_port=9000, to_port=9999), id="range over 9901"),
        pytest.param(peer_rule(ip_protocol="-1"), id="all protocols"),
        pytest.param(lambda: aws.lb.TargetGroup("tg", port=9901, protocol="TCP", target_type="ip", vpc_id="vpc-1"), id="target group"),
    ],
)
def test_nothing_opens_the_envoy_admin_port(judge, program):
    assert of_policy(judge(program), "sg-no-envoy-admin-port", level="mandatory")


def test_neighbouring_port_is_not_the_admin_port(judge):
    assert not of_policy(judge(peer_rule(ip_protocol="tcp", from_port=9902, to_port=9902)), "sg-no-envoy-admin-port")


# --- peers the pack cannot judge ----------------------------------------------------------------


def test_prefix_lists_are_flagged_unless_allowed(judge):
    program = legacy_rule(protocol="tcp", from_port=443, to_port=443, prefix_list_ids=["pl-63a5400a"])
    assert of_policy(judge(program), "sg-rule-peers-resolvable", level="mandatory")
    config = {"sg-rule-peers-resolvable": {"allowedPrefixListIds": ["pl-63a5400a"]}}
    assert not of_policy(judge(program, config), "sg-rule-peers-resolvable")


def test_vpc_rule_prefix_list_is_flagged(judge):
    assert of_policy(judge(vpc_ingress(ip_protocol="tcp", from_port=443, to_port=443, prefix_list_id="pl-1")), "sg-rule-peers-resolvable")


def test_cross_account_group_reference_is_flagged(judge):
    program = inline_ingress(protocol="tcp", from_port=80, to_port=80, security_groups=["111122223333/sg-0123456789abcdef0"])
    assert of_policy(judge(program), "sg-rule-peers-resolvable", level="mandatory")


def test_literal_group_ids_outside_the_stack_are_flagged(judge):
    program = vpc_ingress(ip_protocol="tcp", from_port=80, to_port=80, referenced_security_group_id="sg-0123456789abcdef0")
    assert names_in(judge(program), "sg-rule-peers-in-stack") == {"rule"}
    assert not of_policy(judge(peer_rule(ip_protocol="tcp", from_port=80, to_port=80)), "sg-rule-peers-in-stack")


def test_network_interface_attachments_are_refused(judge):
    def program():
        own = group()
        aws.ec2.NetworkInterfaceSecurityGroupAttachment("attach", security_group_id=own.id, network_interface_id="eni-0123456789abcdef0")

    assert names_in(judge(program), "sg-no-network-interface-attachment") == {"attach"}
    assert not of_policy(judge(lambda: group()), "sg-no-network-interface-attachment")


# --- unknowns and enforcement configuration ----------------------------------------------------------


def test_known_violation_is_reported_even_when_another_field_is_unknown_at_preview(judge):
    def program():
        own = group()
        unknown_cidr = own.tags_all.apply(lambda _: "10.0.0.0/8")  # the mocks return no tagsAll: unknown in preview
        aws.vpc.SecurityGroupIngressRule("rule", security_group_id=own.id, ip_protocol="-1", cidr_ipv4=unknown_cidr)

    verdicts = judge(program, preview=True)
    assert names_in(verdicts, "sg-no-all-protocols") == {"rule"}
    notes = [v for v in verdicts if "during preview" in v.message]
    assert notes and all(v.enforcement_level == "advisory" for v in notes)


def test_a_policy_set_to_advisory_no_longer_blocks(judge):
    program = peer_rule(ip_protocol="-1")
    assert any(v.policy_name == "sg-no-all-protocols" for v in mandatory(judge(program)))
    relaxed = judge(program, {"sg-no-all-protocols": "advisory"})
    assert of_policy(relaxed, "sg-no-all-protocols", level="advisory")
    assert not any(v.policy_name == "sg-no-all-protocols" for v in mandatory(relaxed))
    assert not of_policy(judge(program, {"sg-no-all-protocols": {"enforcementLevel": "disabled"}}), "sg-no-all-protocols")


def test_an_unknown_rule_list_is_noted_not_passed_silently(judge):
    def program():
        seed = group("seed")
        group("late", ingress=seed.tags_all.apply(lambda _: [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]))

    notes = [v for v in judge(program, preview=True) if v.urn.endswith("::late") and "during preview" in v.message]
    assert {v.policy_name for v in notes} >= {"sg-no-all-protocols", "sg-port-range-limit", "sg-no-envoy-admin-port"}
    assert {v.enforcement_level for v in notes} == {"advisory"}


# --- egress to a prefix list is no wider than egress to anywhere --------------------------------


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(vpc_egress(ip_protocol="tcp", from_port=443, to_port=443, prefix_list_id="pl-63a5400a"), id="vpc rule"),
        pytest.param(legacy_rule("egress", protocol="tcp", from_port=443, to_port=443, prefix_list_ids=["pl-02cd2c6b"]), id="rule resource"),
        pytest.param(lambda: group(egress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_list_ids": ["pl-1"]}]), id="inline"),
    ],
)
def test_egress_on_443_to_a_prefix_list_passes(judge, program):
    assert mandatory(judge(program)) == []


@pytest.mark.parametrize(
    "program, policy",
    [
        pytest.param(vpc_egress(ip_protocol="-1", prefix_list_id="pl-63a5400a"), "sg-no-egress-all-to-world", id="all traffic"),
        pytest.param(legacy_rule("egress", protocol="tcp", from_port=0, to_port=65535, prefix_list_ids=["pl-1"]),
                     "sg-no-egress-all-to-world", id="every port"),
        pytest.param(vpc_egress(ip_protocol="tcp", from_port=400, to_port=500, prefix_list_id="pl-1"), "sg-port-range-limit", id="a range"),
        pytest.param(vpc_ingress(ip_protocol="tcp", from_port=443, to_port=443, prefix_list_id="pl-1"), "sg-rule-peers-resolvable",
                     id="ingress from a prefix list"),
    ],
)
def test_prefix_lists_still_get_no_wider_rules_than_the_world_would(judge, program, policy):
    assert of_policy(judge(program), policy, level="mandatory")
