"""What every color-mesh ComponentResource shares: its type token and how it parents children."""

from __future__ import annotations

from typing import Optional

import pulumi


class MeshComponent(pulumi.ComponentResource):
    """Base for `color-mesh:index:<Name>` components; subclasses set TYPE_NAME."""

    TYPE_NAME = ""

    def __init__(self, name: str, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(f"color-mesh:index:{self.TYPE_NAME}", name, None, opts)

    def child(self, **options) -> pulumi.ResourceOptions:
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
        """For children with fixed physical names: a replacement must delete first or the name clashes."""
        return pulumi.ResourceOptions(parent=self, delete_before_replace=True, **options)
