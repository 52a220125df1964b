"""Mesh-wide TLS, when a stack asks for it: every virtual node listener STRICT, every backend call
TLS-enforced (its own client policy, or the node's backend defaults); on Service Connect, every service
a service publishes has TLS from an AWS Private CA, with the ECS infrastructure role that issues it.

Off until configured, like a promise the stack makes: set `required: true` for the policy
(`{"mesh-tls-required": {"required": true}}` in the pack config) and it is mandatory. The
advisory `mesh-listener-tls` keeps nudging stacks that have not opted in.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from . import service_connect
from .mesh_edges import VIRTUAL_NODE
from .stack_index import ECS_SERVICE
from .reading import PolicySpec, Settings, Subject, is_unknown, resource_policy

TLS_REQUIRED = PolicySpec(
    "mesh-tls-required",
    "When configured (required: true), every virtual node listener uses TLS mode STRICT and every backend "
    "call enforces TLS; every Service Connect service an ECS service publishes has tls with an AWS Private CA "
    "issuer and an infrastructure role.",
    knobs={"required": ({"type": "boolean"}, False)},
)


def _enforces(client_policy: Any) -> bool | None:
    """True/False for a known client policy; None when it is unknown (judged once known)."""
    if is_unknown(client_policy):
        return None
    tls = client_policy.get("tls") if isinstance(client_policy, dict) else None
    if is_unknown(tls):
        return None
    if not isinstance(tls, dict):
        return False
    enforce = tls.get("enforce", True)  # App Mesh enforces a client policy's TLS unless told otherwise
    return None if is_unknown(enforce) else enforce is not False


def _listener_problems(subject: Subject) -> Iterable[str]:
    listeners = subject.props.items("spec", "listeners")
    if is_unknown(listeners):
        return
    for index in range(len(listeners)):
        mode = subject.props.get("spec", "listeners", index, "tls", "mode")
        if not is_unknown(mode) and mode != "STRICT":
            found = "no TLS" if mode is None else f"TLS mode {mode}"
            yield subject.violation(f"listener {index} has {found}, but this stack requires TLS",
                                    'set spec.listeners[].tls.mode = "STRICT" with a certificate')


def _backend_problems(subject: Subject) -> Iterable[str]:
    defaults = _enforces(subject.props.get("spec", "backendDefaults", "clientPolicy"))
    backends = subject.props.items("spec", "backends")
    if is_unknown(backends):
        return
    for index in range(len(backends)):
        name = subject.props.get("spec", "backends", index, "virtualService", "virtualServiceName")
        own = subject.props.get("spec", "backends", index, "virtualService", "clientPolicy")
        enforced = _enforces(own) if own is not None else defaults
        if enforced is False:
            label = name if isinstance(name, str) else f"backend {index}"
            yield subject.violation(f"calls {label} without enforcing TLS, but this stack requires TLS",
                                    "set a client policy with tls.enforce = true on the backend or in spec.backendDefaults")


_PCA_AUTHORITY = re.compile(r"^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority/[^/*?]+$")


def _service_connect_problems(subject: Subject) -> Iterable[str]:
    if service_connect.enabled(subject) is not True:
        return
    fix = ("set serviceConnectConfiguration.services[].tls = {issuerCertAuthority: {awsPcaAuthorityArn: <the Private CA>}, "
           "roleArn: <the ECS infrastructure role>}")
    for index in service_connect.entries(subject):
        name = subject.props.get("serviceConnectConfiguration", "services", index, "portName")
        label = f"Service Connect service {index} ({name})" if isinstance(name, str) else f"Service Connect service {index}"
        tls = subject.props.get("serviceConnectConfiguration", "services", index, "tls")
        if is_unknown(tls):
            continue
        if tls is None:
            yield subject.violation(f"{label} has no tls, but this stack requires TLS", fix)
            continue
        authority = subject.props.get("serviceConnectConfiguration", "services", index, "tls", "issuerCertAuthority", "awsPcaAuthorityArn")
        role = subject.props.get("serviceConnectConfiguration", "services", index, "tls", "roleArn")
        if not is_unknown(authority) and not (isinstance(authority, str) and _PCA_AUTHORITY.match(authority)):
            yield subject.violation(f"{label} names issuer {authority!r}, not an AWS Private CA certificate authority, but this stack requires TLS", fix)
        if role is None:
            yield subject.violation(f"{label} has tls without a roleArn, so ECS cannot issue its certificates, but this stack requires TLS", fix)


def _check_tls_required(subject: Subject, settings: Settings) -> Iterable[str]:
    if settings["required"] is not True:
        return
    if subject.type == ECS_SERVICE:
        yield from _service_connect_problems(subject)
        return
    yield from _listener_problems(subject)
    yield from _backend_problems(subject)


def policies() -> list:
    return [resource_policy(TLS_REQUIRED, (VIRTUAL_NODE, ECS_SERVICE), _check_tls_required)]
