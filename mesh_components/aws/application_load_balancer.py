"""An internet-facing Application Load Balancer as the gateway: the compiled listeners and rules
(service_connect.alb values) passed on field by field, forwarding to IP target groups the colors' ECS
services register into. No gateway task runs behind it.

Target groups are replaced create-before-delete, their physical name changing with every input that forces
a replacement (physical_names.target_group_name), as the network load balancer's are (load_balancer.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import pulumi
import pulumi_aws as aws

from ..service_connect.alb import (AlbListener, Conditions, FixedResponse, Forward, ListenerRule, TargetGroupKey,
                                   Transforms)
from .component import MeshComponent
# HTTPS listeners negotiate TLS 1.3 and 1.2 only, like the NLB's TLS listeners. Without a policy the API gives
# ELBSecurityPolicy-2016-08 (TLS 1.0-1.2); AWS's Service Connect TLS guide puts this one in front of TLS 1.3 targets.
from .load_balancer import TLS_POLICY

TARGET_TYPE = "ip"
FIXED_RESPONSE_CONTENT_TYPE = "text/plain"


@dataclass(frozen=True)
class AlbHealthCheck:
    path: str
    interval_seconds: int
    timeout_seconds: int
    healthy_threshold: int
    unhealthy_threshold: int


@dataclass(frozen=True)
class AlbTargetGroup:
    key: TargetGroupKey
    protocol_version: str  # HTTP1, HTTP2 or GRPC
    health_check: Optional[AlbHealthCheck]  # None: the ALB's defaults (GET / on the traffic port)
    protocol: str = "HTTP"  # HTTPS to a port behind Service Connect TLS; health checks use the same


@dataclass(frozen=True)
class ApplicationLoadBalancerArgs:
    load_balancer_name: str
    listeners: tuple[AlbListener, ...]
    target_groups: tuple[AlbTargetGroup, ...]
    target_group_name: Callable[[AlbTargetGroup, str], str]  # (group, vpc id) -> its physical name
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    security_group_id: pulumi.Input[str]
    deletion_protection: bool


class ApplicationLoadBalancer(MeshComponent):
    TYPE_NAME = "ApplicationLoadBalancer"

    def __init__(self, name: str, args: ApplicationLoadBalancerArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb", name=args.load_balancer_name, load_balancer_type="application", internal=False,
            subnets=args.subnet_ids, security_groups=[args.security_group_id],
            enable_deletion_protection=args.deletion_protection,
            opts=self.named_child())
        self.target_groups = {group.key: self._target_group(name, group, args) for group in args.target_groups}
        self.rules: list[aws.lb.ListenerRule] = []
        self.listeners = {listener.port: self._listener(name, listener) for listener in args.listeners}
        first = args.listeners[0]
        scheme, default_port = ("https", 443) if first.protocol == "HTTPS" else ("http", 80)
        self.url = self.load_balancer.dns_name.apply(
            lambda dns: f"{scheme}://{dns}" + ("" if first.port == default_port else f":{first.port}"))
        self.register_outputs({"url": self.url})

    def _target_group(self, name: str, group: AlbTargetGroup, args: ApplicationLoadBalancerArgs) -> aws.lb.TargetGroup:
        key, check = group.key, group.health_check
        return aws.lb.TargetGroup(
            f"{name}-{key.color}-{key.port}", port=key.port, protocol=group.protocol,
            protocol_version=group.protocol_version, target_type=TARGET_TYPE, vpc_id=args.vpc_id, deregistration_delay=30,
            name=pulumi.Output.from_input(args.vpc_id).apply(lambda vpc: args.target_group_name(group, vpc)),
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                protocol=group.protocol, port="traffic-port", path=check.path, interval=check.interval_seconds,
                timeout=check.timeout_seconds, healthy_threshold=check.healthy_threshold,
                unhealthy_threshold=check.unhealthy_threshold) if check else None,
            opts=self.child())

    def _listener(self, name: str, listener: AlbListener) -> aws.lb.Listener:
        resource = aws.lb.Listener(
            f"{name}-listener-{listener.port}", load_balancer_arn=self.load_balancer.arn, port=listener.port,
            protocol=listener.protocol, certificate_arn=listener.certificate_arn,
            ssl_policy=TLS_POLICY if listener.protocol == "HTTPS" else None,
            default_actions=[aws.lb.ListenerDefaultActionArgs(
                type="fixed-response", fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                    content_type=FIXED_RESPONSE_CONTENT_TYPE, status_code=str(listener.default_action.status_code)))],
            opts=self.child())
        for rule in listener.rules:
            self.rules.append(aws.lb.ListenerRule(
                f"{name}-{listener.port}-{rule.name}", listener_arn=resource.arn, priority=rule.priority,
                conditions=_conditions(rule.conditions), transforms=_transforms(rule.transforms) or None,
                actions=[self._action(rule)], opts=self.child()))
        return resource

    @property
    def attachments(self) -> tuple[pulumi.Resource, ...]:
        """What attaches the target groups to the balancer: ECS refuses to register a service into a target group
        no listener or rule uses yet, and a router's colors' groups are used by rules only."""
        return tuple(self.listeners.values()) + tuple(self.rules)

    def _action(self, rule: ListenerRule) -> aws.lb.ListenerRuleActionArgs:
        action = rule.action
        if isinstance(action, FixedResponse):
            return aws.lb.ListenerRuleActionArgs(type="fixed-response", fixed_response=aws.lb.ListenerRuleActionFixedResponseArgs(
                content_type=FIXED_RESPONSE_CONTENT_TYPE, status_code=str(action.status_code)))
        assert isinstance(action, Forward)
        return aws.lb.ListenerRuleActionArgs(type="forward", forward=aws.lb.ListenerRuleActionForwardArgs(
            target_groups=[aws.lb.ListenerRuleActionForwardTargetGroupArgs(
                arn=self.target_groups[target.target_group].arn, weight=target.weight) for target in action.targets]))


def _conditions(conditions: Conditions) -> list[aws.lb.ListenerRuleConditionArgs]:
    """One condition block per kind (each block holds one kind); all must hold."""
    blocks = []
    if conditions.path_pattern:
        blocks.append(aws.lb.ListenerRuleConditionArgs(path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(
            values=list(conditions.path_pattern.values) or None,
            regex_values=list(conditions.path_pattern.regex_values) or None)))
    if conditions.host_header:
        blocks.append(aws.lb.ListenerRuleConditionArgs(host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(
            values=list(conditions.host_header.values))))
    blocks += [aws.lb.ListenerRuleConditionArgs(http_header=aws.lb.ListenerRuleConditionHttpHeaderArgs(
        http_header_name=header.name, values=list(header.values) or None, regex_values=list(header.regex_values) or None))
        for header in conditions.http_headers]
    if conditions.query_strings:
        blocks.append(aws.lb.ListenerRuleConditionArgs(query_strings=[
            aws.lb.ListenerRuleConditionQueryStringArgs(key=pair.key, value=pair.value)
            for pair in conditions.query_strings]))
    if conditions.http_request_method:
        blocks.append(aws.lb.ListenerRuleConditionArgs(http_request_method=aws.lb.ListenerRuleConditionHttpRequestMethodArgs(
            values=list(conditions.http_request_method))))
    return blocks


def _transforms(transforms: Transforms) -> list[aws.lb.ListenerRuleTransformArgs]:
    blocks = []
    if transforms.url_rewrite:
        blocks.append(aws.lb.ListenerRuleTransformArgs(type="url-rewrite", url_rewrite_config=aws.lb.ListenerRuleTransformUrlRewriteConfigArgs(
            rewrite=aws.lb.ListenerRuleTransformUrlRewriteConfigRewriteArgs(
                regex=transforms.url_rewrite.regex, replace=transforms.url_rewrite.replace))))
    if transforms.host_header_rewrite:
        blocks.append(aws.lb.ListenerRuleTransformArgs(type="host-header-rewrite", host_header_rewrite_config=aws.lb.ListenerRuleTransformHostHeaderRewriteConfigArgs(
            rewrite=aws.lb.ListenerRuleTransformHostHeaderRewriteConfigRewriteArgs(
                regex=transforms.host_header_rewrite.regex, replace=transforms.host_header_rewrite.replace))))
    return blocks
