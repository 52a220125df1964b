"""Render an `AccessDiff` as markdown for a pull-request comment: the verdict first, then each kind of change."""

from __future__ import annotations

from typing import Optional

from mesh_components.topology.graph import PublicEntry
from mesh_components.topology.model import GatewayRoute

from .access_diff import AccessDiff, Change, describe_edge
from .markdown import table

NOT_COMPARED = "Images, sizes, counts and health checks are not compared here; `pulumi preview` shows them."


def render_diff_markdown(diff: AccessDiff, old_name: str, new_name: str) -> str:
    lines = [f"### Access diff: `{old_name}` → `{new_name}`", ""]
    if diff.widened:
        lines.append("**Access widened** — this change lets something reach what it could not before:")
        lines += [f"- {reason}" for reason in diff.widening_reasons]
    elif diff.unchanged:
        lines.append("**No change** in access, routing, exposure or listeners.")
    else:
        lines.append("**Access not widened.**")
    for section in (_edges, _callers, _services, _weights, _router_routes, _gateway_routes, _exposure,
                    _listeners, _egress):
        lines += section(diff)
    lines += ["", f"_{NOT_COMPARED}_"]
    return "\n".join(lines) + "\n"


def _section(title: str, body: list[str]) -> list[str]:
    return ["", f"#### {title}", "", *body] if body else []


def _edges(diff: AccessDiff) -> list[str]:
    rows = [["added", describe_edge(edge)] for edge in diff.edges_added]
    rows += [["removed", describe_edge(edge)] for edge in diff.edges_removed]
    return _section("Call edges", table(["change", "caller → callee:port"], rows) if rows else [])


def _callers(diff: AccessDiff) -> list[str]:
    body = []
    for change in diff.callers:
        parts = []
        if change.added:
            parts.append("new callers " + ", ".join(str(caller) for caller in change.added))
        if change.removed:
            parts.append("no longer called by " + ", ".join(str(caller) for caller in change.removed))
        body.append(f"- **{change.callee}**: " + "; ".join(parts))
    return _section("Callers per service", body)


def _services(diff: AccessDiff) -> list[str]:
    body = [f"- {'added' if c.new else 'removed'} {c.new or c.old} `{c.name}`" for c in diff.services]
    return _section("Virtual services", body)


def _weight(value: Optional[int]) -> str:
    return "—" if value is None else str(value)


def _weights(diff: AccessDiff) -> list[str]:
    rows = [[w.router, w.route, w.target, _weight(w.old), _weight(w.new)] for w in diff.weights]
    return _section("Route weights", table(["router", "route", "target", "old", "new"], rows) if rows else [])


def _old_new_rows(changes: tuple[Change, ...], show) -> list[list[str]]:
    return [
        [("added" if c.old is None else "removed" if c.new is None else "changed"), c.name,
         "—" if c.old is None else show(c.old), "—" if c.new is None else show(c.new)]
        for c in changes
    ]


def _router_routes(diff: AccessDiff) -> list[str]:
    rows = _old_new_rows(diff.router_routes, str)
    return _section("Router routes", table(["change", "router/route", "old match", "new match"], rows) if rows else [])


def _show_gateway_route(route: GatewayRoute) -> str:
    priority = f" (priority {route.priority})" if route.priority is not None else ""
    return f"{route.match.prefix} → {route.target}{priority}"


def _gateway_routes(diff: AccessDiff) -> list[str]:
    rows = _old_new_rows(diff.gateway_routes, _show_gateway_route)
    return _section("Gateway routes", table(["change", "route", "old", "new"], rows) if rows else [])


def _show_entry(entry: PublicEntry) -> str:
    return f"gateway `{entry.gateway.name}` {entry.protocol}:{entry.port}"


def _exposure(diff: AccessDiff) -> list[str]:
    body = []
    for entry in diff.public_entries:
        show = _show_entry
        if entry.old is None:
            body.append(f"- the internet can now reach {show(entry.new)} through the NLB")
        elif entry.new is None:
            body.append(f"- no longer public: {show(entry.old)} is gone")
        else:
            body.append(f"- public entry {show(entry.old)} → {show(entry.new)}")
    body += [f"- newly exposed to the internet through the gateway: `{name}`" for name in diff.exposed_added]
    body += [f"- no longer exposed through the gateway: `{name}`" for name in diff.exposed_removed]
    return _section("Public exposure", body)


def _listeners(diff: AccessDiff) -> list[str]:
    rows = [[c.name, c.old, c.new] for c in diff.listeners]
    return _section("Protocol and port changes", table(["listener", "old", "new"], rows) if rows else [])


def _egress(diff: AccessDiff) -> list[str]:
    change = diff.egress_filter
    return _section("Mesh egress filter", [f"- {change.old} → {change.new}"] if change else [])
