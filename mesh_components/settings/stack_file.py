"""Read a stack's config file (`Pulumi.<stack>.yaml`) without Pulumi, for the offline tools.

The Pulumi program reads the same keys through `pulumi.Config`; this is for commands such as
`validate` that run where there is no Pulumi engine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

PROJECT = "color-mesh"
TOPOLOGY_KEY = f"{PROJECT}:topology"


PROJECT_FILE = "Pulumi.yaml"
# Set by the `color-mesh` launcher at the project root, so the tools find the project from outside it too.
PROJECT_ENV = "COLOR_MESH_PROJECT"


class StackConfigError(Exception):
    """The stack's config file is missing, unreadable or lacks a usable value."""


def project_root(start: Path | None = None) -> Path:
    """The project the tools work on, found as the Pulumi CLI finds it: the nearest directory at or
    above `start` (default: the working directory) holding Pulumi.yaml; else $COLOR_MESH_PROJECT;
    else the working directory. Relative to the working directory when below it, for short messages.
    """
    here = Path.cwd()
    start = (start or here).resolve()
    found = next((directory for directory in (start, *start.parents) if (directory / PROJECT_FILE).is_file()), None)
    if found is None:
        found = Path(os.environ[PROJECT_ENV]).resolve() if os.environ.get(PROJECT_ENV) else here
    return Path(os.path.relpath(found, here)) if found.is_relative_to(here) or here.is_relative_to(found) else found


def stack_file(stack: str = "dev", root: Path | None = None) -> Path:
    return (project_root() if root is None else root) / f"Pulumi.{stack}.yaml"


def read_stack_file(stack: str = "dev", root: Path | None = None) -> dict[str, Any]:
    """The `config:` mapping of `Pulumi.<stack>.yaml` under `root` (default: the project directory)."""
    path = stack_file(stack, root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise StackConfigError(f"cannot read {path}: {(error.strerror or str(error)).lower()}") from None
    except UnicodeDecodeError as error:
        raise StackConfigError(f"{path}: invalid YAML: not UTF-8 text ({error.reason})") from None
    return parse_stack_file(text, str(path))


def parse_stack_file(text: str, path: str) -> dict[str, Any]:
    """The `config:` mapping of a stack file's text (read from disk or from git)."""
    try:
        document = yaml.safe_load(text)
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


def topology_path(stack: str = "dev", root: Path | None = None) -> Path:
    """The topology file the stack deploys (`color-mesh:topology`), relative to `root` (default: the project)."""
    root = project_root() if root is None else root
    return root / configured_topology(read_stack_file(stack, root), str(stack_file(stack, root)))


def configured_target(stack: str, root: Path | None = None, default: str = "app-mesh") -> str:
    """The stack's `color-mesh:target`, `default` when it sets none or has no stack file."""
    if not stack_file(stack, root).is_file():
        return default
    return str(read_stack_file(stack, root).get(f"{PROJECT}:target", default))


def configured_topology(config: dict[str, Any], source: str) -> str:
    """The `color-mesh:topology` value of a stack's config, as written (relative to the project)."""
    value = config.get(TOPOLOGY_KEY)
    if not isinstance(value, str) or not value:
        raise StackConfigError(f"{source} does not set {TOPOLOGY_KEY} to a file path")
    return value
