"""pydantic's validation errors, rewritten as problems a person can act on.

pydantic says "Input should be 'http', 'http2' or 'grpc'" at `('gateway', 'protocol')`; we say
what was found, what is allowed there and where, reading allowed keys, choices and ranges from
the model's own annotations so messages never drift from the model.
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .errors import DocPath, Problem
from .model import Topology

_KEY_MARKER = "[key]"  # pydantic's loc element for "the key of this dict entry"

_EXPECTED_KIND = {
    "int_type": "an integer",
    "string_type": "text",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}

# Why a choice is narrower than a reader might expect, keyed by (model, field).
_CHOICE_HINTS = {
    ("Gateway", "protocol"): "virtual gateways have no tcp listener",
}


# Why a value is refused although App Mesh's API takes it, keyed by (model, field): the AWS provider
# sends an integer only when it is above 0 and a string only when it is not empty (README, "What
# reaches AWS"), so these would reach App Mesh without the value written.
_DROPPED_ZERO = "the AWS provider leaves a 0 out"
_DROPPED_EMPTY = "the AWS provider leaves an empty string out"
_BELOW_MINIMUM_HINTS = {
    ("Timeouts", "per_request_ms"): f"{_DROPPED_ZERO}, so App Mesh would get a duration without a value; "
                                    "leave the key out for App Mesh's default",
    ("Timeouts", "idle_ms"): f"{_DROPPED_ZERO}, so App Mesh would get a duration without a value; "
                             "leave the key out for App Mesh's default",
    ("OutlierDetection", "max_ejection_percent"): f"{_DROPPED_ZERO}, so App Mesh would miss a required value; "
                                                  "to eject nothing, leave outlier_detection out",
    ("ValueRange", "start"): f"{_DROPPED_ZERO}, so App Mesh would get a range without a start",
}
_EMPTY_HINTS = {
    ("HeaderMatch", "exact"): f"{_DROPPED_EMPTY}; to match any value, give no rule: the entry then only has to be present",
    ("QueryParameterMatch", "exact"): f"{_DROPPED_EMPTY}; to match any value, leave exact out: "
                                      "the parameter then only has to be present",
}

# An empty list ECS would get as `[]` (container definitions reach it as written): leave the key out instead.
_IMAGE_DEFAULT = "leave the key out to keep the image's own"
_EMPTY_LIST_HINTS = {
    ("Color", "command"): _IMAGE_DEFAULT,
    ("Color", "entry_point"): _IMAGE_DEFAULT,
    ("Color", "health_check_command"): "leave the key out for no container health check",
}


def problems_from_validation_error(error: ValidationError) -> list[Problem]:
    return [_problem(detail) for detail in error.errors(include_url=False)]


def _problem(detail: dict[str, Any]) -> Problem:
    loc: tuple = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        return Problem(f"missing required key {loc[-1]!r}", path=loc[:-1])
    if kind == "extra_forbidden":
        return Problem(_unknown_key_message(loc), path=loc, on_key=True)
    if loc and loc[-1] == _KEY_MARKER:
        return Problem(f"key {_describe(detail['input'])}: {_value_message(detail, loc[:-1])}", path=loc[:-1], on_key=True)
    return Problem(_value_message(detail, loc), path=loc)


def _value_message(detail: dict[str, Any], loc: tuple) -> str:
    kind, value, ctx = detail["type"], detail.get("input"), detail.get("ctx", {})
    if kind == "literal_error":
        return _choice_message(value, loc, ctx)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        message = f"{_describe(value)} is out of range; allowed: {_range_text(type_at(loc), ctx)}"
        hint = _BELOW_MINIMUM_HINTS.get(_field_owner(loc)) if kind == "greater_than_equal" and value == 0 else None
        return f"{message} ({hint})" if hint else message
    if kind == "string_too_short":
        hint = _EMPTY_HINTS.get(_field_owner(loc))
        return f"must not be empty ({hint})" if hint else "must not be empty"
    if kind == "too_short":
        hint = _EMPTY_LIST_HINTS.get(_field_owner(loc))
        message = f"must have at least {ctx.get('min_length', 1)} entry"
        return f"{message} ({hint})" if hint else message
    if kind in ("too_long", "string_too_long"):
        return f"is too long; at most {ctx.get('max_length')} {'characters' if kind == 'string_too_long' else 'entries'}"
    if kind == "string_pattern_mismatch":
        return f"{_describe(value)} does not match the pattern {ctx.get('pattern')}"
    if kind in ("value_error", "assertion_error"):  # a model validator's own words
        return str(ctx.get("error", detail["msg"]))
    if kind in _EXPECTED_KIND:
        return f"expected {_EXPECTED_KIND[kind]}, got {_describe(value)}"
    return f"{detail['msg']} (got {_describe(value)})"


def _unknown_key_message(loc: tuple) -> str:
    allowed = sorted(allowed_keys(loc[:-1]))  # alphabetical: easy to scan, whatever order the model declares
    key = str(loc[-1])
    message = f"unknown key {key!r}"
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message + f"; allowed here: {', '.join(allowed)}"


def _choice_message(value: Any, loc: tuple, ctx: dict[str, Any]) -> str:
    choices = literal_choices(type_at(loc))
    allowed = ", ".join(str(choice) for choice in choices) if choices else ctx.get("expected", "?")
    message = f"{_describe(value)} is not allowed; allowed: {allowed}"
    hint = _CHOICE_HINTS.get(_field_owner(loc))
    return f"{message} ({hint})" if hint else message


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"{'integer' if isinstance(value, int) else 'number'} {value}"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


# --- reading the model's annotations ----------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type that holds the value."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, types.UnionType):
            non_null = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(non_null) != 1:
                return annotation
            annotation = non_null[0]
        else:
            return annotation


def _field_annotation(model: type[BaseModel], name: str) -> Any:
    info = model.model_fields[name]
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def type_at(loc: DocPath) -> Any:
    """The annotation of the value at `loc` in a Topology document, or None if there is none."""
    annotation: Any = Topology
    for part in loc:
        annotation = _step(_unwrap(annotation), part)
        if annotation is None:
            return None
    return annotation


def _step(container: Any, part: Any) -> Any:
    if isinstance(container, type) and issubclass(container, BaseModel):
        return _field_annotation(container, part) if part in container.model_fields else None
    origin, args = get_origin(container), get_args(container)
    if origin is dict:
        return args[1]
    if origin in (tuple, list) and args:
        return args[0]
    return None


def _field_owner(loc: tuple) -> tuple[str, str] | None:
    owner = _unwrap(type_at(loc[:-1])) if loc else None
    if isinstance(owner, type) and issubclass(owner, BaseModel):
        return owner.__name__, str(loc[-1])
    return None


def allowed_keys(loc: DocPath) -> list[str]:
    model = _unwrap(type_at(loc))
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def literal_choices(annotation: Any) -> tuple[Any, ...]:
    annotation = _unwrap(annotation)
    return get_args(annotation) if get_origin(annotation) is Literal else ()


def _constraints(annotation: Any) -> list[Any]:
    found: list[Any] = []
    while get_origin(annotation) is Annotated or get_origin(annotation) in (Union, types.UnionType):
        if get_origin(annotation) is Annotated:
            for item in get_args(annotation)[1:]:
                found.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        annotation = _unwrap_once(annotation)
    return found


def _unwrap_once(annotation: Any) -> Any:
    if get_origin(annotation) is Annotated:
        return get_args(annotation)[0]
    return next(arg for arg in get_args(annotation) if arg is not type(None))


def _range_text(annotation: Any, ctx: dict[str, Any]) -> str:
    bounds = dict(ctx)
    for item in _constraints(annotation):
        if isinstance(item, annotated_types.Ge):
            bounds["ge"] = item.ge
        if isinstance(item, annotated_types.Le):
            bounds["le"] = item.le
    low, high = bounds.get("ge"), bounds.get("le")
    if low is not None and high is not None:
        return f"{low}..{high}"
    return f"at least {low}" if low is not None else f"at most {high}"
