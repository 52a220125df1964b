"""The golden comparison itself: an aliased rename is the same resource, an unaliased one is not."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from mesh_components.offline.runner import run_program

from .snapshot import canonical


class Box(pulumi.ComponentResource):
    def __init__(self, type_name: str, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_name, name, None, opts)
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(parent=self))
        aws.ec2.Subnet("subnet", vpc_id=vpc.id, cidr_block="10.0.0.0/24", opts=pulumi.ResourceOptions(parent=self))


def before() -> None:
    Box("demo:index:Old", "box")


def renamed_with_alias() -> None:
    Box("demo:index:New", "box", pulumi.ResourceOptions(aliases=[pulumi.Alias(type_="demo:index:Old")]))


def renamed_without_alias() -> None:
    Box("demo:index:New", "box")


def test_an_aliased_rename_compares_equal_children_and_ids_included():
    old, new = canonical(run_program(before)), canonical(run_program(renamed_with_alias))
    assert old == new
    subnet = next(entry for urn, entry in new.items() if urn.endswith("::subnet"))
    assert subnet["inputs"]["vpcId"].startswith("vpc-")


def test_a_rename_without_alias_is_a_different_resource():
    old, new = canonical(run_program(before)), canonical(run_program(renamed_without_alias))
    assert set(old) != set(new)
