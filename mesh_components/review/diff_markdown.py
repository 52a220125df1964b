"""Render a `Review` as markdown for a pull-request comment: the verdict first, then what to look at,
then each kind of change.

`max_chars` bounds the text (GitHub refuses comments over 65,536 characters): the verdict and what to
look at come first and are capped at half of it, then each section keeps the rows that still fit and
says how many it left out.
"""

from __future__ import annotations

from typing import Optional

from mesh_components.topology.graph import PublicEntry
from mesh_components.topology.model import GatewayRoute

from .access_diff import AccessDiff, Change, describe_edge
from .markdown import table
from .review import Review

NOT_COMPARED = "Sizes, counts and health checks are not compared here; `pulumi preview` shows them."
_TABLE_HEADER_LINES = 2


def render_review_markdown(review: Review, max_chars: Optional[int] = None) -> str:
    budget = _Budget(max_chars)
    lines = budget.take_all(_heading(review))
    lines += budget.take_rows(_verdict(review), rows_from=1, share=0.5)
    if review.attention:
        lines += budget.take_rows(["", "**Look at:**", *[f"- {note}" for note in review.attention]], rows_from=2,
                                  share=0.5)
    sections = [(title, body, rows_from) for title, body, rows_from in _sections(review) if body]
    for index, (title, body, rows_from) in enumerate(sections):  # an equal share each; what one leaves, the rest get
        lines += budget.take_rows(["", f"#### {title}", "", *body], rows_from=rows_from + 3,
                                  share=1 / (len(sections) - index))
    lines += ["", f"_{NOT_COMPARED}_"]
    return "\n".join(lines) + "\n"


class _Budget:
    """Characters left for rows; None: unbounded. Headings are always kept: `_RESERVED` pays for them,
    for the notes saying what was left out and for the closing line."""

    _RESERVED = 3000

    def __init__(self, max_chars: Optional[int]) -> None:
        self.left = None if max_chars is None else max_chars - self._RESERVED

    def take_all(self, lines: list[str]) -> list[str]:
        return lines

    def take_rows(self, lines: list[str], *, rows_from: int, share: float = 1.0) -> list[str]:
        """`lines[:rows_from]` (the heading) always, then the rows that fit in `share` of what is left."""
        if self.left is None:
            return lines
        room = int(self.left * share)
        kept, used = list(lines[:rows_from]), 0
        for index in range(rows_from, len(lines)):
            cost = len(lines[index]) + 1
            if used + cost > room:
                omitted = len(lines) - index
                where = "more rows" if lines[index].startswith("|") else "more"
                kept.append(("\n" if lines[index].startswith("|") else "")
                            + f"_… and {omitted} {where} not shown here; the full review lists them all._")
                break
            kept.append(lines[index])
            used += cost
        self.left -= used
        return kept


def _heading(review: Review) -> list[str]:
    old_target, new_target = review.targets
    if review.title:
        target = f"`{new_target}`" if old_target == new_target else f"`{old_target}` → `{new_target}` (changed)"
        return [f"### {review.title}", "", f"Topology: `{review.old_name}` → `{review.new_name}`", "",
                f"Target: {target}", ""]
    return [f"### Access diff on {new_target}: `{review.old_name}` → `{review.new_name}`", ""]


def _verdict(review: Review) -> list[str]:
    if review.widened:
        reasons = review.widening_reasons
        count = f" ({len(reasons)} reasons)" if len(reasons) > 1 else ""
        return [f"**Access widened** — this change lets something reach what it could not before, or weakens a "
                f"protection{count}:", *[f"- {reason}" for reason in reasons]]
    if review.unchanged:
        return ["**No change** in access, routing, exposure, listeners, TLS, images or settings."]
    return ["**Access not widened.**"]


