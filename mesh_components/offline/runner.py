"""Run a Pulumi program offline under the mock engine and record what it registers.

Each run gets a fresh thread, event loop and `contextvars.Context`, so the Pulumi SDK's
ambient state (settings, root stack, config) never leaks from one run into the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import importlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml
from google.protobuf import empty_pb2
from pulumi.runtime import config as pulumi_config
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockSettings
from pulumi.runtime.stack import run_in_stack

from ..settings.stack_file import StackConfigError, read_stack_file
from .mocks import DEFAULT_REGION, OfflineMocks
from .recording import STACK_TYPE, DuplicateUrnError, Recording, RecordingMonitor

PROGRAM_ENTRY = "mesh_components.program"
RUN_TIMEOUT_SECONDS = 300
_CWD_LOCK = threading.Lock()


class OfflineRunError(Exception):
    """The program could not be run offline (not: the program raised; that exception propagates)."""


class ProgramLoggedError(Exception):
    """The program logged an error through pulumi.log; the real engine would fail the update."""


class _ErrorCollectingLogger(logging.Logger):
    def __init__(self) -> None:
        super().__init__("color-mesh.offline", logging.INFO)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, msg, *args, **kwargs):  # noqa: D102 - the MockEngine logs errors through here
        self.errors.append(str(msg))

    def warning(self, msg, *args, **kwargs):  # noqa: D102 - and pulumi.log.warn through here
        self.warnings.append(str(msg))


def run_program(
    program: Callable[[], None],
    *,
    stack: str = "dev",
    project: str = "color-mesh",
    config: Mapping[str, str] | None = None,
    preview: bool = False,
) -> Recording:
    """Run `program` under mocks and return every registered resource and the stack outputs.

    `config` maps namespaced keys (`aws:region`, `color-mesh:topology`) to strings, as the CLI
    passes them (structured values JSON-encoded). Exceptions the program raises are re-raised.
    """
    outcome: dict[str, Any] = {}

    def isolated() -> None:
        try:
            outcome["recording"] = contextvars.Context().run(
                _run_isolated, program, stack, project, dict(config or {}), preview
            )
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread below
            outcome["error"] = error

    worker = threading.Thread(target=isolated, name=f"pulumi-mock-{project}-{stack}", daemon=True)
    worker.start()
    worker.join(RUN_TIMEOUT_SECONDS)
    if worker.is_alive():
        raise OfflineRunError(f"the program did not finish within {RUN_TIMEOUT_SECONDS} s under the mock engine")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["recording"]


def _run_isolated(program, stack: str, project: str, config: dict[str, str], preview: bool) -> Recording:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    mocks = OfflineMocks(project=project, stack=stack, region=config.get("aws:region") or DEFAULT_REGION,
                         preview=preview)
    monitor = RecordingMonitor(mocks)
    logger = _ErrorCollectingLogger()
    _configure_mock_runtime(monitor, logger, project=project, stack=stack, config=config, preview=preview)
    try:
        with _fewer_gc_passes():
            loop.run_until_complete(run_in_stack(program))
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
    if monitor.duplicate_urns:
        raise DuplicateUrnError(monitor.duplicate_urns)
    if logger.errors:
        raise ProgramLoggedError("; ".join(logger.errors))
    resources = monitor.recorded()
    stack_resource = next((r for r in resources if r.type == STACK_TYPE), None)
    stack_outputs = _plain(monitor.registered_outputs.get(stack_resource.urn, {})) if stack_resource else {}
    return Recording(resources, stack_outputs, list(mocks.unknown_calls), list(logger.errors), list(logger.warnings),
                     list(mocks.invokes))


# A run makes hundreds of thousands of long-lived objects (resources, Outputs, futures). At CPython's
# default generation-0 threshold (700) the collector rescans them so often that collecting is over half
# of a large run's time (bench/README.md). Raised while any run is going, then restored; timing only.
# Everything alive when the first run starts (imported modules, warm-up caches) is also frozen, so the
# full collections a run triggers skip it; unfrozen, and collectable again, when the last run ends.
GC_GENERATION0_THRESHOLD = 50_000
_gc_lock = threading.Lock()
_gc_runs = 0
_gc_saved_thresholds: tuple[int, ...] = ()


@contextlib.contextmanager
def _fewer_gc_passes():
    global _gc_runs, _gc_saved_thresholds
    with _gc_lock:
        if _gc_runs == 0:
            _gc_saved_thresholds = gc.get_threshold()
            gc.set_threshold(max(GC_GENERATION0_THRESHOLD, _gc_saved_thresholds[0]), *_gc_saved_thresholds[1:])
            gc.freeze()
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0:
                gc.set_threshold(*_gc_saved_thresholds)
                gc.unfreeze()


def _configure_mock_runtime(monitor, logger, *, project: str, stack: str, config: dict[str, str], preview: bool) -> None:
    """What `pulumi.runtime.set_mocks` does, minus creating the root stack: `run_in_stack` does that."""
    from pulumi.runtime.mocks import MockEngine  # kept next to its only use

    pulumi_config.set_all_config(dict(config), [])
    features = set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures)
    MockSettings(
        monitor=monitor,
        monitor_features=features,
        engine=MockEngine(logger),
        project=project,
        stack=stack,
        dry_run=preview,
        organization="organization",
        callbacks=None,
        outputs=set(),
        lock=threading.Lock(),
        package_refs={},
        base_providers_by_ref={},
        parallel=None,
        legacy_apply_enabled=False,
        root_directory=os.getcwd(),
    )
    pulumi_settings.ROOT.set(None)


def _plain(value: Any) -> Any:
    """Wire values as a user reads them: integral floats back to ints, secrets unwrapped."""
    if isinstance(value, dict):
        if value.get("4dabf18193072939515e22adb298388d") == "1b47061264138c4ac30d75fd1eb44270":
            return _plain(value.get("value"))
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- stacks on disk ------------------------------------------------------------------------------


def read_project_name(root: Path) -> str:
    project_file = Path(root) / "Pulumi.yaml"
    try:
        project = yaml.safe_load(project_file.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise OfflineRunError(f"{project_file}: cannot read the Pulumi project file ({error})") from None
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str) or not name:
        raise OfflineRunError(f"{project_file}: no project `name`")
    return name


def _config_string(value: Any) -> str:
    """How the CLI hands a config value to the program: strings as-is, everything else JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def engine_config(root: Path, stack: str, project: str, *, optional: bool = False) -> dict[str, str]:
    """`config:` of Pulumi.<stack>.yaml (over Pulumi.yaml project defaults), keys namespaced.

    `optional`: a missing stack file means the project defaults alone.
    """
    config: dict[str, str] = {}
    project_doc = yaml.safe_load((Path(root) / "Pulumi.yaml").read_text()) or {}
    for key, spec in (project_doc.get("config") or {}).items():
        default = spec.get("default") if isinstance(spec, dict) else spec
        if default is not None:
            config[key if ":" in key else f"{project}:{key}"] = _config_string(default)
    stack_file = Path(root) / f"Pulumi.{stack}.yaml"
    if optional and not stack_file.exists():
        return config
    if not stack_file.is_file():
        raise OfflineRunError(f"{stack_file}: no such stack file; stacks here: {', '.join(list_stacks(root)) or 'none'}")
    try:
        stack_config = read_stack_file(stack, Path(root))
    except StackConfigError as error:
        raise OfflineRunError(str(error)) from None
    for key, value in stack_config.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            raise OfflineRunError(f"{stack_file}: {key} is a secret; secrets cannot be decrypted offline")
        config[key if ":" in key else f"{project}:{key}"] = _config_string(value)
    return config


