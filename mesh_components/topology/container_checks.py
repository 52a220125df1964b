"""Checks of what runs in a task: every image reference is one ECS can pull; the app container's secrets,
permissions and settings (their own modules)."""

from __future__ import annotations

from collections.abc import Iterator

from .container_settings import CONTAINER_SETTING_CHECKS
from .errors import Problem
from .images import REFERENCE_SHAPE, ImageReferenceError, parse_image
from .managed_policies import warn_customer_managed_policies
from .model import Topology
from .permissions import PERMISSION_CHECKS
from .secrets import SECRET_CHECKS


def configured_images(topology: Topology) -> Iterator[tuple[tuple, str]]:
    """(document path, image) of every image the topology runs: each color's, and the enabled sidecars'."""
    for name, color in topology.colors.items():
        yield ("colors", name, "image"), color.image
    observability = topology.mesh.observability
    if observability.tracing:
        yield ("mesh", "observability", "tracing", "image"), observability.tracing.image
    if observability.metrics:
        yield ("mesh", "observability", "metrics", "image"), observability.metrics.image


def image_problem(image: str) -> str | None:
    """Why `image` is not a pullable reference, as a message; None when it is one."""
    try:
        parse_image(image)
    except ImageReferenceError as error:
        return f"image {image!r} {error}; expected {REFERENCE_SHAPE}"
    return None


def check_images(topology: Topology) -> Iterator[Problem]:
    for path, image in configured_images(topology):
        problem = image_problem(image)
        if problem:
            yield Problem(problem, path=path)


CONTAINER_CHECKS = (check_images, *SECRET_CHECKS, *PERMISSION_CHECKS, *CONTAINER_SETTING_CHECKS)
CONTAINER_WARNINGS = (warn_customer_managed_policies,)
