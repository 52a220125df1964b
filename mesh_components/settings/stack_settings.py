"""Per-stack settings (`color-mesh:*` keys in Pulumi.<stack>.yaml), validated once.

Everything that differs between stacks lives here; everything about the mesh's shape lives in the
topology file. Pure: the program hands in a `get(key)` that reads Pulumi config.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from typing import Annotated, Any, Callable, Iterable, Literal, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, field_validator

from ..app_mesh.envoy_images import envoy_image_problem
from ..topology.container_checks import image_problem

DEFAULT_ENVOY_IMAGE = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod"
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ExistingNetwork(Settings):
    """A VPC made elsewhere; it must have DNS support and DNS hostnames on (Cloud Map needs both)."""

    vpc_id: Annotated[str, Field(alias="vpcId", pattern=r"^vpc-[0-9a-f]+$")]
    public_subnet_ids: Annotated[list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]+$")]],
                                 Field(alias="publicSubnetIds", min_length=1)]
    private_subnet_ids: Annotated[list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]+$")]],
                                  Field(alias="privateSubnetIds", min_length=1)]


class StackSettings(Settings):
    """Every `color-mesh:<key>`; Pulumi.yaml declares each one with the same default and description
    (all but `network`: Pulumi's project config has no object type)."""

    topology: str = Field(description="The topology file, relative to the project directory.")
    target: Literal["app-mesh", "service-connect"] = Field(
        default="app-mesh", description="Deployment target: app-mesh or service-connect (ECS Service Connect with an ALB gateway, VPC Lattice for routers colors call).")
    envoy_image: str = Field(default=DEFAULT_ENVOY_IMAGE, alias="envoyImage",
                             description="Envoy image from AWS's repositories, pinned to a vX.Y.Z.W-prod (or -prod-fips) tag >= v1.17.2.0.")
    log_retention_days: StrictInt = Field(default=30, alias="logRetentionDays",
                                          description="Retention of the stack's log group, in days (CloudWatch's values).")
    network: Optional[ExistingNetwork] = Field(
        default=None, description="{vpcId, publicSubnetIds, privateSubnetIds} of an existing VPC; default: a new VPC.")
    vpc_cidr: str = Field(default="10.0.0.0/16", alias="vpcCidr",
                          description="Block of the new VPC: private IPv4, /16 to /20.")
    public_cidrs: list[str] = Field(default_factory=lambda: ["0.0.0.0/0"], alias="publicCidrs", min_length=1,
                                    description="Addresses allowed into the load balancer, on the gateway's ports only.")
    min_task_count: Annotated[StrictInt, Field(ge=0, le=1000)] = Field(
        default=0, alias="minTaskCount", description="Floor on every service's task count.")
    deletion_protection: StrictBool = Field(default=False, alias="deletionProtection",
                                            description="Deletion protection on the load balancer.")
    container_insights: Literal["enabled", "enhanced", "disabled"] = Field(
        default="enabled", alias="containerInsights", description="ECS Container Insights: enabled, enhanced or disabled.")

    @field_validator("envoy_image")
    @classmethod
    def _pinned_supported_envoy(cls, image: str) -> str:
        problem = image_problem(image) or envoy_image_problem(image)
        if problem:
            raise ValueError(problem)
        return image

    @field_validator("log_retention_days")
    @classmethod
    def _known_retention(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS:
            raise ValueError(f"CloudWatch accepts {', '.join(map(str, LOG_RETENTION_DAYS))}")
        return days

    @field_validator("vpc_cidr")
    @classmethod
    def _private_cidr(cls, cidr: str) -> str:
        network = ipaddress.ip_network(cidr, strict=True)
        if network.version != 4 or not network.is_private or not 16 <= network.prefixlen <= 20:
            raise ValueError("a private IPv4 block from /16 to /20, e.g. 10.0.0.0/16")
        return cidr

    @field_validator("public_cidrs")
    @classmethod
    def _valid_cidrs(cls, cidrs: list[str]) -> list[str]:
        for cidr in cidrs:
            ipaddress.ip_network(cidr, strict=True)
        return cidrs

    def task_count(self, requested: int) -> int:
        return max(requested, self.min_task_count)


class SettingsError(Exception):
    """Bad stack configuration; the message lists every problem, one per line."""


STRUCTURED_KEYS = ("network", "publicCidrs")


def read_settings(get: Callable[[str], Optional[str]], stack: str, present_keys: Iterable[str] = ()) -> StackSettings:
    """Build settings from raw config strings (`get("envoyImage")`), or raise SettingsError.

    `present_keys` are the keys of the project's namespace the stack sets (without `color-mesh:`);
    one this program does not know is an error, so a typo is never silently ignored. Every problem,
    unknown keys and bad values alike, is reported at once.
    """
    problems = [_unknown_key(key, stack) for key in sorted(set(present_keys) - set(config_keys()))]
    raw: dict[str, object] = {}
    for key in config_keys():
        value = get(key)
        if value is None:
            continue
        try:
            raw[key] = _decode(key, value, stack)
        except SettingsError as error:
            problems.append(str(error))
    try:
        settings = StackSettings.model_validate(raw)
    except ValidationError as error:
        problems += [_describe(problem, stack) for problem in error.errors()]
        settings = None
    if problems:
        raise SettingsError("\n".join(problems))
    return settings


def settings_from_stack_file(config: Mapping[str, Any], stack: str, project: str = "color-mesh") -> StackSettings:
    """`read_settings` for the `config:` mapping of a stack file, as the CLI would hand it over."""
    prefix = f"{project}:"
    ours = {key[len(prefix):]: value for key, value in config.items() if key.startswith(prefix)}

    def get(key: str) -> Optional[str]:
        value = ours.get(key)
        return value if value is None or isinstance(value, str) else json.dumps(value)

    return read_settings(get, stack, ours)


def config_keys() -> list[str]:
    """Every `color-mesh:<key>` this program reads, in declaration order."""
    return [field.alias or name for name, field in StackSettings.model_fields.items()]


def _unknown_key(key: str, stack: str) -> str:
    message = f"Pulumi.{stack}.yaml: color-mesh:{key}: unknown setting"
    close = difflib.get_close_matches(key, config_keys(), n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message + f"; settings: {', '.join(config_keys())}"


def _decode(key: str, value: str, stack: str) -> object:
    if key not in STRUCTURED_KEYS and not value.lstrip().startswith(("{", "[")):
        return _scalar(value)
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise SettingsError(f"Pulumi.{stack}.yaml: color-mesh:{key}: not valid structured config") from None


def _scalar(value: str) -> object:
    """Pulumi hands every plain config value over as a string; give numbers and booleans their type."""
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def _describe(problem: dict, stack: str) -> str:
    location = ".".join(str(part) for part in problem["loc"])
    message = problem["msg"].removeprefix("Value error, ")
    return f"Pulumi.{stack}.yaml: color-mesh:{location}: {message}"
