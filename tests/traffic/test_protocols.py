"""http2, grpc and tcp routers and a grpc gateway, as App Mesh specs under the mock engine."""

from __future__ import annotations

import pytest

from .stacks import GATEWAY, gateway_route_spec, ms, node_spec, route_spec, run_fixture


@pytest.fixture(scope="module")
def stack():
    return run_fixture("protocols.yaml")


def test_grpc_route_matches_service_method_and_metadata_and_retries_grpc_events(stack):
    assert route_spec(stack, "lookup") == {"priority": 1.0, "grpcRoute": {
        "match": {"serviceName": "colors.Lookup", "methodName": "Get", "metadatas": [
            {"name": "x-region", "match": {"exact": "eu"}},
            {"name": "x-beta", "invert": True, "match": {"regex": "^y"}}]},
        "action": {"weightedTargets": [{"virtualNode": "grpc-a", "weight": 3.0}, {"virtualNode": "grpc-b", "weight": 1.0}]},
        "retryPolicy": {"maxRetries": 2.0, "perRetryTimeout": ms(500), "grpcRetryEvents": ["unavailable", "deadline-exceeded"],
                        "httpRetryEvents": ["stream-error"]},
        "timeout": {"perRequest": ms(3000)},
    }}


def test_tcp_route_matches_a_port_and_times_out_idle_connections(stack):
    assert route_spec(stack, "all", router="tcp-router") == {"tcpRoute": {
        "match": {"port": 5432.0},
        "action": {"weightedTargets": [{"virtualNode": "db", "weight": 1.0}]},
        "timeout": {"idle": ms(900000)},
    }}


def test_http2_route(stack):
    routes = [r for r in stack.of_type("aws:appmesh/route:Route") if r.inputs["virtualRouterName"] == "h2-router"]
    assert [r.inputs["spec"] for r in routes] == [{"http2Route": {
        "match": {"prefix": "/", "headers": [{"name": "te", "match": {"exact": "trailers"}}]},
        "action": {"weightedTargets": [{"virtualNode": "h2", "weight": 1.0}]},
        "retryPolicy": {"maxRetries": 1.0, "perRetryTimeout": ms(100), "httpRetryEvents": ["stream-error"]},
    }}]


def test_listener_settings_per_protocol(stack):
    grpc = node_spec(stack, "grpc-a")["listeners"][0]
    assert grpc["timeout"] == {"grpc": {"perRequest": ms(1000), "idle": ms(2000)}}
    assert grpc["connectionPool"] == {"grpc": {"maxRequests": 50.0}}
    assert grpc["healthCheck"] == {"protocol": "grpc", "port": 50051.0, "healthyThreshold": 2.0,
                                   "unhealthyThreshold": 2.0, "intervalMillis": 10000.0, "timeoutMillis": 2000.0}
    assert "healthCheck" not in node_spec(stack, "grpc-b")["listeners"][0]
    db = node_spec(stack, "db")["listeners"][0]
    assert db["timeout"] == {"tcp": {"idle": ms(600000)}}
    assert db["connectionPool"] == {"tcps": [{"maxConnections": 20.0}]}


def test_grpc_gateway_matches_the_service_name(stack):
    assert gateway_route_spec(stack, "lookup") == {"priority": 1.0, "grpcRoute": {
        "match": {"serviceName": "colors.Lookup", "port": 50051.0},
        "action": {"target": {"virtualService": {"virtualServiceName": "grpc-router.colors.local"}}}}}
    listener = stack.one(GATEWAY, name="gateway").inputs["spec"]["listeners"][0]
    assert listener["portMapping"] == {"port": 50051.0, "protocol": "grpc"}
