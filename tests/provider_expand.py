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

ECS Service Connect (internal/service/ecs/service.go: `expandServiceConnectConfiguration`,
`expandServiceConnectServices`, `expandClientAliases`, `expandTimeout`, `expandTLS`,
`expandIssuerCertAuthority`, `expandLogConfiguration`, `expandServiceConnectAccessLogConfiguration`)
follows the same rule, an empty string or an `ingress_port_override` of 0 never sent, an empty list or map
(`service`, `client_alias`, `options`) not sent either, with these exceptions copied whatever their value:
`enabled`, a client alias's `port` and both timeout fields (`expandTimeout` sends an unset one as 0, which
ECS reads as "disabled"). `service_connect_as_sent` applies them to a recorded
`serviceConnectConfiguration`.
"""

from __future__ import annotations

from typing import Any

# Keys whose values the provider copies as they are (see the module docstring).
SENT_AS_IS = frozenset({"weight", "maxRetries", "ports", "key@jsons", "value@jsons"})


# The same for ECS Service Connect, whose expand functions also leave out empty lists and maps.
SERVICE_CONNECT_SENT_AS_IS = frozenset({"enabled", "port@clientAlias", "idleTimeoutSeconds", "perRequestTimeoutSeconds"})


def _kept_as_is(key: str, parent: str, kept: frozenset) -> bool:
    return key in kept or f"{key}@{parent}" in kept


def _dropped(value: Any, empty_collections: bool) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value <= 0
    if isinstance(value, (dict, list)):
        return empty_collections and not value
    return value == ""


def as_sent(value: Any, key: str = "", parent: str = "", *, kept: frozenset = SENT_AS_IS,
            empty_collections: bool = False) -> Any:
    """`value` with every field the provider's expand step leaves out removed (`empty_collections`: empty
    lists and maps too)."""
    def sent(item: Any, item_key: str, item_parent: str) -> Any:
        return as_sent(item, item_key, item_parent, kept=kept, empty_collections=empty_collections)

    if isinstance(value, dict):
        return {k: sent(v, k, key) for k, v in value.items()
                if _kept_as_is(k, key, kept) or not _dropped(v, empty_collections)}
    if isinstance(value, list):
        if _kept_as_is(key, parent, kept):
            return list(value)
        return [sent(item, key, parent) for item in value
                if isinstance(item, (dict, list)) or not _dropped(item, empty_collections)]
    return value


def service_connect_as_sent(configuration: dict) -> dict:
    """A recorded `serviceConnectConfiguration` as the provider sends it to ECS."""
    return as_sent(configuration, kept=SERVICE_CONNECT_SENT_AS_IS, empty_collections=True)


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


def service_connect_lost_in_expand(recording) -> dict[str, tuple[Any, Any]]:
    """ECS service name -> (Service Connect configuration we sent, what ECS would get) where they differ."""
    lost = {}
    for service in recording.of_type("aws:ecs/service:Service"):
        configuration = service.inputs.get("serviceConnectConfiguration")
        if configuration is not None and service_connect_as_sent(configuration) != configuration:
            lost[service.name] = (configuration, service_connect_as_sent(configuration))
    return lost
