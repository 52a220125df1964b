"""Which mesh a stack runs, told from its AWS resources, so that no mix of the two switches a policy off.

App Mesh and Service Connect are judged by different rules (an Envoy sidecar and DROP_ALL on one, security
groups and an ALB on the other). A stack that runs both, or an ECS service that claims Service Connect while
its task runs App Mesh's proxy or cannot be read, would let each set of rules excuse the other: refused.
"""

from __future__ import annotations

from typing import Iterable

from . import service_connect
from .reading import PolicySpec, Settings, Subject, stack_policy
from .stack_index import ECS_SERVICE, StackIndex

ONE_KIND = PolicySpec(
    "mesh-one-kind",
    "A stack runs one kind of mesh: App Mesh (its resources or Envoy tasks) or ECS Service Connect (services with it "
    "enabled, cluster defaults), not both; and every ECS service with Service Connect enabled is a Service Connect "
    "workload (its task definition in the stack, without an App Mesh Envoy or proxy configuration).",
)


def _evidence(index: StackIndex) -> list[Subject]:
    """The resources that make a stack Service Connect."""
    services = [service for service in index.of_types((ECS_SERVICE,)) if service_connect.enabled(service) is True]
    clusters = [cluster for cluster in index.of_types((service_connect.CLUSTER,)) if service_connect.is_cluster_with_defaults(cluster)]
    return services + clusters


def _check_one_kind(resources: list[Subject], settings: Settings) -> Iterable[tuple[str, str]]:
    index = StackIndex(resources)
    if index.kinds == {service_connect.APP_MESH, service_connect.SERVICE_CONNECT}:
        app_mesh = sorted({resource.label for resource in index.resources if resource.type.startswith(service_connect.APP_MESH_PREFIX)})
        shown = ", ".join(app_mesh[:3]) + (" …" if len(app_mesh) > 3 else "") if app_mesh else "task definitions running an App Mesh Envoy"
        for subject in _evidence(index):
            yield subject.urn, subject.violation(
                f"uses Service Connect in a stack that also runs App Mesh ({shown}), so neither kind's rules hold for the whole stack",
                "run each kind of mesh in its own stack (AWS's migration path is a parallel environment)")
    for service in index.of_types((ECS_SERVICE,)):
        if service_connect.enabled(service) is not True or index.identity_unknown(service):
            continue
        task = index.task_definition_of(service)
        problem = service_connect.why_not_workload(service, task.props if task else None)
        if problem:
            yield service.urn, service.violation(
                f"enables Service Connect but {problem}",
                "run Service Connect services from a task definition of this stack without Envoy or proxyConfiguration")


def policies() -> list:
    return [stack_policy(ONE_KIND, _check_one_kind)]
