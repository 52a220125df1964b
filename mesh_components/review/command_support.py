"""What the offline commands share: the topology and target arguments, loading a topology for a target, and
reporting why it cannot be used."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from mesh_components.settings.stack_file import PROJECT, TOPOLOGY_KEY, StackConfigError, configured_target, topology_path
from mesh_components.targets import DEFAULT_TARGET, TARGETS, not_a_target
from mesh_components.topology.errors import TopologyError
from mesh_components.topology.graph import MeshGraph

from .topology_source import SourceError, load_source

EXIT_INVALID_TOPOLOGY = 1
EXIT_UNUSABLE_ARGUMENTS = 2

TOPOLOGY_HELP = "a topology file, or REV:path to read it from git (path from the repository root)"
STACK_HELP = "stack whose Pulumi.<stack>.yaml names the default file and target (default dev)"


class CommandFailed(Exception):
    """The problems are on stderr already; `exit_code` is what the command returns."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code


def add_optional_topology(parser: argparse.ArgumentParser) -> None:
    """`[PATH] [--stack dev] [--target T]`, like `validate`: without PATH, the stack's configured topology."""
    parser.add_argument("path", nargs="?", help=f"{TOPOLOGY_HELP} (default: the stack's {TOPOLOGY_KEY})")
    parser.add_argument("--stack", default="dev", help=STACK_HELP)
    add_target_argument(parser)


def add_target_argument(parser: argparse.ArgumentParser) -> None:
    """`--target`, the same for every command; an unknown name is a usage error (exit 2) naming the targets."""
    parser.add_argument("--target", type=_target_name, metavar="{" + ",".join(sorted(TARGETS)) + "}",
                        help=f"deployment target whose capability checks and facts apply (default: the stack's "
                             f"{PROJECT}:target, else {DEFAULT_TARGET})")


def _target_name(text: str) -> str:
    if text not in TARGETS:
        raise argparse.ArgumentTypeError(not_a_target(text))
    return text


def chosen_target(given: Optional[str], stack: str, root: Optional[Path] = None) -> str:
    """`--target` when given; else the stack's `color-mesh:target` (its stack file under `root`, default the
    project); else app-mesh. Raises StackConfigError when the stack file cannot be read or names no target."""
    if given:
        return given
    configured = configured_target(stack, root, default=DEFAULT_TARGET)
    if configured not in TARGETS:
        raise StackConfigError(f"{PROJECT}:target {not_a_target(configured)}")
    return configured


def command_target(given: Optional[str], stack: str) -> str:
    """`chosen_target` for a command; on failure the reason goes to stderr and `CommandFailed` carries exit 2."""
    try:
        return chosen_target(given, stack)
    except StackConfigError as error:
        print(error, file=sys.stderr)
        raise CommandFailed(EXIT_UNUSABLE_ARGUMENTS) from None


def load_optional_topology(args: argparse.Namespace) -> tuple[MeshGraph, str]:
    """The graph of `[PATH] [--stack] [--target]` and its target. What the target would refuse to build goes to
    stderr (the tools still show the topology: that is how one sees what to change)."""
    target = command_target(args.target, args.stack)
    try:
        spec = args.path or str(topology_path(args.stack))
    except StackConfigError as error:
        print(error, file=sys.stderr)
        raise CommandFailed(EXIT_UNUSABLE_ARGUMENTS) from None
    return load_graph(spec, target), target


def load_graph(spec: str, target: Optional[str]) -> MeshGraph:
    """The graph of topology `spec`, checked for `target` too unless it is None (the topology's own checks
    only); on failure the problems go to stderr and `CommandFailed` carries the exit code."""
    try:
        return MeshGraph(load_source(spec, target))
    except SourceError as error:
        print(error, file=sys.stderr)
        raise CommandFailed(EXIT_UNUSABLE_ARGUMENTS) from None
    except TopologyError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        raise CommandFailed(EXIT_UNUSABLE_ARGUMENTS if error.unreadable else EXIT_INVALID_TOPOLOGY) from None
