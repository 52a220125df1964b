"""What a color's app container runs with on ECS, whatever the target: its secrets (injected by ECS from
Secrets Manager or SSM, never written as plain environment), command, entry point, working directory,
container health check and stop timeout. Keys the color leaves out are left out of the container
definition, so ECS keeps the image's own (and its defaults: stop timeout 30 s; health check interval
30 s, timeout 5 s, 3 retries, no start period).

The provider passes container definitions to ECS as the JSON written (terraform-provider-aws
internal/service/ecs/container_definitions.go decodes them into the API types, which keep a 0 or an
empty list), so nothing here may be empty: the model refuses empty lists and stop timeouts below 2.
"""

from __future__ import annotations

from ..topology.model import Color


def app_container_settings(color: Color) -> dict:
    settings: dict = {}
    if color.secrets:
        settings["secrets"] = [{"name": name, "valueFrom": value_from} for name, value_from in sorted(color.secrets.items())]
    if color.entry_point is not None:
        settings["entryPoint"] = list(color.entry_point)
    if color.command is not None:
        settings["command"] = list(color.command)
    if color.working_directory is not None:
        settings["workingDirectory"] = color.working_directory
    if color.health_check_command is not None:
        settings["healthCheck"] = {"command": list(color.health_check_command)}
    if color.stop_timeout is not None:
        settings["stopTimeout"] = color.stop_timeout
    return settings
