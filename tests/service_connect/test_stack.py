"""The reference mesh on `color-mesh:target: service-connect`, run under the mock engine and read back the way
AWS holds it (tests/mesh/stack_view.py): services, aliases and namespace; the exact security-group rules; the
ALB's rules; red's router on VPC Lattice (tests/service_connect/test_lattice_stack.py); nothing of App Mesh;
and the policy pack's verdicts."""

from __future__ import annotations

import json
import subprocess
import sys

import pulumi
import pytest
import yaml

from mesh_components.offline.policy_runner import PolicyPackProcess
from mesh_components.offline.runner import load_program_entry, run_program
from mesh_components.topology.graph import MeshGraph
from mesh_components.offline.mocks import OfflineMocks
from tests.mesh.stack_view import LATTICE_ASSOCIATION_GROUP, LOAD_BALANCER_GROUP, Rule, StackView
from tests.reference import REFERENCE, topology_from

ROOT = REFERENCE.parents[1]
NAMESPACE = "colors.local"
COLORS = ("red", "blue", "green", "yellow")
PORT = 80
PRIVATE_CA = "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/0a1b2c3d"


def reference() -> dict:
    return yaml.safe_load(REFERENCE.read_text())


def lattice_prefix_list_id(region: str = "eu-west-1") -> str:
    """What the fake cloud answers for the region's VPC Lattice managed prefix list, looked up by name."""
    mocks = OfflineMocks(project="color-mesh", stack="dev", region=region)
    return mocks.call(pulumi.runtime.MockCallArgs("aws:ec2/getManagedPrefixList:getManagedPrefixList",
                                                  {"name": f"com.amazonaws.{region}.vpc-lattice"}, ""))["id"]


def run(tmp_path, data: dict):
    path = tmp_path / "topology.yaml"
    path.write_text(yaml.safe_dump(data))
    return run_program(load_program_entry(), stack="dev", config={
        "color-mesh:topology": str(path), "aws:region": "eu-west-1", "color-mesh:target": "service-connect"})


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    return run(tmp_path_factory.mktemp("sc"), reference())


@pytest.fixture(scope="module")
def stack(recording) -> StackView:
    return StackView(recording)


def services(stack: StackView) -> dict[str, dict]:
    return {service.outputs["name"]: service.outputs for service in stack.of_type("aws:ecs/service:Service")}


def test_each_color_is_a_service_connect_service_under_the_name_applications_call(stack):
    namespace = stack.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace")
    assert namespace.outputs["name"] == NAMESPACE
    cluster = stack.one("aws:ecs/cluster:Cluster")
    assert cluster.outputs["serviceConnectDefaults"] == {"namespace": namespace.outputs["arn"]}
    log_group = stack.one("aws:cloudwatch/logGroup:LogGroup").outputs["name"]
    by_name = services(stack)
    assert sorted(by_name) == sorted(COLORS)  # no gateway service: the ALB is the gateway
    for color, service in by_name.items():
        connect = service["serviceConnectConfiguration"]
        assert connect["enabled"] and connect["namespace"] == namespace.outputs["arn"]
        assert connect["services"] == [{"portName": f"http-{PORT}", "discoveryName": color,
                                        "clientAlias": [{"port": PORT, "dnsName": f"{color}.{NAMESPACE}"}]}]
        assert connect["logConfiguration"]["options"]["awslogs-group"] == log_group
        assert connect["accessLogConfiguration"] == {"format": "TEXT", "includeQueryParameters": "ENABLED"}
        [container] = stack.containers(color)  # the app alone: ECS injects the Service Connect agent
        assert container["portMappings"] == [{"name": f"http-{PORT}", "containerPort": PORT, "protocol": "tcp",
                                              "appProtocol": "http"}]
        assert "proxyConfiguration" not in stack.task_definition(color).outputs
    # Service Connect makes the colors' Cloud Map services itself; the one of ours is the router's name.
    assert [s.outputs["name"] for s in stack.of_type("aws:servicediscovery/service:Service")] == ["router"]


