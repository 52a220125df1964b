"""Container image references: parsed and checked once, and the private ECR repository an image lives in.

The grammar is the one Docker and ECS accept (`[registry/]repository[:tag][@algorithm:digest]`, from
the distribution project's reference grammar): a registry is the first path component when it holds a
`.` or a `:` or is `localhost`; repository path components are lowercase letters and digits joined by
`.`, `_`, `__` or hyphens (a first component with an uppercase letter is a registry too); a tag is at most 128 word characters, dots and hyphens, not starting with
either of the last two; the name is at most 255 characters.

Private ECR images (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>`) need the execution role to
be allowed to pull from exactly that repository; Docker Hub, public.ecr.aws and other registries need no
ECR permission (ECS pulls them without IAM). Pure: no Pulumi, no AWS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

NAME_MAX = 255
REFERENCE_SHAPE = "[registry/]repository[:tag][@sha256:<64 hex digits>]"

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_REGISTRY = re.compile(rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?")
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})")
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
# <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn], and the dual-stack <account>.dkr-ecr.<region>.on.aws.
_ECR_PRIVATE = re.compile(
    r"(?P<account>\d{12})\.dkr[.-]ecr(?:-fips)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.(?:amazonaws\.com(?:\.cn)?|on\.aws)")


class ImageReferenceError(ValueError):
    """Not an image reference ECS can pull; the message says what is wrong, for a person."""


@dataclass(frozen=True)
class ImageReference:
    registry: Optional[str]  # None: Docker Hub
    repository: str
    tag: Optional[str]
    digest: Optional[str]


@dataclass(frozen=True, order=True)
class EcrRepository:
    """A private ECR repository: pulling from it needs the execution role's permission on its ARN."""

    account: str
    region: str
    name: str

    def arn(self, partition: str) -> str:
        return f"arn:{partition}:ecr:{self.region}:{self.account}:repository/{self.name}"


def parse_image(reference: str) -> ImageReference:
    """The parts of `reference`, or ImageReferenceError saying what is wrong with it."""
    if not reference:
        raise ImageReferenceError("is empty")
    if any(character.isspace() for character in reference):
        raise ImageReferenceError("contains whitespace")
    name, _, digest = reference.partition("@")
    if "@" in reference:
        _check_digest(digest)
    last_slash = name.rfind("/")
    name, tag = _split_tag(name, last_slash)
    if len(name) > NAME_MAX:
        raise ImageReferenceError(f"has a {len(name)}-character name; at most {NAME_MAX}")
    registry, repository = _split_registry(name)
    if not repository:
        raise ImageReferenceError("names no repository")
    for component in repository.split("/"):
        if not _PATH_COMPONENT.fullmatch(component):
            raise ImageReferenceError(
                f"has repository path component {component!r}; components are lowercase letters and digits, "
                "joined by '.', '_', '__' or hyphens")
    return ImageReference(registry, repository, tag, digest or None)


def _check_digest(digest: str) -> None:
    match = _DIGEST.fullmatch(digest)
    if not match:
        raise ImageReferenceError(f"has digest {digest!r}; expected <algorithm>:<hex>, e.g. sha256:<64 hex digits>")
    algorithm, encoded = match.groups()
    expected = _DIGEST_LENGTHS.get(algorithm)
    if expected is not None and len(encoded) != expected:
        raise ImageReferenceError(f"has a {algorithm} digest of {len(encoded)} hex digits; {algorithm} has {expected}")


def _split_tag(name: str, last_slash: int) -> tuple[str, Optional[str]]:
    colon = name.rfind(":")
    if colon <= last_slash:  # a colon before the last slash is a registry port, not a tag
        return name, None
    tag = name[colon + 1:]
    if not _TAG.fullmatch(tag):
        raise ImageReferenceError(
            f"has tag {tag!r}; a tag is 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'")
    return name[:colon], tag


def _split_registry(name: str) -> tuple[Optional[str], str]:
    first, slash, rest = name.partition("/")
    if not slash or not ("." in first or ":" in first or first == "localhost" or first.lower() != first):
        return None, name
    if not _REGISTRY.fullmatch(first):
        raise ImageReferenceError(f"has registry {first!r}; expected a host name with an optional :port")
    return first, rest


def ecr_repository(image: ImageReference) -> Optional[EcrRepository]:
    """The private ECR repository `image` lives in; None for public and non-ECR registries."""
    match = _ECR_PRIVATE.fullmatch(image.registry or "")
    if match is None:
        return None
    return EcrRepository(match["account"], match["region"], image.repository)


def ecr_repositories(references: list[str]) -> list[EcrRepository]:
    """The distinct private ECR repositories of already-validated image references, sorted."""
    found = {ecr_repository(parse_image(reference)) for reference in references}
    return sorted(repository for repository in found if repository is not None)
