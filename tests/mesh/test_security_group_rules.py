"""Rule derivation from the graph, without Pulumi (the mock-engine tests check the resources)."""

from mesh_components.aws.security_groups import PrefixListAccess, RuleSpec, rule_specs
from mesh_components.topology.graph import MeshGraph

from tests.reference import topology_from


def test_reference_rules(reference_graph):
    rules = set(rule_specs(reference_graph, ["0.0.0.0/0"]))
    mesh = {(r.group, r.direction, r.peer_group, r.port) for r in rules if r.peer_group}
    assert mesh == {
        ("color-red", "ingress", "color-blue", 80), ("color-blue", "egress", "color-red", 80),
        ("color-green", "ingress", "color-red", 80), ("color-red", "egress", "color-green", 80),
        ("color-yellow", "ingress", "color-red", 80), ("color-red", "egress", "color-yellow", 80),
        ("color-blue", "ingress", "gateway-gateway", 80), ("gateway-gateway", "egress", "color-blue", 80),
        ("color-green", "ingress", "gateway-gateway", 80), ("gateway-gateway", "egress", "color-green", 80),
        ("color-yellow", "ingress", "gateway-gateway", 80), ("gateway-gateway", "egress", "color-yellow", 80),
        ("gateway-gateway", "ingress", "load-balancer", 80), ("load-balancer", "egress", "gateway-gateway", 80),
    }
    cidr = {(r.group, r.direction, r.cidr, r.port) for r in rules if r.cidr}
    assert cidr == {("load-balancer", "ingress", "0.0.0.0/0", 80)} | {
        (group, "egress", "0.0.0.0/0", 443)
        for group in ("color-red", "color-blue", "color-green", "color-yellow", "gateway-gateway")}


def test_calls_through_a_prefix_list_open_it_on_their_ports_and_no_path_from_task_to_task(reference_graph):
    """VPC Lattice carrying red's calls to the router: red sends to the prefix list on 80, the association group
    admits red on 80, green and yellow accept the prefix list on 80; red's direct rules to them are gone."""
    lattice = PrefixListAccess("vpc-lattice", "com.amazonaws.{region}.vpc-lattice", (("red", 80),),
                               (("green", 80), ("yellow", 80)), ("router",))
    plain = set(rule_specs(reference_graph, ["0.0.0.0/0"]))
    rules = set(rule_specs(reference_graph, ["0.0.0.0/0"], prefix_list_access=lattice))
    peer = "prefix-list-vpc-lattice"
    assert rules - plain == {
        RuleSpec("color-red", "egress", 80, prefix_list=peer), RuleSpec("vpc-lattice", "ingress", 80, peer_group="color-red"),
        RuleSpec("color-green", "ingress", 80, prefix_list=peer), RuleSpec("color-yellow", "ingress", 80, prefix_list=peer)}
    assert plain - rules == {RuleSpec(callee, "ingress", 80, peer_group="color-red") for callee in ("color-green", "color-yellow")} | {
        RuleSpec("color-red", "egress", 80, peer_group=callee) for callee in ("color-green", "color-yellow")}
    # a gateway task's calls through the router are not the prefix list's (on service-connect the ALB reaches them)
    assert RuleSpec("gateway-gateway", "egress", 80, peer_group="color-green") in rules
    names = [rule.resource_name("sg") for rule in rules]
    assert len(set(names)) == len(names) and "sg-color-red.egress.prefix-list-vpc-lattice.80" in names
    assert RuleSpec("color-red", "egress", 80, prefix_list=peer).description == "to prefix-list-vpc-lattice on tcp/80"


def test_an_alb_gateway_reaches_the_colors_ports_itself_and_no_gateway_group_exists(reference_graph):
    rules = set(rule_specs(reference_graph, ["0.0.0.0/0"], load_balancer_targets=(("blue", 80), ("green", 80))))
    assert not [r for r in rules if "gateway-gateway" in (r.group, r.peer_group)]
    balancer = {(r.group, r.direction, r.peer_group or r.cidr, r.port) for r in rules if "load-balancer" in (r.group, r.peer_group)}
    assert balancer == {
        ("load-balancer", "ingress", "0.0.0.0/0", 80),
        ("load-balancer", "egress", "color-blue", 80), ("color-blue", "ingress", "load-balancer", 80),
        ("load-balancer", "egress", "color-green", 80), ("color-green", "ingress", "load-balancer", 80)}
    # the colors' own calls are untouched
    assert {r for r in rules if "load-balancer" not in (r.group, r.peer_group)} == {
        r for r in rule_specs(reference_graph, ["0.0.0.0/0"]) if "gateway-gateway" not in (r.group, r.peer_group)
        and "load-balancer" not in (r.group, r.peer_group)}


