"""Reading resource properties defensively, and building policies that judge what is known.

The SDK hands policies proxies that raise `UnknownValueError` on the first unknown value, which
would skip every later check of the resource. Instead, properties are copied into plain data
with unknowns replaced by `UNKNOWN`; checks read them through `Props`, which notes each unknown
the check needed. Known violations are reported first; the unknowns then become the SDK's
advisory "can't run during preview" note.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, _is_unknown


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Any = _Unknown()
MISSING: Any = None


def plain(value: Any) -> Any:
    """A deep copy of SDK proxies into dicts and lists, unknown values replaced by UNKNOWN."""
    if isinstance(value, Mapping):
        result = {}
        for key in value:
            try:
                result[key] = plain(value[key])
            except UnknownValueError:
                result[key] = UNKNOWN
        return result
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        result_list = []
        for index in range(len(value)):
            try:
                result_list.append(plain(value[index]))
            except UnknownValueError:
                result_list.append(UNKNOWN)
        return result_list
    if _is_unknown(value):
        return UNKNOWN
    return value


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


class Props:
    """Plain properties plus the list of unknown paths that checks needed."""

    def __init__(self, data: Any, unknowns: Optional[list[str]] = None, path: str = "") -> None:
        self.data = data if isinstance(data, dict) else {}
        self.unknowns = unknowns if unknowns is not None else []
        self._path = path

    def get(self, *path: Any, default: Any = MISSING) -> Any:
        """The value at `path` (keys and list indexes); `default` if absent or of another shape."""
        return self.at(self.data, *path, default=default)

    def at(self, value: Any, *path: Any, default: Any = MISSING) -> Any:
        walked = []
        for step in path:
            walked.append(str(step))
            if is_unknown(value):
                break
            if isinstance(step, int) and isinstance(value, list) and -len(value) <= step < len(value):
                value = value[step]
            elif isinstance(step, str) and isinstance(value, dict) and step in value:
                value = value[step]
            else:
                return default
        if is_unknown(value):
            self.unknowns.append(".".join(filter(None, [self._path, *walked])))
            return UNKNOWN
        return default if value is None else value

    def items(self, *path: Any) -> list:
        """The list at `path` ([] if absent, [x] for a lone scalar, UNKNOWN if unknown)."""
        value = self.get(*path)
        if is_unknown(value):
            return UNKNOWN
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def note_unknown(self, path: str) -> None:
        self.unknowns.append(".".join(filter(None, [self._path, path])))


def as_int(value: Any) -> Optional[int]:
    if isinstance(value, bool) or value is None or is_unknown(value):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return int(number) if number.is_integer() else None
    return None


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def parse_json(value: Any) -> Any:
    """A JSON-encoded input (container definitions, IAM documents): parsed, or as given if structured."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return MISSING
    return value


# Go's encoding/json (which the provider decodes container definitions with) matches object keys to
# field names case-insensitively, with Unicode simple folding: the long s and the Kelvin sign fold
# to ASCII letters. Later keys win over earlier ones that fold the same.
_GO_FOLDS = str.maketrans({"\u017f": "s", "\u212a": "k"})


def go_fold(key: str) -> str:
    return key.translate(_GO_FOLDS).lower()


def _folded_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    folded: dict[str, Any] = {}
    for key, value in pairs:
        folded[go_fold(key)] = value
    return folded


def parse_json_folded(value: Any) -> Any:
    """JSON read the way the provider reads container definitions: every object key folded to
    lower case as Go matches it to a field, the last of several spellings winning."""
    if isinstance(value, str):
        try:
            return json.loads(value, object_pairs_hook=_folded_object)
        except ValueError:
            return MISSING
    return _fold_structure(value)


def _fold_structure(value: Any) -> Any:
    if isinstance(value, dict):
        return _folded_object([(str(key), _fold_structure(item)) for key, item in value.items()])
    if isinstance(value, list):
        return [_fold_structure(item) for item in value]
    return value


def short_type(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


@dataclass
class Subject:
    """The resource a check judges."""

    type: str
    name: str
    urn: str
    props: Props

    @property
    def label(self) -> str:
        return f"{short_type(self.type)} '{self.name}'"

    def violation(self, problem: str, fix: str) -> str:
        return f"{self.label}: {problem}. Fix: {fix}"


class Settings:
    """A policy's config with the schema defaults filled in (the SDK does not fill them)."""

    def __init__(self, given: Mapping[str, Any], defaults: Mapping[str, Any]) -> None:
        given = {key: _whole_numbers(value) for key, value in dict(given or {}).items() if value is not None}
        self._values = {**defaults, **given}

    def __getitem__(self, key: str) -> Any:
        return self._values[key]


def _whole_numbers(value: Any) -> Any:
    """Config arrives through protobuf Structs, where every number is a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


@dataclass
class PolicySpec:
    """A policy's identity, default level and config knobs (`name: (json schema, default)`)."""

    name: str
    description: str
    level: EnforcementLevel = EnforcementLevel.MANDATORY
    knobs: dict[str, tuple[dict, Any]] = field(default_factory=dict)
    remediation: Optional[str] = None

    def schema(self) -> Optional[PolicyConfigSchema]:
        if not self.knobs:
            return None
        return PolicyConfigSchema({key: {**schema, "default": default} for key, (schema, default) in self.knobs.items()})

    def declaration(self) -> dict[str, Any]:
        """The keyword arguments both policy classes take."""
        return {
            "name": self.name,
            "description": self.description,
            "enforcement_level": self.level,
            "config_schema": self.schema(),
            "remediation_steps": self.remediation,
        }

    def settings(self, given: Mapping[str, Any]) -> Settings:
        return Settings(given, {key: default for key, (_, default) in self.knobs.items()})


def _raise_for_unknowns(unknowns: list[str]) -> None:
    if unknowns:
        raise UnknownValueError(UNKNOWN_STRING_VALUE, unknowns[0].split("."))


ResourceCheck = Callable[[Subject, Settings], Iterable[str]]


def resource_policy(spec: PolicySpec, types: Iterable[str], check: ResourceCheck) -> ResourceValidationPolicy:
    wanted = frozenset(types)

    def validate(args, report_violation) -> None:
        if args.resource_type not in wanted:
            return
        subject = Subject(args.resource_type, args.name, args.urn, Props(plain(args.props)))
        for message in check(subject, spec.settings(args.get_config())):
            report_violation(message)
        _raise_for_unknowns(subject.props.unknowns)

    return ResourceValidationPolicy(validate=validate, **spec.declaration())


StackCheck = Callable[[list[Subject], Settings], Iterable[tuple[str, str]]]


def stack_policy(spec: PolicySpec, check: StackCheck) -> StackValidationPolicy:
    def validate(args, report_violation) -> None:
        unknowns: list[str] = []
        subjects = [
            Subject(resource.resource_type, resource.name, resource.urn, Props(plain(resource.props), unknowns, resource.name))
            for resource in args.resources
        ]
        for urn, message in check(subjects, spec.settings(args.get_config())):
            report_violation(message, urn or None)
        _raise_for_unknowns(unknowns)

    return StackValidationPolicy(validate=validate, **spec.declaration())


STRING_LIST = {"type": "array", "items": {"type": "string"}}
INTEGER_LIST = {"type": "array", "items": {"type": "integer"}}
