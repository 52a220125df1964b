"""The gateway compiled into ALB listeners and rules: exact rules for the reference mesh and the traffic
fixtures, App Mesh's order and rewrites, router routes behind the gateway, and stable priorities."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from mesh_components.service_connect.alb import (AlbListener, Conditions, FixedResponse, Forward, HostHeader,
                                                 HttpHeader, ListenerRule, PathPattern, QueryString, Rewrite,
                                                 TargetGroup, TargetGroupKey, Transforms, WeightedTarget)
from mesh_components.service_connect.gateway_rules import (GatewayNotCompilable, compile_gateway, gateway_problems,
                                                           gateway_routes_in_order, router_routes_in_order,
                                                           target_groups)
from mesh_components.topology.loader import load_topology
from tests.reference import REFERENCE, topology_from
from tests.strategies import topology_data
from tests.service_connect.alb_simulator import app_mesh_default_rewrite, forwarded_colors, route

FIXTURES = Path(__file__).resolve().parents[1] / "traffic" / "fixtures"


def forward(*targets: tuple[str, int, int]) -> Forward:
    return Forward(tuple(WeightedTarget(TargetGroupKey(color, port), weight) for color, port, weight in targets))


def host_to(name: str) -> Rewrite:
    return Rewrite("^.*$", f"{name}.colors.local")


def mesh(gateway: dict, routers: dict | None = None, colors: dict | None = None) -> dict:
    colors = colors or {name: {"image": "app"} for name in ("blue", "green", "yellow")}
    return {"mesh": {"name": "m", "namespace": "colors.local"}, "colors": colors, "routers": routers or {},
            "gateway": gateway}


def compiled(data: dict) -> tuple[AlbListener, ...]:
    return compile_gateway(topology_from(data))


# --- exact rules --------------------------------------------------------------------------------


def test_reference_mesh_rules():
    strip_router = Rewrite("^/router/?(.*)$", "/$1")
    assert compile_gateway(load_topology(REFERENCE)) == (AlbListener(80, "HTTP", None, (
        ListenerRule(100, "router", "colors",
                     Conditions(PathPattern(values=("/router*",)), http_request_method=("GET",)),
                     Transforms(strip_router, host_to("router")), forward(("green", 80, 4), ("yellow", 80, 1))),
        # App Mesh answers 404 when /router matched but the router's only route (GET) did not.
        ListenerRule(101, "router", None, Conditions(PathPattern(values=("/router*",))),
                     Transforms(strip_router, host_to("router")), FixedResponse(404)),
        ListenerRule(200, "blue", None, Conditions(PathPattern(values=("/*",))), Transforms(None, host_to("blue")),
                     forward(("blue", 80, 1))),
    )),)


def test_reference_mesh_requests_end_where_app_mesh_sends_them():
    listener, = compile_gateway(load_topology(REFERENCE))
    assert route(listener, "/router/a")[::2] == ("router.colors", "/a")
    assert forwarded_colors(route(listener, "/router")[1]) == {"green": 4, "yellow": 1}
    assert route(listener, "/router")[2] == "/"
    assert route(listener, "/routerx")[2] == "/x"
    assert route(listener, "/router/a", "POST")[:2] == ("router.not-found", FixedResponse(404))
    assert route(listener, "/blue/page")[::2] == ("blue", "/blue/page")
    assert forwarded_colors(route(listener, "/")[1]) == {"blue": 1}


def test_reference_target_groups():
    assert target_groups(load_topology(REFERENCE)) == tuple(
        TargetGroup(TargetGroupKey(color, 80), "HTTP1") for color in ("blue", "green", "yellow"))


def test_two_gateway_listeners_become_http_and_https_listeners():
    listeners = compile_gateway(load_topology(FIXTURES / "gateway_listeners.yaml"))
    assert listeners == (
        AlbListener(80, "HTTP", None, (ListenerRule(100, "plain", None, Conditions(PathPattern(values=("/*",))),
                                                    Transforms(None, host_to("blue")), forward(("blue", 80, 1))),)),
        AlbListener(8443, "HTTPS", "arn:aws:acm:us-east-1:123456789012:certificate/edge",
                    (ListenerRule(100, "secure", None, Conditions(PathPattern(values=("/*",))),
                                  Transforms(None, host_to("green")), forward(("green", 8080, 1))),)),
    )
    assert listeners[1].default_action == FixedResponse(404)


def test_observability_fixture_rules():
    listener, = compile_gateway(load_topology(FIXTURES / "observability_tls.yaml"))
    assert listener.rules == (ListenerRule(100, "blue", None, Conditions(PathPattern(values=("/*",))),
                                           Transforms(None, host_to("blue")), forward(("blue", 80, 1))),)


def test_http_features_fixture_reports_what_an_alb_cannot_do():
    topology = load_topology(FIXTURES / "http_features.yaml")
    assert [str(problem) for problem in gateway_problems(topology)] == [
        "routers.router.routes.api.match.scheme: service-connect: an ALB rule cannot match the scheme the router "
        "sees behind the gateway; remove scheme (the gateway listener's protocol decides it)",
        "routers.router.routes.api.match.path: service-connect: path.regex matches the path after gateway route "
        "'api' rewrote it, which an ALB condition (on the path as sent) cannot express; match a prefix or an "
        "exact path here, or disable that route's prefix rewrite",
        "routers.router.routes.api.match.headers[1].invert: service-connect: an ALB cannot match requests whose "
        "header does NOT match; match the values to route instead and give the others their own route",
        "routers.router.routes.api.match.headers[4].range: service-connect: an ALB cannot match a header by "
        "numeric range; match exact values or a regex",
        "warning: routers.router.routes.rest: service-connect: no request through gateway route 'api' can match "
        "this route after the gateway's rewrite; it gets no ALB rule",
    ]
    with pytest.raises(GatewayNotCompilable):
        compile_gateway(topology)


def http_features_fixed() -> dict:
    """The http_features fixture changed only where the ALB refuses it (and down to 5 condition values)."""
    data = yaml.safe_load((FIXTURES / "http_features.yaml").read_text())
    data["routers"]["router"]["routes"]["api"]["match"] = {"prefix": "/v2/", "headers": [{"name": "x-canary", "exact": "1"}]}
    data["gateway"]["routes"]["root"]["target_port"] = 80
    return data


def test_http_features_fixture_rules():
    listener, = compiled(http_features_fixed())
    api_transforms = Transforms(Rewrite("^/api/(.*)$", "/v2/$1"), None)
    api_gateway = (HostHeader(("*.example.com",)), (HttpHeader("x-tenant", values=("acme",)),), (QueryString("v", "2"),))
    assert listener.rules == (
        ListenerRule(100, "exact", None, Conditions(PathPattern(values=("/status",))),
                     Transforms(Rewrite("^/status((?:\\?.*)?)$", "/healthz$1"), host_to("green")),
                     forward(("green", 8080, 1))),
        # Whole paths first, then the longest prefix (App Mesh's order without priorities).
        ListenerRule(200, "versioned", None, Conditions(PathPattern(regex_values=("^(?:^/v[0-9]+/status$)$",))),
                     Transforms(None, host_to("green")), forward(("green", 8080, 1))),
        ListenerRule(300, "blue-grpc", None, Conditions(PathPattern(values=("/blue/*",)), HostHeader(("blue.example.com",))),
                     Transforms(None, host_to("blue")), forward(("blue", 9090, 1))),
        ListenerRule(400, "docs", None, Conditions(PathPattern(values=("/docs/*",))),
                     Transforms(Rewrite("^/docs/(.*)$", "/$1"), host_to("green")), forward(("green", 8080, 1))),
        # /v2/ after the rewrite is /api/ as sent; the router's x-canary header joins the gateway's conditions.
        ListenerRule(500, "api", "api", Conditions(PathPattern(values=("/api/*",)), api_gateway[0],
                                                   api_gateway[1] + (HttpHeader("x-canary", values=("1",)),),
                                                   api_gateway[2]),
                     api_transforms, forward(("green", 8080, 1), ("blue", 80, 1))),
        ListenerRule(501, "api", None, Conditions(PathPattern(values=("/api/*",)), *api_gateway), api_transforms,
                     FixedResponse(404)),
        ListenerRule(600, "root", None, Conditions(PathPattern(values=("/*",))), Transforms(None, host_to("blue")),
                     forward(("blue", 80, 1))),
    )
    # Listeners with tls (blue 80, green 8080) have Service Connect TLS on their port: the ALB speaks HTTPS there.
    assert target_groups(topology_from(http_features_fixed())) == (
        TargetGroup(TargetGroupKey("blue", 80), "HTTP1", "HTTPS"), TargetGroup(TargetGroupKey("blue", 9090), "HTTP2"),
        TargetGroup(TargetGroupKey("green", 8080), "HTTP1", "HTTPS"))


# --- order and priorities -----------------------------------------------------------------------


def three_routes(**priorities) -> dict:
    routes = {"root": {"match": {"prefix": "/"}, "target": "blue"},
              "long": {"match": {"prefix": "/long/"}, "target": "green"},
              "x": {"match": {"prefix": "/x"}, "target": "yellow"}}
    for name, priority in priorities.items():
        routes[name]["priority"] = priority
    return mesh({"routes": routes})


def test_routes_without_priority_come_after_prioritised_ones_longest_prefix_first():
    data = three_routes(root=5, x=0)
    assert [name for name, _ in gateway_routes_in_order(topology_from(data))] == ["x", "root", "long"]
    listener, = compiled(data)
    assert [(rule.priority, rule.name) for rule in listener.rules] == [(100, "x"), (200, "root"), (300, "long")]
    # As on App Mesh, the prioritised / takes /long/a before the unprioritised, longer /long/.
    assert route(listener, "/long/a")[0] == "root"


def test_without_priorities_the_longest_prefix_wins():
    listener, = compiled(three_routes())
    assert [rule.name for rule in listener.rules] == ["long", "x", "root"]
    assert [route(listener, path)[0] for path in ("/long/a", "/xy", "/long")] == ["long", "x", "root"]


def test_adding_a_route_moves_only_the_blocks_after_it():
    before, = compiled(three_routes())
    data = three_routes()
    data["gateway"]["routes"]["mid"] = {"match": {"prefix": "/mi"}, "target": "blue"}
    after, = compiled(data)
    old = {rule.name: rule.priority for rule in before.rules}
    new = {rule.name: rule.priority for rule in after.rules}
    assert new == {"long": old["long"], "mid": 200, "x": old["x"] + 100, "root": old["root"] + 100}


def test_changing_router_weights_changes_no_priority(reference_data):
    before = compiled(reference_data)
    reference_data["routers"]["router"]["routes"]["colors"]["targets"] = {"green": 1, "yellow": 9}
    after = compiled(reference_data)
    assert [rule.priority for rule in before[0].rules] == [rule.priority for rule in after[0].rules]
    assert forwarded_colors(after[0].rules[0].action) == {"green": 1, "yellow": 9}


def test_router_routes_in_app_mesh_order():
    router = topology_from(mesh({"routes": {}}, routers={"r": {"routes": {
        "any": {"match": {"prefix": "/"}, "targets": {"blue": 1}},
        "api": {"match": {"prefix": "/api"}, "targets": {"blue": 1}},
        "health": {"match": {"path": {"exact": "/health"}}, "targets": {"blue": 1}},
        "first": {"priority": 3, "match": {"prefix": "/"}, "targets": {"blue": 1}}}}})).routers["r"]
    assert [name for name, _ in router_routes_in_order(router)] == ["first", "health", "api", "any"]


# --- App Mesh's rewrites ---------------------------------------------------------------------


def one_route(match: dict, rewrite: dict | None = None, **extra) -> ListenerRule:
    gateway_route = {"match": match, "target": "blue", **extra}
    if rewrite is not None:
        gateway_route["rewrite"] = rewrite
    listener, = compiled(mesh({"routes": {"r": gateway_route}}))
    rule, = listener.rules
    return rule


@pytest.mark.parametrize(("prefix", "sent", "seen"), [
    ("/router", "/router/a", "/a"), ("/router", "/routerx", "/x"), ("/router", "/router", "/"),
    ("/router", "/router/", "/"), ("/router", "/router//a", "//a"), ("/router", "/router/a?q=1", "/a?q=1"),
    ("/router/", "/router/a", "/a"), ("/router/", "/router/", "/"), ("/router/", "/routerx", None),
    ("/router/", "/router", None),
])
def test_default_prefix_rewrite_as_app_mesh_documents_it(prefix, sent, seen):
    rule = one_route({"prefix": prefix})
    listener = AlbListener(80, "HTTP", None, (rule,))
    name, _, path = route(listener, sent.split("?")[0])
    assert (path if name == "r" else None) == (None if seen is None else seen.split("?")[0])
    if seen is not None:
        assert app_mesh_default_rewrite(prefix, sent) == seen
        assert route(listener, sent)[2] == seen  # the rewrite keeps a query string, were it part of the input


def test_explicit_rewrites():
    assert one_route({"prefix": "/api/"}, {"prefix": {"value": "/v2/"}}).transforms.url_rewrite == \
        Rewrite("^/api/(.*)$", "/v2/$1")
    assert one_route({"prefix": "/api"}, {"prefix": {"default": False}}).transforms.url_rewrite is None
    assert one_route({"prefix": "/api/"}, {"prefix": {"default": True}}).transforms.url_rewrite == \
        Rewrite("^/api/(.*)$", "/$1")
    assert one_route({"prefix": "/"}).transforms.url_rewrite is None  # / becomes / : nothing to rewrite
    assert one_route({"path": {"exact": "/a.b"}}, {"path": "/c"}).transforms.url_rewrite == \
        Rewrite("^/a\\.b((?:\\?.*)?)$", "/c$1")
    assert one_route({"path": {"regex": "/a+"}}).transforms.url_rewrite is None
    kept_host = one_route({"prefix": "/"}, {"hostname": False}).transforms
    assert kept_host == Transforms(None, None)
    assert one_route({"prefix": "/"}, {"hostname": True}).transforms.host_header_rewrite == host_to("blue")


def test_rewrite_values_an_alb_would_read_as_capture_references_are_refused():
    data = mesh({"routes": {"r": {"match": {"path": {"exact": "/a"}}, "rewrite": {"path": "/$1"}, "target": "blue"}}})
    assert [str(problem) for problem in gateway_problems(topology_from(data))] == [
        "gateway.routes.r.rewrite.path: service-connect: '/$1' contains '$' or '\\', which an ALB rewrite treats "
        "as a capture reference or escape; rewrite to a path without them"]


# --- conditions ---------------------------------------------------------------------------------


def test_paths_outside_the_alb_pattern_characters_become_regexes():
    assert one_route({"prefix": "/a*b"}).conditions.path_pattern == PathPattern(regex_values=("^/a\\*b.*$",))
    assert one_route({"path": {"exact": "/a b"}}).conditions.path_pattern == PathPattern(regex_values=("^/a b$",))
    assert one_route({"path": {"exact": "/a:b@c"}}).conditions.path_pattern == PathPattern(values=("/a:b@c",))


def test_hostnames_headers_and_query_parameters():
    rule = one_route({"path": {"exact": "/p"}, "hostname": {"suffix": ".example.com"},
                      "headers": [{"name": "x-a", "prefix": "v1"}, {"name": "x-b", "suffix": "-beta"}],
                      "query_parameters": [{"name": "q", "exact": "a*b?"}]})
    assert rule.conditions == Conditions(
        PathPattern(values=("/p",)), HostHeader(("*.example.com",)),
        (HttpHeader("x-a", values=("v1*",)), HttpHeader("x-b", values=("*-beta",))), (QueryString("q", "a\\*b\\?"),))
    assert (rule.conditions.value_count, rule.conditions.wildcard_count) == (5, 3)  # escaped ones are no wildcards
    headers = one_route({"prefix": "/", "headers": [{"name": "x-c"}, {"name": "x-d", "regex": "[0-9]+"}]})
    assert headers.conditions.http_headers == (HttpHeader("x-c", values=("*",)),
                                               HttpHeader("x-d", regex_values=("^(?:[0-9]+)$",)))
    assert one_route({"prefix": "/", "query_parameters": [{"name": "flag"}]}).conditions.query_strings == \
        (QueryString("flag", "*"),)


@pytest.mark.parametrize(("match", "line"), [
    ({"prefix": "/", "headers": [{"name": "x-a", "exact": "a*"}]},
     "gateway.routes.r.match.headers[0].exact: service-connect: 'a*' contains '*' or '?', which an ALB treats as "
     "wildcards in header values and cannot escape; match it with a regex instead"),
    ({"prefix": "/", "headers": [{"name": "x-" + "a" * 39}]},
     "gateway.routes.r.match.headers[0].name: service-connect: header name is 41 characters; an ALB matches header "
     "names of at most 40"),
    ({"prefix": "/", "headers": [{"name": "Host", "exact": "a.b"}]},
     "gateway.routes.r.match.headers[0].name: service-connect: an ALB matches the Host header only through a host "
     "condition; use the gateway route's match.hostname"),
    ({"prefix": "/", "hostname": {"exact": "localhost"}},
     "gateway.routes.r.match.hostname.exact: service-connect: an ALB host condition takes letters, digits, '-', '_' "
     "and '.', with at least one '.' and only letters after the last; 'localhost' is not one; match a host name like "
     "api.example.com"),
    ({"prefix": "/", "query_parameters": [{"name": "q", "exact": "a\\b"}]},
     "gateway.routes.r.match.query_parameters[0].exact: service-connect: an ALB query-string value uses '\\' to "
     "escape wildcards, so a literal one cannot be matched"),
    ({"prefix": "/" + "a" * 128},
     "gateway.routes.r.match: service-connect: the path pattern '/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'... is 130 "
     "characters as an ALB condition value; allowed: at most 128"),
    ({"prefix": "/", "headers": [{"name": f"x-{i}"} for i in range(5)]},
     "gateway.routes.r.match: service-connect: the ALB rule for this match needs 6 condition values and 6 wildcards; "
     "an ALB rule takes at most 5 of each (a path, host, method and each header or query parameter count); match on "
     "fewer"),
])
def test_matches_an_alb_cannot_express(match, line):
    data = mesh({"routes": {"r": {"match": match, "target": "blue"}}})
    assert [str(problem) for problem in gateway_problems(topology_from(data))] == [line]


def test_more_weighted_targets_than_an_alb_forward_takes():
    colors = {f"c{i}": {"image": "app"} for i in range(6)}
    data = mesh({"routes": {"r": {"match": {"prefix": "/"}, "target": "r6"}}}, colors=colors,
                routers={"r6": {"routes": {"all": {"targets": {name: 1 for name in colors}}}}})
    assert [str(problem) for problem in gateway_problems(topology_from(data))] == [
        "routers.r6.routes.all.targets: service-connect: 6 weighted targets; an ALB forward takes at most 5 target "
        "groups; split the colors over fewer targets"]


# --- router routes behind the gateway ---------------------------------------------------------------


def behind(gateway_match: dict, router_match: dict, rewrite: dict | None = None) -> tuple[ListenerRule, ...]:
    gateway_route = {"match": gateway_match, "target": "r", **({"rewrite": rewrite} if rewrite else {})}
    data = mesh({"routes": {"g": gateway_route}},
                routers={"r": {"routes": {"one": {"match": router_match, "targets": {"green": 1}}}}})
    listener, = compiled(data)
    return listener.rules


@pytest.mark.parametrize(("gateway_match", "rewrite", "router_match", "paths"), [
    ({"prefix": "/router"}, None, {"prefix": "/api"}, ("/router/api*", "/routerapi*")),
    ({"prefix": "/router"}, None, {"prefix": "//x"}, ("/router//x*",)),
    ({"prefix": "/router"}, None, {"path": {"exact": "/"}}, ("/router/", "/router")),
    ({"prefix": "/router/"}, None, {"prefix": "/api"}, ("/router/api*",)),
    ({"prefix": "/api/"}, {"prefix": {"value": "/v2/"}}, {"prefix": "/v2/x"}, ("/api/x*",)),
    ({"prefix": "/api/"}, {"prefix": {"value": "/v2/"}}, {"prefix": "/v"}, ("/api/*",)),
    ({"prefix": "/api"}, {"prefix": {"default": False}}, {"prefix": "/api/v1"}, ("/api/v1*",)),
    ({"prefix": "/api/v1"}, {"prefix": {"default": False}}, {"prefix": "/api"}, ("/api/v1*",)),
    ({"path": {"exact": "/a"}}, {"path": "/b"}, {"prefix": "/b"}, ("/a",)),
])
def test_router_matches_translate_to_the_paths_as_sent(gateway_match, rewrite, router_match, paths):
    rules = behind(gateway_match, router_match, rewrite)
    assert rules[0].conditions.path_pattern == PathPattern(values=paths)


def test_router_route_unreachable_through_the_rewrite_gets_no_rule_and_a_warning():
    data = mesh({"routes": {"g": {"match": {"prefix": "/api/"}, "rewrite": {"prefix": {"value": "/v2/"}}, "target": "r"}}},
                routers={"r": {"routes": {"one": {"match": {"prefix": "/v3/"}, "targets": {"green": 1}}}}})
    problems = gateway_problems(topology_from(data))
    assert [(problem.severity, problem.path) for problem in problems] == [("warning", ("routers", "r", "routes", "one"))]
    listener, = compiled(data)
    assert [rule.name for rule in listener.rules] == ["g.not-found"]


def test_a_router_route_taking_everything_needs_no_not_found_rule():
    rules = behind({"prefix": "/router"}, {"prefix": "/"})
    assert [rule.name for rule in rules] == ["g.one"]


def test_a_router_regex_behind_a_rewriting_prefix_is_refused():
    data = mesh({"routes": {"g": {"match": {"prefix": "/x/"}, "rewrite": {"prefix": {"default": False}}, "target": "r"}}},
                routers={"r": {"routes": {"one": {"match": {"path": {"regex": "/x/[0-9]+"}}, "targets": {"green": 1}}}}})
    assert [str(problem) for problem in gateway_problems(topology_from(data))] == [
        "routers.r.routes.one.match.path: service-connect: this route's path match and gateway route 'g''s "
        "(prefix '/x/') would both be needed in one ALB path condition, which takes one kind of match; make one of "
        "them a prefix covering the other, or an exact path"]
    assert behind({"prefix": "/"}, {"path": {"regex": "/x/[0-9]+"}})[0].conditions.path_pattern == \
        PathPattern(regex_values=("^(?:/x/[0-9]+)$",))


def test_grpc_gateway_and_router():
    data = yaml.safe_load((FIXTURES / "protocols.yaml").read_text())
    del data["routers"]["grpc-router"]["routes"]["lookup"]["match"]["metadata"][1]
    listener, = compiled(data)
    lookup = Conditions(PathPattern(values=("/colors.Lookup/Get",)), http_headers=(HttpHeader("x-region", values=("eu",)),))
    assert [(rule.priority, rule.name, rule.conditions, rule.action) for rule in listener.rules] == [
        (100, "lookup.lookup", lookup, forward(("grpc-a", 50051, 3), ("grpc-b", 50051, 1))),
        (101, "lookup.rest", Conditions(PathPattern(values=("/colors.Lookup/*",))), forward(("grpc-b", 50051, 1))),
    ]
    assert listener.rules[0].transforms == Transforms(None, host_to("grpc-router"))


# --- a property: through a router, the ALB sends every request where App Mesh would ------------------


@settings(max_examples=150, deadline=None)
@given(prefix=st.from_regex(r"/[ab]{0,2}/?", fullmatch=True), router_prefix=st.from_regex(r"/[ab/]{0,3}", fullmatch=True),
       paths=st.lists(st.from_regex(r"/[ab/]{0,5}", fullmatch=True), min_size=1, max_size=8))
def test_alb_and_app_mesh_agree_through_a_router(prefix, router_prefix, paths):
    listener, = compiled(mesh({"routes": {"g": {"match": {"prefix": prefix}, "target": "r"}}},
                              routers={"r": {"routes": {"one": {"match": {"prefix": router_prefix},
                                                                "targets": {"green": 1}}}}}))
    priorities = [rule.priority for rule in listener.rules]
    assert priorities == sorted(set(priorities)) and all(1 <= p <= 50_000 for p in priorities)
    for path in paths:
        name, action, seen = route(listener, path)
        rewritten = app_mesh_default_rewrite(prefix, path)
        if rewritten is None:
            assert name == "default"
        elif rewritten.startswith(router_prefix):
            assert (name, seen) == ("g.one", rewritten)
        else:
            assert action == FixedResponse(404)


@settings(max_examples=60, deadline=None)
@given(data=topology_data())
def test_every_gateway_route_gets_a_rule_or_an_error(data):
    topology = topology_from(data)
    errors = [problem for problem in gateway_problems(topology) if problem.is_error]
    if errors:
        return
    for listener in compile_gateway(topology):
        priorities = [rule.priority for rule in listener.rules]
        assert priorities == sorted(set(priorities))
        assert all(1 <= priority <= 50_000 for priority in priorities)
        assert {rule.gateway_route for rule in listener.rules} == set(topology.gateway.routes)
