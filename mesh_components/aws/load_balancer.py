"""The internet-facing network load balancer in front of the virtual gateway.

TCP in, TCP to the gateway tasks' IPs: HTTP belongs to Envoy, not the balancer, and so does TLS unless
the gateway listener asks the balancer to terminate it (`public_tls`: a TLS listener with the ACM
certificate, TLS 1.2/1.3 only, ALPN offering what Envoy's listener speaks; the target stays TCP). It sits
in the public subnets; the gateway tasks stay private. One listener and target group per gateway
listener port, each named by that port, so reordering the gateway's listeners changes nothing; the
listener listens on the gateway listener's `public_port` when it has one.

Target groups are replaced create-before-delete: their physical name changes with every input that
forces a replacement (naming.target_group_name), so the new group exists before the listener moves
to it and the old one, no longer in use, can be deleted. The balancer itself keeps a fixed name and
is replaced delete-before-replace (its listeners go with it; they are replaced too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import pulumi
import pulumi_aws as aws

from .component import MeshComponent

TARGET_PROTOCOL = "TCP"
TARGET_TYPE = "ip"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"  # TLS 1.3 and 1.2 only
# What the balancer offers in ALPN for each gateway protocol: after decrypting it passes the bytes on, so the
# client must speak what Envoy's listener expects (HTTP/1.1, or HTTP/2 for http2 and grpc).
ALPN_POLICY = {"http": "HTTP1Only", "http2": "HTTP2Only", "grpc": "HTTP2Only"}


@dataclass(frozen=True)
class NlbListener:
    """One gateway listener as the balancer serves it: `port` is the gateway's (the target's), `public_port` the
    balancer's; with `certificate_arn` the balancer terminates TLS."""

    port: int
    public_port: int
    protocol: str  # the gateway listener's: http, http2 or grpc
    certificate_arn: Optional[str] = None


@dataclass(frozen=True)
class LoadBalancerArgs:
    load_balancer_name: str
    listeners: list[NlbListener]  # the gateway's listeners, in topology order
    target_group_name: Callable[..., str]  # (port, protocol=, target_type=, vpc_id=) -> a port's target group name
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    security_group_id: pulumi.Input[str]
    deletion_protection: bool


class LoadBalancer(MeshComponent):
    TYPE_NAME = "LoadBalancer"

    def __init__(self, name: str, args: LoadBalancerArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        load_balancer_name, target_group_name = args.load_balancer_name, args.target_group_name
        ports = [listener.port for listener in args.listeners]
        vpc_id, subnet_ids, security_group_id = args.vpc_id, args.subnet_ids, args.security_group_id
        deletion_protection = args.deletion_protection
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-nlb", name=load_balancer_name, load_balancer_type="network", internal=False,
            subnets=subnet_ids, security_groups=[security_group_id],
            enable_deletion_protection=deletion_protection, enable_cross_zone_load_balancing=True,
            opts=self.named_child())
        self.target_groups: dict[int, aws.lb.TargetGroup] = {}
        self.listeners: dict[int, aws.lb.Listener] = {}
        for index, listener in enumerate(args.listeners):
            port = listener.port
            # Releases before names by port called the first port's pair `-targets` and `-listener`.
            first = index == 0
            self.target_groups[port] = aws.lb.TargetGroup(
                f"{name}-targets-{port}", port=port, protocol=TARGET_PROTOCOL, target_type=TARGET_TYPE,
                name=pulumi.Output.from_input(vpc_id).apply(lambda vpc, port=port: target_group_name(
                    port, protocol=TARGET_PROTOCOL, target_type=TARGET_TYPE, vpc_id=vpc)),
                vpc_id=vpc_id, deregistration_delay=30,
                health_check=aws.lb.TargetGroupHealthCheckArgs(protocol="TCP", port="traffic-port", interval=10,
                                                              healthy_threshold=3, unhealthy_threshold=3),
                opts=self.child(**self.renamed_from(aws.lb.TargetGroup, f"{name}-targets" if first else None)))
            tls = listener.certificate_arn is not None
            self.listeners[port] = aws.lb.Listener(
                f"{name}-listener-{port}", load_balancer_arn=self.load_balancer.arn, port=listener.public_port,
                protocol="TLS" if tls else "TCP", certificate_arn=listener.certificate_arn,
                ssl_policy=TLS_POLICY if tls else None, alpn_policy=ALPN_POLICY[listener.protocol] if tls else None,
                default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward",
                                                                 target_group_arn=self.target_groups[port].arn)],
                opts=self.child(**self.renamed_from(aws.lb.Listener, f"{name}-listener" if first else None)))
        first_listener = args.listeners[0]
        scheme, default_port = ("https", 443) if first_listener.certificate_arn else ("http", 80)
        url_port = first_listener.public_port
        self.url = self.load_balancer.dns_name.apply(
            lambda dns: f"{scheme}://{dns}" + ("" if url_port == default_port else f":{url_port}"))
        self.register_outputs({"url": self.url})
