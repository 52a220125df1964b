"""What AWS would hand back for a resource: ids, ARNs, provider auto-names and computed outputs.

Everything is derived from a hash of the resource's identity, never from randomness, so two
offline runs of the same program produce byte-identical state.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Mapping

ACCOUNT_ID = "123456789012"
FIXED_TIMESTAMP = "2026-01-01T00:00:00Z"

# Names AWS caps hard; pulumi-aws trims the logical name so that name + suffix fit.
_NAME_LIMITS = {
    "aws:lb/loadBalancer:LoadBalancer": 32,
    "aws:alb/loadBalancer:LoadBalancer": 32,
    "aws:lb/targetGroup:TargetGroup": 32,
    "aws:alb/targetGroup:TargetGroup": 32,
    "aws:iam/role:Role": 64,
    "aws:iam/policy:Policy": 128,
}
_DEFAULT_NAME_LIMIT = 255


def stable_hex(*parts: str, length: int = 17) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return (digest * (1 + length // len(digest)))[:length]


@dataclass(frozen=True)
class Identity:
    """The coordinates a fake ARN needs: the account, region and this resource's seed."""

    region: str
    seed: str  # unique per resource, e.g. its URN

    def hex(self, length: int = 17, salt: str = "") -> str:
        return stable_hex(self.seed, salt, length=length)

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{resource}"


@lru_cache(maxsize=None)
def has_optional_name_input(type_token: str) -> bool:
    """True when the pulumi-aws resource takes an optional `name`, which the provider auto-names."""
    try:
        package, module_path, class_name = type_token.split(":")
        with warnings.catch_warnings():  # importing a pulumi_aws module warns about its deprecated members
            warnings.simplefilter("ignore", DeprecationWarning)
            args_class = _args_class(package, module_path, class_name)
        parameter = inspect.signature(args_class.__init__).parameters.get("name")
    except (ValueError, ImportError, AttributeError, TypeError):
        return False
    return package == "aws" and parameter is not None and parameter.default is None


def _args_class(package: str, module_path: str, class_name: str):
    module = module_path.split("/")[0]
    python_module = "pulumi_aws" if module == "index" else f"pulumi_aws.{module}"
    return getattr(importlib.import_module(python_module), f"{class_name}Args")


def auto_name(type_token: str, logical_name: str, identity: Identity) -> str:
    """`<logical name>-<7 hex>`, trimmed like the provider does when AWS caps the length."""
    suffix = identity.hex(7, "autoname")
    limit = _NAME_LIMITS.get(type_token, _DEFAULT_NAME_LIMIT)
    return f"{logical_name[: limit - len(suffix) - 1]}-{suffix}"


def provider_defaults(type_token: str, logical_name: str, inputs: Mapping[str, Any], identity: Identity) -> dict:
    """Inputs the provider's Check fills in: today only the auto-name."""
    if "name" not in inputs and "namePrefix" not in inputs and has_optional_name_input(type_token):
        return {"name": auto_name(type_token, logical_name, identity)}
    return {}


def _last_segment(value: Any, separator: str = "/") -> str:
    return str(value).rsplit(separator, 1)[-1] if value else ""


# --- per type: (id, extra outputs) ---------------------------------------------------------------

Computed = tuple[str, dict]
_COMPUTERS: dict[str, Callable[[dict, Identity], Computed]] = {}


def computes(*type_tokens: str):
    def register(fn: Callable[[dict, Identity], Computed]):
        for token in type_tokens:
            _COMPUTERS[token] = fn
        return fn

    return register


def _appmesh(resource_path: Callable[[dict], str]):
    def compute(state: dict, ident: Identity) -> Computed:
        outputs = {
            "arn": ident.arn("appmesh", resource_path(state)),
            "createdDate": FIXED_TIMESTAMP,
            "lastUpdatedDate": FIXED_TIMESTAMP,
            "resourceOwner": ACCOUNT_ID,
        }
        if "meshName" in state:
            outputs["meshOwner"] = state.get("meshOwner") or ACCOUNT_ID
        return ident.hex(8) + "-" + ident.hex(4, "b") + "-" + ident.hex(12, "c"), outputs

    return compute


