"""Replays the AWS provider's expand step on every App Mesh spec we register: nothing we mean may be lost.

The mock engine records our specs as the program sends them; the provider then leaves out integers
of 0 and empty strings (tests/provider_expand.py). Every spec of the dev and prod stacks, of the
traffic fixtures and of random valid topologies must come out of that step unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from mesh_components.offline.runner import run_stack
from tests.provider_expand import as_sent, lost_in_expand
from tests.strategies import valid_topologies
from tests.traffic.stacks import FIXTURES, run_topology_file

from .test_program_properties import run_topology


def test_the_model_drops_what_the_provider_drops():
    spec = {"priority": 0.0, "httpRoute": {
        "match": {"prefix": "", "headers": [{"name": "x", "invert": False, "match": {"range": {"start": 0.0, "end": 5.0}}}],
                  "queryParameters": [{"name": "q", "match": {"exact": ""}}]},
        "action": {"weightedTargets": [{"virtualNode": "green", "weight": 0.0}]},
        "retryPolicy": {"maxRetries": 0.0, "perRetryTimeout": {"unit": "ms", "value": 0.0}, "httpRetryEvents": [""]},
    }}
    assert as_sent(spec) == {"httpRoute": {
        "match": {"headers": [{"name": "x", "invert": False, "match": {"range": {"end": 5.0}}}],
                  "queryParameters": [{"name": "q", "match": {}}]},
        "action": {"weightedTargets": [{"virtualNode": "green", "weight": 0.0}]},
        "retryPolicy": {"maxRetries": 0.0, "perRetryTimeout": {"unit": "ms"}, "httpRetryEvents": []},
    }}
    log = {"logging": {"accessLog": {"file": {"path": "/dev/stdout", "format": {"jsons": [{"key": "a", "value": ""}]}}}}}
    assert as_sent(log) == log


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_specs_reach_aws_whole(stack):
    assert lost_in_expand(run_stack(stack)) == {}


@pytest.mark.parametrize("fixture", sorted(path.name for path in FIXTURES.glob("*.yaml")))
def test_fixture_specs_reach_aws_whole(fixture):
    assert lost_in_expand(run_topology_file(FIXTURES / fixture).recording) == {}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(topology=valid_topologies())
def test_random_topologies_reach_aws_whole(topology, tmp_path):
    assert lost_in_expand(run_topology(topology, tmp_path).recording) == {}
