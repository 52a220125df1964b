"""App Mesh TLS specs (listener TLS, client policies) and the ARNs the task role must be able to read.

Spec builders translate a validated model; the same dicts fit virtual nodes and gateways.
"""

from __future__ import annotations

from typing import Iterable, Optional

from ..topology.model import Color, Gateway, Topology
from ..topology.tls import ClientTls, ListenerTls
from .spec_dicts import compact


def _sans(names: tuple[str, ...]) -> Optional[dict]:
    return {"match": {"exacts": list(names)}} if names else None


def _certificate(certificate) -> dict:
    """A server or client certificate from its one source."""
    if getattr(certificate, "acm", None):
        return {"acm": {"certificate_arn": certificate.acm}}
    if certificate.file:
        return {"file": compact(certificate_chain=certificate.file.certificate_chain,
                                private_key=certificate.file.private_key)}
    return {"sds": {"secret_name": certificate.sds}}


def _trust(trust) -> dict:
    if getattr(trust, "acm", None):
        return {"acm": {"certificate_authority_arns": list(trust.acm)}}
    if trust.file:
        return {"file": {"certificate_chain": trust.file.certificate_chain}}
    return {"sds": {"secret_name": trust.sds}}


def listener_tls_spec(tls: Optional[ListenerTls]) -> Optional[dict]:
    if tls is None:
        return None
    validation = (compact(trust=_trust(tls.validation.trust),
                          subject_alternative_names=_sans(tls.validation.subject_alternative_names))
                  if tls.validation else None)
    return compact(mode=tls.mode, certificate=_certificate(tls.certificate), validation=validation)


def client_policy_spec(tls: Optional[ClientTls]) -> Optional[dict]:
    if tls is None:
        return None
    return {"tls": compact(
        enforce=tls.enforce,
        ports=list(tls.ports),
        validation=compact(trust=_trust(tls.trust), subject_alternative_names=_sans(tls.subject_alternative_names)),
        certificate=_certificate(tls.certificate) if tls.certificate else None,
    )}


def _client_policies_of_color(topology: Topology, color: Color) -> list[ClientTls]:
    default = color.backend_tls or topology.mesh.backend_tls
    policies = [policy for backend, policy in color.backend_tls_for.items() if backend in color.backends]
    return policies + ([default] if default and color.backends else [])


def _acm_certificates(tls_specs: Iterable[Optional[ListenerTls]]) -> list[str]:
    return sorted({tls.certificate.acm for tls in tls_specs if tls and tls.certificate.acm})


def _private_cas(policies: Iterable[ClientTls]) -> list[str]:
    return sorted({arn for policy in policies for arn in (policy.trust.acm or ())})


def color_tls_arns(topology: Topology, color: Color) -> tuple[list[str], list[str]]:
    """(ACM certificate ARNs its listeners serve, Private CA ARNs its backend calls trust)."""
    certificates = _acm_certificates(listener.tls for listener in color.all_listeners)
    return certificates, _private_cas(_client_policies_of_color(topology, color))


def gateway_tls_arns(topology: Topology, gateway: Gateway) -> tuple[list[str], list[str]]:
    policy = gateway.backend_tls or topology.mesh.backend_tls
    certificates = _acm_certificates(listener.tls for listener in gateway.all_listeners)
    return certificates, _private_cas([policy] if policy and gateway.routes else [])

