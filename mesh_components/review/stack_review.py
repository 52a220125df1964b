"""Review a stack, not only its topology: `Pulumi.<stack>.yaml` and the topology file it names, as
they were at a git revision, against the working tree.

The working tree must be usable (its problems are the pull request's: exit 1 or 2). The base is
read as it is; whatever of it cannot be compared is reported as such and the comparison is made
against an empty mesh, so everything counts as new (fail closed): no stack file at the base, a base
stack file or topology that cannot be read, a base that does not validate.

Each side has its own `color-mesh:target` (or both the one given): a target change is a settings change,
judged like any other (`settings_diff`). Topologies are read with their own checks only, as `diff OLD NEW`
reads them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from mesh_components.settings.stack_file import (PROJECT, StackConfigError, configured_topology, parse_stack_file,
                                                 read_stack_file)
from mesh_components.settings.stack_settings import SettingsError, settings_from_stack_file
from mesh_components.targets import DEFAULT_TARGET, TARGETS
from mesh_components.topology.errors import TopologyError
from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.loader import parse_topology

from .command_support import EXIT_INVALID_TOPOLOGY, EXIT_UNUSABLE_ARGUMENTS, CommandFailed, load_graph
from .review import Review, empty_graph, review_graphs
from .settings_diff import diff_settings
from .topology_source import SourceError, git_has, read_from_git, require_revision


@dataclass
class _Base:
    config: dict[str, Any] = field(default_factory=dict)
    graph: MeshGraph = field(default_factory=empty_graph)
    topology_name: str = "(nothing)"
    target: str = DEFAULT_TARGET
    uncompared: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def review_stack(stack: str, base: str, root: Path, target: Optional[str] = None) -> Review:
    """The review of `stack` at revision `base` against the working tree under `root` (the project directory);
    `target`: both sides on it, instead of each on its stack's."""
    try:
        require_revision(base, root)
    except SourceError as error:
        _fail(EXIT_UNUSABLE_ARGUMENTS, str(error))
    new_config, new_topology, new_target, new_graph = _working_tree(stack, root, target)
    old = _base(stack, base, root, target)
    return review_graphs(
        old.graph, new_graph, old.topology_name, new_topology,
        settings=diff_settings(old.config, new_config), uncompared=tuple(old.uncompared),
        base_problems=tuple(old.problems), title=f"Stack review: `{stack}` at `{base}` → working tree",
        targets=(old.target, new_target))


def _fail(code: int, *lines: str) -> None:
    for line in lines:
        print(line, file=sys.stderr)
    raise CommandFailed(code)


def _configured_target(config: dict[str, Any]) -> str:
    """The target a stack's config names (validated with its settings), app-mesh when it names none or no target."""
    configured = config.get(f"{PROJECT}:target", DEFAULT_TARGET)
    return configured if configured in TARGETS else DEFAULT_TARGET


def _working_tree(stack: str, root: Path, target: Optional[str]) -> tuple[dict[str, Any], str, str, MeshGraph]:
    try:
        config = read_stack_file(stack, root)
        topology = configured_topology(config, f"Pulumi.{stack}.yaml")
    except StackConfigError as error:
        _fail(EXIT_UNUSABLE_ARGUMENTS, str(error))
    try:
        settings_from_stack_file(config, stack)
    except SettingsError as error:
        _fail(EXIT_INVALID_TOPOLOGY, *str(error).splitlines())
    target = target or _configured_target(config)
    return config, topology, target, load_graph(str(root / topology), None)


def _base(stack: str, revision: str, root: Path, target: Optional[str]) -> _Base:
    base = _Base()
    stack_path = f"./Pulumi.{stack}.yaml"
    if not git_has(revision, stack_path, root):
        base.uncompared.append(f"`Pulumi.{stack}.yaml` does not exist at `{revision}`: a new stack, "
                               "everything in it is new")
        return base
    try:
        base.config = parse_stack_file(read_from_git(revision, stack_path, root).decode("utf-8", "replace"),
                                         f"{revision}:Pulumi.{stack}.yaml")
        topology = configured_topology(base.config, f"{revision}:Pulumi.{stack}.yaml")
    except (StackConfigError, SourceError) as error:
        return _unusable_base(base, "its stack file cannot be used", str(error))
    try:
        settings_from_stack_file(base.config, stack)
    except SettingsError as error:
        base.uncompared.append("the base's settings do not validate (below), so they cannot be trusted")
        base.problems += [f"{revision}:{line}" for line in str(error).splitlines()]
    base.topology_name = f"{revision}:{topology}"
    base.target = target or _configured_target(base.config)
    if not git_has(revision, f"./{topology}", root):
        return _unusable_base(base, f"its topology `{topology}` does not exist there",
                              f"{base.topology_name}: no such file at {revision}")
    try:
        loaded = parse_topology(read_from_git(revision, f"./{topology}", root), base.topology_name)
    except (TopologyError, SourceError) as error:
        lines = [str(problem) for problem in error.problems] if isinstance(error, TopologyError) else [str(error)]
        return _unusable_base(base, "its topology does not validate", *lines)
    base.graph = MeshGraph(loaded.topology)
    return base


def _unusable_base(base: _Base, why: str, *problems: str) -> _Base:
    base.uncompared.append(f"the base cannot be compared: {why} (below); compared with an empty mesh instead, "
                           "so everything counts as new")
    base.problems += problems
    base.graph = empty_graph()
    return base
