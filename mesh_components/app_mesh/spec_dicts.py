"""Helpers for App Mesh spec parts written as input dicts (pulumi_aws accepts snake_case dicts
wherever it takes `...Args`; one dict then fits virtual nodes, gateways and routes alike)."""

from __future__ import annotations

from typing import Any, Optional


def compact(**fields: Any) -> dict:
    """The fields that are set: App Mesh treats an absent key as "default", so None is left out."""
    return {key: value for key, value in fields.items() if value is not None and value != [] and value != {}}


def millis(value: Optional[int]) -> Optional[dict]:
    return None if value is None else {"unit": "ms", "value": value}
