"""What every color-mesh ComponentResource shares: its type token and how it parents children."""

from __future__ import annotations

from typing import Optional

import pulumi


class MeshComponent(pulumi.ComponentResource):
    """Base for `color-mesh:index:<Name>` components; subclasses set TYPE_NAME."""

    TYPE_NAME = ""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        pulumi.type_token(f"color-mesh:index:{cls.TYPE_NAME}")(cls)

    def __init__(self, name: str, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        type_token = pulumi.get_type_token(type(self))
        super().__init__(type_token, name, None, opts)
        self._qualified_type = _qualified_type(type_token, opts.parent if opts else None)

    def renamed_from(self, child_class: type, old_name: Optional[str]) -> dict:
        """ResourceOptions keywords that keep the earlier URN of a child of class `child_class` renamed from
        `old_name` (same type, same parent): the engine then updates it in place instead of replacing it. A
        component's children keep theirs too when their names start with its name (the engine derives their
        aliases from the parent's).

        The alias is the full URN when this component's is known here: the engine resolves it exactly as the
        `Alias(name=...)` it stands for (both become one URN before the parent's aliases are multiplied in),
        and the SDK makes a third of the Outputs for it, which at thousands of renamed rules is seconds."""
        if not old_name:
            return {}
        child_type = pulumi.get_type_token(child_class)
        if self._qualified_type is None or child_type is None:
            return {"aliases": [pulumi.Alias(name=old_name)]}
        qualified = f"{self._qualified_type}${child_type}"
        return {"aliases": ["::".join(("urn:pulumi:" + pulumi.get_stack(), pulumi.get_project(), qualified, old_name))]}

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


def _qualified_type(type_token: str, parent: Optional[pulumi.Resource]) -> Optional[str]:
    """The type chain in this component's URN (`<parent's chain>$<type>`; the stack adds none), or None when
    its parent is not one of ours and so is not known before the engine answers."""
    if parent is None:
        return type_token
    if isinstance(parent, MeshComponent) and parent._qualified_type is not None:
        return f"{parent._qualified_type}${type_token}"
    return None
