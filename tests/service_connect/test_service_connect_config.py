"""Each color's Service Connect facts: port names, app protocols, discovery names, aliases, timeouts in whole
seconds (both always sent, since the provider sends a missing one as 0 = disabled), access-log format."""

from __future__ import annotations

from pathlib import Path

from mesh_components.service_connect.service_connect_config import (AccessLogConfiguration, ColorServiceConnect,
                                                                    ServiceConnectService, Timeout,
                                                                    service_connect_config, tls_issuer)
from mesh_components.topology.loader import load_topology
from tests.reference import REFERENCE, topology_from

FIXTURES = Path(__file__).resolve().parents[1] / "traffic" / "fixtures"
TEXT = AccessLogConfiguration("TEXT", "ENABLED")


def only(color: dict, **mesh) -> ColorServiceConnect:
    config, = service_connect_config(topology_from({"mesh": {"name": "m", "namespace": "colors.local", **mesh},
                                                     "colors": {"red": {"image": "app", **color}}}))
    return config


def test_reference_colors_keep_the_names_applications_call():
    assert service_connect_config(load_topology(REFERENCE)) == tuple(
        ColorServiceConnect(color, "colors.local",
                            (ServiceConnectService("http-80", 80, "http", color, f"{color}.colors.local", None),), TEXT)
        for color in ("red", "blue", "green", "yellow"))


def test_several_listeners_get_their_own_port_names_and_discovery_names():
    blue = service_connect_config(load_topology(FIXTURES / "http_features.yaml"))[1]
    assert blue == ColorServiceConnect("blue", "colors.local", (
        ServiceConnectService("http-80", 80, "http", "blue", "blue.colors.local", None),
        # per_request_ms 30000 is 30 s; the idle timeout the block must also carry is App Mesh's 300 s.
        ServiceConnectService("http2-9090", 9090, "http2", "blue_9090", "blue.colors.local", Timeout(300, 30)),
    ), AccessLogConfiguration("JSON", "ENABLED"))


def test_app_protocols_and_tcp():
    by_color = {config.color: config.services[0] for config in
                service_connect_config(load_topology(FIXTURES / "protocols.yaml"))}
    assert {color: service.app_protocol for color, service in by_color.items()} == {
        "client": "http", "grpc-a": "grpc", "grpc-b": "grpc", "db": None, "h2": "http2"}
    assert by_color["grpc-a"].timeout == Timeout(idle_timeout_seconds=2, per_request_timeout_seconds=1)
    assert by_color["db"].timeout is None  # a tcp block would carry the per-request 0 ECS refuses


def test_timeouts_in_whole_seconds_with_app_mesh_defaults_for_the_missing_one():
    assert only({"timeouts": {"per_request_ms": 30000}}).services[0].timeout == Timeout(300, 30)
    assert only({"timeouts": {"idle_ms": 600000}}).services[0].timeout == Timeout(600, 15)
    assert only({"timeouts": {"idle_ms": 1000, "per_request_ms": 2000}}).services[0].timeout == Timeout(1, 2)
    assert only({}).services[0].timeout is None


def test_access_log_format():
    assert only({"access_log": {"json_format": {"code": "%RESPONSE_CODE%"}}}).access_log == \
        AccessLogConfiguration("JSON", "ENABLED")
    assert only({"access_log": {"text_format": "%RESPONSE_CODE%\n"}}).access_log == TEXT


def test_tls_issuer_is_the_one_private_ca_the_callers_trust():
    topology = load_topology(FIXTURES / "observability_tls.yaml")
    ca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/mesh-ca"
    assert tls_issuer(topology, "red") == (ca, (ca,))
    assert tls_issuer(topology, "blue") == (ca, (ca,))  # through the gateway, which uses mesh.backend_tls
    assert tls_issuer(load_topology(REFERENCE), "blue") == (None, ())
