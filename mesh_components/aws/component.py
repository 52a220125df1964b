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

    def named_child(self, **options) -> pulumi.ResourceOptions:
        """For children with fixed physical names: a replacement must delete first or the name clashes."""
        return pulumi.ResourceOptions(parent=self, delete_before_replace=True, **options)
