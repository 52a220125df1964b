"""`__main__.py` gives a real `pulumi up` the runner's GC setting; importing the program changes nothing."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from mesh_components import program
from mesh_components.offline import runner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def default_thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_same_threshold_as_offline_runs():
    assert program.GC_GENERATION0_THRESHOLD == runner.GC_GENERATION0_THRESHOLD


def test_raises_generation_0_only(default_thresholds):
    program.collect_garbage_less_often()
    assert gc.get_threshold() == (program.GC_GENERATION0_THRESHOLD, 10, 10)


def test_a_higher_threshold_is_left_alone(default_thresholds):
    gc.set_threshold(program.GC_GENERATION0_THRESHOLD * 2, 10, 10)
    program.collect_garbage_less_often()
    assert gc.get_threshold()[0] == program.GC_GENERATION0_THRESHOLD * 2


def test_entry_point_calls_it_before_main():
    source = (ROOT / "__main__.py").read_text()
    assert source.index("collect_garbage_less_often()") < source.index("\nmain()")


def test_importing_the_program_leaves_the_collector_alone():
    probe = "import gc; before = gc.get_threshold(); import mesh_components.program; print(gc.get_threshold() == before)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
