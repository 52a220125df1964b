"""Lattice physical names within Lattice's rules (botocore vpc-lattice 2022-11-30 name patterns), for the
longest names a topology allows, and distinct where their scope needs them distinct."""

from __future__ import annotations

import re

import pytest

from mesh_components.service_connect import lattice_names

# The API model's patterns: lowercase letters, digits, hyphens; no hyphen first, last or twice; a reserved prefix.
PATTERNS = {
    "svc-": re.compile(r"(?!svc-)(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+"),
    "tg-": re.compile(r"(?!tg-)(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+"),
    "rule-": re.compile(r"(?!rule-)(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+"),
    "listener-": re.compile(r"(?!listener-)(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+"),
    "": re.compile(r"(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+"),
}
LONG_MESH = "M_" + "m" * 253  # mesh names: 1-255 letters, digits, hyphens and underscores
LONG_STACK = "s" * 100
LONG_LABEL = "r" * 62 + "1"  # colors and routers: DNS labels, at most 63
LONG_DOMAIN = f"{LONG_LABEL}." + ".".join(["a" * 60] * 3) + ".example"
VPC = "vpc-0123456789abcdef0"


def assert_valid(name: str, reserved: str, limit: int) -> None:
    assert 3 <= len(name) <= limit, name
    assert PATTERNS[reserved].fullmatch(name), name


@pytest.mark.parametrize("mesh, stack", [(LONG_MESH, LONG_STACK), ("a", "b"), ("svc", "dev"), ("tg", "x"), ("m--_-", "-s-")])
def test_names_fit_lattice_for_any_mesh_and_stack(mesh, stack):
    assert_valid(lattice_names.service_network_name(mesh, stack), "", 63)
    for router in (LONG_LABEL, "r"):
        assert_valid(lattice_names.service_name(mesh, stack, router, LONG_DOMAIN), "svc-", 40)
        for color in (LONG_LABEL, "c"):
            assert_valid(lattice_names.target_group_name(mesh, stack, router, color, port=65535, protocol="HTTPS",
                                                         protocol_version="HTTP2", vpc_id=VPC), "tg-", 128)
    assert len(lattice_names.registration_role_name(mesh, stack)) <= 64


def test_a_reserved_prefix_gets_our_own_in_front():
    assert lattice_names.service_name("svc", "dev", "router", "router.colors.local").startswith("cm-svc-dev-router-")
    assert lattice_names.target_group_name("tg", "dev", "r", "green", port=80, protocol="HTTP",
                                           protocol_version="HTTP1", vpc_id=VPC).startswith("cm-tg-dev-r-green-")


def test_replacing_inputs_rename_the_resources_that_are_replaced_create_before_delete():
    assert (lattice_names.service_name("colors", "dev", "router", "router.colors.local")
            != lattice_names.service_name("colors", "dev", "router", "router.other.local"))
    base = dict(port=80, protocol="HTTP", protocol_version="HTTP1", vpc_id=VPC)
    names = {lattice_names.target_group_name("colors", "dev", "router", "green", **{**base, key: value})
             for key, value in [("port", 80), ("port", 8080), ("protocol", "HTTPS"), ("protocol_version", "HTTP2"),
                                ("vpc_id", "vpc-1")]}
    assert len(names) == 5
    # routers and colors with hyphens stay apart: router `a-b` + color `c` and router `a` + color `b-c`
    assert (lattice_names.target_group_name("m", "s", "a-b", "c", **base)
            != lattice_names.target_group_name("m", "s", "a", "b-c", **base))
    assert (lattice_names.service_name("a-b", "c", "r", "r.colors.local")
            != lattice_names.service_name("a", "b-c", "r", "r.colors.local"))


def test_listener_names():
    assert lattice_names.listener_name("HTTP", 80) == "http-80"
    assert_valid(lattice_names.listener_name("HTTP", 1), "listener-", 63)


@pytest.mark.parametrize("route", ["colors", "a", "ab", "a_b", "A-b", "rule-x", "rule_x", "_", "-", "x" * 255,
                                   "a" + "_" * 254, "rule-" + "r" * 250])
def test_rule_names_fit_lattice(route):
    assert_valid(lattice_names.rule_name(route), "rule-", 63)


def test_rule_names_keep_valid_route_names_and_keep_routes_apart():
    assert lattice_names.rule_name("colors") == "colors"
    routes = ["a-b", "a_b", "A-b", "a__b", "ab", "x" * 255, "x" * 254 + "y", "rule-a", "rule_a"]
    assert len({lattice_names.rule_name(route) for route in routes}) == len(routes)
