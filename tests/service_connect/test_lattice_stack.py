"""Routers called by colors on the service-connect target, under the mock engine, read back the way AWS holds
them: the reference mesh's router as a VPC Lattice service under `router.colors.local` forwarding 4:1 to the
target groups green's and yellow's ECS services register into, the Cloud Map CNAME that makes the name
resolve, the registration role; a router with matched routes and retries; a router with `auth: iam`; and the
policy pack's verdicts on each."""

from __future__ import annotations

import json

import pytest

from mesh_components.offline.policy_runner import PolicyPackProcess
from tests.mesh.stack_view import StackView

from .test_stack import NAMESPACE, reference, run

SERVICE = "aws:vpclattice/service:Service"
LISTENER = "aws:vpclattice/listener:Listener"
RULE = "aws:vpclattice/listenerRule:ListenerRule"
TARGET_GROUP = "aws:vpclattice/targetGroup:TargetGroup"
NETWORK = "aws:vpclattice/serviceNetwork:ServiceNetwork"
VPC_ASSOCIATION = "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation"
SERVICE_ASSOCIATION = "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation"
AUTH_POLICY = "aws:vpclattice/authPolicy:AuthPolicy"
MAP_SERVICE, MAP_INSTANCE = "aws:servicediscovery/service:Service", "aws:servicediscovery/instance:Instance"
RETRY_WARNING = ("routers.router.routes.canary.retry_policy: service-connect: not applied for calls from colors: VPC "
                 "Lattice does not retry, and Service Connect does not see calls through Lattice")


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    return run(tmp_path_factory.mktemp("lattice"), reference())


@pytest.fixture(scope="module")
def stack(recording) -> StackView:
    return StackView(recording)


def ecs_services(stack: StackView) -> dict[str, dict]:
    return {service.outputs["name"]: service.outputs for service in stack.of_type("aws:ecs/service:Service")}


def registered_colors(stack: StackView) -> dict[str, str]:
    """Lattice target-group ARN -> the color whose ECS service registers its tasks into it."""
    return {entry["targetGroupArn"]: name for name, service in ecs_services(stack).items()
            for entry in service.get("vpcLatticeConfigurations") or []}


def forward_weights(stack: StackView, rule: dict) -> dict[str, int]:
    """The rule's forward as {color: weight}, through the target groups' ids and the colors registered in them."""
    arn_of = {group.outputs["id"]: group.outputs["arn"] for group in stack.of_type(TARGET_GROUP)}
    owners = registered_colors(stack)
    return {owners[arn_of[target["targetGroupIdentifier"]]]: int(target["weight"])
            for target in rule["action"]["forward"]["targetGroups"]}


def test_the_router_is_a_lattice_service_under_the_name_callers_use(stack):
    service = stack.one(SERVICE).outputs
    assert service["customDomainName"] == f"router.{NAMESPACE}" and service["authType"] == "NONE"
    network = stack.one(NETWORK).outputs
    assert network["authType"] == "NONE"
    association = stack.one(SERVICE_ASSOCIATION).outputs
    assert (association["serviceIdentifier"], association["serviceNetworkIdentifier"]) == (service["id"], network["id"])
    vpc = stack.one("aws:ec2/vpc:Vpc").outputs["id"]
    vpc_association = stack.one(VPC_ASSOCIATION).outputs
    assert (vpc_association["serviceNetworkIdentifier"], vpc_association["vpcIdentifier"]) == (network["id"], vpc)
    [group] = vpc_association["securityGroupIds"]
    assert group in {g.outputs["id"] for g in stack.of_type("aws:ec2/securityGroup:SecurityGroup")}


def test_its_listener_answers_404_unless_the_route_matches_and_forwards_4_to_1(stack):
    service = stack.one(SERVICE).outputs
    listener = stack.one(LISTENER).outputs
    assert (listener["protocol"], int(listener["port"]), listener["serviceIdentifier"]) == ("HTTP", 80, service["id"])
    assert listener["defaultAction"] == {"fixedResponse": {"statusCode": 404}}
    [rule] = [r.outputs for r in stack.of_type(RULE)]
    assert (int(rule["priority"]), rule["listenerIdentifier"], rule["serviceIdentifier"]) == (1, listener["listenerId"], service["id"])
    assert rule["match"] == {"httpMatch": {"method": "GET", "pathMatch": {"caseSensitive": True, "match": {"prefix": "/"}}}}
    assert forward_weights(stack, rule) == {"green": 4, "yellow": 1}


