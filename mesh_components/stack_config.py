"""Read a stack's config file (`Pulumi.<stack>.yaml`) without Pulumi, for the offline tools.

The Pulumi program reads the same keys through `pulumi.Config`; this is for commands such as
`validate` that run where there is no Pulumi engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PROJECT = "color-mesh"
TOPOLOGY_KEY = f"{PROJECT}:topology"


class StackConfigError(Exception):
    """The stack's config file is missing, unreadable or lacks a usable value."""


def stack_file(stack: str = "dev", root: Path = Path(".")) -> Path:
    return root / f"Pulumi.{stack}.yaml"


def read_stack_config(stack: str = "dev", root: Path = Path(".")) -> dict[str, Any]:
    """The `config:` mapping of `Pulumi.<stack>.yaml` under `root`."""
    path = stack_file(stack, root)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise StackConfigError(f"cannot read {path}: {(error.strerror or str(error)).lower()}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise StackConfigError(f"{where}: invalid YAML: {error.problem or error.context}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise StackConfigError(f"{path}: invalid YAML: {error}".splitlines()[0]) from None
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise StackConfigError(f"{path} has no 'config:' mapping")
    return config


def topology_path(stack: str = "dev", root: Path = Path(".")) -> Path:
    """The topology file the stack deploys (`color-mesh:topology`), relative to `root`."""
    value = read_stack_config(stack, root).get(TOPOLOGY_KEY)
    if not isinstance(value, str) or not value:
        raise StackConfigError(f"{stack_file(stack, root)} does not set {TOPOLOGY_KEY} to a file path")
    return root / value
