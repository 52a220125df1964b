"""Load a topology file: YAML -> model -> semantic checks, every problem located in the file.

`load_topology(path)` is what the Pulumi program calls; `load_topology_with_warnings(path)` also
returns the warnings (e.g. unreachable colors) for the `validate` command to print.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Sequence

from pydantic import ValidationError

from .checks import Check, validate_topology
from .errors import Problem, TopologyError, sort_key
from .model import Topology
from .model_errors import allowed_keys, problems_from_validation_error
from .yaml_source import SourceMap, YamlDocument, parse_yaml, read_yaml


@dataclass(frozen=True)
class LoadResult:
    topology: Topology
    warnings: tuple[Problem, ...]  # located, like errors; they never stop a load


def load_topology(path: str | os.PathLike[str], capability_checks: Sequence[Check] = ()) -> Topology:
    """The validated topology in `path`; raises TopologyError listing every problem found.

    `capability_checks`: a deployment target's (`targets.py`), run with the topology's own checks.
    """
    return load_topology_with_warnings(path, capability_checks).topology


def load_topology_with_warnings(path: str | os.PathLike[str], capability_checks: Sequence[Check] = ()) -> LoadResult:
    return _load_document(read_yaml(path), capability_checks)


def parse_topology(raw: bytes, file: str = "<string>", capability_checks: Sequence[Check] = ()) -> LoadResult:
    """Like `load_topology_with_warnings`, for YAML already in memory (tests, tools)."""
    return _load_document(parse_yaml(raw, file), capability_checks)


def locate(problems: Sequence[Problem], document: YamlDocument) -> list[Problem]:
    """`problems` with their file, line and column, sorted by position."""
    return _locate_all(list(problems), document)


def _load_document(document: YamlDocument, capability_checks: Sequence[Check] = ()) -> LoadResult:
    _require_mapping(document)
    try:
        topology = Topology.model_validate(document.data)
    except ValidationError as error:
        raise _located_error(problems_from_validation_error(error), document) from None
    problems = validate_topology(topology, capability_checks)
    if any(problem.is_error for problem in problems):
        raise _located_error(problems, document)
    return LoadResult(topology, tuple(_locate_all(problems, document)))


def _require_mapping(document: YamlDocument) -> None:
    expected = f"expected a mapping with the keys {', '.join(allowed_keys(()))}"
    if document.data is None:
        problem = Problem(f"file is empty; {expected}")
    elif not isinstance(document.data, dict):
        problem = Problem(f"top level is {_kind(document.data)}; {expected}")
    else:
        return
    raise _located_error([problem], document)


def _kind(value: Any) -> str:
    return "a list" if isinstance(value, list) else f"a single value ({value!r:.40})"


def _located_error(problems: list[Problem], document: YamlDocument) -> TopologyError:
    return TopologyError(_locate_all(problems, document))


def _locate_all(problems: list[Problem], document: YamlDocument) -> list[Problem]:
    located = [_locate(problem, document.file, document.source_map) for problem in problems]
    return sorted(located, key=sort_key)


def _locate(problem: Problem, file: str, source_map: SourceMap) -> Problem:
    position = source_map.key_position(problem.path) if problem.on_key else source_map.value_position(problem.path)
    line, col = position or (1, 1)
    return problem.at(file, line, col)
