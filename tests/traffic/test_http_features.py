"""The http-side features of fixtures/http_features.yaml, as App Mesh specs under the mock engine."""

from __future__ import annotations

import pytest

from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.loader import load_topology
from tests.mesh.stack_view import Rule, expected_rules

from .stacks import FIXTURES, GATEWAY, gateway_route_spec, ms, node_spec, route_spec, run_fixture

MESH_CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/mesh-ca"
GATEWAY_CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/gw-ca"
ROUTER_CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/router-ca"
BLUE_CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/blue-ca"
RED_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/red-cert"
BLUE_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/blue-cert"
GREEN_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/green-cert"


@pytest.fixture(scope="module")
def stack():
    return run_fixture("http_features.yaml")


def test_listener_health_check_timeouts_outliers_pool_and_tls(stack):
    assert node_spec(stack, "red")["listeners"] == [{
        "portMapping": {"port": 8080.0, "protocol": "http"},
        "healthCheck": {"protocol": "http2", "path": "/ready", "port": 8080.0, "healthyThreshold": 3.0,
                        "unhealthyThreshold": 4.0, "intervalMillis": 10000.0, "timeoutMillis": 3000.0},
        "timeout": {"http": {"perRequest": ms(15000), "idle": ms(300000)}},
        "outlierDetection": {"maxServerErrors": 5.0, "interval": ms(10000), "baseEjectionDuration": ms(30000),
                             "maxEjectionPercent": 50.0},
        "connectionPool": {"https": [{"maxConnections": 100.0, "maxPendingRequests": 10.0}]},
        "tls": {"mode": "STRICT", "certificate": {"acm": {"certificateArn": RED_CERT}}},
    }]


def test_several_listeners_each_with_their_own_settings(stack):
    """No health check is configured on blue, so its listeners get none (no default probe)."""
    assert node_spec(stack, "blue")["listeners"] == [
        {"portMapping": {"port": 80.0, "protocol": "http"},
         "tls": {"mode": "PERMISSIVE", "certificate": {"acm": {"certificateArn": BLUE_CERT}}}},
        {"portMapping": {"port": 9090.0, "protocol": "http2"},
         "timeout": {"http2": {"perRequest": ms(30000)}},
         "connectionPool": {"http2s": [{"maxRequests": 200.0}]}},
    ]


def test_listener_certificate_from_acm_without_client_validation(stack):
    assert node_spec(stack, "green")["listeners"][0]["tls"] == {
        "mode": "PERMISSIVE", "certificate": {"acm": {"certificateArn": GREEN_CERT}}}


def test_app_ports_and_container_ports_list_every_listener(stack):
    definition = stack.task_definition("blue")
    assert definition.inputs["proxyConfiguration"]["properties"]["AppPorts"] == "80,9090"
    app = next(c for c in stack.containers("blue") if c["name"] == "blue")
    assert app["portMappings"] == [{"containerPort": 80, "protocol": "tcp"}, {"containerPort": 9090, "protocol": "tcp"}]


def test_security_groups_open_every_listener_port_to_callers_and_nothing_else(stack):
    graph = MeshGraph(load_topology(FIXTURES / "http_features.yaml"))
    assert stack.rules == expected_rules(graph, ["0.0.0.0/0"])
    # red calls blue directly: both of blue's ports; the router reaches blue only on its http listener
    assert Rule("blue", "ingress", "red", "tcp", 80, 80) in stack.rules
    assert Rule("blue", "ingress", "red", "tcp", 9090, 9090) not in stack.rules  # red calls router, not blue
    assert Rule("red", "ingress", "blue", "tcp", 8080, 8080) in stack.rules
    # the gateway's route with target_port 9090 and its catch-all to blue
    assert {r.from_port for r in stack.rules if r.group == "blue" and r.peer == "gateway"} == {80, 9090}


def test_backend_client_policies_per_backend_and_default(stack):
    red = node_spec(stack, "red")
    assert red["backends"] == [{"virtualService": {
        "virtualServiceName": "router.colors.local",
        "clientPolicy": {"tls": {"enforce": True, "validation": {
            "trust": {"acm": {"certificateAuthorityArns": [ROUTER_CA]}},
            "subjectAlternativeNames": {"match": {"exacts": ["router.colors.local"]}}}}}}}]
    assert red["backendDefaults"] == {"clientPolicy": {"tls": {
        "enforce": True,
        "validation": {"trust": {"acm": {"certificateAuthorityArns": [MESH_CA]}},
                       "subjectAlternativeNames": {"match": {"exacts": ["red.colors.local", "blue.colors.local"]}}}}}}
    assert node_spec(stack, "blue")["backendDefaults"] == {"clientPolicy": {"tls": {
        "enforce": False, "ports": [8080.0], "validation": {"trust": {"acm": {"certificateAuthorityArns": [BLUE_CA]}}}}}}
    assert "backendDefaults" not in node_spec(stack, "green")  # it calls nothing


def test_access_log_formats(stack):
    assert node_spec(stack, "red")["logging"] == {"accessLog": {"file": {
        "path": "/dev/stdout", "format": {"text": "[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%\n"}}}}
    assert node_spec(stack, "blue")["logging"] == {"accessLog": {"file": {"path": "/dev/stdout", "format": {"jsons": [
        {"key": "status", "value": "%RESPONSE_CODE%"}, {"key": "path", "value": "%REQ(:PATH)%"}]}}}}
    assert node_spec(stack, "green")["logging"] == {"accessLog": {"file": {"path": "/dev/stdout"}}}
    gateway = stack.one(GATEWAY, name="gateway").inputs["spec"]
    assert gateway["logging"] == {"accessLog": {"file": {
        "path": "/dev/stdout", "format": {"jsons": [{"key": "code", "value": "%RESPONSE_CODE%"}]}}}}
    assert gateway["backendDefaults"] == {"clientPolicy": {"tls": {
        "enforce": True, "validation": {"trust": {"acm": {"certificateAuthorityArns": [GATEWAY_CA]}}}}}}


