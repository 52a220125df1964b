"""Where a reviewed topology comes from: a file, or `REV:path` read from git.

Both go through the one loader (with a target's capability checks when one is named), so a topology from
git is validated exactly like a file, and its problems are reported against `REV:path`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from typing import Optional

from mesh_components.targets import load_for_target, parse_for_target
from mesh_components.topology.loader import load_topology_with_warnings, parse_topology
from mesh_components.topology.model import Topology


class SourceError(Exception):
    """The argument names no readable topology: a missing git, revision or path. Not a topology problem."""


def load_source(spec: str, target: Optional[str] = None) -> Topology:
    """Load `spec`, checked for `target` too unless it is None: an existing file wins; otherwise `REV:path` (path
    from the repository root, as `git show`)."""
    if Path(spec).exists() or ":" not in spec:
        return (load_for_target(spec, target) if target else load_topology_with_warnings(spec)).topology
    revision, path = spec.split(":", 1)
    raw = read_from_git(revision, path)
    return (parse_for_target(raw, spec, target) if target else parse_topology(raw, spec)).topology


def read_from_git(revision: str, path: str, cwd: Path | None = None) -> bytes:
    """`git show REV:path`; a path starting with `./` is relative to `cwd` (default: the working directory)."""
    try:
        shown = subprocess.run(["git", "show", f"{revision}:{path}"], capture_output=True, check=False, cwd=cwd)
    except FileNotFoundError:
        raise SourceError(f"{revision}:{path}: git is not installed, so a revision cannot be read") from None
    if shown.returncode != 0:
        lines = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1].removeprefix("fatal: ") if lines else f"git show exited with {shown.returncode}"
        raise SourceError(f"{revision}:{path}: cannot read it from git: {reason}")
    return shown.stdout


def git_has(revision: str, path: str, cwd: Path | None = None) -> bool:
    """Whether `path` exists at `revision` (which must exist: see `require_revision`)."""
    return subprocess.run(["git", "cat-file", "-e", f"{revision}:{path}"], capture_output=True, cwd=cwd).returncode == 0


def require_revision(revision: str, cwd: Path | None = None) -> None:
    try:
        found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
                               capture_output=True, cwd=cwd)
    except FileNotFoundError:
        raise SourceError(f"{revision}: git is not installed, so a revision cannot be read") from None
    if found.returncode != 0:
        raise SourceError(f"{revision}: no such revision in the repository at {cwd or '.'}")
