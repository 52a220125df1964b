"""`diff OLD NEW`: the access change between two topologies as markdown; exit 3 when access widened."""

from __future__ import annotations

import argparse

from mesh_components.review.access_diff import diff_access
from mesh_components.review.command_support import TOPOLOGY_HELP, CommandFailed, load_graph
from mesh_components.review.diff_markdown import render_diff_markdown

HELP = "Show what a topology change does to access, routing and exposure; exit 3 when access widened."
EXIT_ACCESS_WIDENED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", help=f"the topology before: {TOPOLOGY_HELP}")
    parser.add_argument("new", help=f"the topology after: {TOPOLOGY_HELP}")
    parser.epilog = ("Exit codes: 0 access did not widen, 3 access widened, 1 a topology is invalid, "
                     "2 unusable arguments (missing file, unknown revision or path).")


def run(args: argparse.Namespace) -> int:
    graphs, failures = [], []
    for spec in (args.old, args.new):  # both sides are loaded so every problem is reported in one run
        try:
            graphs.append(load_graph(spec))
        except CommandFailed as failed:
            failures.append(failed.exit_code)
    if failures:
        return max(failures)  # unusable arguments (2) outrank an invalid topology (1)
    diff = diff_access(*graphs)
    print(render_diff_markdown(diff, args.old, args.new), end="")
    return EXIT_ACCESS_WIDENED if diff.widened else 0
