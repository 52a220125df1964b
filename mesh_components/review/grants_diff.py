"""What a change grants the applications that they did not have: IAM permissions (each new action on each
resource, under its conditions), managed policies attached, secrets read and KMS keys decrypted with.
Each one widens access: the application (or ECS on its behalf) may reach something in AWS it could not.
ARNs and names are shown; secret values never are (the topology holds none).

And an `envoy.image` written in the topology that weakens as the stack setting `envoyImage` would (another
repository, an older release: settings_diff's rule); one newly written, replacing the stack's image, cannot
be compared offline and counts as weakening (fail closed)."""

from __future__ import annotations

import json
from typing import Optional

from mesh_components.topology.container_settings import envoy_settings
from mesh_components.topology.errors import format_doc_path
from mesh_components.topology.model import Color, Topology

from .settings_diff import envoy_image_weakened


def _permission_grants(color: Optional[Color]) -> set[tuple[str, str, str]]:
    """(action, resource, conditions as JSON) for every pair a color's permissions allow."""
    if color is None:
        return set()
    return {(action, resource, json.dumps(permission.conditions, sort_keys=True, default=list))
            for permission in color.permissions for action in permission.actions for resource in permission.resources}


def widened_grants(old: Topology, new: Topology) -> tuple[str, ...]:
    reasons = []
    for name, color in new.colors.items():
        before = old.colors.get(name)
        for action, resource, conditions in sorted(_permission_grants(color) - _permission_grants(before)):
            under = f" under {conditions}" if conditions != "{}" else ""
            reasons.append(f"{name}: the application may now `{action}` on `{resource}`{under}")
        for arn in color.managed_policies:
            if before is None or arn not in before.managed_policies:
                reasons.append(f"{name}: its task role now attaches `{arn}`")
        for variable, value_from in sorted(color.secrets.items()):
            if before is None or value_from not in before.secrets.values():
                reasons.append(f"{name}: ECS now reads `{value_from}` into `{variable}`")
        if color.secrets_kms_key and (before is None or before.secrets_kms_key != color.secrets_kms_key):
            reasons.append(f"{name}: the execution role may now decrypt with `{color.secrets_kms_key}`")
    return tuple(reasons) + _weakened_envoy_images(old, new)


def _weakened_envoy_images(old: Topology, new: Topology) -> tuple[str, ...]:
    before = {path: settings.image for path, settings in envoy_settings(old) if settings.image}
    reasons = []
    for path, settings in envoy_settings(new):
        was = before.get(path)
        if settings.image is None or settings.image == was:
            continue
        weakened = (envoy_image_weakened(was, settings.image) if was is not None
                    else "replaces the stack's envoyImage, which cannot be compared offline")
        if weakened:
            reasons.append(f"`{format_doc_path(path + ('image',))}`: {weakened}")
    return tuple(reasons)
