"""Generated scale topologies are valid for the target they are made for and have the shape the benchmark promises."""

from __future__ import annotations

import pytest

from bench.topologies import COLORS_PER_ROUTER, generate_topology, write_topology
from mesh_components.targets import TARGETS, load_for_target
from mesh_components.topology.graph import MeshGraph

SIZES = (3, 10, 57, 200)


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("size", SIZES)
def test_generated_topologies_pass_the_real_loader_of_every_target(size, target, tmp_path):
    result = load_for_target(write_topology(generate_topology(size, 7), tmp_path / "t.yaml"), target)
    assert len(result.topology.colors) == size
    assert all(problem.severity == "warning" for problem in result.warnings)


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("size", SIZES)
def test_shape(size, target, tmp_path):
    path = write_topology(generate_topology(size, 7), tmp_path / "t.yaml")
    topology = load_for_target(path, target).topology
    assert len(topology.routers) == max(1, size // COLORS_PER_ROUTER)
    for name, color in topology.colors.items():
        assert 1 <= len(color.backends) <= 3 and name not in color.backends
    for router in topology.routers.values():
        assert [2 <= len(route.targets) <= 3 for route in router.routes.values()] == [True]
    services = size + len(topology.routers)
    assert len(topology.gateway.routes) == max(1, round(services / 10))
    assert MeshGraph(topology).exposed_services  # the gateway really leads somewhere


def test_same_seed_same_topology_other_seed_other_topology():
    assert generate_topology(100, 7) == generate_topology(100, 7)
    assert generate_topology(100, 7) != generate_topology(100, 8)


def test_some_colors_call_routers():
    topology = generate_topology(100, 7)
    assert any(set(color["backends"]) & topology["routers"].keys() for color in topology["colors"].values())


def test_too_small_a_mesh_is_refused():
    with pytest.raises(ValueError, match="at least 3"):
        generate_topology(2, 7)
