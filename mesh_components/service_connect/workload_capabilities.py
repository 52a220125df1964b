"""What service-connect does with a color's workload keys: Envoy settings are not applied (ECS runs and manages
the Service Connect proxy itself), and the application may not be granted App Mesh actions (a Service
Connect task talks to no App Mesh control plane; the policy pack's iam-mesh-task-roles refuses them)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from ..topology.container_settings import envoy_settings
from ..topology.errors import Problem
from ..topology.managed_policies import MANAGED_POLICY
from ..topology.model import Topology
from .gateway_rules import TARGET

APP_MESH_SERVICES = ("appmesh", "appmesh-preview")


def warn_envoy_settings(topology: Topology) -> Iterator[Problem]:
    for path, _ in envoy_settings(topology):
        yield Problem(f"{TARGET}: not applied: there is no Envoy to configure; ECS runs and manages the Service Connect "
                      "proxy (its image and log level are not settable)", path=path, severity="warning", on_key=True)


def check_app_mesh_grants(topology: Topology) -> Iterator[Problem]:
    for color_name, color in topology.colors.items():
        where = ("colors", color_name)
        for index, permission in enumerate(color.permissions):
            for action_index, action in enumerate(permission.actions):
                service = action.split(":", 1)[0].lower()
                if any(fnmatch.fnmatchcase(name, service) for name in APP_MESH_SERVICES):
                    yield Problem(f"{TARGET}: {action!r} is an App Mesh action, and a Service Connect task needs none; "
                                  "remove it, or deploy with target app-mesh",
                                  path=where + ("permissions", index, "actions", action_index))
        for index, arn in enumerate(color.managed_policies):
            match = MANAGED_POLICY.fullmatch(arn)
            if match and match["owner"] == "aws" and match["name"].startswith("AWSAppMesh"):
                yield Problem(f"{TARGET}: AWS-managed {match['name']} grants App Mesh actions, and a Service Connect task "
                              "needs none; remove it, or deploy with target app-mesh",
                              path=where + ("managed_policies", index))


WORKLOAD_CAPABILITY_CHECKS = (check_app_mesh_grants, warn_envoy_settings)
