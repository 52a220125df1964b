"""What every color-mesh ComponentResource shares: its type token and how it parents children."""

from __future__ import annotations

from typing import Optional

import pulumi


def renamed_from(old_name: Optional[str]) -> dict:
    """ResourceOptions keywords that keep a renamed resource's earlier URN (same type, same parent): the engine
    then updates it in place instead of replacing it. Its children keep theirs too when their names start
    with its name (the engine derives their aliases from the parent's)."""
    return {"aliases": [pulumi.Alias(name=old_name)]} if old_name else {}


class MeshComponent(pulumi.ComponentResource):
    """Base for `color-mesh:index:<Name>` components; subclasses set TYPE_NAME."""

    TYPE_NAME = ""

    def __init__(self, name: str, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(f"color-mesh:index:{self.TYPE_NAME}", name, None, opts)

    def child(self, **options) -> pulumi.ResourceOptions:
        """Replaced create-before-delete (Pulumi's default). Right for a fixed physical name too when every input
        that forces a replacement is part of the name or of the scope it is unique in (an App Mesh name within
        its mesh, a Cloud Map service within its namespace, a role name made from mesh, stack and workload):
        the replacement then never takes a name still in use."""
        return pulumi.ResourceOptions(parent=self, **options)

    def invoke(self) -> pulumi.InvokeOptions:
        """Options for a data-source call inside this component: it uses the provider the component was given
        (the SDK resolves it through `parent`), so a mesh built with an explicit provider looks up its own
        region, account and partition, not the default provider's."""
        return pulumi.InvokeOptions(parent=self)

    def invoke_output(self) -> pulumi.InvokeOutputOptions:
        """`invoke`, for the `*_output` forms of data-source calls."""
        return pulumi.InvokeOutputOptions(parent=self)

    def named_child(self, **options) -> pulumi.ResourceOptions:
        """For children whose fixed physical name can stay the same through a replacement (an input that forces
        one is not part of the name): the replacement must delete first or the name clashes. Only for
        resources nothing still in use can block the deletion of (tests/mesh/test_replacement_safety.py)."""
        return pulumi.ResourceOptions(parent=self, delete_before_replace=True, **options)
