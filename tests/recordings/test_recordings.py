"""The program registers exactly what the goldens say (see snapshot.py; rewrite them only for a deliberate change)."""

from __future__ import annotations

import json

import pytest

from .snapshot import SCALE_COLORS, STACKS, current, golden_path


@pytest.mark.parametrize("name", [*STACKS, f"scale-{SCALE_COLORS}"])
def test_recording_matches_golden(name, tmp_path):
    golden = json.loads(golden_path(name).read_text())
    now = current(name, tmp_path)
    missing, added = sorted(set(golden) - set(now)), sorted(set(now) - set(golden))
    assert not missing and not added, f"URNs gone without an alias: {missing[:5]}; new URNs: {added[:5]}"
    changed = [urn for urn in golden if golden[urn] != now[urn]]
    assert not changed, f"{len(changed)} resources changed, first {changed[0]}:\nwas {golden[changed[0]]}\nnow {now[changed[0]]}"
