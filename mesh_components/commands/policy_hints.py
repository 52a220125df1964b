"""Which topology or stack key fixes a policy verdict on a resource this program made.

The pack judges AWS resources alone and speaks AWS field names (`set enableDeletionProtection =
true`); it must not know this program. Here the verdict is read against the resource the program
registered (its App Mesh names are the topology's names) and translated to the key a user edits.
None: no key of ours applies (the pack's own hint stands).
"""

from __future__ import annotations

from typing import Callable, Optional

from mesh_components.offline.policy_runner import Verdict
from mesh_components.offline.recording import RecordedResource

VIRTUAL_NODE = "aws:appmesh/virtualNode:VirtualNode"
VIRTUAL_GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway"
ROUTE = "aws:appmesh/route:Route"

Hint = Callable[[Optional[RecordedResource], str, str], Optional[str]]


def fix_hint(verdict: Verdict, resource: Optional[RecordedResource], topology_file: str, stack: str) -> Optional[str]:
    hint = _HINTS.get(verdict.policy_name)
    return hint(resource, topology_file, stack) if hint else None


def _stack_key(key: str, value: str) -> Hint:
    return lambda resource, topology_file, stack: f"set `color-mesh:{key}: {value}` in Pulumi.{stack}.yaml"


def _per_workload(color_key: str, gateway_key: Optional[str]) -> Hint:
    """`colors.<node name>.<key>` for a virtual node, `gateway.<key>` for the virtual gateway."""

    def hint(resource: Optional[RecordedResource], topology_file: str, stack: str) -> Optional[str]:
        name = _name(resource)
        if resource is None or name is None:
            return None
        if resource.type == VIRTUAL_NODE:
            return f"set `colors.{name}.{color_key}` in {topology_file}"
        if resource.type == VIRTUAL_GATEWAY and gateway_key:
            return f"set `gateway.{gateway_key}` in {topology_file}"
        return None

    return hint


def _route_retry(resource: Optional[RecordedResource], topology_file: str, stack: str) -> Optional[str]:
    if resource is None or resource.type != ROUTE:
        return None
    router, route = resource.checked_inputs.get("virtualRouterName"), _name(resource)
    return f"set `routers.{router}.routes.{route}.retry_policy` in {topology_file}" if router and route else None


def _no_key(resource: Optional[RecordedResource], topology_file: str, stack: str) -> Optional[str]:
    return "no topology or stack key sets this: the program does not offer it"


def _public_ingress(resource: Optional[RecordedResource], topology_file: str, stack: str) -> Optional[str]:
    return (f"narrow `color-mesh:publicCidrs` in Pulumi.{stack}.yaml, or the gateway's ports "
            f"(`gateway.port` / `gateway.listeners`) in {topology_file}")


def _name(resource: Optional[RecordedResource]) -> Optional[str]:
    name = resource.checked_inputs.get("name") if resource else None
    return name if isinstance(name, str) else None


_HINTS: dict[str, Hint] = {
    "lb-deletion-protection": _stack_key("deletionProtection", "true"),
    "logs-retention-set": _stack_key("logRetentionDays", "<days>"),
    "ecs-envoy-image-pinned": _stack_key("envoyImage", "<repository>:vX.Y.Z.W-prod"),
    "sg-no-public-ingress": _public_ingress,
    "sg-public-ingress-listener-ports": _public_ingress,
    "mesh-egress-drop-all": lambda resource, topology_file, stack: f"set `mesh.egress_filter: DROP_ALL` in {topology_file}",
    "mesh-listener-tls": _per_workload("tls", "tls"),
    "mesh-tls-required": _per_workload("tls (mode STRICT) and backend_tls (enforce: true)", "backend_tls"),
    "mesh-listener-health-checks": _per_workload("health_check", None),
    "mesh-access-logs": _per_workload("access_log", "access_log"),
    "mesh-route-retry-policy": _route_retry,
    "ecs-readonly-root-filesystem": _no_key,
}
