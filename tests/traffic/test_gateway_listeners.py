"""fixtures/gateway_listeners.yaml: a gateway with two listeners, each with its own NLB listener,
target group, security-group rules and route shape."""

from __future__ import annotations

import pytest

from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.loader import load_topology
from tests.mesh.stack_view import LOAD_BALANCER_GROUP, Rule, expected_rules

from .stacks import FIXTURES, GATEWAY, gateway_route_spec, run_fixture

EDGE_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/edge"


@pytest.fixture(scope="module")
def stack():
    return run_fixture("gateway_listeners.yaml")


def test_virtual_gateway_has_both_listeners(stack):
    listeners = stack.one(GATEWAY, name="gateway").inputs["spec"]["listeners"]
    assert [listener["portMapping"] for listener in listeners] == [
        {"port": 80.0, "protocol": "http"}, {"port": 8443.0, "protocol": "http2"}]
    assert "tls" not in listeners[0]
    assert listeners[1]["tls"] == {"mode": "STRICT", "certificate": {"acm": {"certificateArn": EDGE_CERT}}}
    assert "healthCheck" not in listeners[0]
    assert listeners[1]["healthCheck"] == {"protocol": "http2", "path": "/ping", "port": 8443.0, "healthyThreshold": 2.0,
                                           "unhealthyThreshold": 3.0, "intervalMillis": 5000.0, "timeoutMillis": 2000.0}


def test_each_route_takes_the_shape_of_its_listener(stack):
    assert gateway_route_spec(stack, "plain")["httpRoute"]["match"] == {"prefix": "/", "port": 80.0}
    assert gateway_route_spec(stack, "secure")["http2Route"]["match"] == {"prefix": "/", "port": 8443.0}


def test_one_nlb_listener_and_target_group_per_port_all_feeding_the_gateway_service(stack):
    groups = {int(g.outputs["port"]): g for g in stack.of_type("aws:lb/targetGroup:TargetGroup")}
    listeners = {int(l.outputs["port"]): l for l in stack.of_type("aws:lb/listener:Listener")}
    assert set(groups) == set(listeners) == {80, 8443}
    assert len({g.outputs["name"] for g in groups.values()}) == 2
    for port, listener in listeners.items():
        assert listener.outputs["defaultActions"][0]["targetGroupArn"] == groups[port].outputs["arn"]
    service = stack.one("aws:ecs/service:Service", name="gateway")
    assert {(lb["targetGroupArn"], lb["containerPort"]) for lb in service.outputs["loadBalancers"]} == {
        (groups[80].outputs["arn"], 80), (groups[8443].outputs["arn"], 8443)}
    envoy = next(c for c in stack.containers("gateway") if c["name"] == "envoy")
    assert [m["containerPort"] for m in envoy["portMappings"]] == [80, 8443]


def test_the_internet_reaches_the_gateway_on_each_listener_port_only(stack):
    graph = MeshGraph(load_topology(FIXTURES / "gateway_listeners.yaml"))
    assert stack.rules == expected_rules(graph, ["0.0.0.0/0"])
    for port in (80, 8443):
        assert Rule(LOAD_BALANCER_GROUP, "ingress", "0.0.0.0/0", "tcp", port, port) in stack.rules
        assert Rule("gateway", "ingress", LOAD_BALANCER_GROUP, "tcp", port, port) in stack.rules
    assert [(e.protocol, e.port) for e in graph.public_entries] == [("http", 80), ("http2", 8443)]


def test_the_gateway_task_role_exports_its_listener_certificate(stack):
    role_arn = stack.task_definition("gateway").outputs["taskRoleArn"]
    statements = {s["Sid"]: s for s in stack.role_policy_of(role_arn)["Statement"]}
    assert statements["TlsCertificates"]["Resource"] == [EDGE_CERT]
