"""Running a stack offline for a command: bad input is reported like `validate` does, never as a traceback.

Shared by the commands that need the program's resources (`plan`, `check`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, Union

from mesh_components.offline.recording import Recording
from mesh_components.offline.runner import OfflineRunError, list_stacks, run_stack
from mesh_components.review.command_support import add_target_argument, chosen_target
from mesh_components.settings.stack_file import StackConfigError, project_root, topology_path
from mesh_components.targets import load_for_target
from mesh_components.topology.errors import TopologyError

EXIT_INVALID, EXIT_UNUSABLE = 1, 2


def add_stack_argument(parser) -> None:
    """`--stack` and `--target`: the stack's config, and the target to run it on (default: the stack's)."""
    parser.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml config to use (default dev)")
    add_target_argument(parser)


def run_stack_or_report(command: str, stack: str, root: Optional[Path] = None, *, topology: Optional[str] = None,
                        preview: bool = False, target: Optional[str] = None) -> Union[tuple[Recording, str], int]:
    """The stack's recording and the target it ran on, or the exit code after printing why there is none.

    `topology` (a file, relative to the working directory) replaces the stack's `color-mesh:topology`;
    then the stack file may be absent and the settings' defaults apply. `target` replaces the stack's
    `color-mesh:target`. Warnings the program logs (`pulumi.log.warn`) go to stderr, as `pulumi up`
    shows them.
    """
    root = project_root() if root is None else root
    if stack not in list_stacks(root) and topology is None:
        known = ", ".join(list_stacks(root)) or "none"
        return _fail(command, f"no stack file Pulumi.{stack}.yaml (stacks: {known})", EXIT_UNUSABLE)
    try:
        target = chosen_target(target, stack, root)
        load_for_target(Path(topology) if topology else topology_path(stack, root), target)
    except StackConfigError as error:
        return _fail(command, str(error), EXIT_UNUSABLE)
    except TopologyError as error:
        if error.unreadable:
            return _fail(command, "; ".join(str(problem) for problem in error.problems), EXIT_UNUSABLE)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    try:
        recording = run_stack(stack, root, preview=preview, target=target,
                              topology=str(Path(topology).resolve()) if topology else None)
    except OfflineRunError as error:
        return _fail(command, str(error), EXIT_UNUSABLE)
    except Exception as error:  # the program refused the stack config (pulumi.RunError): say why, plainly
        return _fail(command, str(error).strip(), EXIT_INVALID)
    for warning in recording.logged_warnings:
        print(warning, file=sys.stderr)
    return recording, target


def _fail(command: str, message: str, code: int) -> int:
    print(f"{command}: {message}", file=sys.stderr)
    return code
