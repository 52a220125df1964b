"""Running a stack offline for a command: bad input is reported like `validate` does, never as a traceback.

Shared by the commands that need the program's resources (`plan`, `check`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Union

from mesh_components.offline.recording import Recording
from mesh_components.offline.runner import OfflineRunError, list_stacks, run_stack
from mesh_components.stack_config import StackConfigError, topology_path
from mesh_components.topology.errors import TopologyError
from mesh_components.topology.loader import load_topology

EXIT_INVALID, EXIT_UNUSABLE = 1, 2


def add_stack_argument(parser) -> None:
    parser.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml config to use (default dev)")


def run_stack_or_report(command: str, stack: str, root: Path = Path(".")) -> Union[Recording, int]:
    """The stack's recording, or the exit code after printing why there is none."""
    if stack not in list_stacks(root):
        known = ", ".join(list_stacks(root)) or "none"
        return _fail(command, f"no stack file Pulumi.{stack}.yaml (stacks: {known})", EXIT_UNUSABLE)
    try:
        load_topology(topology_path(stack, root))
    except StackConfigError as error:
        return _fail(command, str(error), EXIT_UNUSABLE)
    except TopologyError as error:
        if error.unreadable:
            return _fail(command, "; ".join(str(problem) for problem in error.problems), EXIT_UNUSABLE)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    try:
        return run_stack(stack, root)
    except OfflineRunError as error:
        return _fail(command, str(error), EXIT_UNUSABLE)
    except Exception as error:  # the program refused the stack config (pulumi.RunError): say why, plainly
        return _fail(command, str(error).strip(), EXIT_INVALID)


def _fail(command: str, message: str, code: int) -> int:
    print(f"{command}: {message}", file=sys.stderr)
    return code
