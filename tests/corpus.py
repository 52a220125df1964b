"""Shared by the broken-file corpora (tests/topology, tests/traffic): how a corpus file must fail, and
which corpus files get as far as the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mesh_components.topology.errors import TopologyError
from mesh_components.targets import load_for_target
from mesh_components.topology.model import Topology
from mesh_components.topology.yaml_source import read_yaml


def assert_fails_with_exactly(path: Path, expected: list[str]) -> TopologyError:
    """Loading `path` for the default target (App Mesh) fails with exactly the error lines
    `LINE:COL: doc.path: message` in `expected`."""
    with pytest.raises(TopologyError) as raised:
        load_for_target(path)
    assert [str(problem) for problem in raised.value.problems] == [f"{path}:{line}" for line in expected]
    assert all(problem.is_error for problem in raised.value.problems)
    return raised.value


def parsed_models(broken: Path) -> list[Topology]:
    """The corpus files that get as far as the model, i.e. those only semantic checks reject."""
    models = []
    for path in sorted(broken.glob("*.yaml")):
        try:
            models.append(Topology.model_validate(read_yaml(path).data))
        except (TopologyError, ValidationError):
            continue
    return models
