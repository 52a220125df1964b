"""A replacement of any resource we create can succeed: nothing that stays in use blocks a delete-first
replacement, and target groups are named by what they are, with names that change on every replacement.

Judged on the recorded registrations (delete_before_replace, property dependencies), with two tables
taken from the provider and AWS:
- BLOCKS_DELETE: (referencing type, referenced type) pairs where AWS refuses to delete the referenced
  resource while the other still refers to it (ELB: a target group in use by a listener; App Mesh:
  ResourceInUseException; Cloud Map: a namespace with services, a service with instances; ECS: a
  cluster with services).
- FORCE_NEW: the properties through which such a reference forces the referencing resource's own
  replacement (terraform-provider-aws schemas: elbv2/listener.go `load_balancer_arn`, appmesh
  `mesh_name`/`virtual_router_name`/`virtual_gateway_name`, servicediscovery `service_id` and
  `dns_config.namespace_id`, ecs service `cluster`, iam role policy `role`). Only then does the engine
  delete the referencing resource first; through any other property it is merely updated, after the
  failed delete.
"""

from __future__ import annotations

import pulumi_aws as aws
import pytest

from mesh_components.offline.recording import Recording
from mesh_components.offline.runner import load_program_entry, run_program, run_stack
from mesh_components.aws import physical_names

from .test_resource_names import NAMES, WIDE_CONFIG

TARGET_GROUP, LISTENER, BALANCER = "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:lb/loadBalancer:LoadBalancer"
MESH, NODE, SERVICE = "aws:appmesh/mesh:Mesh", "aws:appmesh/virtualNode:VirtualNode", "aws:appmesh/virtualService:VirtualService"
ROUTER, ROUTE = "aws:appmesh/virtualRouter:VirtualRouter", "aws:appmesh/route:Route"
GATEWAY, GATEWAY_ROUTE = "aws:appmesh/virtualGateway:VirtualGateway", "aws:appmesh/gatewayRoute:GatewayRoute"
NAMESPACE, MAP_SERVICE = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "aws:servicediscovery/service:Service"
INSTANCE, ECS_SERVICE = "aws:servicediscovery/instance:Instance", "aws:ecs/service:Service"
CLUSTER, ROLE, ROLE_POLICY = "aws:ecs/cluster:Cluster", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
APP_MESH = (NODE, SERVICE, ROUTER, ROUTE, GATEWAY, GATEWAY_ROUTE)

BLOCKS_DELETE = {
    (LISTENER, TARGET_GROUP), (LISTENER, BALANCER),
    (GATEWAY_ROUTE, SERVICE), (SERVICE, NODE), (SERVICE, ROUTER), (ROUTE, NODE), (ROUTE, ROUTER),
    (GATEWAY_ROUTE, GATEWAY), *((kind, MESH) for kind in APP_MESH),
    (MAP_SERVICE, NAMESPACE), (INSTANCE, MAP_SERVICE), (ECS_SERVICE, MAP_SERVICE), (ECS_SERVICE, CLUSTER),
    (ROLE_POLICY, ROLE),
}
FORCE_NEW = {
    LISTENER: {"loadBalancerArn"},
    ROUTE: {"meshName", "virtualRouterName"}, GATEWAY_ROUTE: {"meshName", "virtualGatewayName"},
    NODE: {"meshName"}, SERVICE: {"meshName"}, ROUTER: {"meshName"}, GATEWAY: {"meshName"},
    MAP_SERVICE: {"dnsConfig", "namespaceId"}, INSTANCE: {"serviceId"},
    ECS_SERVICE: {"cluster"},  # not serviceRegistries or loadBalancers: the provider updates those in place
    ROLE_POLICY: {"role"},
}


def blocked_replacements(recording: Recording) -> list[str]:
    """Delete-first replacements AWS would refuse: a user that is only updated still refers to the resource."""
    blocked = []
    for resource in recording.resources:
        if not resource.delete_before_replace:
            continue
        for user in recording.resources:
            for prop, urns in user.property_dependencies.items():
                if (resource.urn in urns and (user.type, resource.type) in BLOCKS_DELETE
                        and prop not in FORCE_NEW.get(user.type, set())):
                    blocked.append(f"{resource.name} is deleted first, but {user.name} still uses it ({prop})")
    return blocked


@pytest.mark.parametrize("run", [lambda: run_stack("dev"), lambda: run_stack("prod"),
                                 lambda: run_program(load_program_entry(), config=WIDE_CONFIG)])
def test_no_delete_first_replacement_is_blocked_by_a_resource_still_in_use(run):
    assert blocked_replacements(run()) == []


def test_the_check_sees_a_delete_first_target_group_behind_a_listener():
    """What releases before this did: fixed target group names, replaced delete-first."""
    import pulumi

    def program():
        balancer = aws.lb.LoadBalancer("nlb", load_balancer_type="network", subnets=["subnet-1"])
        group = aws.lb.TargetGroup("targets", name="fixed", port=80, protocol="TCP", target_type="ip",
                                   vpc_id="vpc-1", opts=pulumi.ResourceOptions(delete_before_replace=True))
        aws.lb.Listener("listener", load_balancer_arn=balancer.arn, port=80, protocol="TCP",
                        default_actions=[{"type": "forward", "target_group_arn": group.arn}])

    assert blocked_replacements(run_program(program)) == [
        "targets is deleted first, but listener still uses it (defaultActions)"]


def target_groups(recording: Recording) -> dict[int, tuple[str, str, bool]]:
    """port -> (resource name, physical name, delete first)."""
    return {int(group.inputs["port"]): (group.name, group.outputs["name"], group.delete_before_replace)
            for group in recording.of_type(TARGET_GROUP)}


def test_target_groups_are_named_by_port_so_reordering_listeners_changes_nothing(tmp_path):
    reordered = tmp_path / "wide.yaml"
    text = (NAMES / "wide.yaml").read_text()
    swapped = text.replace("- {port: 80, protocol: http}\n    - {port: 8080, protocol: http}",
                           "- {port: 8080, protocol: http}\n    - {port: 80, protocol: http}")
    assert swapped != text
    reordered.write_text(swapped)
    before = target_groups(run_program(load_program_entry(), config=WIDE_CONFIG))
    after = target_groups(run_program(load_program_entry(), config={**WIDE_CONFIG, "color-mesh:topology": str(reordered)}))
    assert before == after
    assert {port: name for port, (name, _, _) in before.items()} == {
        80: "color-mesh-load-balancer-targets-80", 8080: "color-mesh-load-balancer-targets-8080"}
    assert not any(delete_first for _, _, delete_first in before.values())


def test_a_target_group_name_carries_the_inputs_that_replace_it():
    prod = run_stack("prod")
    ((port, (_, physical, delete_first)),) = target_groups(prod).items()
    assert physical == physical_names.target_group_name("color-mesh", "prod", "gateway", port, protocol="TCP",
                                                target_type="ip", vpc_id="vpc-0a1b2c3d4e5f60718")
    (group,) = prod.of_type(TARGET_GROUP)
    assert (group.inputs["vpcId"], group.inputs["protocol"], group.inputs["targetType"]) == (
        "vpc-0a1b2c3d4e5f60718", "TCP", "ip")
    assert len(physical) <= 32 and not delete_first
