"""The routers' VPC Lattice target groups (type IP, one per router and target color), which the colors' ECS
services register their tasks into; the compiled values (lattice.TargetGroup) passed on field by field.

What the provider sends (terraform-provider-aws vpclattice/target_group.go): every health-check field it
has a default for (interval 30, timeout 5, thresholds 5 and 2, path `/`, matcher 200) when not given, so a
disabled check reaches AWS as `enabled: false` with those defaults, which then mean nothing; the health
check's port is left out, and Lattice probes the traffic port. Names change with every input that forces a
replacement (lattice_names.target_group_name), so a replacement is created before the old group goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import pulumi
import pulumi_aws as aws

from ..aws.component import MeshComponent
from ..aws.physical_names import keyed_name
from .lattice import HealthCheck, LatticeTargetGroupKey, TargetGroup

TARGET_TYPE = "IP"


@dataclass(frozen=True)
class LatticeTargetGroupsArgs:
    target_groups: tuple[TargetGroup, ...]
    name: Callable[[TargetGroup, str], str]  # (group, vpc id) -> its physical name
    vpc_id: pulumi.Input[str]


class LatticeTargetGroups(MeshComponent):
    TYPE_NAME = "LatticeTargetGroups"

    def __init__(self, name: str, args: LatticeTargetGroupsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        self.groups: dict[LatticeTargetGroupKey, aws.vpclattice.TargetGroup] = {
            group.key: self._target_group(name, group, args) for group in args.target_groups}
        self.register_outputs({"arns": [group.arn for group in self.groups.values()]})

    def _target_group(self, name: str, group: TargetGroup, args: LatticeTargetGroupsArgs) -> aws.vpclattice.TargetGroup:
        return aws.vpclattice.TargetGroup(
            keyed_name(name, group.key.router, group.key.color), type=TARGET_TYPE,
            name=pulumi.Output.from_input(args.vpc_id).apply(lambda vpc: args.name(group, vpc)),
            config=aws.vpclattice.TargetGroupConfigArgs(
                port=group.port, protocol=group.protocol, protocol_version=group.protocol_version,
                vpc_identifier=args.vpc_id, health_check=_health_check(group.health_check)),
            opts=self.child())


def _health_check(check: HealthCheck) -> aws.vpclattice.TargetGroupConfigHealthCheckArgs:
    return aws.vpclattice.TargetGroupConfigHealthCheckArgs(
        enabled=check.enabled, protocol=check.protocol, protocol_version=check.protocol_version, path=check.path,
        healthy_threshold_count=check.healthy_threshold_count,
        unhealthy_threshold_count=check.unhealthy_threshold_count,
        health_check_interval_seconds=check.interval_seconds, health_check_timeout_seconds=check.timeout_seconds,
        matcher=aws.vpclattice.TargetGroupConfigHealthCheckMatcherArgs(value=check.matcher) if check.matcher else None)
