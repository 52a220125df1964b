"""How a gateway route rewrites the request path, as App Mesh does it, and what that means for the ALB.

App Mesh (virtual gateway user guide; aws-app-mesh-examples howto-match-and-rewrite-at-ingress):
on a prefix match the matched prefix becomes `/` by default: with prefix `/chapter`, `/chapter/page`
becomes `/page` and `/chapter1` becomes `/1`; `/red/tell` under `/red` becomes `/tell`. So a prefix
without a trailing slash also swallows one following slash. `rewrite.prefix.value` replaces a prefix
that ends in `/` (the model requires it), `rewrite.path` replaces an exact path, `default: false`
keeps the path. Exact and regex path matches are not rewritten by default.

The ALB evaluates its conditions on the request as sent, while a router behind the gateway matches
the rewritten path; `original_path_items` turns a router route's path match into the paths as sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Optional

from ..topology.errors import DocPath
from ..topology.model import GatewayRoute
from .alb import Rewrite, Unsupported

PathKind = Literal["prefix", "exact", "regex"]
PathItem = tuple[PathKind, str]  # one path the ALB may accept; a condition accepts any of its items

RewriteKind = Literal["none", "strip", "replace_prefix", "replace_path"]

_REGEX_SPECIALS = set("\\.^$|?*+()[]{}")


def regex_literal(text: str) -> str:
    """`text` as a regular expression matching exactly it."""
    return "".join(f"\\{char}" if char in _REGEX_SPECIALS else char for char in text)


@dataclass(frozen=True)
class PathRewrite:
    """`strip`: prefix `match` (not ending in /) and one slash after it become `/`; `replace_prefix`:
    prefix `match` becomes `value`; `replace_path`: exact path `match` becomes `value`."""

    kind: RewriteKind
    match: str = ""
    value: str = ""


def path_rewrite(route: GatewayRoute, protocol: str) -> PathRewrite:
    """What App Mesh does to the path of a request `route` matches (grpc gateway routes keep it)."""
    match, rewrite = route.match, route.rewrite
    if protocol == "grpc":
        return PathRewrite("none")
    if match.prefix is not None:
        prefix_rewrite = rewrite.prefix if rewrite else None
        if prefix_rewrite is not None and prefix_rewrite.value is not None:
            return PathRewrite("replace_prefix", match.prefix, prefix_rewrite.value)
        if prefix_rewrite is not None and prefix_rewrite.default is False or match.prefix == "/":
            return PathRewrite("none")
        if match.prefix.endswith("/"):
            return PathRewrite("replace_prefix", match.prefix, "/")
        return PathRewrite("strip", match.prefix, "/")
    if rewrite is not None and rewrite.path is not None and match.path is not None and match.path.exact is not None:
        return PathRewrite("replace_path", match.path.exact, rewrite.path)
    return PathRewrite("none")


def url_rewrite(rewrite: PathRewrite) -> Optional[Rewrite]:
    """The ALB url-rewrite transform doing the same. The captured rest keeps a query string, if the
    ALB's input includes one; an exact path keeps an optional query string the same way."""
    match = regex_literal(rewrite.match)
    if rewrite.kind == "strip":
        return Rewrite(f"^{match}/?(.*)$", f"{rewrite.value}$1")
    if rewrite.kind == "replace_prefix":
        return Rewrite(f"^{match}(.*)$", f"{rewrite.value}$1")
    if rewrite.kind == "replace_path":
        return Rewrite(f"^{match}((?:\\?.*)?)$", f"{rewrite.value}$1")
    return None


def original_path_items(rewrite: PathRewrite, gateway: PathItem, router: Optional[PathItem],
                        where: DocPath, gateway_name: str) -> list[PathItem]:
    """The paths as sent that the gateway route matches AND whose rewritten path matches `router`.

    Empty when no request can match both (the router route is unreachable through this gateway route).
    """
    if router is None:
        return [gateway]
    kind, value = router
    if rewrite.kind == "none":
        return _intersect(gateway, router, where, gateway_name)
    if kind == "regex":
        if rewrite.kind == "replace_path":
            return [gateway] if _fullmatch(value, rewrite.value, where) else []
        raise Unsupported(
            f"path.regex matches the path after gateway route {gateway_name!r} rewrote it, which an ALB "
            "condition (on the path as sent) cannot express; match a prefix or an exact path here, "
            "or disable that route's prefix rewrite", where)
    if rewrite.kind == "replace_path":
        matched = value == rewrite.value if kind == "exact" else rewrite.value.startswith(value)
        return [gateway] if matched else []
    if rewrite.kind == "replace_prefix":
        return _through_replaced_prefix(rewrite.match, rewrite.value, kind, value)
    return _through_stripped_prefix(rewrite.match, kind, value)


def _through_replaced_prefix(prefix: str, replacement: str, kind: PathKind, value: str) -> list[PathItem]:
    if value.startswith(replacement):
        return [(kind, prefix + value[len(replacement):])]
    if kind == "prefix" and replacement.startswith(value):
        return [("prefix", prefix)]
    return []


def _through_stripped_prefix(prefix: str, kind: PathKind, value: str) -> list[PathItem]:
    """Sent `prefix/rest` and `prefixrest` (rest not starting with /) both become `/rest`."""
    rest = value[1:]  # router prefixes and paths start with '/'
    if kind == "prefix" and rest == "":
        return [("prefix", prefix)]
    if rest.startswith("/"):
        return [(kind, f"{prefix}/{rest}")]
    return [(kind, f"{prefix}/{rest}"), (kind, prefix + rest)]


def _intersect(gateway: PathItem, router: PathItem, where: DocPath, gateway_name: str) -> list[PathItem]:
    (g_kind, g_value), (r_kind, r_value) = gateway, router
    if g_kind == "exact":
        return [gateway] if _accepts(router, g_value, where) else []
    if r_kind == "exact":
        return [router] if _accepts(gateway, r_value, where) else []
    if g_kind == "prefix" and r_kind == "prefix":
        if r_value.startswith(g_value):
            return [router]
        return [gateway] if g_value.startswith(r_value) else []
    if g_kind == "prefix" and g_value == "/":
        return [router]
    if r_kind == "prefix" and r_value == "/":
        return [gateway]
    raise Unsupported(
        f"this route's path match and gateway route {gateway_name!r}'s ({g_kind} {g_value!r}) would both be "
        "needed in one ALB path condition, which takes one kind of match; make one of them a prefix "
        "covering the other, or an exact path", where)


def _accepts(item: PathItem, path: str, where: DocPath) -> bool:
    kind, value = item
    if kind == "exact":
        return path == value
    if kind == "prefix":
        return path.startswith(value)
    return _fullmatch(value, path, where)


def _fullmatch(pattern: str, path: str, where: DocPath) -> bool:
    try:
        return re.fullmatch(pattern, path) is not None
    except re.error as error:
        raise Unsupported(f"{pattern!r} is not a regular expression the ALB can take ({error})", where) from None
