"""The program lets its registrations start before it returns, so the SDK awaits them one by one instead of
polling every pending Output in rounds (mesh_components.program.start_registrations, bench/README.md)."""

from __future__ import annotations

import pulumi
import pytest
from pulumi.runtime import stack as pulumi_stack
from pulumi.runtime.settings import _get_rpc_manager

from mesh_components.offline.runner import run_program, run_stack


@pytest.fixture
def started_when_waiting(monkeypatch) -> list[int]:
    """How many registrations had started each time the SDK began waiting for them."""
    seen: list[int] = []
    waiting = pulumi_stack.wait_for_rpcs

    async def counting(*args, **kwargs):
        seen.append(len(_get_rpc_manager().rpcs))
        return await waiting(*args, **kwargs)

    monkeypatch.setattr(pulumi_stack, "wait_for_rpcs", counting)
    return seen


def test_a_program_that_never_yields_leaves_every_registration_unstarted(started_when_waiting):
    # What the SDK does with a plain program: the reason start_registrations exists. If this starts to fail,
    # the SDK changed and start_registrations may no longer be needed.
    run_program(lambda: [pulumi.ComponentResource("test:index:Thing", f"thing-{index}") for index in range(3)])
    assert started_when_waiting == [0]


def test_the_program_registrations_have_started_when_the_sdk_waits(started_when_waiting):
    recording = run_stack("dev")
    assert len(started_when_waiting) == 1
    # every registration has started (the count also holds each component's register_outputs)
    assert started_when_waiting[0] >= len(recording.resources)
