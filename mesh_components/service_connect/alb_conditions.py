"""Topology matches as ALB listener-rule conditions, exactly or not at all.

What the ELBv2 API model says about each condition (botocore elbv2 2015-12-01): path patterns are
case-sensitive, at most 128 characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + and the wildcards * and ?
(other paths go in `regex_values`); host names are case-insensitive, A-Z a-z 0-9 - . _ and the
wildcards, with at least one '.' and only letters after the last one; header names at most 40
characters, never `host`, header values case-insensitive with the wildcards and no way to escape
them; query-string keys and values case-insensitive with the wildcards, a literal one escaped with
'\\'; a condition value is never empty. A match that cannot be written this way raises `Unsupported`
with the document path of the offending key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from ..topology.errors import DocPath
from ..topology.matches import HeaderMatch, HostnameMatch, QueryParameterMatch
from .alb import (CONDITION_VALUE_MAX_LENGTH, HTTP_HEADER_NAME_MAX, HostHeader, HttpHeader, PathPattern, QueryString,
                  Unsupported)
from .gateway_rewrite import PathItem, regex_literal

_PLAIN_PATH = re.compile(r"[A-Za-z0-9_\-.$/~\"'@:+]*")
_HOST_VALUE = re.compile(r"[A-Za-z0-9_\-.]*\.[A-Za-z]+")


def anchored(pattern: str) -> str:
    """A topology regex (a whole-value match) as an ALB regex, whether the ALB searches or matches whole."""
    return f"^(?:{pattern})$"


def path_pattern(items: Sequence[PathItem], where: DocPath) -> PathPattern:
    """Plain values when every item can be one, else regex values (one condition takes one kind)."""
    if all(kind != "regex" and _PLAIN_PATH.fullmatch(value) for kind, value in items):
        values = tuple(value + "*" if kind == "prefix" else value for kind, value in items)
        return PathPattern(values=_bounded(values, where, "path pattern"))
    regexes = tuple(anchored(value) if kind == "regex" else
                    f"^{regex_literal(value)}{'.*' if kind == 'prefix' else ''}$" for kind, value in items)
    return PathPattern(regex_values=_bounded(regexes, where, "path regex"))


def host_header(hostname: HostnameMatch, where: DocPath) -> HostHeader:
    value = hostname.exact if hostname.exact is not None else "*" + hostname.suffix
    name = value.lstrip("*")
    if not _HOST_VALUE.fullmatch(name) or "*" in name or "?" in name:
        key = "exact" if hostname.exact is not None else "suffix"
        raise Unsupported(
            f"an ALB host condition takes letters, digits, '-', '_' and '.', with at least one '.' and only "
            f"letters after the last; {name!r} is not one; match a host name like api.example.com", where + (key,))
    return HostHeader(_bounded((value,), where, "host name"))


def http_header(entry: HeaderMatch, where: DocPath, noun: str = "header") -> HttpHeader:
    if len(entry.name) > HTTP_HEADER_NAME_MAX:
        raise Unsupported(f"{noun} name is {len(entry.name)} characters; an ALB matches header names of at most "
                          f"{HTTP_HEADER_NAME_MAX}", where + ("name",))
    if entry.name.lower() == "host":
        raise Unsupported("an ALB matches the Host header only through a host condition; "
                          "use the gateway route's match.hostname", where + ("name",))
    if entry.invert:
        raise Unsupported(f"an ALB cannot match requests whose {noun} does NOT match; "
                          "match the values to route instead and give the others their own route",
                          where + ("invert",))
    if entry.range is not None:
        raise Unsupported(f"an ALB cannot match a {noun} by numeric range; match exact values or a regex",
                          where + ("range",))
    if entry.regex is not None:
        return HttpHeader(entry.name, regex_values=_bounded((anchored(entry.regex),), where + ("regex",), "regex"))
    rule = entry.rules()[0] if entry.rules() else None
    value = getattr(entry, rule) if rule else ""
    if "*" in value or "?" in value:
        raise Unsupported(f"{value!r} contains '*' or '?', which an ALB treats as wildcards in {noun} values and "
                          "cannot escape; match it with a regex instead", where + (rule,))
    if rule == "exact" and value == "":
        raise Unsupported(f"an ALB condition value cannot be empty; an empty {noun} cannot be matched",
                          where + (rule,))
    pattern = {None: "*", "exact": value, "prefix": value + "*", "suffix": "*" + value}[rule]
    return HttpHeader(entry.name, values=_bounded((pattern,), where + ((rule,) if rule else ()), noun))


def query_string(entry: QueryParameterMatch, where: DocPath) -> QueryString:
    if entry.exact == "":
        raise Unsupported("an ALB condition value cannot be empty; a parameter with an empty value cannot be "
                          "matched", where + ("exact",))
    if entry.exact is not None and "\\" in entry.exact:
        raise Unsupported("an ALB query-string value uses '\\' to escape wildcards, so a literal one cannot be "
                          "matched", where + ("exact",))
    value = "*" if entry.exact is None else entry.exact.replace("*", "\\*").replace("?", "\\?")
    _bounded((entry.name, value), where, "query parameter")
    return QueryString(entry.name, value)


def _bounded(values: tuple[str, ...], where: DocPath, noun: str) -> tuple[str, ...]:
    for value in values:
        if len(value) > CONDITION_VALUE_MAX_LENGTH:
            raise Unsupported(f"the {noun} {value[:40]!r}... is {len(value)} characters as an ALB condition "
                              f"value; allowed: at most {CONDITION_VALUE_MAX_LENGTH}", where)
    return values
