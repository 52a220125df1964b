"""The runner raises the collector's generation-0 threshold and freezes older objects for a run only, and always undoes both."""

from __future__ import annotations

import gc

import pytest

from mesh_components.offline.runner import GC_GENERATION0_THRESHOLD, run_program


@pytest.fixture
def default_thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*saved)


def test_raised_during_a_run_and_restored_after(default_thresholds):
    seen = []
    run_program(lambda: seen.append(gc.get_threshold()))
    assert seen == [(GC_GENERATION0_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == default_thresholds


def test_restored_when_the_program_fails(default_thresholds):
    def failing() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_program(failing)
    assert gc.get_threshold() == default_thresholds


def test_a_higher_threshold_is_left_alone():
    saved = gc.get_threshold()
    gc.set_threshold(GC_GENERATION0_THRESHOLD * 2, 10, 10)
    try:
        seen = []
        run_program(lambda: seen.append(gc.get_threshold()[0]))
        assert seen == [GC_GENERATION0_THRESHOLD * 2]
        assert gc.get_threshold() == (GC_GENERATION0_THRESHOLD * 2, 10, 10)
    finally:
        gc.set_threshold(*saved)


def test_what_lived_before_a_run_is_frozen_during_it_and_unfrozen_after():
    assert gc.get_freeze_count() == 0
    frozen = []
    run_program(lambda: frozen.append(gc.get_freeze_count()))
    assert frozen[0] > 0
    assert gc.get_freeze_count() == 0


def test_unfrozen_when_the_program_fails():
    def failing() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_program(failing)
    assert gc.get_freeze_count() == 0
