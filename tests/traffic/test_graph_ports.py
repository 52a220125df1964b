"""The graph with several listeners per color, without Pulumi: which ports each call may reach."""

from __future__ import annotations

from mesh_components.app_mesh.task_role_policy import tls_statements
from mesh_components.aws.security_groups import RuleSpec, rule_specs
from mesh_components.topology.graph import Access, MeshGraph, Workload
from mesh_components.topology.model import Topology

TOPOLOGY = {
    "mesh": {"name": "m", "namespace": "colors.local"},
    "colors": {
        "caller": {"image": "i", "backends": ["multi", "router"]},
        "multi": {"image": "i", "listeners": [{"port": 80}, {"port": 9090, "protocol": "grpc"}]},
        "other": {"image": "i", "backends": ["router"]},
    },
    "routers": {"router": {"protocol": "grpc", "port": 50051, "routes": {"all": {"targets": {"multi": 1}}}}},
    "gateway": {"routes": {"all": {"match": {"prefix": "/"}, "target": "multi", "target_port": 80}}},
}
CALLER, OTHER, GATEWAY = Workload("color", "caller"), Workload("color", "other"), Workload("gateway", "gateway")


def graph() -> MeshGraph:
    return MeshGraph(Topology.model_validate(TOPOLOGY))


def test_a_color_service_lists_every_listener_port():
    service = graph().services["multi"]
    assert (service.ports, service.port, service.protocol) == ((80, 9090), 80, "http")


def test_a_direct_call_reaches_every_port_a_router_only_its_protocols_and_a_target_port_one():
    access = set(graph().access)
    assert {a.port for a in access if a.source == CALLER} == {80, 9090}
    assert {a.port for a in access if a.source == OTHER} == {9090}  # the router speaks grpc: multi's grpc listener
    assert {a.port for a in access if a.source == GATEWAY} == {80}
    assert Access(OTHER, "multi", 80) not in access


def test_security_groups_follow_the_ports():
    rules = set(rule_specs(graph(), ["0.0.0.0/0"]))
    assert RuleSpec("color-multi", "ingress", 9090, peer_group="color-other") in rules
    assert RuleSpec("color-multi", "ingress", 80, peer_group="color-other") not in rules
    assert {r.port for r in rules if r.group == "color-multi" and r.peer_group == "color-caller"} == {80, 9090}


def test_tls_statements_name_exactly_the_given_arns():
    assert tls_statements([], []) == []
    certificate, authority = "arn:aws:acm:us-east-1:123456789012:certificate/c", "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/a"
    assert tls_statements([certificate], [authority]) == [
        {"Sid": "TlsCertificates", "Effect": "Allow", "Action": ["acm:ExportCertificate"], "Resource": [certificate]},
        {"Sid": "TlsTrust", "Effect": "Allow", "Action": ["acm-pca:GetCertificateAuthorityCertificate"], "Resource": [authority]},
    ]
