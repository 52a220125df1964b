"""The base of every topology type and the scalar types several of them share.

Kept apart from `model.py` so the concept modules (listeners, matches, resilience, TLS,
observability) can build on it without importing the whole model.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

Port = Annotated[StrictInt, Field(ge=1, le=65535)]
Priority = Annotated[StrictInt, Field(ge=0, le=1000)]
NonEmptyStr = Annotated[StrictStr, Field(min_length=1)]
# Durations and counts App Mesh gets start at 1: the AWS provider sends an integer only when it is above 0,
# so a 0 would reach AWS as a missing value (README, "What reaches AWS").
Milliseconds = Annotated[StrictInt, Field(ge=1, le=86_400_000, description="A duration in milliseconds.")]
PositiveCount = Annotated[StrictInt, Field(ge=1, le=1_000_000)]


class Spec(BaseModel):
    """Base of every topology type: unknown keys are errors and a loaded model never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def given(self, *names: str) -> list[str]:
        """Which of `names` the file set (not None), in the order asked."""
        return [name for name in names if getattr(self, name) is not None]
