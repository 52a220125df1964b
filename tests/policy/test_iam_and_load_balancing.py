"""IAM and load-balancer policies."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest

from .mesh_programs import build_mesh
from .verdicts import names_in, of_policy

NODE_ARN = "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualNode/a"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def policy_with(**statement):
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}
    return lambda: aws.iam.Policy("policy", policy=json.dumps(document))


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(policy_with(Action="*", Resource="*"), id="*"),
        pytest.param(policy_with(Action=["s3:GetObject", "appmesh:*"], Resource="*"), id="service:*"),
        pytest.param(policy_with(NotAction="iam:*", Resource="*"), id="NotAction"),
        pytest.param(policy_with(Action="s3:GetObject", NotResource="arn:aws:s3:::private/*"), id="NotResource"),
    ],
)
def test_wildcard_allows_are_refused(judge, program):
    assert of_policy(judge(program), "iam-no-wildcard-allow", level="mandatory")


def test_explicit_actions_and_wildcard_denies_pass(judge):
    def program():
        document = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:x:*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"}]}
        aws.iam.Policy("policy", policy=json.dumps(document))

    assert not of_policy(judge(program), "iam-no-wildcard-allow")


def test_documents_rendered_by_get_policy_document_and_inline_role_policies_are_read(judge):
    def program():
        rendered = aws.iam.get_policy_document(statements=[{"actions": ["ecr:*"], "resources": ["*"]}])
        aws.iam.RolePolicy("inline-resource", role="r", policy=rendered.json)
        aws.iam.Role("role", assume_role_policy=TRUST, inline_policies=[{"name": "p", "policy": rendered.json}])

    assert names_in(judge(program), "iam-no-wildcard-allow") == {"inline-resource", "role"}


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param({"Action": "appmesh:StreamAggregatedResources", "Resource": "*"}, id="on *"),
        pytest.param({"Action": "appmesh:StreamAggregatedResources", "Resource": "arn:aws:appmesh:us-east-1:123456789012:mesh/m/*"}, id="whole mesh"),
        pytest.param({"Action": "appmesh:Stream*", "Resource": "*"}, id="action pattern"),
        pytest.param({"Action": "appmesh:StreamAggregatedResources", "Resource": [NODE_ARN, "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualNode/*"]}, id="one scoped one not"),
    ],
)
def test_envoy_stream_access_must_be_scoped_to_one_node(judge, statement):
    assert of_policy(judge(policy_with(**statement)), "iam-envoy-stream-scoped", level="mandatory")


def test_envoy_stream_access_on_own_node_and_gateway_passes(judge):
    gateway = "arn:aws:appmesh:us-east-1:123456789012:mesh/m/virtualGateway/gw"
    program = policy_with(Action="appmesh:StreamAggregatedResources", Resource=[NODE_ARN, gateway])
    assert not of_policy(judge(program), "iam-envoy-stream-scoped")


def test_the_envoy_managed_policy_is_refused(judge):
    def program():
        aws.iam.RolePolicyAttachment("managed", role="r", policy_arn="arn:aws:iam::aws:policy/AWSAppMeshEnvoyAccess")
        aws.iam.RolePolicyAttachment("other", role="r", policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        aws.iam.Role("listing", assume_role_policy=TRUST, managed_policy_arns=["arn:aws:iam::aws:policy/AWSAppMeshEnvoyAccess"])
        aws.iam.RolePolicyAttachmentsExclusive("exclusive", role_name="r", policy_arns=["arn:aws:iam::aws:policy/AWSAppMeshEnvoyAccess"])

    assert names_in(judge(program), "iam-managed-policies-judged") == {"managed", "listing", "exclusive"}


# --- load balancers -------------------------------------------------------------------------------


def test_internet_facing_application_load_balancer_is_refused(judge):
    def program():
        aws.lb.LoadBalancer("public-alb", load_balancer_type="application", subnets=["subnet-1", "subnet-2"])
        aws.lb.LoadBalancer("internal-alb", load_balancer_type="application", internal=True, subnets=["subnet-1", "subnet-2"])
        aws.lb.LoadBalancer("nlb", load_balancer_type="network", subnets=["subnet-1", "subnet-2"])

    assert names_in(judge(program), "lb-internet-facing-is-network") == {"public-alb"}


def nlb_in_front_of(workload: str, *, extra=None):
    def program():
        mesh = build_mesh()
        target = aws.lb.TargetGroup("tg", port=80, protocol="TCP", target_type="ip", vpc_id="vpc-0123456789abcdef0")
        aws.ecs.Service("front", cluster="c", task_definition=f"{workload}", load_balancers=[
            {"target_group_arn": target.arn, "container_name": "envoy", "container_port": 80}],
            network_configuration={"subnets": ["subnet-1"], "security_groups": [mesh.groups[workload].id]})
        balancer = aws.lb.LoadBalancer("nlb", load_balancer_type="network", subnets=["subnet-1", "subnet-2"], enable_deletion_protection=True)
        listener = aws.lb.Listener("listener", load_balancer_arn=balancer.arn, port=80, protocol="TCP",
                                   default_actions=[{"type": "forward", "target_group_arn": target.arn}])
        if extra:
            extra(mesh, target, listener)

    return program


def test_only_the_gateway_may_be_behind_an_internet_facing_balancer(judge):
    assert not of_policy(judge(nlb_in_front_of("gw")), "lb-internet-facing-only-gateway")
    assert names_in(judge(nlb_in_front_of("a")), "lb-internet-facing-only-gateway") == {"nlb"}


def test_balancer_forwarding_to_an_unserved_target_group_is_refused(judge):
    def program():
        target = aws.lb.TargetGroup("tg", port=80, protocol="TCP", target_type="ip", vpc_id="vpc-1")
        balancer = aws.lb.LoadBalancer("nlb", load_balancer_type="network", subnets=["subnet-1"])
        aws.lb.Listener("listener", load_balancer_arn=balancer.arn, port=80, protocol="TCP",
                        default_actions=[{"type": "forward", "target_group_arn": target.arn}])

    assert names_in(judge(program), "lb-internet-facing-only-gateway") == {"nlb"}


def test_deletion_protection_is_advisory(judge):
    verdicts = judge(nlb_in_front_of("gw"))
    assert not of_policy(verdicts, "lb-deletion-protection")
    verdicts = judge(lambda: aws.lb.LoadBalancer("nlb", load_balancer_type="network", subnets=["subnet-1"]))
    assert {v.enforcement_level for v in of_policy(verdicts, "lb-deletion-protection")} == {"advisory"}


def test_listener_rules_and_hand_registered_targets_count_as_exposure(judge):
    def side_door(mesh, target, listener):
        other = aws.lb.TargetGroup("other", port=80, protocol="HTTP", target_type="ip", vpc_id="vpc-1")
        aws.lb.ListenerRule("rule", listener_arn=listener.arn, priority=1, conditions=[{"path_pattern": {"values": ["/x"]}}],
                            actions=[{"type": "forward", "target_group_arn": other.arn}])
        aws.lb.TargetGroupAttachment("by-hand", target_group_arn=target.arn, target_id="10.0.1.25", port=80)

    found = of_policy(judge(nlb_in_front_of("gw", extra=side_door)), "lb-internet-facing-only-gateway")
    messages = " ".join(v.message for v in found)
    assert "no ECS service of this stack serves" in messages and "target 10.0.1.25 is hand-registered" in messages
