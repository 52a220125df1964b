"""The deployment targets one topology can go to, and what each cannot honour.

A target is a sibling package that reads the same mesh graph: `app_mesh` (the default) and
`service_connect` (ECS Service Connect with an ALB gateway; routers called by colors, which need VPC
Lattice, and Service Connect TLS are validated but not yet built). Each target's capability checks run with the topology's
own checks, through the same loader path, so `validate --target` and `pulumi up` report the same
located problems.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

from .app_mesh.capabilities import CAPABILITY_CHECKS as APP_MESH_CHECKS
from .service_connect.capabilities import CAPABILITY_CHECKS as SERVICE_CONNECT_CHECKS
from .topology.checks import Check
from .topology.loader import LoadResult, load_topology_with_warnings, parse_topology

DEFAULT_TARGET = "app-mesh"


@dataclass(frozen=True)
class Target:
    name: str
    capability_checks: Sequence[Check]
    deployable: bool  # the program can build it (`color-mesh:target` accepts it)


TARGETS = {
    "app-mesh": Target("app-mesh", APP_MESH_CHECKS, deployable=True),
    "service-connect": Target("service-connect", SERVICE_CONNECT_CHECKS, deployable=True),
}
DEPLOYABLE_TARGETS = tuple(name for name, target in TARGETS.items() if target.deployable)


def not_a_target(name: str) -> str:
    """What to say of a target name that is none, with the names that are."""
    return f"{name!r} is not a target; targets: {', '.join(sorted(TARGETS))}"


def load_for_target(path: str | os.PathLike[str], target: str = DEFAULT_TARGET) -> LoadResult:
    """The topology in `path`, checked for `target`; raises TopologyError listing every problem."""
    return load_topology_with_warnings(path, TARGETS[target].capability_checks)


def parse_for_target(raw: bytes, file: str = "<string>", target: str = DEFAULT_TARGET) -> LoadResult:
    return parse_topology(raw, file, TARGETS[target].capability_checks)
