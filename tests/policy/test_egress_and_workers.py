"""Egress destinations, a worker and the gateway's public TLS, on both targets: the real program under the mock
engine, read back from the AWS resources, and judged by the real policy pack (fixtures: tests/traffic/fixtures for
app-mesh, tests/service_connect/fixtures for service-connect, which every app-mesh fixture test would refuse)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pulumi_aws as aws
import pytest

from mesh_components.offline.runner import load_program_entry, run_program
from tests.mesh.stack_view import Rule, StackView
from tests.traffic.stacks import FIXTURES, NODE

SC_FIXTURES = FIXTURES.parents[1] / "service_connect" / "fixtures"

from .mesh_programs import build_mesh, node, workload
from .verdicts import mandatory, names_in, of_policy

METADATA = "169.254.170.2,169.254.169.254"
CERTIFICATE = "arn:aws:acm:{}:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
SERVICE = "aws:appmesh/virtualService:VirtualService"
CLOUD_MAP_SERVICE = "aws:servicediscovery/service:Service"
ECS_SERVICE = "aws:ecs/service:Service"
LISTENER = "aws:lb/listener:Listener"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def run(path, region: str, target: str):
    return run_program(load_program_entry(), stack="egress-test", config={
        "color-mesh:topology": str(path), "aws:region": region, "color-mesh:target": target})


@pytest.fixture(scope="module")
def app_mesh_recording():
    return run(FIXTURES / "egress_and_workers.yaml", "us-east-1", "app-mesh")


@pytest.fixture(scope="module")
def app_mesh(app_mesh_recording) -> StackView:
    return StackView(app_mesh_recording)


@pytest.fixture(scope="module")
def sc_recording():
    return run(SC_FIXTURES / "egress_and_workers.yaml", "eu-west-1", "service-connect")


@pytest.fixture(scope="module")
def service_connect(sc_recording) -> StackView:
    return StackView(sc_recording)


def rules_of(stack: StackView, group: str) -> set[Rule]:
    return {rule for rule in stack.rules if rule.group == group}


def tcp(group: str, direction: str, peer: str, port: int) -> Rule:
    return Rule(group, direction, peer, "tcp", port, port)


# --- app-mesh ---------------------------------------------------------------------------------------


def test_app_mesh_security_groups_let_out_exactly_the_destinations(app_mesh):
    assert rules_of(app_mesh, "ledger-sync") == {
        tcp("ledger-sync", "egress", "red", 80),
        tcp("ledger-sync", "egress", "0.0.0.0/0", 443),
        tcp("ledger-sync", "egress", "0.0.0.0/0", 5432),  # the host: Envoy enforces the name
        tcp("ledger-sync", "egress", "10.20.0.0/16", 6379),
    }  # and no ingress: nothing can call a worker
    assert tcp("red", "egress", "0.0.0.0/0", 5432) in rules_of(app_mesh, "red")
    assert tcp("red", "ingress", "ledger-sync", 80) in rules_of(app_mesh, "red")
    assert not {rule for rule in rules_of(app_mesh, "blue") if rule.peer not in ("red", "gateway", "0.0.0.0/0")}


def test_an_external_host_is_a_dns_node_and_a_service_of_its_name_that_callers_list(app_mesh):
    node = app_mesh.one(NODE, name="db.example.com").inputs["spec"]
    assert node == {"listeners": [{"portMapping": {"port": 5432.0, "protocol": "tcp"}}],
                    "serviceDiscovery": {"dns": {"hostname": "db.example.com", "ipPreference": "IPv4_ONLY"}}}
    service = app_mesh.one(SERVICE, name="db.example.com").inputs["spec"]
    assert service == {"provider": {"virtualNode": {"virtualNodeName": "db.example.com"}}}
    red = app_mesh.one(NODE, name="red").inputs["spec"]
    assert [backend["virtualService"]["virtualServiceName"] for backend in red["backends"]] == [
        "router.colors.local", "db.example.com"]


def test_a_worker_has_no_listener_no_discovery_no_name_and_no_port(app_mesh):
    node = app_mesh.one(NODE, name="ledger-sync").inputs["spec"]
    assert node["listeners"] == [] and "serviceDiscovery" not in node
    assert [b["virtualService"]["virtualServiceName"] for b in node["backends"]] == ["red.colors.local", "db.example.com"]
    assert "ledger-sync.colors.local" not in {s.outputs["name"] for s in app_mesh.of_type(SERVICE)}
    assert "ledger-sync" not in {s.outputs["name"] for s in app_mesh.of_type(CLOUD_MAP_SERVICE)}
    assert not app_mesh.one(ECS_SERVICE, name="ledger-sync").outputs.get("serviceRegistries")
    app = next(c for c in app_mesh.containers("ledger-sync") if c["name"] == "ledger-sync")
    assert app["portMappings"] == []


def test_proxy_configuration_lets_exactly_the_egress_networks_bypass_envoy(app_mesh):
    worker = app_mesh.task_definition("ledger-sync").outputs["proxyConfiguration"]["properties"]
    assert worker["EgressIgnoredIPs"] == f"{METADATA},10.20.0.0/16"
    assert worker["AppPorts"] == "15000"  # the CNI plugin needs one; nothing maps or admits it
    red = app_mesh.task_definition("red").outputs["proxyConfiguration"]["properties"]
    assert (red["EgressIgnoredIPs"], red["AppPorts"]) == (METADATA, "80")


def test_the_nlb_terminates_tls_on_the_public_port_and_forwards_tcp_to_the_gateway_port(app_mesh):
    listener = app_mesh.one(LISTENER).outputs
    assert {key: listener.get(key) for key in ("port", "protocol", "certificateArn", "sslPolicy", "alpnPolicy")} == {
        "port": 443, "protocol": "TLS", "certificateArn": CERTIFICATE.format("us-east-1"), "sslPolicy": TLS_POLICY,
        "alpnPolicy": "HTTP1Only"}
    group = app_mesh.one(TARGET_GROUP).outputs
    assert (group["port"], group["protocol"]) == (80, "TCP")
    assert {rule.from_port for rule in rules_of(app_mesh, "load-balancer") if rule.direction == "ingress"} == {443}
    assert {(rule.peer, rule.from_port) for rule in rules_of(app_mesh, "load-balancer")
            if rule.direction == "egress"} == {("gateway", 80)}


DB_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:colors/db-AbCdEf"


def test_red_reads_its_secret_through_ecs_and_writes_reports_with_its_own_role(app_mesh):
    red = next(container for container in app_mesh.containers("red") if container["name"] == "red")
    assert red["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": DB_SECRET}]
    assert "DB_PASSWORD" not in {variable["name"] for variable in red["environment"]}
    policies = {policy.name: json.loads(policy.outputs["policy"]) for policy in app_mesh.of_type("aws:iam/rolePolicy:RolePolicy")}
    execution = next(document for name, document in policies.items() if name.endswith("-ecs-execution-policy"))
    secret_statements = [statement for statement in execution["Statement"] if "secretsmanager:GetSecretValue" in statement["Action"]]
    assert [statement["Resource"] for statement in secret_statements] == [[DB_SECRET, f"{DB_SECRET}-??????"]]
    apps = {name: document for name, document in policies.items() if name.endswith("-task-app")}
    assert list(apps) == ["color-mesh-red-task-app"] and apps["color-mesh-red-task-app"]["Statement"] == [
        {"Sid": "App0", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::color-reports/*"]}]


def test_the_pack_accepts_the_app_mesh_stack(policy_pack, app_mesh_recording):
    assert mandatory(policy_pack.analyze(app_mesh_recording)) == []


# --- service-connect --------------------------------------------------------------------------------


def test_service_connect_security_groups_let_out_exactly_the_destinations(service_connect):
    assert rules_of(service_connect, "ledger-sync") == {
        tcp("ledger-sync", "egress", "blue", 80),
        tcp("ledger-sync", "egress", "0.0.0.0/0", 443),
        tcp("ledger-sync", "egress", "pl-0123456789abcdef0", 5439),
    }
    assert tcp("blue", "egress", "10.20.0.0/16", 5432) in rules_of(service_connect, "blue")


def test_a_service_connect_worker_is_a_client_only(service_connect):
    configuration = service_connect.one(ECS_SERVICE, name="ledger-sync").outputs["serviceConnectConfiguration"]
    assert configuration["enabled"] and not configuration.get("services")
    assert service_connect.containers("ledger-sync")[0]["portMappings"] == []


def test_the_alb_serves_https_on_the_public_port(service_connect):
    listener = service_connect.one(LISTENER).outputs
    assert {key: listener.get(key) for key in ("port", "protocol", "certificateArn", "sslPolicy")} == {
        "port": 443, "protocol": "HTTPS", "certificateArn": CERTIFICATE.format("eu-west-1"), "sslPolicy": TLS_POLICY}
    assert {rule.from_port for rule in rules_of(service_connect, "load-balancer") if rule.direction == "ingress"} == {443}


def test_the_pack_accepts_the_service_connect_stack(policy_pack, sc_recording):
    assert mandatory(policy_pack.analyze(sc_recording)) == []



def test_the_readme_shows_the_fixture_it_describes():
    readme = (FIXTURES.parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### With a worker and an external database", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    fixture = (FIXTURES / "egress_and_workers.yaml").read_text(encoding="utf-8")
    missing = [line.strip() for line in section.splitlines() if line.strip() and line.strip() not in fixture]
    assert missing == []


# --- the pack on App Mesh egress written by hand --------------------------------------------------------

EGRESS_POLICY = "mesh-workload-egress"


def with_external_database(*rules: tuple[str, str, int]):
    """The policy tests' small mesh, a node `d` calling the external host db.example.com (tcp 5432), and egress rules
    (workload, cidr, port) on the workloads' groups."""
    def program():
        mesh = build_mesh()
        handle = SimpleNamespace(name="m")
        aws.appmesh.VirtualNode("db", name="db.example.com", mesh_name="m", spec={
            "listeners": [{"port_mapping": {"port": 5432, "protocol": "tcp"}}],
            "service_discovery": {"dns": {"hostname": "db.example.com"}}})
        aws.appmesh.VirtualService("db-service", name="db.example.com", mesh_name="m",
                                   spec={"provider": {"virtual_node": {"virtual_node_name": "db.example.com"}}})
        mesh.groups["d"] = workload("d", node("d", handle, ("db.example.com",)).arn)
        for owner, cidr, port in rules:
            aws.vpc.SecurityGroupEgressRule(f"{owner}-out-{port}", security_group_id=mesh.groups[owner].id,
                                            cidr_ipv4=cidr, ip_protocol="tcp", from_port=port, to_port=port)
    return program


def test_app_mesh_egress_to_an_external_hosts_port_passes(judge):
    verdicts = judge(with_external_database(("d", "0.0.0.0/0", 5432)))
    assert not of_policy(verdicts, EGRESS_POLICY)


@pytest.mark.parametrize("rule", [
    pytest.param(("d", "0.0.0.0/0", 6379), id="a port no external host of it listens on"),
    pytest.param(("a", "0.0.0.0/0", 5432), id="a node that does not call the external host"),
    pytest.param(("a", "10.20.0.0/16", 6379), id="a network its proxy does not bypass"),
    pytest.param(("gw", "10.20.0.0/16", 5432), id="the gateway"),
])
def test_app_mesh_egress_beyond_declared_destinations_is_refused(judge, rule):
    found = of_policy(judge(with_external_database(rule)), EGRESS_POLICY, level="mandatory")
    assert names_in(found, EGRESS_POLICY) == {f"{rule[0]}-out-{rule[2]}"}
