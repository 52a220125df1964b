"""Properties of the whole program over random valid topologies, under the mock engine."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings

from mesh_components.offline.runner import load_program_entry, run_program
from mesh_components.aws import physical_names
from mesh_components.topology.graph import MeshGraph
from tests.strategies import valid_topologies

from .stack_view import StackView, expected_rules

LIMITS = {
    "aws:lb/loadBalancer:LoadBalancer": physical_names.LOAD_BALANCER_NAME_LIMIT,
    "aws:lb/targetGroup:TargetGroup": physical_names.TARGET_GROUP_NAME_LIMIT,
    "aws:iam/role:Role": physical_names.IAM_ROLE_NAME_LIMIT,
    "aws:ecs/taskDefinition:TaskDefinition": physical_names.ECS_NAME_LIMIT,
}


def run_topology(topology, tmp_path) -> StackView:
    path = tmp_path / "topology.yaml"
    path.write_text(yaml.safe_dump(topology.model_dump(mode="json", exclude_defaults=True)))
    config = {"color-mesh:topology": str(path), "aws:region": "eu-west-1"}
    return StackView(run_program(load_program_entry(), stack="property-test-stack", config=config))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(topology=valid_topologies())
def test_program_invariants(topology, tmp_path):
    stack = run_topology(topology, tmp_path)
    assert stack.rules == expected_rules(MeshGraph(topology), ["0.0.0.0/0"])
    assert [m.inputs["spec"]["egressFilter"]["type"] for m in stack.of_type("aws:appmesh/mesh:Mesh")] == ["DROP_ALL"]
    for token, limit in LIMITS.items():
        for resource in stack.of_type(token):
            name = resource.outputs.get("family") or resource.outputs["name"]
            assert len(name) <= limit, (token, name)