def test_route_matches_retries_timeouts_and_target_ports(stack):
    assert route_spec(stack, "api") == {"priority": 1.0, "httpRoute": {
        "match": {
            "path": {"regex": "^/api/v[0-9]+$"}, "method": "POST", "scheme": "https", "port": 8080.0,
            "headers": [
                {"name": "x-canary", "match": {"exact": "1"}},
                {"name": "x-user", "invert": True, "match": {"prefix": "test-"}},
                {"name": "x-tag", "match": {"suffix": "-beta"}},
                {"name": "x-trace", "match": {"regex": "^[a-f0-9]+$"}},
                {"name": "x-version", "match": {"range": {"start": 2.0, "end": 5.0}}},
                {"name": "x-present"},
            ],
            "queryParameters": [{"name": "debug", "match": {"exact": "true"}}, {"name": "flag"}],
        },
        "action": {"weightedTargets": [{"virtualNode": "green", "weight": 1.0},
                                       {"virtualNode": "blue", "weight": 1.0, "port": 80.0}]},
        "retryPolicy": {"maxRetries": 3.0, "perRetryTimeout": ms(2000),
                        "httpRetryEvents": ["server-error", "gateway-error"], "tcpRetryEvents": ["connection-error"]},
        "timeout": {"perRequest": ms(5000), "idle": ms(60000)},
    }}
    assert route_spec(stack, "rest") == {"priority": 2.0, "httpRoute": {
        "match": {"path": {"exact": "/health"}},
        "action": {"weightedTargets": [{"virtualNode": "green", "weight": 1.0}]}}}


def test_gateway_route_matches_rewrites_and_precedence(stack):
    target = {"virtualService": {"virtualServiceName": "blue.colors.local"}}
    assert gateway_route_spec(stack, "exact") == {"priority": 1.0, "httpRoute": {
        "match": {"path": {"exact": "/status"}},
        "action": {"target": {"virtualService": {"virtualServiceName": "green.colors.local"}},
                   "rewrite": {"path": {"exact": "/healthz"}}}}}
    green = {"virtualService": {"virtualServiceName": "green.colors.local"}}
    assert gateway_route_spec(stack, "versioned") == {"priority": 2.0, "httpRoute": {
        "match": {"path": {"regex": "^/v[0-9]+/status$"}}, "action": {"target": green}}}
    assert gateway_route_spec(stack, "blue-grpc") == {"priority": 3.0, "httpRoute": {
        "match": {"prefix": "/blue/", "hostname": {"exact": "blue.example.com"}},
        "action": {"target": {**target, "port": 9090.0}, "rewrite": {"prefix": {"defaultPrefix": "DISABLED"}}}}}
    assert gateway_route_spec(stack, "docs") == {"priority": 4.0, "httpRoute": {
        "match": {"prefix": "/docs/"}, "action": {"target": green, "rewrite": {"prefix": {"defaultPrefix": "ENABLED"}}}}}
    assert gateway_route_spec(stack, "api") == {"priority": 5.0, "httpRoute": {
        "match": {"prefix": "/api/", "hostname": {"suffix": ".example.com"},
                  "headers": [{"name": "x-tenant", "match": {"exact": "acme"}}],
                  "queryParameters": [{"name": "v", "match": {"exact": "2"}}], "port": 80.0},
        "action": {"target": {"virtualService": {"virtualServiceName": "router.colors.local"}},
                   "rewrite": {"prefix": {"value": "/v2/"}, "hostname": {"defaultTargetHostname": "DISABLED"}}}}}
    assert gateway_route_spec(stack, "root") == {"priority": 6.0, "httpRoute": {
        "match": {"prefix": "/"}, "action": {"target": {**target, "port": 80.0}}}}


def test_task_roles_may_read_exactly_the_tls_material_they_use(stack):
    def statements(family: str) -> dict:
        role_arn = stack.task_definition(family).outputs["taskRoleArn"]
        return {s["Sid"]: s for s in stack.role_policy_of(role_arn)["Statement"]}

    red = statements("red")
    assert set(red) == {"EnvoyConfig", "TlsCertificates", "TlsTrust"}
    assert red["TlsCertificates"]["Action"] == ["acm:ExportCertificate"]
    assert red["TlsCertificates"]["Resource"] == [RED_CERT]
    assert red["TlsTrust"]["Action"] == ["acm-pca:GetCertificateAuthorityCertificate"]
    assert red["TlsTrust"]["Resource"] == [MESH_CA, ROUTER_CA]  # its default (the mesh's) and its router policy
    blue = statements("blue")
    assert (blue["TlsCertificates"]["Resource"], blue["TlsTrust"]["Resource"]) == ([BLUE_CERT], [BLUE_CA])
    green = statements("green")  # no backends: the mesh default does not apply
    assert set(green) == {"EnvoyConfig", "TlsCertificates"} and green["TlsCertificates"]["Resource"] == [GREEN_CERT]
    gateway = statements("gateway")
    assert set(gateway) == {"EnvoyConfig", "TlsTrust"} and gateway["TlsTrust"]["Resource"] == [GATEWAY_CA]
