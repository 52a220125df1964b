"""Routers called by colors on VPC Lattice: the exact configuration for the reference mesh, App Mesh's route
order and matches as Lattice rules (checked by evaluating the rules on requests), target groups with the
color's port and health check, the least-privilege facts and the DNS records."""

from __future__ import annotations

from typing import Optional

import pytest

from mesh_components.service_connect.lattice import (HEALTH_CHECK_DISABLED, FixedResponse, Forward, HeaderMatch,
                                                     HealthCheck, HttpMatch, LatticeTargetGroupKey, Listener,
                                                     ListenerRule, PathMatch, Service, ServiceNetwork, TargetGroup,
                                                     WeightedTargetGroup)
from mesh_components.service_connect.lattice_access import (AuthPolicy, LatticeAccess, LatticeRegistration,
                                                            LatticeTargetPort, RouterCall, lattice_access)
from mesh_components.service_connect.lattice_dns import RouterDnsRecord, router_dns_records
from mesh_components.service_connect.lattice_routers import (LatticeRouters, RoutersNotCompilable, called_routers,
                                                             compile_routers, literal_regex, router_problems)
from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.loader import load_topology
from mesh_components.topology.model import Topology
from tests.reference import REFERENCE, topology_from

CHECKED = HealthCheck(True, "HTTP", "HTTP1", "/healthcheck", 2, 2, 5, 2, "200")


def key(router: str, color: str) -> LatticeTargetGroupKey:
    return LatticeTargetGroupKey(router, color)


def forward(router: str, *targets: tuple[str, int]) -> Forward:
    return Forward(tuple(WeightedTargetGroup(key(router, color), weight) for color, weight in targets))


def mesh(routers: dict, colors: Optional[dict] = None, caller_backends: Optional[list] = None) -> Topology:
    colors = colors or {name: {"image": "app"} for name in ("green", "yellow")}
    caller = {"image": "app", "backends": caller_backends if caller_backends is not None else list(routers)}
    return topology_from({"mesh": {"name": "m", "namespace": "colors.local"}, "colors": {"red": caller, **colors},
                          "routers": routers})


# --- the reference mesh -------------------------------------------------------------------------


def test_reference_mesh_router_on_lattice():
    topology = load_topology(REFERENCE)
    assert compile_routers(topology) == LatticeRouters(
        ServiceNetwork("NONE"),
        (Service("router", "router.colors.local", "NONE", Listener("HTTP", 80, (
            ListenerRule("colors", 1, HttpMatch(PathMatch("prefix", "/", True), "GET"),
                         forward("router", ("green", 4), ("yellow", 1))),
        ), FixedResponse(404))),),
        (TargetGroup(key("router", "green"), 80, "HTTP", "HTTP1", CHECKED),
         TargetGroup(key("router", "yellow"), 80, "HTTP", "HTTP1", CHECKED)))


def test_reference_mesh_access_facts():
    assert lattice_access(load_topology(REFERENCE)) == LatticeAccess(
        calls=(RouterCall("red", "router", 80),),
        target_ports=(LatticeTargetPort("green", 80), LatticeTargetPort("yellow", 80)),
        registrations=(LatticeRegistration("green", "http-80", key("router", "green")),
                       LatticeRegistration("yellow", "http-80", key("router", "yellow"))),
        auth_policies=())


def test_reference_mesh_router_name_is_a_cname_to_the_lattice_service():
    assert router_dns_records(load_topology(REFERENCE)) == (
        RouterDnsRecord("router", "colors.local", "router", "router.colors.local", "CNAME", "WEIGHTED", 60, "lattice",
                        "AWS_INSTANCE_CNAME"),)


def test_reference_mesh_has_no_router_problems():
    assert router_problems(load_topology(REFERENCE)) == ()


# --- which routers ------------------------------------------------------------------------------


def test_only_routers_colors_call_get_a_lattice_service():
    topology = topology_from({
        "mesh": {"name": "m", "namespace": "colors.local"},
        "colors": {"red": {"image": "app", "backends": ["called"]}, "green": {"image": "app"}},
        "routers": {"exposed": {"routes": {"all": {"targets": {"green": 1}}}},
                    "called": {"routes": {"all": {"targets": {"green": 1}}}}},
        "gateway": {"routes": {"all": {"match": {"prefix": "/"}, "target": "exposed"}}}})
    assert called_routers(topology) == ("called",)
    compiled = compile_routers(topology)
    assert [service.router for service in compiled.services] == ["called"]
    assert [group.key for group in compiled.target_groups] == [key("called", "green")]
    assert [record.router for record in router_dns_records(topology)] == ["called"]


# --- order and matches --------------------------------------------------------------------------

ORDERED = {
    "api": {"routes": {
        "catch-all": {"targets": {"green": 1}},
        "short": {"match": {"prefix": "/a"}, "targets": {"green": 1}},
        "short-with-header": {"match": {"prefix": "/a", "headers": [{"name": "x-beta", "exact": "1"}]},
                              "targets": {"yellow": 1}},
        "long": {"match": {"prefix": "/a/b"}, "targets": {"yellow": 1}},
        "whole": {"match": {"path": {"exact": "/a/b/c"}}, "targets": {"green": 1}},
        "late": {"match": {"prefix": "/z"}, "priority": 7, "targets": {"yellow": 1}},
        "first": {"match": {"prefix": "/z"}, "priority": 0, "targets": {"green": 1}},
    }},
}


