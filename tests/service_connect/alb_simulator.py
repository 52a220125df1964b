"""A small model of how an ALB applies compiled rules to a request path, and of what App Mesh does with
the same request, written from the documentation and independent of the compiler, so tests can compare.

ALB: rules by ascending priority, first match wins; a plain path value is a whole-path pattern where `*`
is any run of characters and `?` one character; a regex value is searched; the url rewrite replaces the
regex match with `replace`, `$n` naming group n.
App Mesh (user guide): a prefix matches by string prefix; the default rewrite turns the matched prefix
into `/`, and a prefix without a trailing slash also drops one following slash (`/chapter/page` ->
`/page`, `/chapter1` -> `/1`).
"""

from __future__ import annotations

import re
from typing import Optional

from mesh_components.service_connect.alb import AlbListener, Forward, ListenerRule, PathPattern, Rewrite


def _pattern_matches(pattern: PathPattern, path: str) -> bool:
    plain = any(re.fullmatch("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value), path)
                for value in pattern.values)
    return plain or any(re.search(regex, path) for regex in pattern.regex_values)


def rule_matches(rule: ListenerRule, path: str, method: str = "GET") -> bool:
    conditions = rule.conditions
    if conditions.http_request_method and method not in conditions.http_request_method:
        return False
    return conditions.path_pattern is None or _pattern_matches(conditions.path_pattern, path)


def apply_rewrite(rewrite: Optional[Rewrite], path: str) -> str:
    if rewrite is None:
        return path
    match = re.search(rewrite.regex, path)
    if not match:
        return path
    replaced = re.sub(r"\$(\d)", lambda m: match.group(int(m.group(1))) or "", rewrite.replace)
    return path[:match.start()] + replaced + path[match.end():]


def route(listener: AlbListener, path: str, method: str = "GET") -> tuple[str, object, str]:
    """(rule name or 'default', action, path the target sees) for a request."""
    for rule in listener.rules:
        if rule_matches(rule, path, method):
            return rule.name, rule.action, apply_rewrite(rule.transforms.url_rewrite, path)
    return "default", listener.default_action, path


def forwarded_colors(action) -> dict[str, int]:
    return {target.target_group.color: target.weight for target in action.targets} if isinstance(action, Forward) else {}


def app_mesh_default_rewrite(prefix: str, path: str) -> Optional[str]:
    """What App Mesh sends on for `path` under a gateway prefix with the default rewrite; None: no match."""
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix):]
    if not prefix.endswith("/") and rest.startswith("/"):
        rest = rest[1:]
    return "/" + rest
