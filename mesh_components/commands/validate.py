"""`validate [PATH]`: load a topology file and report every problem, or summarise the mesh.

Exit 0: valid (warnings may be printed). Exit 1: invalid, one `PATH:LINE:COL: message` line per
problem on stderr. Exit 2: no usable file (missing, a directory, unreadable) or unusable arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mesh_components.review.command_support import STACK_HELP, add_target_argument, chosen_target
from mesh_components.settings.stack_file import TOPOLOGY_KEY, StackConfigError, topology_path
from mesh_components.targets import load_for_target
from mesh_components.topology.errors import TopologyError
from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.model import Topology

HELP = "Check a topology file: exit 0 and a summary when valid, exit 1 and one line per problem when not."

EXIT_VALID, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", help=f"topology file (default: the stack's {TOPOLOGY_KEY})")
    parser.add_argument("--stack", default="dev", help=STACK_HELP)
    add_target_argument(parser)


def run(args: argparse.Namespace) -> int:
    try:
        path = Path(args.path) if args.path else topology_path(args.stack)
        target = chosen_target(args.target, args.stack)
    except StackConfigError as error:
        return _unusable(str(error))
    try:
        result = load_for_target(path, target)
    except TopologyError as error:
        if error.unreadable:
            return _unusable("; ".join(str(problem) for problem in error.problems))
        _print_problems(error.problems)
        return EXIT_INVALID
    except OSError as error:  # the loader turns read errors into TopologyError; this is a safety net
        return _unusable(f"cannot read {path}: {(error.strerror or str(error)).lower()}")
    _print_problems(result.warnings)
    print(f"{path}: valid for {target}: {summary(result.topology)}")
    return EXIT_VALID


def _unusable(message: str) -> int:
    print(f"validate: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def summary(topology: Topology) -> str:
    """`4 colors, 1 router, 1 route, 2 gateway routes, 6 call edges`."""
    routes = sum(len(router.routes) for router in topology.routers.values())
    gateway_routes = len(topology.gateway.routes) if topology.gateway else 0
    edges = len(MeshGraph(topology).edges)
    return ", ".join([
        _count(len(topology.colors), "color"),
        _count(len(topology.routers), "router"),
        _count(routes, "route"),
        _count(gateway_routes, "gateway route"),
        _count(edges, "call edge"),
    ])
