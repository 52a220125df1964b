"""What a router's name resolves to under App Mesh.

Applications resolve `<router>.<namespace>` before Envoy sees the connection, so a router's Cloud Map service
needs an address although a router has no tasks: one link-local address that is never reached, because
Envoy intercepts the connection and routes it.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..aws import physical_names
from ..aws.service_discovery import ServiceDiscovery

ROUTER_PLACEHOLDER_IPV4 = "169.254.255.254"


def register_router_placeholders(discovery: ServiceDiscovery, routers: list[str]) -> None:
    """One placeholder instance per router, in the router's Cloud Map service. Children of the discovery
    component, beside the services they register into (their URNs are the ones they always had)."""
    for router in routers:
        aws.servicediscovery.Instance(
            f"{discovery.name}-{router}-placeholder", instance_id=physical_names.placeholder_instance_id(router),
            service_id=discovery.services[router].id,
            attributes={"AWS_INSTANCE_IPV4": ROUTER_PLACEHOLDER_IPV4}, opts=pulumi.ResourceOptions(parent=discovery))
