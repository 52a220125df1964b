"""Small helpers the check modules share: choices among keys, list sizes, where listeners live."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Mapping, Optional, Sequence

from .errors import Problem
from .listeners import GatewayListener, HealthCheck, Listener
from .model import Color, ListenerHolder, Topology
from .spec import Spec


def a_(word: str) -> str:
    """`a grpc`, `an http`: the article a protocol name takes when read aloud (aitch-tee-tee-pee)."""
    return f"{'an' if word.startswith('http') else 'a'} {word}"


def exactly_one(spec: Spec, names: Sequence[str], path: tuple, what: str) -> Iterator[Problem]:
    """`spec` must set exactly one of `names` (e.g. a certificate comes from one source)."""
    given = spec.given(*names)
    if len(given) != 1:
        found = f"both {' and '.join(given)}" if len(given) == 2 else ("none" if not given else ", ".join(given))
        yield Problem(f"{what} needs exactly one of {', '.join(names)} (found {found})", path=path)


def at_most_one(spec: Spec, names: Sequence[str], path: tuple, what: str) -> Iterator[Problem]:
    given = spec.given(*names)
    if len(given) > 1:
        yield Problem(f"{what} takes at most one of {', '.join(names)} (found {' and '.join(given)})",
                      path=path + (given[1],))


def list_size(items: Optional[Sequence], low: int, high: int, path: tuple, noun: str) -> Iterator[Problem]:
    if items is not None and not low <= len(items) <= high:
        yield Problem(f"{len(items)} {noun}; allowed: {low}-{high}", path=path)


def color_listeners(name: str, color: Color) -> Iterator[tuple[tuple, Listener]]:
    """(document path of the listener's keys, listener): the color itself for an inline listener."""
    yield from _holder_listeners(("colors", name), color)


def gateway_listeners(topology: Topology) -> Iterator[tuple[tuple, GatewayListener]]:
    if topology.gateway is not None:
        yield from _holder_listeners(("gateway",), topology.gateway)


def _holder_listeners(path: tuple, holder: ListenerHolder) -> Iterator[tuple[tuple, Any]]:
    if holder.listed:
        for index, listener in enumerate(holder.listeners):
            yield path + ("listeners", index), listener
    elif holder.listeners:  # else a worker: no listener
        yield path, holder.listeners[0]


def all_color_listeners(topology: Topology) -> Iterator[tuple[str, tuple, Listener]]:
    for name, color in topology.colors.items():
        for path, listener in color_listeners(name, color):
            yield name, path, listener


# health_check key -> (lowest, highest) a target's prober takes.
HealthCheckBounds = Mapping[str, tuple[int, int]]


def health_check_out_of_bounds(check: HealthCheck, bounds: HealthCheckBounds, path: tuple,
                               prober: str) -> Iterator[Problem]:
    """`check` (at `path` + health_check) against the ranges `prober` takes."""
    for key, (low, high) in bounds.items():
        value = getattr(check, key)
        if not low <= value <= high:
            yield Problem(f"integer {value} is out of range for {prober}; allowed: {low}..{high}",
                          path=path + ("health_check", key))
