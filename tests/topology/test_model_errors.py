"""pydantic errors rewritten for people: allowed keys, choices and ranges come from the model."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from mesh_components.topology.model_errors import allowed_keys, literal_choices, problems_from_validation_error, type_at


class Sample(BaseModel):
    code: Annotated[str, Field(max_length=3, pattern="^x")] = "x"
    items: list[int] = Field(default=[], max_length=1)

    @field_validator("code")
    @classmethod
    def _not_xx(cls, code: str) -> str:
        if code == "xx":
            raise ValueError("xx is reserved; pick another code")
        return code


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"code": "xyzw"}, "code: is too long; at most 3 characters"),
        ({"code": "y"}, "code: 'y' does not match the pattern ^x"),
        ({"code": "xx"}, "code: xx is reserved; pick another code"),
        ({"items": [1, 2]}, "items: is too long; at most 1 entries"),
    ],
)
def test_generic_pydantic_errors_read_well(data, expected):
    with pytest.raises(ValidationError) as raised:
        Sample.model_validate(data)
    assert [str(problem) for problem in problems_from_validation_error(raised.value)] == [expected]


def test_allowed_keys_follow_the_model():
    assert allowed_keys(()) == ["mesh", "colors", "routers", "gateway"]
    assert {"image", "port", "protocol", "listeners"} <= set(allowed_keys(("colors", "red")))
    assert allowed_keys(("colors", "red", "image")) == []


def test_choices_and_types_are_read_from_annotations():
    assert literal_choices(type_at(("gateway", "protocol"))) == ("http", "http2", "grpc")
    assert literal_choices(type_at(("colors", "red", "protocol"))) == ("http", "http2", "grpc", "tcp")
    assert type_at(("colors", "red", "nonsense")) is None
