"""App Mesh policies: egress filter, declared edges between task groups, advisory hygiene."""

from __future__ import annotations

import pulumi_aws as aws
import pytest

from .mesh_programs import build_mesh
from .verdicts import names_in, of_policy

LISTENER = {"port_mapping": {"port": 80, "protocol": "http"}}


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"egress_filter": {"type": "ALLOW_ALL"}}, id="ALLOW_ALL"),
        pytest.param(None, id="no spec"),
        pytest.param({}, id="no egress filter"),
    ],
)
def test_mesh_without_explicit_drop_all_is_refused(judge, spec):
    verdicts = judge(lambda: aws.appmesh.Mesh("mesh", spec=spec))
    found = of_policy(verdicts, "mesh-egress-drop-all", level="mandatory")
    assert found and "Mesh 'mesh'" in found[0].message and "DROP_ALL" in found[0].message


def test_mesh_with_drop_all_passes(judge):
    assert not of_policy(judge(lambda: aws.appmesh.Mesh("mesh", spec={"egress_filter": {"type": "DROP_ALL"}})), "mesh-egress-drop-all")


# --- mesh edges ---------------------------------------------------------------------------------


def test_declared_edges_on_the_listener_port_pass(judge):
    def program():
        mesh = build_mesh()
        mesh.ingress("a-to-b", "a", "b")  # a lists b.local, served by b
        mesh.ingress("a-to-c", "a", "c")  # a lists router.local, whose route targets c
        mesh.ingress("gw-to-b", "gw", "b")  # the gateway routes to b.local

    verdicts = judge(program)
    assert not of_policy(verdicts, "mesh-edges-declared")
    assert not [v for v in verdicts if v.is_mandatory]


@pytest.mark.parametrize(
    "source, target, port, protocol",
    [
        pytest.param("b", "a", 80, "tcp", id="reverse direction: backends are one-way"),
        pytest.param("c", "b", 80, "tcp", id="c declares no backend"),
        pytest.param("a", "b", 8080, "tcp", id="wrong port"),
        pytest.param("a", "b", 80, "udp", id="wrong protocol"),
        pytest.param("gw", "c", 80, "tcp", id="gateway routes only to b"),
        pytest.param("a", "gw", 80, "tcp", id="nobody calls the gateway from inside"),
    ],
)
def test_undeclared_edges_are_refused(judge, source, target, port, protocol):
    def program():
        build_mesh().ingress("edge", source, target, port, protocol)

    found = of_policy(judge(program), "mesh-edges-declared", level="mandatory")
    assert {v.urn.rsplit("::", 1)[-1] for v in found} == {"edge"}
    assert "SecurityGroupIngressRule 'edge'" in found[0].message and "Fix:" in found[0].message


def test_all_traffic_between_mesh_groups_is_refused(judge):
    def program():
        mesh = build_mesh()
        aws.vpc.SecurityGroupIngressRule("edge", security_group_id=mesh.groups["b"].id,
                                         referenced_security_group_id=mesh.groups["a"].id, ip_protocol="-1")

    assert names_in(judge(program), "mesh-edges-declared") == {"edge"}


def test_edges_written_inline_or_as_legacy_rules_are_judged_too(judge):
    def program():
        mesh = build_mesh()
        aws.ec2.SecurityGroupRule("legacy", type="ingress", security_group_id=mesh.groups["a"].id,
                                  source_security_group_id=mesh.groups["c"].id, protocol="tcp", from_port=80, to_port=80)

    assert names_in(judge(program), "mesh-edges-declared") == {"legacy"}


def test_a_group_shared_by_two_workloads_needs_both_edges_declared(judge):
    def program():
        mesh = build_mesh()
        # c's tasks also run in a's group: a rule admitting a's group admits c too, which c never declared.
        aws.ecs.Service("c-extra", cluster="arn:aws:ecs:us-east-1:123456789012:cluster/mesh", task_definition="c",
                        network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups["a"].id]})
        mesh.ingress("a-to-b", "a", "b")

    found = of_policy(judge(program), "mesh-edges-declared")
    assert {v.urn.rsplit("::", 1)[-1] for v in found} == {"a-to-b"}
    assert "virtual node c" in found[0].message


# --- advisory ------------------------------------------------------------------------------------


def test_nodes_without_access_logs_health_checks_or_tls_get_advisories(judge):
    def program():
        mesh = aws.appmesh.Mesh("mesh", spec={"egress_filter": {"type": "DROP_ALL"}})
        aws.appmesh.VirtualNode("bare", mesh_name=mesh.name, spec={"listeners": [LISTENER]})

    verdicts = judge(program)
    for policy in ("mesh-access-logs", "mesh-listener-health-checks", "mesh-listener-tls"):
        assert names_in(verdicts, policy) == {"bare"}
        assert all(v.enforcement_level == "advisory" for v in of_policy(verdicts, policy))


def test_a_node_standing_for_an_external_host_gets_no_advisory_but_one_merely_using_dns_does(judge):
    """An `egress` host: a node named after the host it discovers by DNS, which no Envoy runs."""
    def program():
        mesh = aws.appmesh.Mesh("mesh", spec={"egress_filter": {"type": "DROP_ALL"}})
        for resource, name in (("external", "db.example.com"), ("internal", "db")):
            aws.appmesh.VirtualNode(resource, name=name, mesh_name=mesh.name, spec={
                "listeners": [{"port_mapping": {"port": 5432, "protocol": "tcp"}}],
                "service_discovery": {"dns": {"hostname": "db.example.com"}}})

    verdicts = judge(program)
    for policy in ("mesh-access-logs", "mesh-listener-health-checks", "mesh-listener-tls"):
        assert names_in(verdicts, policy) == {"internal"}


def test_a_node_with_logs_health_checks_and_tls_gets_none(judge):
    def program():
        mesh = aws.appmesh.Mesh("mesh", spec={"egress_filter": {"type": "DROP_ALL"}})
        listener = {**LISTENER,
                    "health_check": {"protocol": "http", "path": "/health", "healthy_threshold": 2, "unhealthy_threshold": 2,
                                     "interval_millis": 5000, "timeout_millis": 2000},
                    "tls": {"mode": "STRICT", "certificate": {"acm": {"certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x"}}}}
        aws.appmesh.VirtualNode("full", mesh_name=mesh.name, spec={
            "listeners": [listener], "logging": {"access_log": {"file": {"path": "/dev/stdout"}}}})

    verdicts = judge(program)
    for policy in ("mesh-access-logs", "mesh-listener-health-checks", "mesh-listener-tls"):
        assert not of_policy(verdicts, policy)


def test_routes_without_retry_policy_get_an_advisory(judge):
    def route(name: str, retry: bool):
        http = {"match": {"prefix": "/"}, "action": {"weighted_targets": [{"virtual_node": "a", "weight": 1}]}}
        if retry:
            http["retry_policy"] = {"max_retries": 2, "per_retry_timeout": {"unit": "s", "value": 2}, "http_retry_events": ["server-error"]}
        aws.appmesh.Route(name, mesh_name="m", virtual_router_name="r", spec={"http_route": http})

    verdicts = judge(lambda: (route("bare", False), route("retrying", True)))
    assert names_in(verdicts, "mesh-route-retry-policy") == {"bare"}


def test_an_advisory_policy_can_be_made_mandatory(judge):
    verdicts = judge(lambda: aws.appmesh.VirtualNode("bare", mesh_name="m", spec={"listeners": [LISTENER]}),
                     {"mesh-access-logs": "mandatory"})
    assert of_policy(verdicts, "mesh-access-logs", level="mandatory")
