"""`graph`: the mesh as a diagram (gateway routes, virtual services, weighted routers, colors, call edges)."""

from __future__ import annotations

import argparse

from mesh_components.review.command_support import CommandFailed, add_optional_topology, load_optional_topology
from mesh_components.review.diagram import build_diagram
from mesh_components.review.dot import render_dot
from mesh_components.review.mermaid import render_mermaid

HELP = "Draw the mesh as a Mermaid (default) or DOT diagram."
RENDERERS = {"mermaid": render_mermaid, "dot": render_dot}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_optional_topology(parser)
    parser.add_argument("--format", choices=sorted(RENDERERS), default="mermaid", help="diagram language (default mermaid)")


def run(args: argparse.Namespace) -> int:
    try:
        graph, target = load_optional_topology(args)
    except CommandFailed as failed:
        return failed.exit_code
    print(RENDERERS[args.format](build_diagram(graph, target)), end="")
    return 0