computes("aws:appmesh/mesh:Mesh")(_appmesh(lambda s: f"mesh/{s.get('name')}"))
computes("aws:appmesh/virtualNode:VirtualNode")(_appmesh(lambda s: f"mesh/{s.get('meshName')}/virtualNode/{s.get('name')}"))
computes("aws:appmesh/virtualGateway:VirtualGateway")(
    _appmesh(lambda s: f"mesh/{s.get('meshName')}/virtualGateway/{s.get('name')}")
)
computes("aws:appmesh/virtualService:VirtualService")(
    _appmesh(lambda s: f"mesh/{s.get('meshName')}/virtualService/{s.get('name')}")
)
computes("aws:appmesh/virtualRouter:VirtualRouter")(
    _appmesh(lambda s: f"mesh/{s.get('meshName')}/virtualRouter/{s.get('name')}")
)
computes("aws:appmesh/route:Route")(
    _appmesh(lambda s: f"mesh/{s.get('meshName')}/virtualRouter/{s.get('virtualRouterName')}/route/{s.get('name')}")
)
computes("aws:appmesh/gatewayRoute:GatewayRoute")(
    _appmesh(
        lambda s: f"mesh/{s.get('meshName')}/virtualGateway/{s.get('virtualGatewayName')}/gatewayRoute/{s.get('name')}"
    )
)


@computes("aws:iam/role:Role")
def _role(state: dict, ident: Identity) -> Computed:
    path = state.get("path") or "/"
    return state["name"], {
        "arn": ident.arn("iam", f"role{path}{state['name']}", regional=False),
        "uniqueId": "AROA" + ident.hex(17).upper(),
        "createDate": FIXED_TIMESTAMP,
        "path": path,
    }


@computes("aws:iam/policy:Policy")
def _policy(state: dict, ident: Identity) -> Computed:
    arn = ident.arn("iam", f"policy{state.get('path') or '/'}{state['name']}", regional=False)
    return arn, {"arn": arn, "policyId": "ANPA" + ident.hex(17).upper(), "attachmentCount": 1}


@computes("aws:iam/rolePolicy:RolePolicy")
def _role_policy(state: dict, ident: Identity) -> Computed:
    return f"{_last_segment(state.get('role'))}:{state.get('name')}", {}


