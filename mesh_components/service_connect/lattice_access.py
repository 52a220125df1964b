"""Least privilege around the routers' VPC Lattice services, as facts the components turn into security-group
rules, ECS registrations and auth policies.

Lattice traffic leaves a caller for link-local addresses and reaches a target from Lattice's own addresses,
both covered by the regional managed prefix list `com.amazonaws.<region>.vpc-lattice`. So:
- a color calling a router gets egress to that prefix list on the router's port, and no other color does;
  the service network's VPC association gets one security group admitting exactly those callers' groups on
  those ports (`RouterCall`);
- a color a router forwards to accepts that prefix list on the port the router reaches, and only there
  (`LatticeTargetPort`);
- each color's ECS service registers its tasks into its target groups through `vpc_lattice_configurations`
  (`LatticeRegistration`; ECS takes at most 5 per service, which `capabilities` enforces);
- a router with `auth: iam` gets auth type AWS_IAM and an auth policy allowing exactly its callers' task
  roles. Lattice can name a caller only when the request is SigV4-signed; without `auth: iam` it cannot tell
  callers apart, and the security groups above are what keeps other colors out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..topology.model import Topology
from .lattice import LatticeTargetGroupKey
from .lattice_routers import called_routers, target_group_ports
from .service_connect_config import port_name

LATTICE_PREFIX_LIST = "com.amazonaws.{region}.vpc-lattice"
INVOKE_ACTION = "vpc-lattice-svcs:Invoke"


@dataclass(frozen=True, order=True)
class RouterCall:
    """`caller` may call `router` on `port`: its egress to the Lattice prefix list there, and the VPC
    association group's ingress from its group there."""

    caller: str
    router: str
    port: int


@dataclass(frozen=True, order=True)
class LatticeTargetPort:
    """`color` accepts the Lattice prefix list on `port` (a router forwards to it there)."""

    color: str
    port: int


@dataclass(frozen=True)
class LatticeRegistration:
    """One `vpc_lattice_configurations` entry of `color`'s ECS service."""

    color: str
    port_name: str  # the task definition's port mapping (service_connect_config.port_name)
    target_group: LatticeTargetGroupKey


@dataclass(frozen=True)
class AuthPolicy:
    """The auth policy of a router with `auth: iam`: only these colors' task roles may invoke it."""

    router: str
    callers: tuple[str, ...]

    def document(self, task_role_arn: Callable[[str], str], service_arn: str) -> dict:
        """The policy, given each caller's task role ARN and the Lattice service's ARN (known at deploy time)."""
        return {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": [task_role_arn(caller) for caller in self.callers]},
            "Action": INVOKE_ACTION,
            "Resource": f"{service_arn}/*",
        }]}


@dataclass(frozen=True)
class LatticeAccess:
    calls: tuple[RouterCall, ...]
    target_ports: tuple[LatticeTargetPort, ...]
    registrations: tuple[LatticeRegistration, ...]
    auth_policies: tuple[AuthPolicy, ...]

    def registrations_of(self, color: str) -> tuple[LatticeRegistration, ...]:
        return tuple(registration for registration in self.registrations if registration.color == color)


def lattice_access(topology: Topology) -> LatticeAccess:
    routers = called_routers(topology)
    calls = tuple(sorted(RouterCall(caller, backend, topology.routers[backend].port)
                         for caller, color in topology.colors.items() for backend in color.backends
                         if backend in routers))
    groups = target_group_ports(topology)
    targets = tuple(sorted({LatticeTargetPort(key.color, port) for key, port in groups}))
    registrations = tuple(sorted((LatticeRegistration(key.color, _port_name(topology, key.color, port), key)
                                  for key, port in groups), key=lambda item: (item.color, item.target_group)))
    policies = tuple(AuthPolicy(router, tuple(call.caller for call in calls if call.router == router))
                     for router in routers if topology.routers[router].auth == "iam")
    return LatticeAccess(calls, targets, registrations, policies)


def _port_name(topology: Topology, color: str, port: int) -> str:
    return next(port_name(listener) for listener in topology.colors[color].listeners if listener.port == port)
