"""What a change does to what the colors run: their images, and plain environment values that look
like credentials. Neither widens access, but a reviewer must see both.

An image is flagged when it moves to another registry (a registry is the first path part when it
names a host: has a dot or a port, or is `localhost`; otherwise Docker Hub) or when it floats: tag
`latest` or no tag, and no digest. An environment value is flagged when it is new or changed and
its name says it is a secret (password, secret, token, api key, private key, credential, access
key) or its value looks like one (an AWS access key id, a PEM private key, a URL with a password).
Values are never printed: the comment is public to everyone who can read the pull request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from mesh_components.topology.model import Topology

DOCKER_HUB = "docker.io"
_SECRET_NAME = re.compile(r"pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|access[_-]?key",
                          re.IGNORECASE)
_SECRET_VALUE = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|://[^/\s:@]+:[^/\s@]+@")


@dataclass(frozen=True)
class ImageChange:
    color: str
    old: Optional[str]  # None: a new color
    new: str
    attention: tuple[str, ...]  # why a reviewer should look: another registry, a floating tag


def registry(image: str) -> str:
    first, _, rest = image.partition("/")
    return first if rest and ("." in first or ":" in first or first == "localhost") else DOCKER_HUB


def floats(image: str) -> bool:
    if "@" in image:
        return False
    last = image.rsplit("/", 1)[-1]
    return ":" not in last or last.rsplit(":", 1)[1] == "latest"


def diff_images(old: Topology, new: Topology) -> tuple[ImageChange, ...]:
    changes = []
    for color, spec in new.colors.items():
        before = old.colors[color].image if color in old.colors else None
        if before == spec.image:
            continue
        attention = []
        if before is not None and registry(before) != registry(spec.image):
            attention.append(f"another registry: {registry(spec.image)} (was {registry(before)})")
        if floats(spec.image):
            attention.append("not pinned: no tag, or `latest`, and no digest")
        changes.append(ImageChange(color, before, spec.image, tuple(attention)))
    return tuple(changes)


def credential_like_env(old: Topology, new: Topology) -> tuple[str, ...]:
    """`red: env DB_PASSWORD ...` for each new or changed plain value that looks like a credential."""
    found = []
    for color, spec in new.colors.items():
        before = old.colors[color].env if color in old.colors else {}
        for name, value in spec.env.items():
            if before.get(name) == value:
                continue
            why = ("its name says it is a secret" if _SECRET_NAME.search(name)
                   else "its value looks like a credential" if _SECRET_VALUE.search(value) else None)
            if why:
                found.append(f"{color}: env `{name}` is a plain value and {why}: it would be readable in the "
                             "task definition by anyone who can describe it; keep secrets out of the topology")
    return tuple(found)
