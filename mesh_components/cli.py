"""Command-line entry: one sub-command per module in `mesh_components.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module exposes HELP (one line), add_arguments(parser) and run(args) -> exit code.
COMMANDS = ("validate", "schema", "graph", "access", "diff", "check", "plan")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mesh_components", description="color-mesh offline tools")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"mesh_components.commands.{name}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # argparse exits 2 on unusable arguments
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
