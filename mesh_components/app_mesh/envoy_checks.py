"""The Envoy images a topology names (`envoy.image` on the mesh, a color or the gateway) are ones App Mesh runs:
AWS's repositories, pinned to a supported -prod tag (envoy_images.py, the rule the policy pack enforces)."""

from __future__ import annotations

from collections.abc import Iterator

from ..topology.container_checks import image_problem
from ..topology.container_settings import envoy_settings
from ..topology.errors import Problem
from ..topology.model import Topology
from .envoy_images import envoy_image_problem


def check_envoy_images(topology: Topology) -> Iterator[Problem]:
    for path, settings in envoy_settings(topology):
        if settings.image is not None:
            problem = image_problem(settings.image) or envoy_image_problem(settings.image)
            if problem:
                yield Problem(f"Envoy image {settings.image!r}: {problem}", path=path + ("image",))
