"""`diff OLD NEW` or `diff --stack NAME --base REV`: what a change does to access, TLS, settings and
images, as markdown; exit 3 when access widened or a protection weakened (failing closed).

The target: `--target`, else the dev stack's (two files) or, for a stack, each side's own
`color-mesh:target`, a change of which is reported as a setting that may weaken. It says what faces the
internet (the NLB or the ALB). Both sides are read with the topology's own checks, not the target's: the
review judges what the topology declares, TLS the target refuses included (`validate`, `plan` and `check`
report what a target cannot build)."""

from __future__ import annotations

import argparse
import sys

from mesh_components.review.command_support import (TOPOLOGY_HELP, CommandFailed, add_target_argument, command_target,
                                                     load_graph)
from mesh_components.review.diff_markdown import render_review_markdown
from mesh_components.review.review import review_graphs
from mesh_components.review.stack_review import review_stack
from mesh_components.settings.stack_file import project_root

HELP = "Show what a change does to access, TLS, settings, routing and exposure; exit 3 when it widens."
EXIT_ACCESS_WIDENED = 3
EXIT_UNUSABLE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", nargs="?", help=f"the topology before: {TOPOLOGY_HELP}")
    parser.add_argument("new", nargs="?", help=f"the topology after: {TOPOLOGY_HELP}")
    parser.add_argument("--stack", help="review this stack (Pulumi.<stack>.yaml and its topology) instead of two files")
    parser.add_argument("--base", metavar="REV", help="with --stack: the git revision to compare the working tree with")
    add_target_argument(parser)
    parser.add_argument("--max-chars", type=int, metavar="N",
                        help="keep the markdown within N characters (the verdict first, long sections cut)")
    parser.epilog = ("Exit codes: 0 nothing widened, 3 access widened or a protection weakened (including what "
                     "could not be compared at the base), 1 the new side is invalid, 2 unusable arguments "
                     "(missing file, unknown revision or path).")


def run(args: argparse.Namespace) -> int:
    stack_mode = args.stack is not None or args.base is not None
    if stack_mode and (args.old or args.new or not (args.stack and args.base)):
        return _unusable("give either OLD NEW, or --stack NAME --base REV")
    if not stack_mode and not (args.old and args.new):
        return _unusable("give either OLD NEW, or --stack NAME --base REV")
    try:
        if stack_mode:
            review = review_stack(args.stack, args.base, project_root(), args.target)
        else:
            review = _review_files(args.old, args.new, command_target(args.target, "dev"))
    except CommandFailed as failed:
        return failed.exit_code
    print(render_review_markdown(review, args.max_chars), end="")
    return EXIT_ACCESS_WIDENED if review.widened else 0


def _review_files(old: str, new: str, target: str):
    graphs, failures = [], []
    for spec in (old, new):  # both sides are loaded so every problem is reported in one run
        try:
            graphs.append(load_graph(spec, None))
        except CommandFailed as failed:
            failures.append(failed.exit_code)
    if failures:
        raise CommandFailed(max(failures))  # unusable arguments (2) outrank an invalid topology (1)
    return review_graphs(*graphs, old, new, targets=(target, target))


def _unusable(message: str) -> int:
    print(f"diff: {message}", file=sys.stderr)
    return EXIT_UNUSABLE
