"""The auth policy of a router with `auth: iam`: only its callers' task roles may invoke its VPC Lattice
service (lattice_access.AuthPolicy), with SigV4-signed requests. `resource_identifier` must be the
service's ARN (terraform-provider-aws vpclattice/auth_policy.go validates an ARN)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..aws.component import MeshComponent
from .lattice_access import AuthPolicy


@dataclass(frozen=True)
class LatticeAuthPolicyArgs:
    policy: AuthPolicy
    service_arn: pulumi.Input[str]
    task_role_arns: dict[str, pulumi.Input[str]]  # every caller's task role ARN, by color


class LatticeAuthPolicy(MeshComponent):
    TYPE_NAME = "LatticeAuthPolicy"

    def __init__(self, name: str, args: LatticeAuthPolicyArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        callers = args.policy.callers
        document = pulumi.Output.all(args.service_arn, *(args.task_role_arns[caller] for caller in callers)).apply(
            lambda values: json.dumps(args.policy.document(dict(zip(callers, values[1:])).__getitem__, values[0])))
        self.policy = aws.vpclattice.AuthPolicy(f"{name}-policy", resource_identifier=args.service_arn,
                                                policy=document, opts=self.child())
        self.register_outputs({})
