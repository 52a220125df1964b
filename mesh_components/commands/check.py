"""`check [--stack dev] [--target T] [--policy-config FILE]`: the policy pack's verdicts on a stack, offline.

Runs the program (on the stack's target, or the one given) under the mock engine and hands every resource to the real policy pack as
`pulumi preview --policy-pack policy` would. Exit 0: no mandatory violation (advisories may be
printed). Exit 1: a mandatory violation, or the program refused its topology/config. Exit 2:
unusable arguments (no such stack, unreadable policy config).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

from mesh_components.commands.policy_hints import fix_hint
from mesh_components.commands.stack_run import add_stack_argument, run_stack_or_report
from mesh_components.offline.policy_runner import PolicyPackError, PolicyPackProcess, Verdict, load_policy_config
from mesh_components.offline.recording import Recording
from mesh_components.settings.stack_file import StackConfigError, project_root, topology_path

HELP = "Run a stack offline through the policy pack: exit 1 on any mandatory violation."

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_UNUSABLE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_argument(parser)
    parser.add_argument(
        "--policy-config",
        "--config-file",
        dest="policy_config",
        type=Path,
        help="policy pack config JSON, as for `pulumi preview --policy-pack-config`",
    )
    parser.add_argument("--root", type=Path, default=None,
                        help="project directory (default: the nearest one holding Pulumi.yaml)")


def run(args: argparse.Namespace) -> int:
    try:
        config = load_policy_config(args.policy_config) if args.policy_config else None
    except PolicyPackError as error:
        print(f"check: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    ran = run_stack_or_report("check", args.stack, args.root, target=args.target)
    if isinstance(ran, int):
        return ran
    recording, target = ran
    try:
        with PolicyPackProcess() as pack:
            verdicts = pack.analyze(recording, config)
    except PolicyPackError as error:
        print(f"check: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    root = project_root() if args.root is None else args.root
    print_verdicts(verdicts, recording, args.stack, _topology_file(args.stack, root), target)
    return EXIT_VIOLATIONS if any(verdict.is_mandatory for verdict in verdicts) else EXIT_CLEAN


def _topology_file(stack: str, root: Path) -> str:
    try:
        return str(topology_path(stack, root))
    except StackConfigError:  # already reported by the run; a hint then names the key alone
        return "the topology file"


def _resource_label(urn: str) -> str:
    if not urn:
        return "stack"
    qualified_type, name = urn.split("::")[-2:]
    return f"{qualified_type.rsplit('$', 1)[-1]} {name}"


def print_verdicts(verdicts: list[Verdict], recording: Recording, stack: str, topology_file: str, target: str) -> None:
    """A tally per policy first (large stacks have thousands of verdicts), then every verdict by resource,
    each with the topology or stack key that fixes it when the resource is this program's."""
    _print_tally(verdicts)
    resources = {resource.urn: resource for resource in recording.resources}
    by_resource: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_resource[verdict.urn].append(verdict)
    for urn in sorted(by_resource, key=_resource_label):
        print(_resource_label(urn))
        for verdict in sorted(by_resource[urn], key=lambda v: (not v.is_mandatory, v.policy_name)):
            detail = verdict.message.split("\n", 1)[-1].replace("\n", " ")
            print(f"  [{verdict.enforcement_level}] {verdict.policy_name}: {detail}")
            hint = fix_hint(verdict, resources.get(urn), topology_file, stack)
            if hint:
                print(f"      in color-mesh: {hint}")
    mandatory = sum(verdict.is_mandatory for verdict in verdicts)
    print(
        f"{stack} on {target}: {len(recording.resources)} resources checked, {mandatory} mandatory violation(s), "
        f"{len(verdicts) - mandatory} advisory"
    )


def _print_tally(verdicts: list[Verdict]) -> None:
    if not verdicts:
        return
    tally = Counter((verdict.enforcement_level, verdict.policy_name) for verdict in verdicts)
    width = max(len(name) for _, name in tally)
    print("Verdicts per policy:")
    for (level, name), count in sorted(tally.items(), key=lambda item: (item[0][0] != "mandatory", item[0][1])):
        print(f"  [{level}] {name.ljust(width)}  {count}")
    print()