def test_nothing_of_app_mesh_remains(recording, stack):
    assert [r.type for r in recording.resources if r.type.startswith("aws:appmesh")] == []
    images = [c["image"] for t in stack.of_type("aws:ecs/taskDefinition:TaskDefinition")
              for c in json.loads(t.outputs["containerDefinitions"])]
    assert images and not [image for image in images if "envoy" in image]
    policies = [p.outputs["policy"] for p in stack.of_type("aws:iam/rolePolicy:RolePolicy")]
    assert not [p for p in policies if "appmesh" in p.lower()]
    task_roles = {t.outputs["taskRoleArn"] for t in stack.of_type("aws:ecs/taskDefinition:TaskDefinition")}
    role_ids = {stack.one("aws:iam/role:Role", arn=arn).id for arn in task_roles}
    assert not [p for p in stack.of_type("aws:iam/rolePolicy:RolePolicy") if p.outputs["role"] in role_ids]


def test_security_groups_allow_exactly_the_call_edges_the_albs_targets_and_lattice(stack):
    graph = MeshGraph(topology_from(reference()))
    lattice = lattice_prefix_list_id()
    expected = {Rule("red", "ingress", "blue", "tcp", PORT, PORT), Rule("blue", "egress", "red", "tcp", PORT, PORT),
                Rule(LOAD_BALANCER_GROUP, "ingress", "0.0.0.0/0", "tcp", PORT, PORT)}
    # red calls the router through VPC Lattice: out to its prefix list, admitted by the VPC association; the
    # router's targets accept the prefix list; no path from red's tasks to green's or yellow's
    expected |= {Rule("red", "egress", lattice, "tcp", PORT, PORT),
                 Rule(LATTICE_ASSOCIATION_GROUP, "ingress", "red", "tcp", PORT, PORT),
                 Rule("green", "ingress", lattice, "tcp", PORT, PORT), Rule("yellow", "ingress", lattice, "tcp", PORT, PORT)}
    for color in ("blue", "green", "yellow"):  # what the ALB forwards to: `/` and the router's targets
        expected |= {Rule(LOAD_BALANCER_GROUP, "egress", color, "tcp", PORT, PORT),
                     Rule(color, "ingress", LOAD_BALANCER_GROUP, "tcp", PORT, PORT)}
    expected |= {Rule(color, "egress", "0.0.0.0/0", "tcp", 443, 443) for color in COLORS}
    assert stack.rules == expected
    assert not {rule for rule in stack.rules if {rule.group, rule.peer} == {"red", "blue"} and
                (rule.direction, rule.group) in (("ingress", "blue"), ("egress", "red"))}  # red may not reach blue
    assert not {rule for rule in stack.rules if rule.peer == lattice and rule.group == "blue"}  # nothing routes to blue
    assert graph.gateway is not None and len(stack.of_type("aws:ec2/securityGroup:SecurityGroup")) == len(COLORS) + 2


def target_group_owners(stack: StackView) -> dict[str, str]:
    """Target-group ARN -> the color whose ECS service registers into it."""
    return {registration["targetGroupArn"]: service["name"] for service in services(stack).values()
            for registration in service.get("loadBalancers") or []}


def rules_by_priority(stack: StackView) -> dict[int, dict]:
    return {int(rule.outputs["priority"]): rule.outputs for rule in stack.of_type("aws:lb/listenerRule:ListenerRule")}


