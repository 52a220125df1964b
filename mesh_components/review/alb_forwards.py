"""What the service-connect gateway (an Application Load Balancer) forwards, read from its compiled rules.

The review tools show these instead of a virtual gateway: on service-connect no gateway task runs, the ALB
forwards each rule straight to target groups (one per color and port), through a router's weights when the
gateway route leads to a router. Read from `service_connect.gateway_rules`, the compilation the target
deploys, so the tools never describe rules the ALB would not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from mesh_components.service_connect.alb import Forward
from mesh_components.service_connect.gateway_rules import compile_gateway
from mesh_components.topology.matches import GatewayRouteMatch
from mesh_components.topology.model import Topology


@dataclass(frozen=True)
class AlbForward:
    """ALB listener `listener_port`'s rule `rule` (priority `priority`) forwards to `color`:`port` at `weight`
    of `total`; `router` names the router whose route the rule was compiled from."""

    listener_port: int
    rule: str
    priority: int
    match: str
    color: str
    port: int
    weight: int
    total: int
    router: Optional[str]

    @property
    def share(self) -> str:
        """` · weight 4 (80%)` when the rule splits traffic, else nothing."""
        if self.router is None:
            return ""
        percent = f" ({self.weight * 100 / self.total:.0f}%)" if self.total else ""
        return f" · weight {self.weight}{percent}"


def alb_forwards(topology: Topology) -> tuple[AlbForward, ...]:
    """Every (rule, target group) pair of the gateway's ALB, in rule order; none without a gateway."""
    if topology.gateway is None:
        return ()
    forwards = []
    for listener in compile_gateway(topology):
        for rule in listener.rules:
            if not isinstance(rule.action, Forward):
                continue  # a router's not-found rule: a fixed 404, it reaches nobody
            route = topology.gateway.routes[rule.gateway_route]
            router = route.target if route.target in topology.routers else None
            total = sum(target.weight for target in rule.action.targets)
            forwards += [AlbForward(listener.port, rule.name, rule.priority, describe_match(route.match),
                                    target.target_group.color, target.target_group.port, target.weight, total, router)
                         for target in rule.action.targets]
    return tuple(forwards)


def describe_match(match: GatewayRouteMatch) -> str:
    """The gateway route's path match as a reader writes it: `/router`, `= /exact`, `~ ^/re`, or a gRPC service."""
    if match.path is not None:
        return f"= {match.path.exact}" if match.path.exact else f"~ {match.path.regex}"
    return match.prefix or match.service_name or "any request"
