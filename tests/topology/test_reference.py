"""The shipped reference file loads to exactly the colorapp mesh, with no warnings."""

from __future__ import annotations

from pathlib import Path

from mesh_components.topology.loader import load_topology, load_topology_with_warnings
from mesh_components.topology.model import (
    Color,
    Gateway,
    GatewayRoute,
    GatewayRouteMatch,
    HealthCheck,
    Mesh,
    Route,
    RouteMatch,
    Router,
    Topology,
)

REFERENCE = Path(__file__).resolve().parents[2] / "config" / "topology.yaml"


def colorapp(name: str, *backends: str) -> Color:
    return Color(
        image="forsakenidol/colorapp",
        port=80,
        protocol="http",
        env={"COLOR": name},
        cpu=256,
        memory=512,
        count=1,
        health_check=HealthCheck(path="/healthcheck"),
        backends=backends,
    )


EXPECTED = Topology(
    mesh=Mesh(name="color-mesh", namespace="colors.local", egress_filter="DROP_ALL"),
    colors={
        "red": colorapp("red", "router"),
        "blue": colorapp("blue", "red"),
        "green": colorapp("green"),
        "yellow": colorapp("yellow"),
    },
    routers={
        "router": Router(
            protocol="http",
            port=80,
            routes={"colors": Route(match=RouteMatch(prefix="/", method="GET"), targets={"green": 4, "yellow": 1})},
        )
    },
    gateway=Gateway(
        name="gateway",
        protocol="http",
        port=80,
        health_check=HealthCheck(path="/"),
        routes={
            "router": GatewayRoute(match=GatewayRouteMatch(prefix="/router"), target="router"),
            "blue": GatewayRoute(match=GatewayRouteMatch(prefix="/"), target="blue"),
        },
    ),
)


def test_reference_file_loads_to_the_colorapp_mesh():
    assert load_topology(REFERENCE) == EXPECTED


def test_reference_keeps_key_order_of_the_file():
    topology = load_topology(REFERENCE)
    assert list(topology.colors) == ["red", "blue", "green", "yellow"]
    assert list(topology.gateway.routes) == ["router", "blue"]


def test_reference_file_has_no_warnings():
    assert load_topology_with_warnings(REFERENCE).warnings == ()


def test_reference_file_starts_with_the_schema_modeline():
    first_line = REFERENCE.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=topology.schema.json"
