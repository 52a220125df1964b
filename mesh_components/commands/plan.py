"""`plan [PATH] [--stack dev] [--target T] [--json]`: what `pulumi preview` would create, offline (no Pulumi CLI,
no AWS), on the stack's target or the one given."""

from __future__ import annotations

import argparse
import json

from mesh_components.offline.plan import plan_data, render_plan

from .stack_run import add_stack_argument, run_stack_or_report

HELP = "Show the resource tree, counts by type and stack outputs a stack would produce, offline."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?",
                        help="plan this topology file with the stack's other settings (the stack file may be absent)")
    add_stack_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")


def run(args: argparse.Namespace) -> int:
    ran = run_stack_or_report("plan", args.stack, topology=args.path, preview=True, target=args.target)
    if isinstance(ran, int):
        return ran
    recording, target = ran
    if args.json:
        print(json.dumps(plan_data(recording, args.stack, target), indent=2, sort_keys=True))
    else:
        print(render_plan(recording, args.stack, target), end="")
    return 0
