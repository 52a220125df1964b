"""Colors and the gateway hold their listeners in `listeners` once loaded, however the file wrote them."""

from __future__ import annotations

import pytest
import yaml

from mesh_components.topology.errors import TopologyError
from mesh_components.topology.check_support import color_listeners, gateway_listeners
from mesh_components.topology.listeners import GatewayListener, Listener
from mesh_components.topology.loader import parse_topology
from mesh_components.topology.model import Color, Gateway, Topology

INLINE = b"""
mesh: {name: m, namespace: colors.local}
colors:
  red: {image: app, port: 8080, protocol: http2, health_check: {path: /health, interval_seconds: 10}}
gateway:
  port: 8443
  routes:
    all: {match: {prefix: /}, target: red}
"""
LISTED = b"""
mesh: {name: m, namespace: colors.local}
colors:
  red: {image: app, listeners: [{port: 8080, protocol: grpc}, {port: 9090, protocol: tcp}]}
"""


def test_an_inline_listener_is_listeners_0_located_at_its_holder():
    topology = parse_topology(INLINE).topology
    red = topology.colors["red"]
    assert red.listeners == (Listener(port=8080, protocol="http2", health_check={"path": "/health", "interval_seconds": 10}),)
    assert not red.listed
    assert list(color_listeners("red", red)) == [(("colors", "red"), red.listeners[0])]
    assert topology.gateway.listeners == (GatewayListener(port=8443),)
    assert list(gateway_listeners(topology)) == [(("gateway",), topology.gateway.listeners[0])]


def test_listed_listeners_keep_their_own_paths():
    red = parse_topology(LISTED).topology.colors["red"]
    assert [listener.port for listener in red.listeners] == [8080, 9090] and red.listed
    assert [path for path, _ in color_listeners("red", red)] == [("colors", "red", "listeners", 0),
                                                                  ("colors", "red", "listeners", 1)]


def test_a_dump_gives_back_the_layout_the_file_wrote():
    for raw in (INLINE, LISTED):
        topology = parse_topology(raw).topology
        terse = topology.model_dump(mode="json", exclude_defaults=True)
        assert ("listeners" in terse["colors"]["red"]) == topology.colors["red"].listed
        assert parse_topology(yaml.safe_dump(terse).encode()).topology == topology


def test_holders_written_as_models_are_normalised_once():
    red = Color(image="app", port=8080)
    topology = Topology(mesh={"name": "m", "namespace": "colors.local"}, colors={"red": red})
    assert topology.colors["red"] == red and not topology.colors["red"].listed


def test_inline_keys_are_the_listed_listeners_keys_with_port_defaulting_to_80():
    for holder, listener in ((Color, Listener), (Gateway, GatewayListener)):
        assert set(holder.INLINE_LISTENER_KEYS) == set(listener.model_fields) <= set(holder.model_fields)
        assert listener.model_fields["port"].is_required() and holder.model_fields["port"].default == 80


def test_an_unknown_key_lists_the_allowed_keys_alphabetically():
    with pytest.raises(TopologyError) as raised:
        parse_topology(b"mesh: {name: m, namespace: n}\ncolors: {red: {image: a, prot: 1}}\n")
    allowed = str(raised.value.problems[0]).split("allowed here: ")[1].split(", ")
    assert allowed == sorted(allowed) and "protocol" in allowed and "image" in allowed
