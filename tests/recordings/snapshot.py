"""Golden recordings: what the program registers for the dev stack, the prod stack and a 200-color mesh.

A refactor must leave these unchanged: every URN, type, parent, dependency, input and replacement option.
A URN may change only when the resource carries an alias to its old URN (then it is the same cloud
resource to the engine, and the mock keeps its id). Ids, ARNs and auto-names in inputs come from the
mock, seeded by the resource's oldest URN, so they stay put across an aliased rename too.

    python -m tests.recordings.snapshot          # rewrite the goldens after a deliberate change
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from bench.topologies import generate_topology
from mesh_components.offline.recording import Recording, RecordedResource
from mesh_components.offline.runner import run_program, run_stack

GOLDEN = Path(__file__).resolve().parent / "golden"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCALE_COLORS, SCALE_SEED = 200, 1
STACKS = ("dev", "prod")


def record(resource: RecordedResource) -> dict[str, Any]:
    """Everything the engine compares between two runs of a program, minus the URN (and the type in it)."""
    return {
        "parent": resource.parent,
        "custom": resource.custom,
        "dependencies": list(resource.dependencies),
        "propertyDependencies": {key: list(urns) for key, urns in resource.property_dependencies.items()},
        "inputs": resource.inputs,
        "deleteBeforeReplace": resource.delete_before_replace,
    }


def canonical(recording: Recording) -> dict[str, dict[str, Any]]:
    """Resources by the URN they had when the golden was written (their oldest alias, else their URN),
    with every URN they mention mapped the same way, so an aliased rename compares equal."""
    oldest = {resource.urn: (resource.aliases[0] if resource.aliases else resource.urn)
              for resource in recording.resources}
    return {oldest[resource.urn]: _sorted_urn_lists(_rename(record(resource), oldest))
            for resource in recording.resources}


def _sorted_urn_lists(entry: dict[str, Any]) -> dict[str, Any]:
    """Dependencies are sets; the engine does not care in which order they arrive."""
    return {**entry, "dependencies": sorted(entry["dependencies"]),
            "propertyDependencies": {key: sorted(urns) for key, urns in entry["propertyDependencies"].items()}}


def _rename(value: Any, urns: dict[str, str]) -> Any:
    if isinstance(value, str):
        return urns.get(value, value)
    if isinstance(value, list):
        return [_rename(item, urns) for item in value]
    if isinstance(value, dict):
        return {key: _rename(item, urns) for key, item in value.items()}
    return value


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def stack_recording(stack: str) -> Recording:
    return run_stack(stack, PROJECT_ROOT)


def scale_recording(tmp_dir: Path) -> Recording:
    import yaml  # noqa: PLC0415 - only the scale mesh needs a file written

    topology = tmp_dir / "scale.yaml"
    topology.write_text(yaml.safe_dump(generate_topology(SCALE_COLORS, SCALE_SEED), sort_keys=False))
    from mesh_components.program import main  # noqa: PLC0415

    return run_program(main, stack="scale", config={"aws:region": "us-east-1", "color-mesh:topology": str(topology)})


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.json"


def current(name: str, tmp_dir: Path) -> dict[str, Any]:
    """Stacks in full; the 200-color mesh as one digest per resource (the full form is megabytes)."""
    if name in STACKS:
        return canonical(stack_recording(name))
    return {urn: digest(value) for urn, value in canonical(scale_recording(tmp_dir)).items()}


def write_goldens() -> None:
    import tempfile  # noqa: PLC0415

    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in (*STACKS, f"scale-{SCALE_COLORS}"):
            golden_path(name).write_text(json.dumps(current(name, Path(tmp)), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_goldens()