def test_green_and_yellow_register_into_their_target_groups_with_the_registration_role(stack):
    vpc = stack.one("aws:ec2/vpc:Vpc").outputs["id"]
    groups = {group.outputs["arn"]: group.outputs for group in stack.of_type(TARGET_GROUP)}
    owners = registered_colors(stack)
    assert sorted(owners.values()) == ["green", "yellow"] and set(owners) == set(groups)
    for arn, group in groups.items():
        assert group["type"] == "IP"
        assert {key: group["config"][key] for key in ("port", "protocol", "protocolVersion", "vpcIdentifier")} == {
            "port": 80, "protocol": "HTTP", "protocolVersion": "HTTP1", "vpcIdentifier": vpc}
        assert group["config"]["healthCheck"] == {
            "enabled": True, "protocol": "HTTP", "protocolVersion": "HTTP1", "path": "/healthcheck",
            "healthyThresholdCount": 2, "unhealthyThresholdCount": 2, "healthCheckIntervalSeconds": 5,
            "healthCheckTimeoutSeconds": 2, "matcher": {"value": "200"}}
    services = ecs_services(stack)
    roles = set()
    for color in ("green", "yellow"):
        [entry] = services[color]["vpcLatticeConfigurations"]
        mappings = [m["name"] for m in stack.containers(color)[0]["portMappings"]]
        assert entry["portName"] == "http-80" and entry["portName"] in mappings
        roles.add(entry["roleArn"])
    assert not services["red"].get("vpcLatticeConfigurations") and not services["blue"].get("vpcLatticeConfigurations")
    [role_arn] = roles
    role = stack.one("aws:iam/role:Role", arn=role_arn).outputs
    assert json.loads(role["assumeRolePolicy"])["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    statements = stack.role_policy_of(role_arn)["Statement"]
    assert [(s["Action"], s["Resource"]) for s in statements] == [
        (["vpc-lattice:RegisterTargets", "vpc-lattice:DeregisterTargets", "vpc-lattice:GetTargetGroup",
          "vpc-lattice:ListTargets"], list(groups)),
        (["ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeInstances"], ["*"])]


def test_router_colors_local_is_a_cname_to_the_lattice_service(stack):
    service = stack.one(SERVICE).outputs
    namespace = stack.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").outputs
    [map_service] = [s.outputs for s in stack.of_type(MAP_SERVICE)]
    assert f"{map_service['name']}.{namespace['name']}" == service["customDomainName"] == "router.colors.local"
    assert map_service["dnsConfig"] == {"namespaceId": namespace["id"], "routingPolicy": "WEIGHTED",
                                        "dnsRecords": [{"type": "CNAME", "ttl": 60}]}
    assert "healthCheckConfig" not in map_service and "healthCheckCustomConfig" not in map_service
    [instance] = [i.outputs for i in stack.of_type(MAP_INSTANCE)]
    assert instance["serviceId"] == map_service["id"]
    assert instance["attributes"] == {"AWS_INSTANCE_CNAME": service["dnsEntries"][0]["domainName"]}


def test_target_colors_register_only_after_the_rules_that_use_their_groups(recording, stack):
    rules = {rule.urn for rule in stack.of_type(RULE)}
    for service in stack.of_type("aws:ecs/service:Service"):
        if service.outputs.get("vpcLatticeConfigurations"):
            assert rules <= set(service.dependencies), service.outputs["name"]


# --- a router with matched routes and retries, and one with auth: iam ------------------------------------


def matched_router() -> dict:
    data = reference()
    data["routers"]["router"]["routes"] = {
        "canary": {"match": {"prefix": "/api", "method": "POST", "headers": [{"name": "x-canary", "exact": "yes"}]},
                   "targets": {"yellow": 1}, "priority": 1,
                   "retry_policy": {"max_retries": 2, "per_retry_timeout_ms": 1000, "http_retry_events": ["server-error"]}},
        "page": {"match": {"path": {"exact": "/page"}}, "targets": {"green": 3, "yellow": 1}},
        "colors": data["routers"]["router"]["routes"]["colors"],
    }
    return data


@pytest.fixture(scope="module")
def matched(tmp_path_factory):
    return run(tmp_path_factory.mktemp("matched"), matched_router())


def test_matched_routes_become_rules_in_app_mesh_order(matched):
    stack = StackView(matched)
    rules = {int(rule.outputs["priority"]): rule.outputs for rule in stack.of_type(RULE)}
    assert {priority: rule["name"] for priority, rule in rules.items()} == {1: "canary", 2: "page", 3: "colors"}
    assert rules[1]["match"] == {"httpMatch": {
        "method": "POST", "pathMatch": {"caseSensitive": True, "match": {"prefix": "/api"}},
        "headerMatches": [{"name": "x-canary", "caseSensitive": True, "match": {"exact": "yes"}}]}}
    assert forward_weights(stack, rules[1]) == {"yellow": 1}
    assert rules[2]["match"]["httpMatch"]["pathMatch"] == {"caseSensitive": True, "match": {"exact": "/page"}}
    assert forward_weights(stack, rules[2]) == {"green": 3, "yellow": 1}
    assert forward_weights(stack, rules[3]) == {"green": 4, "yellow": 1}


def test_retries_are_reported_as_not_applied(matched):
    """Once for calls from colors (Lattice) and once for the gateway's calls (the ALB), which reach this router too."""
    retries = [line.split(": warning: ", 1)[1] for line in matched.logged_warnings if "retry_policy" in line]
    assert retries == [RETRY_WARNING, "routers.router.routes.canary.retry_policy: service-connect: not applied: Service "
                       "Connect retries twice on connection failures and 503s (not configurable) and the ALB does not retry"]


@pytest.fixture(scope="module")
def iam_auth(tmp_path_factory):
    data = reference()
    data["routers"]["router"]["auth"] = "iam"
    return run(tmp_path_factory.mktemp("iam"), data)


def test_auth_iam_names_exactly_the_callers_task_roles(iam_auth):
    stack = StackView(iam_auth)
    service = stack.one(SERVICE).outputs
    assert service["authType"] == "AWS_IAM"
    policy = stack.one(AUTH_POLICY).outputs
    assert policy["resourceIdentifier"] == service["arn"]
    red_role = stack.task_definition("red").outputs["taskRoleArn"]
    assert json.loads(policy["policy"]) == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": [red_role]}, "Action": "vpc-lattice-svcs:Invoke",
        "Resource": f"{service['arn']}/*"}]}


@pytest.mark.parametrize("which", ["matched", "iam_auth"])
def test_the_policy_pack_finds_no_mandatory_violation(request, which):
    with PolicyPackProcess() as pack:
        verdicts = pack.analyze(request.getfixturevalue(which))
    assert [v for v in verdicts if v.is_mandatory] == []
