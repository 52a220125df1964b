"""The scale benchmark at N = 10, so it cannot rot: its functions run; its numbers are not asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import scale
from bench.topologies import generate_topology, write_topology
from mesh_components.offline.recording import RecordedResource

SIZE = 10
# What only each target registers: the benchmark must really run that target.
TARGET_TYPES = {"app-mesh": "aws:appmesh/virtualNode:VirtualNode", "service-connect": "aws:lb/listenerRule:ListenerRule"}


@pytest.fixture(scope="module", params=scale.TARGETS)
def target(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def topology(tmp_path_factory, target) -> Path:
    return write_topology(generate_topology(SIZE, 7), tmp_path_factory.mktemp("scale") / "topology.yaml")


@pytest.fixture(scope="module")
def program_run(topology, target):
    return scale.measure_program(topology, target)


def test_load_is_timed(topology, target):
    assert scale.measure_load(topology, target, repeats=1) > 0


def test_program_run_registers_the_mesh_and_a_plan_for_the_floor(program_run, target):
    run, plan, depth, chain = program_run
    assert run.resources == len(plan) + 1  # the plan is every resource but the stack
    assert run.wall_seconds > 0 and run.peak_mib >= 0
    assert depth == len(chain) > 1
    types = {entry["type"] for entry in plan}
    assert {expected in types for expected in TARGET_TYPES.values()} == {True, False}
    assert TARGET_TYPES[target] in types


def test_floor_registers_the_same_resources_as_the_program(program_run):
    run, plan, _, _ = program_run
    floor = scale.measure_floor(plan)
    assert floor.resources == run.resources


def test_floor_plan_puts_parents_and_dependencies_first(program_run):
    _, plan, _, _ = program_run
    seen: set[str] = set()
    for entry in plan:
        assert entry["parent"] in seen | {""}
        assert set(entry["dependencies"]) <= seen
        seen.add(entry["urn"])


def _resource(name: str, *, custom: bool = True, parent: str = "", dependencies: tuple[str, ...] = ()) -> RecordedResource:
    return RecordedResource(urn=name, type="aws:x/y:Y" if custom else "color-mesh:index:C", name=name, custom=custom,
                            parent=parent, dependencies=dependencies, property_dependencies={}, inputs={},
                            checked_inputs={}, outputs={})


def test_depth_follows_dependencies_not_parents():
    resources = [
        _resource("component", custom=False),
        _resource("a", parent="component"),
        _resource("b", parent="component", dependencies=("a",)),
        _resource("c", dependencies=("b",)),
        _resource("d", parent="c"),  # a child waits for nothing it does not depend on
    ]
    assert scale.deployment_depth(resources) == (3, ["a", "b", "c"])


def test_depending_on_a_component_waits_for_everything_under_it():
    resources = [
        _resource("component", custom=False),
        _resource("a", parent="component"),
        _resource("b", parent="component", dependencies=("a",)),
        _resource("c", dependencies=("component",)),
    ]
    assert scale.deployment_depth(resources) == (3, ["a", "b", "c"])


def test_command_line_writes_a_results_table_per_target(tmp_path):
    output = tmp_path / "results.md"
    script = Path(scale.__file__)
    done = subprocess.run([sys.executable, str(script), "--sizes", str(SIZE), "--output", str(output)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("load+validate s") == 2
    text = output.read_text()
    assert text.count(f"\n| {SIZE} |") == 2
    app_mesh, service_connect = text.index("\n## app-mesh\n"), text.index("\n## service-connect\n")
    assert app_mesh < service_connect < text.index("## Machine") and "pulumi-aws:" in text
    # each section names its own target's longest chain (both targets run the very same topologies)
    assert text[app_mesh:service_connect].count("Longest dependency chain") == 1
    assert text[service_connect:].count("Longest dependency chain") == 1


def test_command_line_measures_one_target_when_asked(tmp_path):
    output = tmp_path / "results.md"
    done = subprocess.run([sys.executable, str(Path(scale.__file__)), "--sizes", "3", "--target", "service-connect",
                           "--output", str(output)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = output.read_text()
    assert "## service-connect" in text and "## app-mesh" not in text and "--target service-connect" in text
