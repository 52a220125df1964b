"""What a change does to TLS between Envoys, and which of it weakens the mesh.

Listeners are compared per workload and port, callers' client TLS per call edge that exists on both
sides (a new edge is widened access already). A change WEAKENS TLS when:

1. a listener serves less: STRICT > PERMISSIVE > none, and client validation (mutual TLS) is lost;
2. a listener's client validation accepts more: a subject alternative name added or the list
   emptied, or another trust source (which cannot be compared offline, so it counts);
3. a call stops enforcing TLS (no client policy, `enforce: false`, or the port left out of `ports`);
4. an enforcing caller trusts more: another trust source or more CAs, more or no subject
   alternative names, or it stops presenting its client certificate;
5. `mesh.tls` goes from `required` to `optional`;
6. the load balancer stops terminating TLS for a gateway listener (`public_tls` removed).

Certificate rotation (another certificate on the same listener) is reported, not weakening.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from mesh_components.topology.graph import CallEdge, MeshGraph
from mesh_components.topology.tls import ClientTls, ListenerTls

from .access_diff import describe_edge

_MODE_RANK = {None: 0, "PERMISSIVE": 2, "STRICT": 4}


@dataclass(frozen=True)
class TlsChange:
    where: str  # "listener red:80", "calls red → blue:80", "mesh.tls"
    old: str
    new: str
    weakened: Optional[str] = None  # why, when it weakens


def diff_tls(old: MeshGraph, new: MeshGraph) -> tuple[TlsChange, ...]:
    changes = list(_listener_changes(old, new)) + list(_public_tls_changes(old, new)) + list(_client_changes(old, new))
    old_required, new_required = old.topology.mesh.tls, new.topology.mesh.tls
    if old_required != new_required:
        why = "mesh.tls is no longer required" if old_required == "required" else None
        changes.append(TlsChange("mesh.tls", old_required, new_required, why))
    return tuple(changes)


def _listeners(graph: MeshGraph) -> dict[str, Optional[ListenerTls]]:
    found = {f"listener {name}:{listener.port}": listener.tls
             for name, color in graph.topology.colors.items() for listener in color.listeners}
    gateway = graph.topology.gateway
    if gateway:
        found.update({f"listener {gateway.name} (gateway):{listener.port}": listener.tls
                      for listener in gateway.listeners})
    return found


def _public_tls(graph: MeshGraph) -> dict[str, Optional[str]]:
    """The certificate the load balancer terminates TLS with, per gateway listener (None: it passes TCP or HTTP)."""
    gateway = graph.topology.gateway
    return {f"load balancer for {gateway.name} (gateway):{listener.port}":
            listener.public_tls.certificate if listener.public_tls else None
            for listener in (gateway.listeners if gateway else ())}


def _public_tls_changes(old: MeshGraph, new: MeshGraph) -> Iterator[TlsChange]:
    before, after = _public_tls(old), _public_tls(new)
    for where in sorted(before.keys() & after.keys()):
        was, now = before[where], after[where]
        if was != now:
            yield TlsChange(where, f"TLS with {was}" if was else "no TLS", f"TLS with {now}" if now else "no TLS",
                            "the load balancer no longer terminates TLS" if was and not now else None)


def _show_listener(tls: Optional[ListenerTls]) -> str:
    if tls is None:
        return "no TLS"
    validation = " with client validation" if tls.validation else ""
    return f"{tls.mode}{validation}"


def _listener_changes(old: MeshGraph, new: MeshGraph) -> Iterator[TlsChange]:
    before, after = _listeners(old), _listeners(new)
    for where in sorted(before.keys() & after.keys()):
        was, now = before[where], after[where]
        if was == now:
            continue
        yield TlsChange(where, _show_listener(was), _show_listener(now), _listener_weakening(was, now))


def _listener_weakening(was: Optional[ListenerTls], now: Optional[ListenerTls]) -> Optional[str]:
    def rank(tls: Optional[ListenerTls]) -> int:
        return _MODE_RANK[tls.mode if tls else None] + (1 if tls and tls.validation else 0)

    if rank(now) < rank(was):
        return f"serves {_show_listener(now)} instead of {_show_listener(was)}"
    if was and now and was.validation and now.validation:
        if was.validation.trust != now.validation.trust:
            return "validates clients against another trust source (cannot be compared offline)"
        return _names_widened(was.validation.subject_alternative_names, now.validation.subject_alternative_names,
                              "accepts clients")
    return None


def _names_widened(was: tuple[str, ...], now: tuple[str, ...], verb: str) -> Optional[str]:
    if was and not now:
        return f"{verb} of any name (subject alternative names removed)"
    added = sorted(set(now) - set(was))
    return f"{verb} named {', '.join(added)} too" if was and added else None


def _client_policy(graph: MeshGraph, edge: CallEdge) -> Optional[ClientTls]:
    return graph.client_tls(edge.caller, edge.service)


def _enforced(policy: Optional[ClientTls], port: int) -> bool:
    return bool(policy and policy.enforce and (not policy.ports or port in policy.ports))


def _show_client(policy: Optional[ClientTls], port: int) -> str:
    if not _enforced(policy, port):
        return "TLS not enforced"
    client = " with a client certificate" if policy.certificate else ""
    return f"TLS enforced{client}"


def _client_changes(old: MeshGraph, new: MeshGraph) -> Iterator[TlsChange]:
    for edge in sorted(set(old.edges) & set(new.edges)):
        was, now = _client_policy(old, edge), _client_policy(new, edge)
        if was == now:
            continue
        weakening = _client_weakening(was, now, edge.port)
        old_text, new_text = _show_client(was, edge.port), _show_client(now, edge.port)
        if weakening or old_text != new_text:
            yield TlsChange(f"calls {describe_edge(edge)}", old_text, new_text, weakening)


def _client_weakening(was: Optional[ClientTls], now: Optional[ClientTls], port: int) -> Optional[str]:
    if not _enforced(was, port):
        return None
    if not _enforced(now, port):
        return "TLS is no longer enforced"
    if was.trust != now.trust:
        if not (was.trust.acm and now.trust.acm and set(now.trust.acm) <= set(was.trust.acm)):
            return "trusts other certificate authorities (cannot be compared offline)"
    if was.certificate and not now.certificate:
        return "no longer presents its client certificate"
    return _names_widened(was.subject_alternative_names, now.subject_alternative_names, "accepts servers")