def test_rules_follow_app_mesh_order_priorities_first_then_most_specific():
    topology = mesh(ORDERED)
    rules = compile_routers(topology).services[0].listener.rules
    assert [(rule.priority, rule.name) for rule in rules] == [
        (1, "first"), (2, "late"), (3, "whole"), (4, "long"), (5, "short-with-header"), (6, "short"), (7, "catch-all")]
    ranks = MeshGraph(topology).route_priorities("api")
    assert sorted((rank, name) for name, rank in ranks.items() if rank is not None) == [(1, "first"), (2, "late")]


def lattice_answer(listener: Listener, method: str, path: str, headers: Optional[dict] = None):
    """What a Lattice listener does with a request: the first rule (by priority) whose match holds."""
    headers = headers or {}
    for rule in sorted(listener.rules, key=lambda rule: rule.priority):
        match = rule.match
        if match.method not in (None, method):
            continue
        if not (path == match.path_match.value if match.path_match.kind == "exact" else
                path.startswith(match.path_match.value)):
            continue
        tests = {"exact": str.__eq__, "prefix": str.startswith, "contains": str.__contains__}
        if all(header.name in headers and tests[header.kind](headers[header.name], header.value)
               for header in match.header_matches):
            return rule.name
    return listener.default_action


@pytest.mark.parametrize("method, path, headers, expected", [
    ("GET", "/z/1", None, "first"),  # priority 0 beats every unprioritised route
    ("GET", "/a/b/c", None, "whole"),
    ("GET", "/a/b/c/d", None, "long"),
    ("GET", "/a/x", {"x-beta": "1"}, "short-with-header"),
    ("GET", "/a/x", {"x-beta": "2"}, "short"),
    ("GET", "/A/x", None, "catch-all"),  # paths compare case-sensitively, as in App Mesh
    ("POST", "/q", None, "catch-all"),
])
def test_requests_reach_the_route_app_mesh_picks(method, path, headers, expected):
    listener = compile_routers(mesh(ORDERED)).services[0].listener
    assert lattice_answer(listener, method, path, headers) == expected


def test_no_route_matching_answers_404_as_app_mesh():
    topology = mesh({"api": {"routes": {"only": {"match": {"prefix": "/v1", "method": "POST"},
                                                 "targets": {"green": 1}}}}})
    listener = compile_routers(topology).services[0].listener
    assert lattice_answer(listener, "GET", "/v1/x") == FixedResponse(404)
    assert lattice_answer(listener, "POST", "/v2") == FixedResponse(404)
    assert lattice_answer(listener, "POST", "/v1/x") == "only"


def test_matches_are_translated_exactly():
    topology = mesh({"api": {"routes": {"matched": {
        "match": {"path": {"exact": "/orders"}, "method": "PUT", "headers": [
            {"name": "x-tenant", "exact": "acme"}, {"name": "x-version", "prefix": "v2"},
            {"name": "x-a", "regex": "lit\\.eral"}, {"name": "x-b", "regex": "pre.*"},
            {"name": "x-c", "regex": ".*mid.*"}]},
        "targets": {"green": 1}}}}})
    rule, = compile_routers(topology).services[0].listener.rules
    assert rule.match == HttpMatch(PathMatch("exact", "/orders", True), "PUT", (
        HeaderMatch("x-tenant", "exact", "acme", True), HeaderMatch("x-version", "prefix", "v2", True),
        HeaderMatch("x-a", "exact", "lit.eral", True), HeaderMatch("x-b", "prefix", "pre", True),
        HeaderMatch("x-c", "contains", "mid", True)))


def test_scheme_http_always_holds_on_the_http_listener():
    topology = mesh({"api": {"routes": {"plain": {"match": {"prefix": "/", "scheme": "http"},
                                                  "targets": {"green": 1}}}}})
    rule, = compile_routers(topology).services[0].listener.rules
    assert rule.match == HttpMatch(PathMatch("prefix", "/"))


@pytest.mark.parametrize("pattern, expected", [
    ("abc", ("exact", "abc")), ("abc.*", ("prefix", "abc")), (".*abc.*", ("contains", "abc")),
    ("a\\.b\\*", ("exact", "a.b*")), (".*abc", None), ("a.b", None), ("a|b", None), (".*", None), ("x.*y", None),
    ("[ab]c", None), ("a\\d", None),
])
def test_only_literal_regexes_are_expressible(pattern, expected):
    assert literal_regex(pattern) == expected


# --- weights and target groups -----------------------------------------------------------------


def test_weights_are_kept_and_weight_zero_targets_leave_the_forward_but_keep_their_target_group():
    colors = {name: {"image": "app"} for name in ("green", "yellow", "blue")}
    topology = mesh({"api": {"routes": {"split": {"targets": {"green": 63, "yellow": 37, "blue": 0}}}}}, colors)
    compiled = compile_routers(topology)
    assert compiled.services[0].listener.rules[0].action == forward("api", ("green", 63), ("yellow", 37))
    assert [group.key.color for group in compiled.target_groups] == ["blue", "green", "yellow"]


