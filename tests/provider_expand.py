"""A model of what the AWS provider's expand step sends to App Mesh, to replay on recorded specs.

pulumi-aws is bridged from the Terraform AWS provider. Its `expand*` functions turn a resource's
spec into the API request, and for App Mesh they copy an integer only when it is above 0 and a
string only when it is not empty (hashicorp/terraform-provider-aws, internal/service/appmesh:
`expandRouteSpec`, `expandHTTPRoute`, `expandGRPCRoute`, `expandTCPRoute`, `expandDuration`,
`expandVirtualNodeSpec`, `expandClientPolicy` in flex.go; `expandGatewayRouteSpec`,
`expandHTTPGatewayRouteMatch`, `expandHTTPGatewayRouteRewrite`, `expandGatewayRouteTarget` in
gateway_route.go; `expandVirtualGatewaySpec` in virtual_gateway.go). String lists (sets) go through
`flex.ExpandStringValueSet`, which skips empty strings. A zero or an empty string in our spec
therefore never reaches AWS: the field is simply absent there.

The exceptions, copied whatever their value: a weighted target's `weight`, a retry policy's
`max_retries`, every boolean (`invert`, `enforce`), integer sets (client TLS `ports`) and a JSON
access-log field's `key` and `value`. (A virtual node backend's `virtual_service_name` is copied
even when empty too; ours is a DNS name, never empty, so it is treated like any string here.)

`as_sent(spec)` applies these rules to a spec as the mock engine records it (camelCase keys,
numbers as floats); comparing it with the spec shows what the provider would lose.
"""

from __future__ import annotations

from typing import Any

# Keys whose values the provider copies as they are (see the module docstring).
SENT_AS_IS = frozenset({"weight", "maxRetries", "ports", "key@jsons", "value@jsons"})


def _kept_as_is(key: str, parent: str) -> bool:
    return key in SENT_AS_IS or f"{key}@{parent}" in SENT_AS_IS


def _dropped(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value <= 0
    return value == ""


def as_sent(value: Any, key: str = "", parent: str = "") -> Any:
    """`value` with every field the provider's expand step leaves out removed."""
    if isinstance(value, dict):
        return {k: as_sent(v, k, key) for k, v in value.items()
                if _kept_as_is(k, key) or not _dropped(v)}
    if isinstance(value, list):
        if _kept_as_is(key, parent):
            return list(value)
        return [as_sent(item, key, parent) for item in value if isinstance(item, (dict, list)) or not _dropped(item)]
    return value


APPMESH_TYPES = (
    "aws:appmesh/mesh:Mesh",
    "aws:appmesh/virtualNode:VirtualNode",
    "aws:appmesh/virtualRouter:VirtualRouter",
    "aws:appmesh/route:Route",
    "aws:appmesh/virtualService:VirtualService",
    "aws:appmesh/virtualGateway:VirtualGateway",
    "aws:appmesh/gatewayRoute:GatewayRoute",
)


def lost_in_expand(recording) -> dict[str, tuple[Any, Any]]:
    """Resource name -> (spec we sent, spec AWS would get) for every App Mesh spec the provider changes."""
    lost = {}
    for token in APPMESH_TYPES:
        for resource in recording.of_type(token):
            spec = resource.inputs.get("spec", {})
            sent = as_sent(spec)
            if sent != spec:
                lost[resource.name] = (spec, sent)
    return lost
