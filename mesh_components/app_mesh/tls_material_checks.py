"""Which TLS material Envoy can get in the tasks this target makes: ACM only, for now."""

from __future__ import annotations

from collections.abc import Iterator

from ..topology.errors import Problem
from ..topology.model import Topology
from ..topology.tls_checks import client_tls_settings, listener_tls_settings


# Why each non-ACM source cannot work in the tasks we generate. Envoy reads `file` material from paths inside
# its container, and nothing puts files there; `sds` needs an SDS agent (e.g. SPIRE) in the task, a socket
# volume shared with Envoy and APPMESH_SDS_SOCKET_PATH, none of which the task definitions have.
UNPROVIDED_SOURCES = {
    "file": "nothing puts certificate files into the Envoy container",
    "sds": "the task runs no SDS agent and Envoy gets no APPMESH_SDS_SOCKET_PATH socket",
}
USE_ACM_CERTIFICATE = "use acm (an ACM certificate ARN issued by AWS Private CA)"
USE_ACM_TRUST = "use acm (1-3 AWS Private CA ARNs)"


def _unprovided(spec, what: str, path: tuple, instead: str) -> Iterator[Problem]:
    """`spec`'s one source, when it is one an ECS task cannot provide (several or none: exactly_one says so)."""
    given = spec.given(*UNPROVIDED_SOURCES, *(("acm",) if hasattr(spec, "acm") else ()))
    if len(given) == 1 and given[0] in UNPROVIDED_SOURCES:
        source = given[0]
        yield Problem(f"{what} from {source} is not supported on ECS yet: {UNPROVIDED_SOURCES[source]}; {instead}",
                      path=path + (source,), on_key=True)


def check_tls_material_sources(topology: Topology) -> Iterator[Problem]:
    """Only ACM material reaches Envoy in the tasks we generate: refuse file and SDS sources, and the mutual-TLS
    settings App Mesh takes only from them (listener client validation, client certificates)."""
    for path, tls in listener_tls_settings(topology):
        yield from _unprovided(tls.certificate, "a listener certificate", path + ("certificate",), USE_ACM_CERTIFICATE)
        if tls.validation is not None:
            yield Problem("client validation (mutual TLS) is not supported on ECS yet: App Mesh checks clients only "
                          "against file or sds trust, which no task provides; remove validation (an ACM certificate "
                          "still encrypts and proves the server)", path=path + ("validation",), on_key=True)
    for path, policy in client_tls_settings(topology):
        yield from _unprovided(policy.trust, "trust", path + ("trust",), USE_ACM_TRUST)
        if policy.certificate is not None and len(policy.certificate.given("file", "sds")) == 1:
            yield Problem("a client certificate (mutual TLS) is not supported on ECS yet: App Mesh takes it only from "
                          "file or sds, which no task provides; remove certificate", path=path + ("certificate",),
                          on_key=True)