def test_target_group_reaches_the_listener_speaking_the_routers_protocol():
    colors = {"green": {"image": "app", "listeners": [
        {"port": 5432, "protocol": "tcp"},
        {"port": 8080, "protocol": "http2", "health_check": {"path": "/ready", "healthy_threshold": 3,
                                                             "unhealthy_threshold": 4, "interval_seconds": 30,
                                                             "timeout_seconds": 10}}]}}
    topology = mesh({"api": {"protocol": "http2", "port": 9000, "routes": {"all": {"targets": {"green": 1}}}}},
                    colors)
    compiled = compile_routers(topology)
    assert compiled.target_groups == (TargetGroup(key("api", "green"), 8080, "HTTP", "HTTP2",
                                                  HealthCheck(True, "HTTP", "HTTP2", "/ready", 3, 4, 30, 10, "200")),)
    assert compiled.services[0].listener.port == 9000 and compiled.services[0].listener.protocol == "HTTP"
    assert lattice_access(topology).registrations == (LatticeRegistration("green", "http2-8080", key("api", "green")),)
    assert lattice_access(topology).target_ports == (LatticeTargetPort("green", 8080),)


def test_a_color_without_health_check_is_not_probed():
    """Lattice's default would probe GET / and drop targets answering anything but 200; App Mesh probes nothing."""
    compiled = compile_routers(mesh({"api": {"routes": {"all": {"targets": {"green": 1}}}}}))
    assert compiled.target_groups[0].health_check == HEALTH_CHECK_DISABLED == HealthCheck(enabled=False)


def test_a_target_listener_with_service_connect_tls_is_reached_over_https():
    colors = {"green": {"image": "app", "health_check": {"path": "/h"},
                        "tls": {"mode": "STRICT", "certificate": {"acm": "arn:aws:acm:us-east-1:123456789012:certificate/g"}}}}
    topology = mesh({"api": {"routes": {"all": {"targets": {"green": 1}}}}}, colors)
    group, = compile_routers(topology).target_groups
    assert (group.protocol, group.health_check.protocol) == ("HTTPS", "HTTPS")


# --- least privilege and auth --------------------------------------------------------------------


def test_only_callers_get_egress_and_only_targets_get_ingress():
    colors = {"green": {"image": "app"}, "yellow": {"image": "app"}, "blue": {"image": "app", "backends": ["green"]}}
    topology = mesh({"api": {"port": 8080, "routes": {"all": {"targets": {"yellow": 1}}}}}, colors)
    access = lattice_access(topology)
    assert access.calls == (RouterCall("red", "api", 8080),)
    assert access.target_ports == (LatticeTargetPort("yellow", 80),)
    assert access.registrations_of("green") == () and access.registrations_of("blue") == ()


def test_iam_auth_names_exactly_the_callers_task_roles():
    colors = {"green": {"image": "app"}, "blue": {"image": "app", "backends": ["api"]},
              "gray": {"image": "app", "backends": ["other"]}}
    topology = mesh({"api": {"auth": "iam", "routes": {"all": {"targets": {"green": 1}}}},
                     "other": {"routes": {"all": {"targets": {"green": 1}}}}}, colors, caller_backends=["api"])
    services = {service.router: service.auth_type for service in compile_routers(topology).services}
    assert services == {"api": "AWS_IAM", "other": "NONE"}
    policy, = lattice_access(topology).auth_policies
    assert policy == AuthPolicy("api", ("blue", "red"))
    arn = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123"
    assert policy.document(lambda color: f"arn:aws:iam::123456789012:role/{color}-task", arn) == {
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::123456789012:role/blue-task", "arn:aws:iam::123456789012:role/red-task"]},
            "Action": "vpc-lattice-svcs:Invoke",
            "Resource": f"{arn}/*"}]}


# --- refusals ---------------------------------------------------------------------------------------


def test_compiling_a_router_lattice_cannot_express_raises_with_every_error():
    topology = mesh({"api": {"routes": {"bad": {"match": {"path": {"regex": "/v[0-9]"},
                                                          "query_parameters": [{"name": "q"}]},
                                                "targets": {"green": 1}}}}})
    with pytest.raises(RoutersNotCompilable) as raised:
        compile_routers(topology)
    assert [line.split(": ", 1)[0] for line in str(raised.value).splitlines()] == [
        "routers.api.routes.bad.match.path.regex", "routers.api.routes.bad.match.query_parameters"]


def test_a_color_behind_two_routers_is_blamed_once_for_its_probe():
    colors = {"green": {"image": "app", "health_check": {"interval_seconds": 10}}}
    topology = mesh({"a": {"routes": {"all": {"targets": {"green": 1}}}},
                     "b": {"routes": {"all": {"targets": {"green": 1}}}}}, colors)
    assert [problem.path for problem in router_problems(topology)] == [("colors", "green", "health_check")]