def test_the_alb_routes_as_the_gateway_did(stack):
    balancer = stack.one("aws:lb/loadBalancer:LoadBalancer")
    assert balancer.outputs["loadBalancerType"] == "application" and balancer.outputs["internal"] is False
    listener = stack.one("aws:lb/listener:Listener")
    assert (int(listener.outputs["port"]), listener.outputs["protocol"]) == (PORT, "HTTP")
    assert listener.outputs["defaultActions"][0]["fixedResponse"]["statusCode"] == "404"
    owners = target_group_owners(stack)
    assert sorted(owners.values()) == ["blue", "green", "yellow"]
    for group in stack.of_type("aws:lb/targetGroup:TargetGroup"):
        assert group.outputs["targetType"] == "ip" and group.outputs["arn"] in owners
    rules = rules_by_priority(stack)
    assert sorted(rules) == [100, 101, 200]  # /router (longer prefix) first, its not-found, then /
    router, not_found, blue = rules[100], rules[101], rules[200]
    assert {owners[t["arn"]]: t["weight"] for t in router["actions"][0]["forward"]["targetGroups"]} == {"green": 4, "yellow": 1}
    assert router["conditions"] == [{"pathPattern": {"values": ["/router*"]}}, {"httpRequestMethod": {"values": ["GET"]}}]
    assert router["transforms"] == [
        {"type": "url-rewrite", "urlRewriteConfig": {"rewrite": {"regex": "^/router/?(.*)$", "replace": "/$1"}}},
        {"type": "host-header-rewrite", "hostHeaderRewriteConfig": {"rewrite": {"regex": "^.*$", "replace": "router.colors.local"}}}]
    assert not_found["actions"] == [{"type": "fixed-response", "fixedResponse": {"statusCode": "404", "contentType": "text/plain"}}]
    assert [owners[t["arn"]] for t in blue["actions"][0]["forward"]["targetGroups"]] == ["blue"]
    assert blue["conditions"] == [{"pathPattern": {"values": ["/*"]}}]
    assert blue["transforms"] == [
        {"type": "host-header-rewrite", "hostHeaderRewriteConfig": {"rewrite": {"regex": "^.*$", "replace": "blue.colors.local"}}}]


def test_the_policy_pack_finds_no_mandatory_violation(recording):
    with PolicyPackProcess() as pack:
        verdicts = pack.analyze(recording)
    assert [v for v in verdicts if v.is_mandatory] == []


def test_service_connect_tls_and_lattice_routers_deploy_together(tmp_path):
    """Red serves TLS (blue trusts the CA) and calls the router through Lattice: both are built, nothing refused."""
    data = reference()
    data["colors"]["red"]["tls"] = {"mode": "STRICT", "certificate": {"acm": "arn:aws:acm:eu-west-1:123456789012:certificate/1"}}
    data["colors"]["blue"]["backend_tls"] = {"trust": {"acm": [PRIVATE_CA]}}
    view = StackView(run(tmp_path, data))
    red = services(view)["red"]["serviceConnectConfiguration"]["services"][0]
    assert red["tls"]["issuerCertAuthority"] == {"awsPcaAuthorityArn": PRIVATE_CA}
    assert [service.outputs["customDomainName"] for service in view.of_type("aws:vpclattice/service:Service")] == [
        "router.colors.local"]


def test_each_service_waits_for_the_rules_that_attach_its_target_groups(recording, stack):
    """ECS refuses to register into a target group no listener or rule of a load balancer uses yet."""
    rule_urns = {rule.outputs["arn"]: rule.urn for rule in stack.of_type("aws:lb/listenerRule:ListenerRule")}
    registered = 0
    for service in stack.of_type("aws:ecs/service:Service"):
        groups = {registration["targetGroupArn"] for registration in service.outputs.get("loadBalancers") or []}
        if not groups:  # red: nothing to wait for
            continue
        attaching = {urn for rule in stack.of_type("aws:lb/listenerRule:ListenerRule")
                     for urn in [rule_urns[rule.outputs["arn"]]]
                     if groups & {t["arn"] for a in rule.outputs["actions"] if a["type"] == "forward"
                                  for t in a["forward"]["targetGroups"]}}
        assert attaching and attaching <= set(service.dependencies), service.outputs["name"]
        registered += 1
    assert registered == 3


def test_the_shipped_sc_stack_is_the_reference_mesh_and_checks_clean():
    shipped = yaml.safe_load((ROOT / "Pulumi.sc.yaml").read_text())["config"]
    assert shipped["color-mesh:target"] == "service-connect"
    assert (ROOT / shipped["color-mesh:topology"]).resolve() == REFERENCE.resolve()
    result = subprocess.run([sys.executable, "-m", "mesh_components", "check", "--stack", "sc"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 mandatory violation(s)" in result.stdout


def test_no_resource_carries_an_alias_from_names_this_target_never_had(recording):
    """Keyed rule names came before service-connect: its stacks have no earlier URNs to keep (aliases cost the SDK)."""
    rules = [resource for resource in recording.resources if resource.type.startswith("aws:vpc/securityGroup")]
    assert rules and [rule.urn for rule in rules if rule.aliases] == []  # (pulumi-aws's own aws:lb type aliases aside)
