"""Per-stack settings (`color-mesh:*` keys in Pulumi.<stack>.yaml), validated once.

Everything that differs between stacks lives here; everything about the mesh's shape lives in the
topology file. Pure: the program hands in a `get(key)` that reads Pulumi config.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Annotated, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, field_validator

from .topology.container_checks import image_problem

DEFAULT_ENVOY_IMAGE = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod"
MINIMUM_ENVOY_VERSION = (1, 17, 2, 0)
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)
_ENVOY_TAG = re.compile(r":v(\d+)\.(\d+)\.(\d+)\.(\d+)-prod$")


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
    topology: str = Field(description="Path of the topology file, relative to the project directory.")
    envoy_image: str = Field(default=DEFAULT_ENVOY_IMAGE, alias="envoyImage")
    log_retention_days: StrictInt = Field(default=30, alias="logRetentionDays")
    network: Optional[ExistingNetwork] = None
    vpc_cidr: str = Field(default="10.0.0.0/16", alias="vpcCidr")
    public_cidrs: list[str] = Field(default_factory=lambda: ["0.0.0.0/0"], alias="publicCidrs", min_length=1)
    min_task_count: Annotated[StrictInt, Field(ge=0, le=1000)] = Field(default=0, alias="minTaskCount")
    deletion_protection: StrictBool = Field(default=False, alias="deletionProtection")
    container_insights: Literal["enabled", "enhanced", "disabled"] = Field(default="enabled",
                                                                           alias="containerInsights")

    @field_validator("envoy_image")
    @classmethod
    def _pinned_supported_envoy(cls, image: str) -> str:
        problem = image_problem(image)
        if problem:
            raise ValueError(problem)
        match = _ENVOY_TAG.search(image)
        if not match:
            raise ValueError("must be pinned to a version tag like ':v1.29.6.0-prod' (never 'latest' or untagged)")
        if tuple(int(part) for part in match.groups()) < MINIMUM_ENVOY_VERSION:
            raise ValueError("App Mesh supports Envoy v1.17.2.0-prod and later")
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


def read_settings(get: Callable[[str], Optional[str]], stack: str) -> StackSettings:
    """Build settings from raw config strings (`get("envoyImage")`), or raise SettingsError."""
    raw: dict[str, object] = {}
    for key in _config_keys():
        value = get(key)
        if value is None:
            continue
        raw[key] = _decode(key, value, stack)
    try:
        return StackSettings.model_validate(raw)
    except ValidationError as error:
        raise SettingsError("\n".join(_describe(problem, stack) for problem in error.errors())) from None


def _config_keys() -> list[str]:
    return [field.alias or name for name, field in StackSettings.model_fields.items()]


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
