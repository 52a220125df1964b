"""`schema`: print the topology file's JSON Schema, generated from the model."""

from __future__ import annotations

import argparse
import sys

from mesh_components.topology.schema import topology_json_schema_text

HELP = "Print the JSON Schema of topology files (committed as config/topology.schema.json)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the schema is a pure function of the model."""


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(topology_json_schema_text())
    return 0
