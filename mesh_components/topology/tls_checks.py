"""Checks of TLS settings: one source per certificate and trust, well-formed ACM ARNs, client
policies only for declared backends, the topology-wide `mesh.tls: required` switch, and only TLS
material an ECS task can actually provide (ACM today; see check_tls_material_sources)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from . import limits
from .check_support import all_color_listeners, exactly_one, gateway_listeners, list_size
from .errors import Problem
from .graph import MeshGraph, Workload
from .model import Topology
from .tls import ClientTls, ListenerTls


def listener_tls_settings(topology: Topology) -> Iterator[tuple[tuple, ListenerTls]]:
    for _, path, listener in all_color_listeners(topology):
        if listener.tls:
            yield path + ("tls",), listener.tls
    for path, listener in gateway_listeners(topology):
        if listener.tls:
            yield path + ("tls",), listener.tls


def client_tls_settings(topology: Topology) -> Iterator[tuple[tuple, ClientTls]]:
    if topology.mesh.backend_tls:
        yield ("mesh", "backend_tls"), topology.mesh.backend_tls
    for name, color in topology.colors.items():
        if color.backend_tls:
            yield ("colors", name, "backend_tls"), color.backend_tls
        for backend, policy in color.backend_tls_for.items():
            yield ("colors", name, "backend_tls_for", backend), policy
    if topology.gateway and topology.gateway.backend_tls:
        yield ("gateway", "backend_tls"), topology.gateway.backend_tls


def check_listener_tls(topology: Topology) -> Iterator[Problem]:
    for path, tls in listener_tls_settings(topology):
        certificate = path + ("certificate",)
        yield from exactly_one(tls.certificate, ("acm", "file", "sds"), certificate, "a certificate")
        if tls.certificate.acm is not None and not limits.ACM_CERTIFICATE_ARN.fullmatch(tls.certificate.acm):
            yield Problem(f"{tls.certificate.acm!r} is not an ACM certificate ARN; "
                          f"expected {limits.ACM_CERTIFICATE_ARN_SHAPE}", path=certificate + ("acm",))
        if tls.validation is not None:
            yield from exactly_one(tls.validation.trust, ("file", "sds"), path + ("validation", "trust"),
                                   "client validation trust")


def check_client_tls(topology: Topology) -> Iterator[Problem]:
    for path, policy in client_tls_settings(topology):
        trust = path + ("trust",)
        yield from exactly_one(policy.trust, ("acm", "file", "sds"), trust, "trust")
        if policy.trust.acm is not None:
            yield from list_size(policy.trust.acm, limits.ACM_CA_ARNS_MIN, limits.ACM_CA_ARNS_MAX, trust + ("acm",),
                                 "certificate authorities")
            for index, arn in enumerate(policy.trust.acm):
                if not limits.ACM_PCA_ARN.fullmatch(arn):
                    yield Problem(f"{arn!r} is not an AWS Private CA ARN; expected {limits.ACM_PCA_ARN_SHAPE}",
                                  path=trust + ("acm", index))
        if policy.certificate is not None:
            yield from exactly_one(policy.certificate, ("file", "sds"), path + ("certificate",), "a client certificate")


def check_backend_tls_targets(topology: Topology) -> Iterator[Problem]:
    for name, color in topology.colors.items():
        for backend in color.backend_tls_for:
            if backend not in color.backends:
                yield Problem(f"{backend!r} is not a backend of {name!r} (its backends: "
                              f"{', '.join(color.backends) or 'none'}); add it to backends or remove this entry",
                              path=("colors", name, "backend_tls_for", backend), on_key=True)


def check_tls_required(topology: Topology) -> Iterator[Problem]:
    """`mesh.tls: required`: every color listener STRICT, every call from a color or the gateway TLS-enforced."""
    if topology.mesh.tls != "required":
        return
    why = "mesh.tls is required"
    for _, path, listener in all_color_listeners(topology):
        if listener.tls is None or listener.tls.mode != "STRICT":
            found = "no tls" if listener.tls is None else f"tls mode {listener.tls.mode}"
            yield Problem(f"listener on port {listener.port} has {found}, but {why}; set tls.mode STRICT with a certificate",
                          path=path + (("tls", "mode") if listener.tls else ()))
    graph = MeshGraph(topology)
    for name, color in topology.colors.items():
        for index, backend in enumerate(color.backends):
            policy = graph.client_tls(Workload("color", name), backend)
            if policy is None or not policy.enforce:
                yield Problem(f"calls to {backend!r} do not enforce TLS, but {why}; set backend_tls (here or on mesh) "
                              "with enforce: true", path=("colors", name, "backends", index))
    gateway = topology.gateway
    if gateway and gateway.routes:
        policy = graph.caller_tls(Workload("gateway", gateway.name)).default
        if policy is None or not policy.enforce:
            yield Problem(f"the gateway's calls to its route targets do not enforce TLS, but {why}; "
                          "set gateway.backend_tls or mesh.backend_tls with enforce: true", path=("gateway",),
                          on_key=True)


TLS_CHECKS = (check_listener_tls, check_client_tls, check_backend_tls_targets, check_tls_required)