@computes("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
def _role_policy_attachment(state: dict, ident: Identity) -> Computed:
    return f"{_last_segment(state.get('role'))}-{ident.hex(20)}", {}


@computes("aws:cloudwatch/logGroup:LogGroup")
def _log_group(state: dict, ident: Identity) -> Computed:
    return state["name"], {"arn": ident.arn("logs", f"log-group:{state['name']}")}


@computes("aws:ecs/cluster:Cluster")
def _cluster(state: dict, ident: Identity) -> Computed:
    arn = ident.arn("ecs", f"cluster/{state['name']}")
    return arn, {"arn": arn}


@computes("aws:ecs/taskDefinition:TaskDefinition")
def _task_definition(state: dict, ident: Identity) -> Computed:
    family = state.get("family")
    without_revision = ident.arn("ecs", f"task-definition/{family}")
    return str(family), {"arn": f"{without_revision}:1", "arnWithoutRevision": without_revision, "revision": 1}


@computes("aws:ecs/service:Service")
def _ecs_service(state: dict, ident: Identity) -> Computed:
    cluster = _last_segment(state.get("cluster")) or "default"
    arn = ident.arn("ecs", f"service/{cluster}/{state['name']}")
    return arn, {"arn": arn}


@computes("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace", "aws:servicediscovery/httpNamespace:HttpNamespace")
def _namespace(state: dict, ident: Identity) -> Computed:
    namespace_id = "ns-" + ident.hex(16)
    return namespace_id, {
        "arn": ident.arn("servicediscovery", f"namespace/{namespace_id}"),
        "hostedZone": "Z" + ident.hex(20).upper(),
    }


@computes("aws:servicediscovery/service:Service")
def _discovery_service(state: dict, ident: Identity) -> Computed:
    service_id = "srv-" + ident.hex(16)
    return service_id, {"arn": ident.arn("servicediscovery", f"service/{service_id}")}


@computes("aws:servicediscovery/instance:Instance")
def _discovery_instance(state: dict, ident: Identity) -> Computed:
    return str(state.get("instanceId") or ident.hex(12)), {}


@computes("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
def _load_balancer(state: dict, ident: Identity) -> Computed:
    kind = "net" if state.get("loadBalancerType") == "network" else "app"
    suffix = f"{kind}/{state['name']}/{ident.hex(16)}"
    arn = ident.arn("elasticloadbalancing", f"loadbalancer/{suffix}")
    scheme = "internal-" if state.get("internal") else ""
    return arn, {
        "arn": arn,
        "arnSuffix": suffix,
        "dnsName": f"{scheme}{state['name']}-{ident.hex(10, 'dns')}.elb.{ident.region}.amazonaws.com",
        "zoneId": "Z" + ident.hex(13, "zone").upper(),
        "loadBalancerType": state.get("loadBalancerType") or "application",
        "internal": bool(state.get("internal", False)),
    }


@computes("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
def _target_group(state: dict, ident: Identity) -> Computed:
    suffix = f"targetgroup/{state['name']}/{ident.hex(16)}"
    arn = ident.arn("elasticloadbalancing", suffix)
    return arn, {"arn": arn, "arnSuffix": suffix}


@computes("aws:lb/listener:Listener", "aws:alb/listener:Listener")
def _listener(state: dict, ident: Identity) -> Computed:
    balancer = str(state.get("loadBalancerArn") or "").split(":loadbalancer/", 1)[-1] or f"net/lb/{ident.hex(16, 'lb')}"
    arn = ident.arn("elasticloadbalancing", f"listener/{balancer}/{ident.hex(16)}")
    return arn, {"arn": arn}


def _ec2_prefixed(prefix: str, arn_kind: str | None = None) -> Callable[[dict, Identity], Computed]:
    def compute(state: dict, ident: Identity) -> Computed:
        resource_id = f"{prefix}-{ident.hex(17)}"
        outputs = {"ownerId": ACCOUNT_ID}
        if arn_kind:
            outputs["arn"] = ident.arn("ec2", f"{arn_kind}/{resource_id}")
        return resource_id, outputs

    return compute


computes("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")(
    _ec2_prefixed("sg", "security-group")
)
computes("aws:ec2/subnet:Subnet")(_ec2_prefixed("subnet", "subnet"))
computes("aws:ec2/internetGateway:InternetGateway")(_ec2_prefixed("igw", "internet-gateway"))
computes("aws:ec2/natGateway:NatGateway")(_ec2_prefixed("nat"))
computes("aws:ec2/routeTable:RouteTable")(_ec2_prefixed("rtb", "route-table"))
computes("aws:ec2/routeTableAssociation:RouteTableAssociation")(_ec2_prefixed("rtbassoc"))
computes("aws:ec2/vpcEndpoint:VpcEndpoint")(_ec2_prefixed("vpce", "vpc-endpoint"))
computes("aws:ec2/networkInterface:NetworkInterface")(_ec2_prefixed("eni", "network-interface"))


@computes("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
def _vpc_rule(state: dict, ident: Identity) -> Computed:
    rule_id = "sgr-" + ident.hex(17)
    return rule_id, {"arn": ident.arn("ec2", f"security-group-rule/{rule_id}"), "securityGroupRuleId": rule_id}


@computes("aws:ec2/securityGroupRule:SecurityGroupRule")
def _legacy_rule(state: dict, ident: Identity) -> Computed:
    return "sgrule-" + str(int(ident.hex(8), 16)), {"securityGroupRuleId": "sgr-" + ident.hex(17)}


@computes("aws:ec2/eip:Eip")
def _eip(state: dict, ident: Identity) -> Computed:
    allocation = "eipalloc-" + ident.hex(17)
    return allocation, {"allocationId": allocation, "publicIp": f"203.0.113.{int(ident.hex(2), 16) % 254 + 1}"}


@computes("aws:ec2/vpc:Vpc")
def _vpc(state: dict, ident: Identity) -> Computed:
    vpc_id = "vpc-" + ident.hex(17)
    return vpc_id, {
        "arn": ident.arn("ec2", f"vpc/{vpc_id}"),
        "ownerId": ACCOUNT_ID,
        "defaultSecurityGroupId": "sg-" + ident.hex(17, "default-sg"),
        "defaultNetworkAclId": "acl-" + ident.hex(17, "acl"),
        "defaultRouteTableId": "rtb-" + ident.hex(17, "rtb"),
        "mainRouteTableId": "rtb-" + ident.hex(17, "rtb"),
        "enableDnsSupport": state.get("enableDnsSupport", True),
        "enableDnsHostnames": state.get("enableDnsHostnames", False),
        "instanceTenancy": state.get("instanceTenancy") or "default",
    }


def _lattice_arn(ident: Identity, resource: str) -> str:
    return ident.arn("vpc-lattice", resource)


def _lattice(prefix: str, kind: str) -> Callable[[dict, Identity], Computed]:
    """A VPC Lattice resource with an id like `sn-0123...` and an ARN `.../<kind>/<id>`."""
    def compute(state: dict, ident: Identity) -> Computed:
        resource_id = f"{prefix}-{ident.hex(17)}"
        return resource_id, {"arn": _lattice_arn(ident, f"{kind}/{resource_id}"), "status": "ACTIVE"}

    return compute


computes("aws:vpclattice/serviceNetwork:ServiceNetwork")(_lattice("sn", "servicenetwork"))
computes("aws:vpclattice/targetGroup:TargetGroup")(_lattice("tg", "targetgroup"))
computes("aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation")(
    _lattice("snva", "servicenetworkvpcassociation"))


@computes("aws:vpclattice/service:Service")
def _lattice_service(state: dict, ident: Identity) -> Computed:
    service_id = f"svc-{ident.hex(17)}"
    domain = f"{state.get('name', 'service')}-{ident.hex(17, 'dns')[:17]}.{ident.hex(7, 'zone')}.vpc-lattice-svcs.{ident.region}.on.aws"
    return service_id, {"arn": _lattice_arn(ident, f"service/{service_id}"), "status": "ACTIVE",
                        "dnsEntries": [{"domainName": domain, "hostedZoneId": "Z" + ident.hex(13, "hz").upper()}]}


@computes("aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation")
def _lattice_service_association(state: dict, ident: Identity) -> Computed:
    association_id = f"snsa-{ident.hex(17)}"
    return association_id, {"arn": _lattice_arn(ident, f"servicenetworkserviceassociation/{association_id}"),
                            "status": "ACTIVE"}


@computes("aws:vpclattice/listener:Listener")
def _lattice_listener(state: dict, ident: Identity) -> Computed:
    service_id, listener_id = _last_segment(state.get("serviceIdentifier") or "svc"), f"listener-{ident.hex(17)}"
    return f"{service_id}/{listener_id}", {"listenerId": listener_id, "serviceArn": _lattice_arn(ident, f"service/{service_id}"),
                                           "arn": _lattice_arn(ident, f"service/{service_id}/listener/{listener_id}")}


@computes("aws:vpclattice/listenerRule:ListenerRule")
def _lattice_rule(state: dict, ident: Identity) -> Computed:
    service_id, listener_id = _last_segment(state.get("serviceIdentifier") or "svc"), str(state.get("listenerIdentifier"))
    rule_id = f"rule-{ident.hex(17)}"
    return f"{service_id}/{listener_id}/{rule_id}", {
        "ruleId": rule_id, "arn": _lattice_arn(ident, f"service/{service_id}/listener/{listener_id}/rule/{rule_id}")}


@computes("aws:vpclattice/authPolicy:AuthPolicy")
def _lattice_auth_policy(state: dict, ident: Identity) -> Computed:
    return str(state.get("resourceIdentifier")), {}


def _generic(type_token: str) -> Callable[[dict, Identity], Computed]:
    def compute(state: dict, ident: Identity) -> Computed:
        service, kind = type_token.split(":")[1].split("/")[0], type_token.rsplit(":", 1)[-1].lower()
        resource_id = f"{kind}-{ident.hex(12)}"
        outputs = {"arn": ident.arn(service, f"{kind}/{state.get('name') or resource_id}")} if "arn" not in state else {}
        return resource_id, outputs

    return compute


def resource_state(type_token: str, logical_name: str, inputs: Mapping[str, Any], identity: Identity) -> tuple[str, dict]:
    """(id, outputs) of a created resource: its inputs, provider defaults and computed outputs."""
    state = {**inputs, **provider_defaults(type_token, logical_name, inputs, identity)}
    compute = _COMPUTERS.get(type_token) or _generic(type_token)
    resource_id, computed = compute(state, identity)
    state.update({key: value for key, value in computed.items() if key not in inputs or key in ("arn",)})
    state["id"] = resource_id
    return resource_id, state
