"""What the review commands share: the topology argument, loading it, and reporting why it cannot be used."""

from __future__ import annotations

import argparse
import sys

from mesh_components.settings.stack_file import TOPOLOGY_KEY, StackConfigError, topology_path
from mesh_components.topology.errors import TopologyError
from mesh_components.topology.graph import MeshGraph

from .topology_source import SourceError, load_source

EXIT_INVALID_TOPOLOGY = 1
EXIT_UNUSABLE_ARGUMENTS = 2

TOPOLOGY_HELP = "a topology file, or REV:path to read it from git (path from the repository root)"


class CommandFailed(Exception):
    """The problems are on stderr already; `exit_code` is what the command returns."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code


def add_optional_topology(parser: argparse.ArgumentParser) -> None:
    """`[PATH] [--stack dev]`, like `validate`: without PATH, the stack's configured topology."""
    parser.add_argument("path", nargs="?", help=f"{TOPOLOGY_HELP} (default: the stack's {TOPOLOGY_KEY})")
    parser.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml names the default file (default dev)")


def load_optional_topology(args: argparse.Namespace) -> MeshGraph:
    if args.path:
        return load_graph(args.path)
    try:
        return load_graph(str(topology_path(args.stack)))
    except StackConfigError as error:
        print(error, file=sys.stderr)
        raise CommandFailed(EXIT_UNUSABLE_ARGUMENTS) from None


def load_graph(spec: str) -> MeshGraph:
    """The graph of topology `spec`; on failure the problems go to stderr and `CommandFailed` carries the exit code."""
    try:
        return MeshGraph(load_source(spec))
    except SourceError as error:
        print(error, file=sys.stderr)
        raise CommandFailed(EXIT_UNUSABLE_ARGUMENTS) from None
    except TopologyError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        raise CommandFailed(EXIT_UNUSABLE_ARGUMENTS if error.unreadable else EXIT_INVALID_TOPOLOGY) from None
