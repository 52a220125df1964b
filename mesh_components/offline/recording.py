"""What a mock run registered, as the engine (and so a policy pack) would see it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from pulumi import get_project, get_stack
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.rpc import UNKNOWN

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
    aliases: tuple[str, ...] = ()  # URNs this resource was known by before (its own aliases and its parents')


@dataclass
class Recording:
    resources: list[RecordedResource]
    stack_outputs: dict[str, Any]
    unknown_calls: list[str] = field(default_factory=list)
    logged_errors: list[str] = field(default_factory=list)
    logged_warnings: list[str] = field(default_factory=list)
    invokes: list = field(default_factory=list)  # RecordedInvoke, in call order

    def of_type(self, type_token: str) -> list[RecordedResource]:
        return [resource for resource in self.resources if resource.type == type_token]

    def named(self, name: str) -> RecordedResource:
        matches = [resource for resource in self.resources if resource.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


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

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """As the engine builds URNs: the parent's whole type chain, the root stack's type left out.

        (The SDK's MockMonitor keeps only the parent's own type.)
        """
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != STACK_TYPE:
                type_ = f"{parent_type}${type_}"
        return "urn:pulumi:" + "::".join([get_stack(), get_project(), type_, name])

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._lock:
            if urn in self._claimed:
                # Raised by the runner once the run is over: raising here would leave every output of the
                # resource an unretrieved failed future.
                self.duplicate_urns.append(urn)
            self._claimed.add(urn)
        aliases = self._former_urns(request)
        registering = getattr(self.mocks, "registering", None)
        if registering is not None:
            # An aliased resource is the same cloud resource as before: it keeps the id and names it had.
            registering.urn = aliases[0] if aliases else urn
        try:
            response = super().RegisterResource(request)
            computed = getattr(registering, "computed", ()) if registering is not None else ()
        finally:
            if registering is not None:
                registering.urn, registering.computed = None, ()
        inputs = _wire(request.object)
        outputs = _wire(response.object) if request.custom else inputs
        outputs.update({key: UNKNOWN for key in computed if key not in outputs})
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
            aliases=aliases,
        )
        with self._lock:
            self._registrations[response.urn] = record
        return response

    def _former_urns(self, request) -> tuple[str, ...]:
        """The URNs the engine treats as this resource: its own aliases, and the ones it inherits from each
        former URN of its parent (a child named `<parent name>-x` is then `<former parent name>-x`)."""
        with self._lock:
            parent = self._registrations.get(request.parent)
        own = [*request.aliasURNs, *(self._alias_urn(alias, request) for alias in request.aliases)]
        inherited = [self._inherited_alias(former, parent, request) for former in (parent.aliases if parent else ())]
        return tuple(dict.fromkeys((*own, *inherited)))

    def _inherited_alias(self, former_parent: str, parent: RecordedResource, request) -> str:
        name = request.name
        if name.startswith(parent.name):
            name = former_parent.rsplit("::", 1)[1] + name[len(parent.name):]
        return self.make_urn(former_parent, request.type, name)

    def _alias_urn(self, alias, request) -> str:
        """An alias as the engine resolves it: fields the spec leaves empty are the resource's own."""
        if alias.HasField("urn"):
            return alias.urn
        spec = alias.spec
        parent = "" if spec.noParent else (spec.parentUrn or request.parent)
        stack, project, qualified_type, name = self.make_urn(
            parent, spec.type or request.type, spec.name or request.name).removeprefix("urn:pulumi:").split("::")
        return "urn:pulumi:" + "::".join([spec.stack or stack, spec.project or project, qualified_type, name])

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
