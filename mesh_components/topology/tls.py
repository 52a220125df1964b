"""TLS between Envoys: what a listener serves and checks, and what a caller trusts and presents.

Certificates come from exactly one source: ACM (issued by AWS Private CA, referenced by ARN), files
mounted in the Envoy container, or an SDS secret. Which source fits where (a listener validates
clients with file or SDS trust only; a caller trusts ACM Private CA, file or SDS) is in the types.
App Mesh knows all three, but the ECS tasks we generate provide ACM material only (nothing puts files
into the Envoy container, and no task runs an SDS agent), so tls_checks refuses `file` and `sds`, and
with them mutual TLS, which App Mesh takes only from those two.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, StrictBool

from .spec import NonEmptyStr, Port, Spec

TlsMode = Literal["STRICT", "PERMISSIVE"]
TlsRequirement = Literal["required", "optional"]


class CertificateFiles(Spec):
    certificate_chain: NonEmptyStr = Field(
        description="Path of the PEM chain inside the Envoy container (refused: nothing puts files there yet).")
    private_key: NonEmptyStr


class ServerCertificate(Spec):
    """A listener's certificate: exactly one of `acm`, `file`, `sds`."""

    acm: Optional[NonEmptyStr] = Field(default=None, description="ACM certificate ARN (issued by AWS Private CA).")
    file: Optional[CertificateFiles] = None
    sds: Optional[NonEmptyStr] = Field(default=None, description="SDS secret name (refused: no task runs an SDS agent yet).")


class ClientCertificate(Spec):
    """A caller's own certificate for mutual TLS: exactly one of `file`, `sds`."""

    file: Optional[CertificateFiles] = None
    sds: Optional[NonEmptyStr] = None


class FileTrust(Spec):
    certificate_chain: NonEmptyStr


class PeerTrust(Spec):
    """Whom a listener accepts as clients: exactly one of `file`, `sds`."""

    file: Optional[FileTrust] = None
    sds: Optional[NonEmptyStr] = None


class ServerTrust(Spec):
    """Whom a caller accepts as servers: exactly one of `acm` (1-3 Private CA ARNs), `file`, `sds`."""

    acm: Optional[tuple[NonEmptyStr, ...]] = Field(default=None, description="AWS Private CA ARNs.")
    file: Optional[FileTrust] = None
    sds: Optional[NonEmptyStr] = None


class ClientValidation(Spec):
    trust: PeerTrust
    subject_alternative_names: tuple[NonEmptyStr, ...] = ()


class ListenerTls(Spec):
    mode: TlsMode
    certificate: ServerCertificate
    validation: Optional[ClientValidation] = Field(
        default=None, description="Mutual TLS: which clients are accepted (refused: needs file or sds trust).")


class ClientTls(Spec):
    """How a caller's Envoy connects to a backend."""

    enforce: StrictBool = True
    ports: tuple[Port, ...] = Field(default=(), description="Only these backend ports; empty means all.")
    trust: ServerTrust
    subject_alternative_names: tuple[NonEmptyStr, ...] = ()
    certificate: Optional[ClientCertificate] = Field(
        default=None, description="Mutual TLS: what this caller presents (refused: needs file or sds).")
