"""Checks of what runs in a task: every image reference is one ECS can pull, and no color takes the
name of a container the task definitions put beside it."""

from __future__ import annotations

from collections.abc import Iterator

from . import limits
from .errors import Problem
from .images import REFERENCE_SHAPE, ImageReferenceError, parse_image
from .model import Topology


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


def check_container_names(topology: Topology) -> Iterator[Problem]:
    """A color's app container is named after the color; the sidecars' names are taken."""
    for name in topology.colors:
        if name in limits.RESERVED_CONTAINER_NAMES:
            taken = ", ".join(sorted(limits.RESERVED_CONTAINER_NAMES))
            yield Problem(
                f"a color cannot be called {name!r}: its app container would share that name with "
                f"{limits.RESERVED_CONTAINER_NAMES[name]} in the same task; rename it (taken: {taken})",
                path=("colors", name),
                on_key=True,
            )


CONTAINER_CHECKS = (check_images, check_container_names)
