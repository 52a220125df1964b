"""One review of a change: access, TLS, stack settings, images and environment, and the verdict.

The verdict fails closed. The change WIDENS (exit 3, label `access-widened`) when access widened
(`access_diff`), an application is granted more in AWS or a topology Envoy image weakened
(`grants_diff`), TLS weakened (`tls_diff`), a setting weakened (`settings_diff`), or part of the
base could not be compared (`uncompared`: a new stack, a base that does not validate, a topology
file that cannot be read at the base). Images and credential-like environment values are shown
first, next to the verdict, but do not widen on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from mesh_components.targets import DEFAULT_TARGET
from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.model import Mesh, Topology

from .access_diff import AccessDiff, diff_access
from .grants_diff import widened_grants
from .settings_diff import SettingChange
from .tls_diff import TlsChange, diff_tls
from .workload_diff import ImageChange, credential_like_env, diff_images


@dataclass(frozen=True)
class Review:
    old_name: str
    new_name: str
    access: AccessDiff
    tls: tuple[TlsChange, ...] = ()
    images: tuple[ImageChange, ...] = ()
    credentials: tuple[str, ...] = ()
    settings: tuple[SettingChange, ...] = ()
    uncompared: tuple[str, ...] = ()  # why (part of) the base could not be compared; each one widens
    base_problems: tuple[str, ...] = ()  # the base's own problems, shown as such
    title: str = ""
    grants: tuple[str, ...] = ()  # what the applications may newly do in AWS; each one widens
    targets: tuple[str, str] = (DEFAULT_TARGET, DEFAULT_TARGET)  # (base, head): each side was loaded for its own

    @property
    def target(self) -> str:
        """The head's target: how its facts are described (the NLB or the ALB in front of the gateway)."""
        return self.targets[1]

    @property
    def widening_reasons(self) -> tuple[str, ...]:
        return (self.uncompared + self.access.widening_reasons + self.grants
                + tuple(f"TLS weakened: {change.where}: {change.weakened}" for change in self.tls if change.weakened)
                + tuple(f"setting `{change.key}`: {change.weakened}" for change in self.settings if change.weakened))

    @property
    def widened(self) -> bool:
        return bool(self.widening_reasons)

    @property
    def attention(self) -> tuple[str, ...]:
        """What a reviewer must see even when nothing widened."""
        images = tuple(f"image of {change.color}: `{change.new}`: {'; '.join(change.attention)}"
                       for change in self.images if change.attention)
        return images + self.credentials

    @property
    def unchanged(self) -> bool:
        return self.access.unchanged and not (self.tls or self.images or self.credentials or self.settings
                                              or self.uncompared or self.base_problems or self.grants)


def empty_graph() -> MeshGraph:
    """The mesh before anything exists: what a new stack, or a base that cannot be read, is compared with."""
    mesh = Mesh.model_construct(name="", namespace="")
    return MeshGraph(Topology.model_construct(mesh=mesh, colors={}, routers={}, gateway=None))


def review_graphs(old: MeshGraph, new: MeshGraph, old_name: str, new_name: str, **stack_parts) -> Review:
    return Review(
        old_name, new_name, diff_access(old, new), tls=diff_tls(old, new),
        images=diff_images(old.topology, new.topology), credentials=credential_like_env(old.topology, new.topology),
        grants=widened_grants(old.topology, new.topology), **stack_parts)
