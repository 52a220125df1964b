from pathlib import Path

import pytest
import yaml

from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.model import Topology

REFERENCE = Path(__file__).resolve().parents[1] / "config" / "topology.yaml"


def topology_from(data: dict) -> Topology:
    return Topology.model_validate(data)


@pytest.fixture
def reference_data() -> dict:
    return yaml.safe_load(REFERENCE.read_text())


@pytest.fixture
def reference_graph(reference_data) -> MeshGraph:
    return MeshGraph(topology_from(reference_data))