def list_stacks(root: Path) -> list[str]:
    return sorted(path.name[len("Pulumi.") : -len(".yaml")] for path in Path(root).glob("Pulumi.*.yaml"))


def load_program_entry() -> Callable[[], None]:
    """The real program's entry point, as the repo-root __main__.py calls it."""
    return importlib.import_module(PROGRAM_ENTRY).main


def run_stack(stack: str = "dev", root: Path = Path("."), *, preview: bool = False,
              topology: str | None = None, target: str | None = None) -> Recording:
    """Run the real program for `stack` with the config from its stack file, from `root`.

    `preview`: as `pulumi preview` (values assigned on creation are unknown). `topology`: this file
    instead of the stack's `color-mesh:topology`; the stack file may then be absent. `target`: this
    deployment target instead of the stack's `color-mesh:target`.
    """
    root = Path(root).resolve()
    project = read_project_name(root)
    config = engine_config(root, stack, project, optional=topology is not None)
    if topology is not None:
        config[f"{project}:topology"] = topology
    if target is not None:
        config[f"{project}:target"] = target
    entry = load_program_entry()
    with _CWD_LOCK:  # the program resolves paths (the topology file) against the project dir
        previous = os.getcwd()
        os.chdir(root)
        try:
            return run_program(entry, stack=stack, project=project, config=config, preview=preview)
        finally:
            os.chdir(previous)
