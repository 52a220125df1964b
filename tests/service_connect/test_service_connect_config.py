"""Each color's Service Connect facts: port names, app protocols, discovery names, aliases, timeouts in whole
seconds (both always sent, since the provider sends a missing one as 0 = disabled), access-log format."""

from __future__ import annotations

from pathlib import Path

from mesh_components.service_connect.service_connect_config import (AccessLogConfiguration, ColorServiceConnect,
                                                                    ServiceConnectService, Timeout,
                                                                    service_connect_config, tls_issuers,
                                                                    carries_tls, service_connect_tls_authorities)
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
        # tls on 80, but no issuer: the gateway trusts gw-ca, red (through the router) router-ca; refused by
        # capabilities (test_tls_issuers_count_every_caller_that_reaches_the_color).
        ServiceConnectService("http-80", 80, "http", "blue", "blue.colors.local", None, None),
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
    issuers = tls_issuers(topology)
    assert (issuers["red"].issuer, issuers["red"].authorities) == (ca, (ca,))
    assert (issuers["blue"].issuer, issuers["blue"].authorities) == (ca, (ca,))  # through the gateway (mesh.backend_tls)
    reference = tls_issuers(load_topology(REFERENCE))
    assert (reference["blue"].issuer, reference["blue"].authorities) == (None, ())


def test_listeners_with_tls_get_the_issuer_their_callers_trust_and_only_they():
    configs = service_connect_config(load_topology(FIXTURES / "observability_tls.yaml"))
    ca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/mesh-ca"
    assert [(config.color, [service.tls_issuer for service in config.services]) for config in configs] == [
        ("red", [ca]), ("blue", [ca])]
    assert service_connect_tls_authorities(configs) == (ca,)
    reference = service_connect_config(load_topology(REFERENCE))
    assert {service.tls_issuer for config in reference for service in config.services} == {None}
    assert service_connect_tls_authorities(reference) == ()


def test_tls_issuers_count_every_caller_that_reaches_the_color():
    """Through a router too: the gateway's ALB and VPC Lattice forward straight to the color's port."""
    issuers = tls_issuers(load_topology(FIXTURES / "http_features.yaml"))
    ca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    assert {name: issuer.authorities for name, issuer in issuers.items()} == {
        "red": (ca + "blue-ca",), "blue": (ca + "gw-ca", ca + "router-ca"), "green": (ca + "gw-ca", ca + "router-ca")}
    assert (issuers["red"].issuer, issuers["blue"].issuer) == (ca + "blue-ca", None)


def test_carries_tls_is_the_listener_having_tls():
    topology = load_topology(FIXTURES / "http_features.yaml")
    assert {(name, listener.port): carries_tls(listener) for name, color in topology.colors.items()
            for listener in color.listeners} == {("red", 8080): True, ("blue", 80): True, ("blue", 9090): False,
                                                 ("green", 8080): True}


def test_a_color_no_one_calls_with_trust_takes_the_mesh_default_ca():
    ca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/mesh-ca"
    listener_tls = {"mode": "STRICT", "certificate": {"acm": "arn:aws:acm:us-east-1:123456789012:certificate/red"}}
    alone = {"mesh": {"name": "m", "namespace": "colors.local"}, "colors": {"red": {"image": "app", "tls": listener_tls}}}
    assert tls_issuers(topology_from(alone))["red"].authorities == ()
    alone["mesh"]["backend_tls"] = {"trust": {"acm": [ca]}}
    assert tls_issuers(topology_from(alone))["red"].issuer == ca
