"""How a color's app container runs: `command`, `entry_point`, `working_directory`, `health_check_command`,
`stop_timeout`, and the Envoy settings (`envoy: {log_level, image}`) of a target that runs Envoy.

ECS facts (ECS API model, ContainerDefinition and HealthCheck; Docker): `command` and `entryPoint` are
lists of strings (the exec form; a shell needs ["sh", "-c", "..."]); an empty list would reach ECS as
`[]` (the provider passes container definitions through as JSON), so a key is either left out (the
image's own) or non-empty. `workingDirectory` must be absolute (Docker refuses a relative one). A health
check command is ["CMD", executable, args...] or ["CMD-SHELL", "a shell line"]; its interval, timeout,
retries and start period are left to ECS's defaults (30 s, 5 s, 3, none), which the provider also
assumes when comparing definitions. `stopTimeout` on Fargate is 2-120 seconds (ECS's default is 30).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, Optional

from pydantic import Field

from .errors import Problem
from .spec import NonEmptyStr, Spec

if TYPE_CHECKING:
    from .model import Topology

STOP_TIMEOUT_MIN, STOP_TIMEOUT_MAX = 2, 120
HEALTH_CHECK_FORMS = ("CMD", "CMD-SHELL")
EnvoyLogLevel = Literal["trace", "debug", "info", "warning", "error", "critical", "off"]


class EnvoySettings(Spec):
    """Envoy's log level (its ENVOY_LOG_LEVEL) and image; a color's replace the mesh's, which replace the stack's."""

    log_level: Optional[EnvoyLogLevel] = Field(default=None, description="Envoy's default is info.")
    image: Optional[NonEmptyStr] = Field(default=None, description="An AWS-vended Envoy image, pinned to a -prod tag.")


def health_check_command_problem(command: tuple[str, ...]) -> Optional[str]:
    form = command[0] if command else None
    if form not in HEALTH_CHECK_FORMS:
        return (f"starts with {form!r}; a health check command is [\"CMD\", executable, args...] or "
                "[\"CMD-SHELL\", \"a shell line\"]")
    if len(command) < 2 or not command[1].strip():
        return f"{form} needs something to run after it"
    if form == "CMD-SHELL" and len(command) != 2:
        return "CMD-SHELL takes one shell line; join the words into one string"
    return None


def check_container_settings(topology: "Topology") -> Iterator[Problem]:
    for name, color in topology.colors.items():
        where = ("colors", name)
        if color.working_directory is not None and not color.working_directory.startswith("/"):
            yield Problem(f"working directory {color.working_directory!r} is relative; Docker takes an absolute path "
                          "like /app", path=where + ("working_directory",))
        if color.health_check_command is not None:
            problem = health_check_command_problem(color.health_check_command)
            if problem:
                yield Problem(problem, path=where + ("health_check_command",))


def envoy_settings(topology: "Topology") -> Iterator[tuple[tuple, EnvoySettings]]:
    """(document path, settings) of every `envoy` written: the mesh's, each color's, the gateway's."""
    if topology.mesh.envoy is not None:
        yield ("mesh", "envoy"), topology.mesh.envoy
    for name, color in topology.colors.items():
        if color.envoy is not None:
            yield ("colors", name, "envoy"), color.envoy
    if topology.gateway is not None and topology.gateway.envoy is not None:
        yield ("gateway", "envoy"), topology.gateway.envoy


def resolved_envoy(topology: "Topology", holder, stack_image: str) -> tuple[str, Optional[str]]:
    """(image, log level) of a color's or the gateway's Envoy: its own `envoy`, else the mesh's, else the stack
    setting's image (which defaults to the pinned public image) and Envoy's own log level."""
    layers = [settings for settings in (holder.envoy, topology.mesh.envoy) if settings is not None]
    image = next((settings.image for settings in layers if settings.image), stack_image)
    log_level = next((settings.log_level for settings in layers if settings.log_level), None)
    return image, log_level


CONTAINER_SETTING_CHECKS = (check_container_settings,)
