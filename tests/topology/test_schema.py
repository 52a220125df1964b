"""The committed JSON Schema matches the model, and the reference file satisfies it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from mesh_components.topology.schema import topology_json_schema, topology_json_schema_text

CONFIG = Path(__file__).resolve().parents[2] / "config"
COMMITTED = CONFIG / "topology.schema.json"


def test_committed_schema_is_up_to_date():
    assert COMMITTED.read_text(encoding="utf-8") == topology_json_schema_text(), (
        "config/topology.schema.json is stale: run `python -m mesh_components schema > config/topology.schema.json`"
    )


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(COMMITTED.read_text(encoding="utf-8")))


def test_reference_file_satisfies_the_schema():
    reference = yaml.safe_load((CONFIG / "topology.yaml").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(topology_json_schema()).validate(reference)


def test_schema_rejects_unknown_keys():
    reference = yaml.safe_load((CONFIG / "topology.yaml").read_text(encoding="utf-8"))
    reference["colors"]["red"]["imgae"] = "typo"
    errors = list(jsonschema.Draft202012Validator(topology_json_schema()).iter_errors(reference))
    assert any("imgae" in error.message for error in errors)
