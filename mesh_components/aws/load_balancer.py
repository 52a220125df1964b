"""The internet-facing network load balancer in front of the virtual gateway.

TCP in, TCP to the gateway tasks' IPs: TLS and HTTP belong to Envoy, not the balancer. It sits in
the public subnets; the gateway tasks stay private. One listener and target group per gateway
listener port; the first port's keep the names a single-port balancer always had.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from .component import MeshComponent


class LoadBalancer(MeshComponent):
    TYPE_NAME = "LoadBalancer"

    def __init__(self, name: str, *, load_balancer_name: str, target_group_names: dict[int, str],
                 vpc_id: pulumi.Input[str], subnet_ids: pulumi.Input[list[str]],
                 security_group_id: pulumi.Input[str], deletion_protection: bool,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-nlb", name=load_balancer_name, load_balancer_type="network", internal=False,
            subnets=subnet_ids, security_groups=[security_group_id],
            enable_deletion_protection=deletion_protection, enable_cross_zone_load_balancing=True,
            opts=self.named_child())
        self.target_groups: dict[int, aws.lb.TargetGroup] = {}
        self.listeners: dict[int, aws.lb.Listener] = {}
        for index, (port, target_group_name) in enumerate(target_group_names.items()):
            suffix = "" if index == 0 else f"-{port}"
            self.target_groups[port] = aws.lb.TargetGroup(
                f"{name}-targets{suffix}", name=target_group_name, port=port, protocol="TCP", target_type="ip",
                vpc_id=vpc_id, deregistration_delay=30,
                health_check=aws.lb.TargetGroupHealthCheckArgs(protocol="TCP", port="traffic-port", interval=10,
                                                              healthy_threshold=3, unhealthy_threshold=3),
                opts=self.named_child())
            self.listeners[port] = aws.lb.Listener(
                f"{name}-listener{suffix}", load_balancer_arn=self.load_balancer.arn, port=port, protocol="TCP",
                default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward",
                                                                 target_group_arn=self.target_groups[port].arn)],
                opts=self.child())
        first = next(iter(target_group_names))
        self.url = self.load_balancer.dns_name.apply(lambda dns: f"http://{dns}" + ("" if first == 80 else f":{first}"))
        self.register_outputs({"url": self.url})