def _sections(review: Review) -> list[tuple[str, list[str], int]]:
    """(title, body, number of body lines before the rows) for each kind of change, in reading order."""
    diff = review.access
    return [
        ("The base's problems", [f"- `{line}`" for line in review.base_problems], 0),
        ("Call edges", _edges(diff), _TABLE_HEADER_LINES),
        ("Callers per service", _callers(diff), 0),
        ("Virtual services", [f"- {'added' if c.new else 'removed'} {c.new or c.old} `{c.name}`"
                              for c in diff.services], 0),
        ("Route weights", _weights(diff), _TABLE_HEADER_LINES),
        ("Router routes", _table(["change", "router/route", "old match", "new match"],
                                 _old_new_rows(diff.router_routes, str)), _TABLE_HEADER_LINES),
        ("Gateway routes", _table(["change", "route", "old", "new"],
                                  _old_new_rows(diff.gateway_routes, _show_gateway_route)), _TABLE_HEADER_LINES),
        ("Public exposure", _exposure(diff, _PUBLIC_ENTRY[review.target]), 0),
        ("Protocol and port changes", _table(["listener", "old", "new"],
                                             [[c.name, c.old, c.new] for c in diff.listeners]), _TABLE_HEADER_LINES),
        ("Mesh egress filter", [f"- {diff.egress_filter.old} → {diff.egress_filter.new}"] if diff.egress_filter else [],
         0),
        ("Egress outside the mesh", [f"- added {grant}" for grant in diff.egress_added]
         + [f"- removed {grant}" for grant in diff.egress_removed], 0),
        ("TLS", _table(["where", "old", "new", "weakens"],
                       [[c.where, c.old, c.new, c.weakened or "no"] for c in review.tls]), _TABLE_HEADER_LINES),
        ("Stack settings", _table(["setting", "old", "new", "weakens"],
                                  [[f"`{c.key}`", c.old, c.new, c.weakened or "no"] for c in review.settings]),
         _TABLE_HEADER_LINES),
        ("Images", _table(["color", "old", "new", "look at"],
                          [[c.color, c.old or "(new color)", c.new, "; ".join(c.attention) or "—"]
                           for c in review.images]), _TABLE_HEADER_LINES),
    ]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return table(header, rows) if rows else []


def _edges(diff: AccessDiff) -> list[str]:
    rows = [["added", describe_edge(edge)] for edge in diff.edges_added]
    rows += [["removed", describe_edge(edge)] for edge in diff.edges_removed]
    return _table(["change", "caller → callee:port"], rows)


def _callers(diff: AccessDiff) -> list[str]:
    body = []
    for change in diff.callers:
        parts = []
        if change.added:
            parts.append("new callers " + ", ".join(str(caller) for caller in change.added))
        if change.removed:
            parts.append("no longer called by " + ", ".join(str(caller) for caller in change.removed))
        body.append(f"- **{change.callee}**: " + "; ".join(parts))
    return body


def _weight(value: Optional[int]) -> str:
    return "—" if value is None else str(value)


def _weights(diff: AccessDiff) -> list[str]:
    rows = [[w.router, w.route, w.target, _weight(w.old), _weight(w.new)] for w in diff.weights]
    return _table(["router", "route", "target", "old", "new"], rows)


def _old_new_rows(changes: tuple[Change, ...], show) -> list[list[str]]:
    return [
        [("added" if c.old is None else "removed" if c.new is None else "changed"), c.name,
         "—" if c.old is None else show(c.old), "—" if c.new is None else show(c.new)]
        for c in changes
    ]


def _show_gateway_route(route: GatewayRoute) -> str:
    priority = f" (priority {route.priority})" if route.priority is not None else ""
    return f"{route.match.prefix} → {route.target}{priority}"


def _show_entry(entry: PublicEntry) -> str:
    public = f" (public port {entry.public_port})" if entry.public_port else ""
    return f"gateway `{entry.gateway.name}` {entry.protocol}:{entry.port}{public}"


_PUBLIC_ENTRY = {"app-mesh": "through the NLB", "service-connect": "on the ALB"}  # what faces the internet


def _exposure(diff: AccessDiff, entry_point: str) -> list[str]:
    body = []
    for entry in diff.public_entries:
        if entry.old is None:
            body.append(f"- the internet can now reach {_show_entry(entry.new)} {entry_point}")
        elif entry.new is None:
            body.append(f"- no longer public: {_show_entry(entry.old)} is gone")
        else:
            body.append(f"- public entry {_show_entry(entry.old)} → {_show_entry(entry.new)}")
    body += [f"- newly exposed to the internet through the gateway: `{name}`" for name in diff.exposed_added]
    body += [f"- no longer exposed through the gateway: `{name}`" for name in diff.exposed_removed]
    return body
