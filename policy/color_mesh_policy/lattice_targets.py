"""VPC Lattice target groups hold only mesh workloads.

A Lattice service forwards to target groups; whatever is registered in them receives the mesh's traffic. So
every target group the stack's Lattice listeners and rules forward to is one of the stack's, of type IP, in the
VPC of the mesh's workloads, and filled only by ECS: each `vpcLatticeConfigurations` entry of an ECS service
names such a group, from a Service Connect workload, on a port mapping it publishes through Service Connect.
Targets registered by hand (TargetGroupAttachment) are refused: the pack cannot tie them to a workload.
"""

from __future__ import annotations

from typing import Iterable, Optional

from .lattice import LISTENER, LISTENER_RULE, TARGET_GROUP, TARGET_GROUP_ATTACHMENT, Lattice, Registration
from .reading import PolicySpec, Settings, Subject, is_unknown, stack_policy
from .stack_index import StackIndex

TARGETS_MESH_ONLY = PolicySpec(
    "lattice-target-groups-mesh-only",
    "VPC Lattice target groups hold only mesh workloads: Lattice listeners and rules forward only to the stack's "
    "target groups, each of type IP in the VPC of the mesh's workloads; every ECS vpcLatticeConfigurations entry names "
    "one, from a Service Connect workload, on a port mapping it publishes; no target is registered by hand.",
)
_FIX = ("forward only to IP target groups of this stack in the mesh's VPC, filled by the Service Connect workloads' "
        "vpcLatticeConfigurations")


def _check_targets(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    lattice = Lattice(index)
    if not lattice.present:
        return
    for group in index.of_types((TARGET_GROUP,)):
        problem = _group_problem(lattice, group)
        if problem:
            yield group.urn, group.violation(problem, _FIX)
    for subject, path in _forwards(index):
        reference = subject.props.get(*path)
        if not is_unknown(reference) and lattice.named((TARGET_GROUP,), reference) is None:
            yield subject.urn, subject.violation(
                f"forwards to target group {reference}, which this stack does not create, so what it holds is unknown", _FIX)
    for registration in lattice.registrations:
        problem = _registration_problem(index, lattice, registration)
        if problem:
            service = registration.service
            yield service.urn, service.violation(f"{registration.where} {problem}", _FIX)
    for attachment in index.of_types((TARGET_GROUP_ATTACHMENT,)):
        yield attachment.urn, attachment.violation(
            f"registers target {attachment.props.get('target', 'id')} into {attachment.props.get('targetGroupIdentifier')} "
            "by hand, so the pack cannot tie it to a mesh workload", "let ECS register the workload's tasks (vpcLatticeConfigurations)")


def _group_problem(lattice: Lattice, group: Subject) -> Optional[str]:
    kind, vpc = group.props.get("type"), group.props.get("config", "vpcIdentifier")
    if not is_unknown(kind) and kind != "IP":
        return f"is of type {kind}, so it holds something other than the ECS tasks of mesh workloads"
    if not is_unknown(vpc) and lattice.mesh_vpcs and vpc not in lattice.mesh_vpcs:  # none known: judged once known
        where = ", ".join(sorted(lattice.mesh_vpcs)) or "none known"
        return f"is in VPC {vpc}, not the VPC of the mesh's workloads ({where})"
    return None


def _forwards(index: StackIndex) -> Iterable[tuple[Subject, tuple]]:
    """(resource, path to a target group identifier) for every weighted target of Lattice listeners and rules."""
    for subject in index.of_types((LISTENER, LISTENER_RULE)):
        action = ("defaultAction",) if subject.type == LISTENER else ("action",)
        groups = subject.props.items(*action, "forward", "targetGroups")
        for position, _ in enumerate(groups if isinstance(groups, list) else []):
            yield subject, (*action, "forward", "targetGroups", position, "targetGroupIdentifier")


def _registration_problem(index: StackIndex, lattice: Lattice, registration: Registration) -> Optional[str]:
    if index.identity_unknown(registration.service) or is_unknown(registration.target_group) or is_unknown(registration.port_name):
        return None  # judged once known
    if not lattice.is_workload(registration.service):
        return "registers tasks that are no Service Connect workload's into a Lattice target group"
    if lattice.named((TARGET_GROUP,), registration.target_group) is None:
        return f"names target group {registration.target_group}, which is no Lattice target group of this stack"
    port = lattice.registration_port(registration)
    served = index.served_ports(registration.service)
    if port is None:
        return f"names port mapping {registration.port_name!r}, which the service's task definition does not have"
    if port not in served:
        offered = ", ".join(map(str, sorted(served))) or "none"
        return f"registers port {port} ({registration.port_name}), which the workload does not publish through Service Connect ({offered})"
    return None


def policies() -> list:
    return [stack_policy(TARGETS_MESH_ONLY, _check_targets)]
