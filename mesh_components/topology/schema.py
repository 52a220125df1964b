"""The JSON Schema of a topology file, generated from the model (committed as config/topology.schema.json).

Editors read it through the yaml-language-server modeline at the top of a topology file to
complete and check keys; the loader, not the schema, is the authority on what is valid.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Topology

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def topology_json_schema() -> dict[str, Any]:
    schema = Topology.model_json_schema()
    schema["title"] = "color-mesh topology"
    return {"$schema": SCHEMA_DIALECT, **schema}


def topology_json_schema_text() -> str:
    return json.dumps(topology_json_schema(), indent=2) + "\n"
