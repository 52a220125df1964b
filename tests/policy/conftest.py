"""One policy-pack process per test session; programs run through the offline runner and the pack."""

from __future__ import annotations

from typing import Callable, Mapping, Optional

import pytest

from mesh_components.offline.policy_runner import PolicyPackProcess, Verdict
from mesh_components.offline.runner import run_program


class Judge:
    """Runs a program under mocks and returns the pack's verdicts, as `check` does."""

    def __init__(self, pack: PolicyPackProcess) -> None:
        self.pack = pack

    def __call__(self, program: Callable[[], None], config: Optional[Mapping] = None, *, preview: bool = False) -> list[Verdict]:
        return self.pack.analyze(run_program(program, preview=preview), config)


@pytest.fixture(scope="session")
def policy_pack():
    with PolicyPackProcess() as pack:
        yield pack


@pytest.fixture
def judge(policy_pack) -> Judge:
    return Judge(policy_pack)
