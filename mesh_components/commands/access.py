"""`access`: the caller → callee matrix, the internet (through the NLB) and the gateway included."""

from __future__ import annotations

import argparse

from mesh_components.review.access_matrix import access_matrix, render_access_markdown
from mesh_components.review.command_support import CommandFailed, add_optional_topology, load_optional_topology

HELP = "Show who may call whom, on which listener, as a markdown table."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_optional_topology(parser)


def run(args: argparse.Namespace) -> int:
    try:
        graph, target = load_optional_topology(args)
    except CommandFailed as failed:
        return failed.exit_code
    print(render_access_markdown(access_matrix(graph, target)), end="")
    return 0
