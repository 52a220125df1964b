"""What `pulumi preview` would show, from a mock-engine recording: the resource tree, counts, outputs.

Run the program with `preview=True` for this: values AWS assigns on creation (ids, ARNs, DNS
names) are then unknown, as they are in a real preview, and so is everything computed from them.
Counts are what preview counts: every resource step, the stack and components included (the
engine's default providers are internal and never registered by the program).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pulumi.runtime.rpc import UNKNOWN

from .recording import Recording, RecordedResource

_BRANCH, _LAST, _PIPE, _SPACE = "├─ ", "└─ ", "│  ", "   "
UNKNOWN_DISPLAY = "output<string>"  # how preview prints a value it will only know after the update


def children_by_parent(recording: Recording) -> dict[str, list[RecordedResource]]:
    children: dict[str, list[RecordedResource]] = {}
    for resource in recording.resources:
        children.setdefault(resource.parent, []).append(resource)
    for siblings in children.values():
        siblings.sort(key=lambda r: (r.custom, r.type, r.name))  # components first, like preview
    return children


def counts_by_type(recording: Recording) -> dict[str, int]:
    return dict(sorted(Counter(r.type for r in recording.resources).items()))


def plan_data(recording: Recording, stack: str, target: str) -> dict[str, Any]:
    """The plan as data: the target, every resource with its parent and inputs, counts, outputs."""
    return {
        "stack": stack,
        "target": target,
        "resources": [
            {"urn": r.urn, "type": r.type, "name": r.name, "parent": r.parent or None, "custom": r.custom,
             "dependencies": list(r.dependencies), "inputs": r.inputs}
            for r in recording.resources
        ],
        "counts": counts_by_type(recording),
        "total": len(recording.resources),
        "outputs": recording.stack_outputs,  # unknowns stay the engine's UNKNOWN marker, as in `preview --json`
        "warnings": recording.logged_warnings,
    }


def render_plan(recording: Recording, stack: str, target: str) -> str:
    lines = [f"Plan for stack {stack} on {target} (offline, mock engine: what `pulumi preview` would create)", ""]
    lines += _tree_lines(recording)
    counts = counts_by_type(recording)
    width = max((len(token) for token in counts), default=0)
    lines += ["", f"Resources: + {sum(counts.values())} to create", ""]
    lines += [f"    {token.ljust(width)}  {count:>4}" for token, count in counts.items()]
    lines += ["", "Outputs:"]
    lines += [f"    {key}: {_show(value)}" for key, value in sorted(recording.stack_outputs.items())]
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if value == UNKNOWN:
        return UNKNOWN_DISPLAY
    text = json.dumps(value, sort_keys=True)
    return text.replace(json.dumps(UNKNOWN), UNKNOWN_DISPLAY)


def _tree_lines(recording: Recording) -> list[str]:
    children = children_by_parent(recording)
    rows: list[tuple[str, str]] = []

    def walk(resource: RecordedResource, prefix: str, connector: str) -> None:
        rows.append((prefix + connector + resource.type, resource.name))
        below = children.get(resource.urn, [])
        indent = "" if not connector else prefix + (_SPACE if connector == _LAST else _PIPE)
        for index, child in enumerate(below):
            walk(child, indent, _LAST if index == len(below) - 1 else _BRANCH)

    for root in children.get("", []):
        walk(root, "", "")
    width = max(len(kind) for kind, _ in rows) if rows else 0
    return [f"    {'Type'.ljust(width)}  Name"] + [f" +  {kind.ljust(width)}  {name}" for kind, name in rows]
