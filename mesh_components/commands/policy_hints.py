"""Which topology or stack key fixes a policy verdict on a resource this program made.

The pack judges AWS resources alone and speaks AWS field names (`set enableDeletionProtection =
true`); it must not know this program. Here the verdict is read against the resource the program
registered (its App Mesh names are the topology's names) and translated to the key a user edits.
Every policy of the pack has an entry: a hint, or PACK_FIX where no key of ours applies (the program
always writes that shape, so only a change to the program or a resource added beside it breaks it,
and the pack's own fix stands).
"""

from __future__ import annotations

from typing import Callable, Optional

from mesh_components.offline.policy_runner import Verdict
from mesh_components.offline.recording import RecordedResource

VIRTUAL_NODE = "aws:appmesh/virtualNode:VirtualNode"
VIRTUAL_GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway"
ROUTE = "aws:appmesh/route:Route"
LATTICE_SERVICE = "aws:vpclattice/service:Service"
PACK_FIX = None  # no key of ours applies: the pack's own fix stands

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


def _topology_keys(keys: str, why: str) -> Hint:
    return lambda resource, topology_file, stack: f"{keys} in {topology_file}: {why}"


def _router_auth(resource: Optional[RecordedResource], topology_file: str, stack: str) -> Optional[str]:
    """A Lattice service's custom domain is `<router>.<namespace>`."""
    domain = resource.checked_inputs.get("customDomainName") if resource and resource.type == LATTICE_SERVICE else None
    router = domain.split(".", 1)[0] if isinstance(domain, str) else "<router>"
    return (f"set or remove `routers.{router}.auth: iam` in {topology_file}: with it the router's Lattice service is AWS_IAM "
            "and its auth policy names exactly its callers' task roles")


def _name(resource: Optional[RecordedResource]) -> Optional[str]:
    name = resource.checked_inputs.get("name") if resource else None
    return name if isinstance(name, str) else None


_CALLS = "a color's security groups and a router's Lattice access follow the calls it declares"
_LATTICE_TARGETS = "each target color registers the listener port the router reaches into that router's target group"

_HINTS: dict[str, Optional[Hint]] = {
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
    "mesh-edges-declared": _topology_keys("set `colors.<caller>.backends`", _CALLS),
    # Service Connect
    "mesh-one-kind": _stack_key("target", "app-mesh | service-connect"),
    "mesh-workload-egress": _topology_keys("set `colors.<caller>.backends`", _CALLS),
    "lb-reaches-served-port": _topology_keys(
        "set `gateway.routes` and the target colors' `listeners`",
        "the gateway's load balancer registers each target color on the listener port its routes reach"),
    "iam-service-connect-tls-role": _topology_keys(
        "set `colors.<color>.tls` / `backend_tls`", "the program grants its Service Connect TLS role only what TLS needs"),
    "iam-execution-role-secrets": _topology_keys(
        "set `colors.<color>.secrets` / `secrets_kms_key`", "the program lets the execution role read exactly the "
        "secrets and parameters the task definitions name, and decrypt with the key given"),
    # VPC Lattice (routers called by colors on service-connect)
    "lattice-service-auth": _router_auth,
    "lattice-auth-policy-shape": _router_auth,
    "lattice-target-groups-mesh-only": _topology_keys("set `routers.<router>.routes` targets and those colors' `listeners`",
                                                      _LATTICE_TARGETS),
    "lattice-service-network": _topology_keys(
        "set `colors.<caller>.backends`", "every router a color calls joins the stack's one service network, reachable from "
        "the mesh's VPC through its association alone"),
    "lattice-prefix-list-rules": _topology_keys(
        "set `colors.<caller>.backends` and `routers.<router>.routes`",
        f"{_CALLS}; pin the regional Lattice prefix list with the policy's latticePrefixListIds"),
    "iam-lattice-infrastructure-role": _topology_keys(
        "set `routers.<router>.routes` targets", "the program grants its Lattice registration role only the registration "
        "actions, on the stack's target groups"),
    # What the program always writes one way: no key of ours applies.
    **dict.fromkeys([
        "mesh-workload-groups-exclusive", "sg-no-all-protocols", "sg-port-range-limit",
        "sg-no-self-all-traffic", "sg-no-default-security-group", "sg-no-default-security-group-rules",
        "sg-no-egress-all-to-world", "sg-no-envoy-admin-port", "envoy-admin-port-closed", "sg-rule-peers-resolvable",
        "sg-rule-peers-in-stack", "sg-no-network-interface-attachment", "ecs-no-public-ip", "ecs-awsvpc-network-mode",
        "ecs-no-privileged-containers", "ecs-proxy-uid-reserved", "ecs-proxy-egress-ignored", "ecs-mesh-proxy-configured",
        "ecs-app-ports-cover-listeners", "ecs-no-dangerous-capabilities", "ecs-envoy-identity-visible",
        "iam-no-wildcard-allow", "iam-envoy-stream-scoped", "iam-managed-policies-judged", "iam-task-role-trust",
        "iam-mesh-task-roles", "lb-internet-facing-is-network", "lb-internet-facing-only-gateway",
        "lb-reaches-gateway-envoy-listener",
    ], PACK_FIX),
}

POLICIES = frozenset(_HINTS)  # every policy of the pack, each with a hint or PACK_FIX
