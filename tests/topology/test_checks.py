"""Semantic checks the corpus does not reach, warnings, and the Fargate size table."""

from __future__ import annotations

import pytest

from mesh_components.aws import fargate
from mesh_components.topology import limits
from mesh_components.topology.checks import validate_topology
from mesh_components.topology.errors import TopologyError
from mesh_components.targets import parse_for_target
from mesh_components.topology.model import Topology

HEAD = "mesh: {name: m, namespace: colors.local}\n"


def problems(yaml_text: str) -> list[str]:
    with pytest.raises(TopologyError) as raised:
        parse_for_target((HEAD + yaml_text).encode(), "t.yaml")
    return [str(problem) for problem in raised.value.problems]


def warnings(yaml_text: str) -> list[str]:
    return [str(problem) for problem in parse_for_target((HEAD + yaml_text).encode(), "t.yaml").warnings]


def test_router_on_an_envoy_port():
    text = "colors:\n  red: {image: a, backends: [router]}\nrouters:\n  router:\n    port: 15001\n    routes: {all: {targets: {red: 1}}}\n"
    assert problems(text) == [
        "t.yaml:6:11: routers.router.port: port 15001 is Envoy's outbound proxy port; allowed: 1-65535 except 9901, 15000, 15001"
    ]


def test_health_check_path_must_be_a_url_path():
    assert problems("colors:\n  red: {image: a, health_check: {path: healthcheck}}\n") == [
        "t.yaml:3:40: colors.red.health_check.path: path 'healthcheck' does not start with '/'; write it like /healthcheck"
    ]


def test_gateway_fargate_size():
    text = "colors:\n  red: {image: a}\ngateway:\n  cpu: 16384\n  memory: 30720\n  routes: {all: {match: {prefix: /}, target: red}}\n"
    assert problems(text) == [
        "t.yaml:6:11: gateway.memory: Fargate has no task size with cpu 16384 and memory 30720; "
        "with cpu 16384, memory is one of 32768..122880 in steps of 8192 (MiB)"
    ]


def test_all_problems_of_one_file_are_reported_together_in_file_order():
    text = "colors:\n  red: {image: a, port: 80, backends: [nope]}\n  Blue: {image: a}\n"
    assert problems(text) == [
        "t.yaml:3:40: colors.red.backends[0]: unknown service 'nope' (known: Blue)",
        "t.yaml:4:3: colors.Blue: invalid name 'Blue'; allowed: lowercase letters, digits and hyphens, "
        "starting with a letter, not ending with a hyphen, at most 63",
    ]


def test_a_targets_capability_problems_come_once_the_topology_is_valid_in_itself():
    """They may assume it (as warnings do): a file with both kinds reports the topology's first."""
    both = "colors:\n  red: {image: a, port: 9901, backends: [nope]}\n  blue: {image: a}\n"
    assert problems(both) == ["t.yaml:3:42: colors.red.backends[0]: unknown service 'nope' (known: blue)"]
    capability_only = "colors:\n  red: {image: a, port: 9901, backends: [blue]}\n  blue: {image: a}\n"
    assert problems(capability_only) == [
        "t.yaml:3:25: colors.red.port: port 9901 is Envoy's admin port; allowed: 1-65535 except 9901, 15000, 15001"]


def test_unreachable_color_is_a_warning_not_an_error():
    text = "colors:\n  red: {image: a}\n  blue: {image: a, backends: [red]}\n"
    assert warnings(text) == [
        "t.yaml:4:3: warning: colors.blue: nothing calls this color: no color has it (or a router in front of it) "
        "as a backend and no gateway route leads to it; it will run but receive no calls"
    ]


def test_color_behind_a_called_router_is_reachable():
    text = (
        "colors:\n  red: {image: a, backends: [router]}\n  green: {image: a}\n"
        "routers:\n  router: {routes: {all: {targets: {green: 1}}}}\n"
        "gateway:\n  routes: {all: {match: {prefix: /}, target: red}}\n"
    )
    assert warnings(text) == []


def test_warnings_wait_until_there_are_no_errors():
    topology = Topology.model_validate(
        {"mesh": {"name": "m", "namespace": "colors.local"}, "colors": {"red": {"image": "a", "backends": ["nope"]}}}
    )
    assert [problem.severity for problem in validate_topology(topology)] == ["error"]


def test_weight_zero_targets_are_allowed_beside_a_positive_one():
    text = (
        "colors:\n  red: {image: a, backends: [router]}\n  green: {image: a}\n  blue: {image: a}\n"
        "routers:\n  router: {routes: {all: {targets: {green: 1, blue: 0}}}}\n"
    )
    found = warnings(text)  # no error; only red, which nothing calls, is worth a warning
    assert len(found) == 1 and found[0].startswith("t.yaml:3:3: warning: colors.red: nothing calls this color")


@pytest.mark.parametrize(
    ("cpu", "memory", "allowed"),
    [
        (256, 512, True), (256, 2048, True), (256, 3072, False),
        (512, 1024, True), (512, 4096, True), (512, 512, False),
        (1024, 2048, True), (1024, 8192, True), (1024, 9216, False),
        (2048, 16384, True), (2048, 4608, False),
        (4096, 30720, True), (4096, 31744, False),
        (8192, 16384, True), (8192, 61440, True), (8192, 17408, False),
        (16384, 32768, True), (16384, 122880, True), (16384, 36864, False),
    ],
)
def test_fargate_task_sizes(cpu, memory, allowed):
    assert (memory in fargate.FARGATE_MEMORY_BY_CPU[cpu]) is allowed


@pytest.mark.parametrize("name", ["a", "red", "blue-2", "a" * 63])
def test_valid_dns_labels(name):
    assert limits.DNS_LABEL.fullmatch(name)


@pytest.mark.parametrize("name", ["", "2red", "-red", "red-", "Red", "red_1", "red.blue", "a" * 64])
def test_invalid_dns_labels(name):
    assert not limits.DNS_LABEL.fullmatch(name)
