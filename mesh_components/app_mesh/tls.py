"""App Mesh TLS specs: listener TLS and client policies.

Spec builders translate a validated model; the same dicts fit virtual nodes and gateways.
"""

from __future__ import annotations

from typing import Optional

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


def backend_defaults_spec(default: Optional[ClientTls]) -> Optional[dict]:
    """A caller's `backend_defaults`: its default client policy, when it has one."""
    return {"client_policy": client_policy_spec(default)} if default else None


def client_policy_spec(tls: Optional[ClientTls]) -> Optional[dict]:
    if tls is None:
        return None
    return {"tls": compact(
        enforce=tls.enforce,
        ports=list(tls.ports),
        validation=compact(trust=_trust(tls.trust), subject_alternative_names=_sans(tls.subject_alternative_names)),
        certificate=_certificate(tls.certificate) if tls.certificate else None,
    )}
