"""Secrets a color's app container gets as environment variables, injected by ECS from Secrets Manager or
SSM Parameter Store (`secrets: {ENV_NAME: ARN}`), and what the execution role must be allowed to read them.

What ECS accepts as `valueFrom` (ECS developer guide, "Pass sensitive data"): a Secrets Manager secret's
ARN, optionally followed by `:<json-key>:<version-stage>:<version-id>` (all three fields present, any
of them empty: `arn:...:secret:db-AbCdEf:password::`), or an SSM parameter's ARN. Names alone work only
in the task's region; ARNs are required here, so the execution role's grant names a region and account.

Secrets Manager gives every secret an ARN ending in `-` and 6 random characters. A file may name the
secret by that full ARN or by a partial ARN without the suffix (ECS and GetSecretValue accept both), and
the two cannot be told apart from the text (a name may itself end in `-abcdef`). So the execution role
may read the ARN as written and the same ARN followed by `-??????`: exactly the secret named so, either
way it was written. `kms:Decrypt` is granted only on a key the color names (`secrets_kms_key`), for
secrets encrypted with a customer-managed key; AWS-managed keys need no grant. Pure: no Pulumi.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .errors import Problem

if TYPE_CHECKING:
    from .model import Topology

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ENV_NAME_RULE = "letters, digits and underscores, not starting with a digit"
_PARTITION_REGION_ACCOUNT = r"arn:(?P<partition>aws[a-z-]*):{service}:(?P<region>[a-z]{{2}}(?:-[a-z]+)+-\d+):(?P<account>\d{{12}})"
# Secret names: 1-512 of letters, digits and /_+=.@- (Secrets Manager CreateSecret).
_SECRET = re.compile(_PARTITION_REGION_ACCOUNT.format(service="secretsmanager")
                     + r":secret:(?P<name>[A-Za-z0-9/_+=.@-]{1,512})(?P<suffix>:[^:]*:[^:]*:[^:]*)?")
# Parameter names: letters, digits and _.-/ ; a name starting with '/' has a single '/' after 'parameter'.
_PARAMETER = re.compile(_PARTITION_REGION_ACCOUNT.format(service="ssm") + r":parameter/(?P<name>[A-Za-z0-9_./-]{1,2048})")
_KMS_KEY = re.compile(_PARTITION_REGION_ACCOUNT.format(service="kms") + r":key/[A-Za-z0-9-]{1,128}")
_JSON_KEY_OR_VERSION = re.compile(r"[A-Za-z0-9_+=.@/-]*")
SECRET_SHAPES = ("arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>] "
                 "or arn:aws:ssm:<region>:<account>:parameter/<name>")
KMS_KEY_SHAPE = "arn:aws:kms:<region>:<account>:key/<key id>"
SECRET_SUFFIX = "-??????"  # the 6 random characters Secrets Manager appends to a secret's name in its ARN


@dataclass(frozen=True, order=True)
class SecretSource:
    """Where one environment variable's value comes from: the ARN ECS reads (`value_from`) and the resource
    the execution role must be allowed to read it on (`arn`: without the json-key and version fields)."""

    kind: Literal["secretsmanager", "ssm"]
    arn: str
    value_from: str

    def grant_resources(self) -> tuple[str, ...]:
        """The IAM resources naming exactly this secret (see the module docstring for the suffix)."""
        return (self.arn, self.arn + SECRET_SUFFIX) if self.kind == "secretsmanager" else (self.arn,)


class SecretReferenceError(ValueError):
    """Not a secret or parameter ARN ECS can inject; the message says why, for a person."""


def parse_secret(value_from: str) -> SecretSource:
    secret = _SECRET.fullmatch(value_from)
    if secret:
        suffix = secret["suffix"] or ""
        if not all(_JSON_KEY_OR_VERSION.fullmatch(field) for field in suffix.split(":")):
            raise SecretReferenceError(f"has json-key/version fields {suffix[1:]!r} with characters ECS does not take")
        return SecretSource("secretsmanager", value_from[:len(value_from) - len(suffix)], value_from)
    if _PARAMETER.fullmatch(value_from):
        return SecretSource("ssm", value_from, value_from)
    if ":secret:" in value_from and value_from.count(":") not in (6, 9):
        raise SecretReferenceError("has a json-key suffix ECS cannot read: after the ARN, write :<json-key>:<version-stage>:"
                                   "<version-id> with all three fields (empty ones too), e.g. ':password::'")
    raise SecretReferenceError(f"is not a secret or parameter ARN; expected {SECRET_SHAPES}")


def secret_problems(name: str, value_from: str, path: tuple) -> Iterator[Problem]:
    if not ENV_NAME.fullmatch(name):
        yield Problem(f"invalid environment variable name {name!r}; allowed: {ENV_NAME_RULE}", path=path, on_key=True)
    try:
        parse_secret(value_from)
    except SecretReferenceError as error:
        yield Problem(f"{value_from!r} {error}", path=path)


def check_secrets(topology: "Topology") -> Iterator[Problem]:
    for color_name, color in topology.colors.items():
        where = ("colors", color_name)
        for name, value_from in color.secrets.items():
            yield from secret_problems(name, value_from, where + ("secrets", name))
            if name in color.env:
                yield Problem(f"{name!r} is also set in env; a variable comes from env or from secrets, not both "
                              "(a secret is never written as plain env)", path=where + ("secrets", name), on_key=True)
        key = color.secrets_kms_key
        if key is not None and not _KMS_KEY.fullmatch(key):
            yield Problem(f"{key!r} is not a KMS key ARN; expected {KMS_KEY_SHAPE} (IAM does not authorize a key by "
                          "its alias)", path=where + ("secrets_kms_key",))
        elif key is not None and not color.secrets:
            yield Problem("names a key but the color has no secrets to decrypt; remove it", path=where + ("secrets_kms_key",))


def secret_sources(topology: "Topology") -> list[SecretSource]:
    """Every secret the topology's colors read (validated), sorted and without repeats."""
    return sorted({parse_secret(value_from) for color in topology.colors.values() for value_from in color.secrets.values()})


def kms_keys(topology: "Topology") -> list[str]:
    return sorted({color.secrets_kms_key for color in topology.colors.values() if color.secrets_kms_key})


SECRET_CHECKS = (check_secrets,)
