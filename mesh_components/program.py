"""The Pulumi program: read stack config, load the topology, build the mesh, export outputs.

`__main__.py` at the project root calls `main()`; the offline tools call it under the mock engine.
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pulumi
from pulumi.runtime import config as pulumi_config

from .color_mesh import ColorMesh, ColorMeshArgs
from .settings.stack_settings import SettingsError, read_settings
from .topology.errors import TopologyError
from .topology.graph import MeshGraph
from .targets import TARGETS
from .topology.loader import load_topology_with_warnings

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Same value the offline runner uses during a run (offline/runner.py), for the same reason.
GC_GENERATION0_THRESHOLD = 50_000


def collect_garbage_less_often() -> None:
    """Called once by `__main__.py`, for the language host's process only; never on import.

    A plan makes hundreds of thousands of objects (resources, Outputs, futures) that live until the
    program ends, so at CPython's default generation-0 threshold (700) the collector spends over half
    of a large run rescanning them and frees almost nothing (bench/README.md). Timing only.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(GC_GENERATION0_THRESHOLD, thresholds[0]), *thresholds[1:])


def topology_file(configured: str) -> Path:
    """The configured topology file, relative to the working directory when it is below it, for short messages."""
    path = (PROJECT_ROOT / configured).resolve()
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def configured_keys(namespace: str) -> list[str]:
    """The keys the stack sets in `namespace` (without the prefix), defaults from Pulumi.yaml included.

    The CLI hands the language host every config value, either set in the runtime or as the
    PULUMI_CONFIG JSON; pulumi.Config only reads single keys, so typos would go unseen without this.
    """
    prefix = f"{namespace}:"
    keys = set(pulumi_config.CONFIG.get()) | set(pulumi_config.get_config_env())
    return sorted(key[len(prefix):] for key in keys if key.startswith(prefix))


def main() -> None:
    stack = pulumi.get_stack()
    try:
        settings = read_settings(pulumi.Config().get, stack, configured_keys(pulumi.get_project()))
        loaded = load_topology_with_warnings(topology_file(settings.topology), TARGETS[settings.target].capability_checks)
    except (SettingsError, TopologyError) as error:
        raise pulumi.RunError(str(error)) from None
    for warning in loaded.warnings:  # e.g. a color nothing calls: shown, never fatal
        pulumi.log.warn(str(warning))
    topology = loaded.topology
    graph = MeshGraph(topology)
    mesh = ColorMesh("color-mesh", ColorMeshArgs(graph, settings, stack))
    pulumi.export("gatewayUrl", mesh.gateway_url)
    for key, value in mesh.target.stack_outputs().items():
        pulumi.export(key, value)
    pulumi.run(start_registrations)


async def start_registrations() -> None:
    """Run after `main()` returns (through `pulumi.run`): one turn of the event loop, so the SDK's
    registration tasks start before it waits for them.

    `main()` only schedules registrations; none starts until the event loop runs. The SDK's
    `wait_for_rpcs` awaits started registrations one by one, cheaply; finding none started, it instead
    waits on every pending `Output` of the program (tens of thousands) with `asyncio.wait`, in a round
    over the whole set each time any finishes: about 30 rounds, the largest part of a plan's time over
    the bare SDK (bench/README.md). Same registrations, same order; timing only.
    """
    await asyncio.sleep(0)
