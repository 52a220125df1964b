"""ECS Fargate's task sizes, and the capability check every Fargate target runs."""

from __future__ import annotations

from collections.abc import Iterator

from ..topology.errors import Problem
from ..topology.model import Topology


def _mib(gib: int) -> int:
    return gib * 1024


# CPU units -> the memory sizes (MiB) Fargate runs with them.
FARGATE_MEMORY_BY_CPU: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(_mib(1), _mib(4) + 1, 1024)),
    1024: tuple(range(_mib(2), _mib(8) + 1, 1024)),
    2048: tuple(range(_mib(4), _mib(16) + 1, 1024)),
    4096: tuple(range(_mib(8), _mib(30) + 1, 1024)),
    8192: tuple(range(_mib(16), _mib(60) + 1, _mib(4))),
    16384: tuple(range(_mib(32), _mib(120) + 1, _mib(8))),
}


def check_fargate_sizes(topology: Topology) -> Iterator[Problem]:
    """Fargate runs only certain CPU/memory pairs (an ECS limit): every color's task and the gateway's."""
    yield from check_color_fargate_sizes(topology)
    if topology.gateway:
        yield from _size_problems(("gateway",), topology.gateway.cpu, topology.gateway.memory)


def check_color_fargate_sizes(topology: Topology) -> Iterator[Problem]:
    """The colors' tasks only, for a target whose gateway is no Fargate task."""
    for name, color in topology.colors.items():
        yield from _size_problems(("colors", name), color.cpu, color.memory)


def _size_problems(path: tuple, cpu: int, memory: int) -> Iterator[Problem]:
    allowed = FARGATE_MEMORY_BY_CPU.get(cpu)
    if allowed is None:
        sizes = ", ".join(str(units) for units in FARGATE_MEMORY_BY_CPU)
        yield Problem(f"Fargate has no task size with cpu {cpu}; cpu is one of {sizes} (CPU units)",
                      path=path + ("cpu",))
    elif memory not in allowed:
        yield Problem(
            f"Fargate has no task size with cpu {cpu} and memory {memory}; "
            f"with cpu {cpu}, memory is one of {_memory_choices(allowed)} (MiB)",
            path=path + ("memory",),
        )


def _memory_choices(allowed: tuple[int, ...]) -> str:
    if len(allowed) <= 4:
        return ", ".join(str(memory) for memory in allowed)
    step = allowed[1] - allowed[0]
    return f"{allowed[0]}..{allowed[-1]} in steps of {step}"
