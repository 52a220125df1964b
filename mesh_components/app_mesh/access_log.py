"""An App Mesh access-log spec, the shape virtual nodes and gateways share."""

from __future__ import annotations

from ..topology.observability import AccessLog
from .spec_dicts import compact


def access_log_spec(log: AccessLog) -> dict:
    """`{file: {path, format?}}`, the shape virtual nodes and gateways share."""
    if log.text_format is not None:
        log_format = {"text": log.text_format}
    elif log.json_format is not None:
        log_format = {"jsons": [{"key": key, "value": value} for key, value in log.json_format.items()]}
    else:
        log_format = None
    return {"file": compact(path=log.path, format=log_format)}
