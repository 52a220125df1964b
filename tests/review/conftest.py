"""Shared helpers for the review tests: the reference topology, variants of it, and running a command."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Callable

import pytest
import yaml

from mesh_components.cli import main

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "config" / "topology.yaml"
GOLDEN = Path(__file__).parent / "golden"
# Opt-in only: `UPDATE_GOLDEN=1 venv/bin/python -m pytest tests/review` rewrites the golden files.
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"


def reference_document() -> dict:
    return yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture
def write_variant(tmp_path: Path) -> Callable[[str, Callable[[dict], None] | None], Path]:
    """Write the reference topology, changed by `edit`, to `<tmp>/<name>.yaml`."""

    def write(name: str, edit: Callable[[dict], None] | None = None) -> Path:
        document = copy.deepcopy(reference_document())
        if edit:
            edit(document)
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_command(capsys) -> Callable[..., tuple[int, str, str]]:
    """Run `python -m mesh_components ARGS` in-process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def assert_matches_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; create it with UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}; if intended, UPDATE_GOLDEN=1"
