"""Managed IAM policies a color's task role may attach (`managed_policies`).

Customer-managed policies (`arn:aws:iam::<account>:policy/...`) are attached as written: what they grant
is the account owner's review; the policy pack cannot read a policy this stack does not create, so it
accepts one only when its ARN is listed in the pack's `reviewedManagedPolicies` (a warning says so).
AWS-managed policies (`arn:aws:iam::aws:policy/...`) are judged by the policy pack's reviewed table
(policy/color_mesh_policy/managed_policies.py, which this program cannot import): REVIEWED holds its
verdict for each name, and tests/topology/test_managed_policies.py keeps the two tables equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Optional

from .errors import Problem

MANAGED_POLICY = re.compile(r"arn:aws[a-z-]*:iam::(?P<owner>\d{12}|aws):policy/(?:[\w+=,.@/-]*/)?(?P<name>[\w+=,.@-]{1,128})")
MANAGED_POLICY_SHAPE = "arn:aws:iam::<account>:policy/<name> (customer-managed) or arn:aws:iam::aws:policy/<name>"

# AWS-managed policy name -> what it grants that the pack refuses (None: nothing it refuses).
REVIEWED: dict[str, Optional[str]] = {
    "AdministratorAccess": "every action on every resource ('*')",
    "PowerUserAccess": "everything but iam, organizations and account actions (NotAction)",
    "AWSAppMeshFullAccess": "every App Mesh action (appmesh:*)",
    "AWSAppMeshEnvoyAccess": "appmesh:StreamAggregatedResources on every node",
    "AWSAppMeshPreviewEnvoyAccess": "appmesh-preview:StreamAggregatedResources on every node",
    "IAMFullAccess": "every IAM action (iam:*)",
    "AmazonECS_FullAccess": "every ECS action (ecs:*)",
    "AWSCloudMapFullAccess": "every Cloud Map action (servicediscovery:*)",
    "AWSAppMeshReadOnly": None,
    "AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity": None,
    "AmazonECSInfrastructureRolePolicyForVpcLattice": None,
    "AmazonECSTaskExecutionRolePolicy": None,
    "AWSXRayDaemonWriteAccess": None,
    "CloudWatchAgentServerPolicy": None,
}


def managed_policy_problems(arn: str, path: tuple) -> Iterator[Problem]:
    match = MANAGED_POLICY.fullmatch(arn)
    if match is None:
        yield Problem(f"{arn!r} is not a managed policy ARN; expected {MANAGED_POLICY_SHAPE}", path=path)
    elif match["owner"] == "aws" and match["name"] not in REVIEWED:
        yield Problem(f"AWS-managed {match['name']} has not been reviewed, so what it grants is unknown (the policy "
                      "pack refuses it); write the statements the application needs in permissions", path=path)
    elif match["owner"] == "aws" and REVIEWED[match["name"]] is not None:
        yield Problem(f"AWS-managed {match['name']} grants {REVIEWED[match['name']]}; write the statements the "
                      "application needs in permissions", path=path)


def warn_customer_managed_policies(topology) -> Iterator[Problem]:
    for color_name, color in topology.colors.items():
        for index, arn in enumerate(color.managed_policies):
            match = MANAGED_POLICY.fullmatch(arn)
            if match and match["owner"] != "aws":
                yield Problem("attached as written: the policy pack cannot read a policy this stack does not create and "
                              "refuses it until its ARN is listed in the pack's reviewedManagedPolicies (review it first)",
                              path=("colors", color_name, "managed_policies", index), severity="warning")
