"""What a mock run registered, as the engine (and so a policy pack) would see it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.mocks import MockMonitor

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class RecordedResource:
    """One RegisterResource request and the mock's answer, in wire form (camelCase, numbers float)."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str  # parent URN, "" for the stack itself
    dependencies: tuple[str, ...]  # union of `dependencies` and every `propertyDependencies` entry
    property_dependencies: dict[str, tuple[str, ...]]
    inputs: dict[str, Any]  # as the program sent them
    checked_inputs: dict[str, Any]  # inputs after the provider's Check: what Analyze receives
    outputs: dict[str, Any]  # state after create: what AnalyzeStack receives
    id: str = ""
    delete_before_replace: bool = False
    # (type, name) the resource was known by before, as its alias specs say (the current type or name filled in
    # where a spec leaves it out; the parent is the current one), or ("urn", <urn>) for an alias given as a URN.
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass
class Recording:
    resources: list[RecordedResource]
    stack_outputs: dict[str, Any]
    unknown_calls: list[str] = field(default_factory=list)
    logged_errors: list[str] = field(default_factory=list)
    invokes: list = field(default_factory=list)  # RecordedInvoke, in call order

    def of_type(self, type_token: str) -> list[RecordedResource]:
        return [resource for resource in self.resources if resource.type == type_token]

    def named(self, name: str) -> RecordedResource:
        matches = [resource for resource in self.resources if resource.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


def _alias(alias, request) -> tuple[str, str]:
    if not alias.HasField("spec"):
        return ("urn", alias.urn)
    return (alias.spec.type or request.type, alias.spec.name or request.name)


def _wire(struct) -> dict[str, Any]:
    return json_format.MessageToDict(struct) if struct is not None else {}


class DuplicateUrnError(Exception):
    """Two resources of one program got the same URN; the real engine refuses the deployment for it."""

    def __init__(self, urns: list[str]) -> None:
        super().__init__("; ".join(f"Duplicate resource URN '{urn}'; try giving it a unique name" for urn in urns))


class RecordingMonitor(MockMonitor):
    """A MockMonitor that also keeps every registration and every RegisterResourceOutputs call, and notes every
    resource registered with a URN another already has (the runner then refuses the run, as the engine does)."""

    def __init__(self, mocks) -> None:
        super().__init__(mocks)
        self._lock = threading.Lock()
        self._registrations: dict[str, RecordedResource] = {}
        self._claimed: set[str] = set()  # URNs being registered or registered
        self.duplicate_urns: list[str] = []
        self.registered_outputs: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._lock:
            if urn in self._claimed:
                # Raised by the runner once the run is over: raising here would leave every output of the
                # resource an unretrieved failed future.
                self.duplicate_urns.append(urn)
            self._claimed.add(urn)
        registering = getattr(self.mocks, "registering", None)
        if registering is not None:
            registering.urn = urn
        try:
            response = super().RegisterResource(request)
        finally:
            if registering is not None:
                registering.urn = None
        inputs = _wire(request.object)
        outputs = _wire(response.object) if request.custom else inputs
        property_dependencies = {
            key: tuple(value.urns) for key, value in sorted(request.propertyDependencies.items())
        }
        dependencies = set(request.dependencies)
        for urns in property_dependencies.values():
            dependencies.update(urns)
        checked = dict(inputs)
        if request.custom:
            checked.update({key: outputs[key] for key in ("name",) if key in outputs and key not in inputs})
        record = RecordedResource(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent,
            dependencies=tuple(sorted(dependencies)),
            property_dependencies=property_dependencies,
            inputs=inputs,
            checked_inputs=checked,
            outputs=outputs,
            id=response.id,
            delete_before_replace=bool(request.deleteBeforeReplace),
            aliases=tuple(_alias(alias, request) for alias in request.aliases),
        )
        with self._lock:
            self._registrations[response.urn] = record
        return response

    def RegisterResourceOutputs(self, request):
        with self._lock:
            self.registered_outputs[request.urn] = _wire(request.outputs)
        return super().RegisterResourceOutputs(request)

    def recorded(self) -> list[RecordedResource]:
        """Registrations sorted by URN (threads register in any order), components with their outputs."""
        with self._lock:
            records = sorted(self._registrations.values(), key=lambda record: record.urn)
            registered = dict(self.registered_outputs)
        return [
            _with_outputs(record, registered[record.urn]) if not record.custom and record.urn in registered else record
            for record in records
        ]


def _with_outputs(record: RecordedResource, outputs: dict[str, Any]) -> RecordedResource:
    return RecordedResource(**{**record.__dict__, "outputs": outputs})