def test_rule_names_are_unique(reference_graph):
    rules = rule_specs(reference_graph, ["0.0.0.0/0", "::/0", "10.0.0.0/8"])
    assert len({r.resource_name("sg") for r in rules}) == len(rules)


def test_rule_names_of_colliding_hyphenated_colors_differ():
    # color a-ingress-color-b called by color c, and color a called by color b-ingress-color-c: both hyphen-
    # joined names were `color-a-ingress-color-b-ingress-color-c-80`.
    first = RuleSpec("color-a-ingress-color-b", "ingress", 80, peer_group="color-c")
    second = RuleSpec("color-a", "ingress", 80, peer_group="color-b-ingress-color-c")
    assert first.legacy_name("sg") == second.legacy_name("sg")
    assert first.resource_name("sg") != second.resource_name("sg")


def test_cidrs_are_one_rule_per_network_and_name_apart_by_version(reference_graph):
    rules = rule_specs(reference_graph, ["2001:DB8::/32", "2001:db8::/32", "1.2.0.0/32", "1:2:0:0::/32"])
    lb_ingress = sorted(r.cidr for r in rules if r.group == "load-balancer" and r.direction == "ingress")
    assert lb_ingress == ["1.2.0.0/32", "1:2::/32", "2001:db8::/32"]
    names = [r.resource_name("sg") for r in rules if r.cidr and r.group == "load-balancer"]
    assert len(set(names)) == 3 and "sg-load-balancer.ingress.ipv4-1_2_0_0/32.80" in names


def test_colors_and_gateway_with_the_same_name_get_different_groups(reference_data):
    reference_data["colors"]["gateway"] = {"image": "x"}
    reference_data["colors"]["blue"]["backends"] = ["red", "gateway"]
    rules = rule_specs(MeshGraph(topology_from(reference_data)), ["0.0.0.0/0"])
    assert RuleSpec("color-gateway", "ingress", 80, peer_group="color-blue") in rules
    assert RuleSpec("color-gateway", "ingress", 80, peer_group="gateway-gateway") not in rules


def test_a_peer_on_443_sits_beside_the_https_egress(reference_data):
    reference_data["colors"]["red"]["port"] = 443
    rules = rule_specs(MeshGraph(topology_from(reference_data)), ["0.0.0.0/0"])
    assert RuleSpec("color-blue", "egress", 443, peer_group="color-red") in rules
    assert RuleSpec("color-blue", "egress", 443, cidr="0.0.0.0/0") in rules


def test_each_egress_entry_is_one_rule_to_exactly_its_destination_and_port(reference_data):
    reference_data["colors"]["red"]["egress"] = [
        {"host": "db.example.com", "port": 5432}, {"cidr": "10.20.0.0/16", "port": 6379},
        {"prefix_list": "pl-0123456789abcdef0", "port": 5439}, {"host": "api.example.com", "port": 443}]
    rules = rule_specs(MeshGraph(topology_from(reference_data)), ["0.0.0.0/0"])
    outside = {(r.peer, r.port) for r in rules if r.group == "color-red" and not r.peer_group}
    # a host is reached anywhere on its port (Envoy enforces the name); 443 to anywhere was there already
    assert outside == {("0.0.0.0/0", 443), ("0.0.0.0/0", 5432), ("10.20.0.0/16", 6379), ("pl-0123456789abcdef0", 5439)}
    prefix_list = next(r for r in rules if r.prefix_list)
    assert prefix_list.resource_name("sg") == "sg-color-red.egress.pl-0123456789abcdef0.5439"
    assert prefix_list.description == "to pl-0123456789abcdef0 on tcp/5439"


def test_a_worker_gets_egress_but_no_ingress(reference_data):
    reference_data["colors"]["worker"] = {"image": "x", "listeners": [], "backends": ["red"]}
    rules = rule_specs(MeshGraph(topology_from(reference_data)), ["0.0.0.0/0"])
    assert {(r.direction, r.peer, r.port) for r in rules if r.group == "color-worker"} == {
        ("egress", "color-red", 80), ("egress", "0.0.0.0/0", 443)}


def test_the_public_port_is_what_the_internet_reaches_and_the_gateway_port_what_the_balancer_reaches(reference_data):
    reference_data["gateway"]["public_port"] = 443
    rules = rule_specs(MeshGraph(topology_from(reference_data)), ["0.0.0.0/0"])
    balancer = {(r.direction, r.peer, r.port) for r in rules if r.group == "load-balancer"}
    assert balancer == {("ingress", "0.0.0.0/0", 443), ("egress", "gateway-gateway", 80)}
