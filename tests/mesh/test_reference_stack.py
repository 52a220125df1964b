"""The dev stack under Pulumi's mock engine: exact App Mesh, ECS, IAM and network values."""

from __future__ import annotations

import pytest

from mesh_components.offline.runner import run_stack
from mesh_components.aws import physical_names
from mesh_components.topology.graph import MeshGraph

from .stack_view import LOAD_BALANCER_GROUP, Rule, StackView, expected_rules

NODE = "aws:appmesh/virtualNode:VirtualNode"
ACCOUNT, REGION = "123456789012", "us-east-1"


@pytest.fixture(scope="module")
def dev() -> StackView:
    return StackView(run_stack("dev"))


def node_spec(dev: StackView, color: str) -> dict:
    return dev.one(NODE, name=color).outputs["spec"]


def test_mesh_drops_all_egress_explicitly(dev):
    mesh = dev.one("aws:appmesh/mesh:Mesh", name="color-mesh")
    assert mesh.inputs["spec"] == {"egressFilter": {"type": "DROP_ALL"}}


def test_virtual_node_red(dev):
    assert node_spec(dev, "red") == {
        "listeners": [{
            "portMapping": {"port": 80.0, "protocol": "http"},
            "healthCheck": {"protocol": "http", "path": "/healthcheck", "port": 80.0, "healthyThreshold": 2.0,
                            "unhealthyThreshold": 2.0, "intervalMillis": 5000.0, "timeoutMillis": 2000.0},
        }],
        "serviceDiscovery": {"awsCloudMap": {"namespaceName": "colors.local", "serviceName": "red"}},
        "backends": [{"virtualService": {"virtualServiceName": "router.colors.local"}}],
        "logging": {"accessLog": {"file": {"path": "/dev/stdout"}}},
    }


@pytest.mark.parametrize("color,backends", [("blue", ["red.colors.local"]), ("green", []), ("yellow", [])])
def test_backends_are_the_declared_ones(dev, color, backends):
    declared = [b["virtualService"]["virtualServiceName"] for b in node_spec(dev, color).get("backends", [])]
    assert declared == backends


def test_virtual_services_and_their_providers(dev):
    providers = {vs.outputs["name"]: vs.outputs["spec"]["provider"]
                 for vs in dev.of_type("aws:appmesh/virtualService:VirtualService")}
    assert providers == {
        **{f"{c}.colors.local": {"virtualNode": {"virtualNodeName": c}} for c in ("red", "blue", "green", "yellow")},
        "router.colors.local": {"virtualRouter": {"virtualRouterName": "router"}},
    }


def test_router_sends_get_slash_to_green_and_yellow_four_to_one(dev):
    router = dev.one("aws:appmesh/virtualRouter:VirtualRouter", name="router")
    assert router.outputs["spec"] == {"listeners": [{"portMapping": {"port": 80.0, "protocol": "http"}}]}
    route = dev.one("aws:appmesh/route:Route", name="colors")
    assert route.outputs["virtualRouterName"] == "router"
    assert route.outputs["spec"] == {"httpRoute": {
        "match": {"prefix": "/", "method": "GET"},
        "action": {"weightedTargets": [{"virtualNode": "green", "weight": 4.0},
                                       {"virtualNode": "yellow", "weight": 1.0}]},
    }}


def test_gateway_routes_longest_prefix_first(dev):
    """/router is tried before /: both have priorities, from 1 (a 0 would reach AWS as "no priority")."""
    routes = {r.outputs["name"]: r.outputs["spec"] for r in dev.of_type("aws:appmesh/gatewayRoute:GatewayRoute")}
    assert routes == {
        "router": {"priority": 1.0, "httpRoute": {
            "match": {"prefix": "/router"},
            "action": {"target": {"virtualService": {"virtualServiceName": "router.colors.local"}}}}},
        "blue": {"priority": 2.0, "httpRoute": {
            "match": {"prefix": "/"},
            "action": {"target": {"virtualService": {"virtualServiceName": "blue.colors.local"}}}}},
    }
    gateway = dev.one("aws:appmesh/virtualGateway:VirtualGateway", name="gateway")
    listener = gateway.outputs["spec"]["listeners"][0]
    assert listener["portMapping"] == {"port": 80.0, "protocol": "http"}
    assert listener["healthCheck"] == {"protocol": "http", "path": "/", "port": 80.0, "healthyThreshold": 2.0,
                                       "unhealthyThreshold": 2.0, "intervalMillis": 5000.0, "timeoutMillis": 2000.0}
    assert gateway.outputs["spec"]["logging"] == {"accessLog": {"file": {"path": "/dev/stdout"}}}


def test_router_name_resolves_to_a_placeholder_not_to_a_color(dev):
    instances = dev.of_type("aws:servicediscovery/instance:Instance")
    assert [i.outputs["attributes"] for i in instances] == [{"AWS_INSTANCE_IPV4": "169.254.255.254"}]
    router_service = dev.one("aws:servicediscovery/service:Service", name="router")
    assert instances[0].outputs["serviceId"] == router_service.id
    registries = {s.outputs["name"]: s.outputs["serviceRegistries"]["registryArn"]
                  for s in dev.of_type("aws:ecs/service:Service") if "serviceRegistries" in s.outputs}
    assert router_service.outputs["arn"] not in registries.values()
    assert registries["red"] == dev.one("aws:servicediscovery/service:Service", name="red").outputs["arn"]
    assert set(registries) == {"red", "blue", "green", "yellow"}


def test_cloud_map_records(dev):
    service = dev.one("aws:servicediscovery/service:Service", name="blue")
    assert service.outputs["dnsConfig"]["routingPolicy"] == "MULTIVALUE"
    assert service.outputs["dnsConfig"]["dnsRecords"] == [{"type": "A", "ttl": 10.0}]
    namespace = dev.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", name="colors.local")
    assert service.outputs["dnsConfig"]["namespaceId"] == namespace.id


def test_color_task_runs_the_app_behind_envoy(dev):
    task = dev.task_definition("red")
    node_arn = dev.one(NODE, name="red").outputs["arn"]
    assert node_arn == f"arn:aws:appmesh:{REGION}:{ACCOUNT}:mesh/color-mesh/virtualNode/red"
    app, envoy = dev.containers("red")
    assert (app["name"], app["image"], app["environment"]) == ("red", "forsakenidol/colorapp",
                                                               [{"name": "COLOR", "value": "red"}])
    assert app["portMappings"] == [{"containerPort": 80, "protocol": "tcp"}]
    assert app["dependsOn"] == [{"containerName": "envoy", "condition": "HEALTHY"}]
    assert envoy["image"] == "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod"
    assert envoy["user"] == "1337" and envoy["essential"] is True
    assert {"name": "APPMESH_RESOURCE_ARN", "value": node_arn} in envoy["environment"]
    assert {"name": "ENABLE_ENVOY_STATS_TAGS", "value": "1"} in envoy["environment"]
    assert envoy["healthCheck"]["command"][1].startswith("curl -s http://localhost:9901/server_info")
    assert (envoy["healthCheck"]["interval"], envoy["healthCheck"]["timeout"], envoy["healthCheck"]["retries"],
            envoy["healthCheck"]["startPeriod"]) == (5, 2, 3, 10)
    assert envoy["ulimits"] == [{"name": "nofile", "softLimit": 15000, "hardLimit": 15000}]
    assert envoy["logConfiguration"]["options"]["awslogs-group"] == "/ecs/color-mesh-dev"
    o = task.outputs
    assert (o["networkMode"], o["requiresCompatibilities"], o["cpu"], o["memory"]) == ("awsvpc", ["FARGATE"],
                                                                                        "256", "512")
    assert o["proxyConfiguration"] == {"type": "APPMESH", "containerName": "envoy", "properties": {
        "IgnoredUID": "1337", "ProxyIngressPort": "15000", "ProxyEgressPort": "15001", "AppPorts": "80",
        "EgressIgnoredIPs": "169.254.170.2,169.254.169.254"}}


def test_gateway_task_is_envoy_alone_without_proxy(dev):
    task = dev.task_definition("gateway")
    (envoy,) = dev.containers("gateway")
    gateway_arn = dev.one("aws:appmesh/virtualGateway:VirtualGateway", name="gateway").outputs["arn"]
    assert gateway_arn.endswith(":mesh/color-mesh/virtualGateway/gateway")
    assert "proxyConfiguration" not in task.outputs
    assert "user" not in envoy
    assert {"name": "APPMESH_RESOURCE_ARN", "value": gateway_arn} in envoy["environment"]
    assert envoy["portMappings"] == [{"containerPort": 80, "protocol": "tcp"}]
    assert envoy["healthCheck"]["startPeriod"] == 60


@pytest.mark.parametrize("workload", ["red", "blue", "green", "yellow", "gateway"])
def test_each_task_role_may_only_read_its_own_mesh_resource(dev, workload):
    task = dev.task_definition(workload)
    envoy = next(c for c in dev.containers(workload) if c["name"] == "envoy")
    own_arn = next(e["value"] for e in envoy["environment"] if e["name"] == "APPMESH_RESOURCE_ARN")
    policy = dev.role_policy_of(task.outputs["taskRoleArn"])
    assert policy["Statement"] == [{"Sid": "EnvoyConfig", "Effect": "Allow",
                                    "Action": ["appmesh:StreamAggregatedResources"], "Resource": [own_arn]}]
    assert task.outputs["executionRoleArn"] != task.outputs["taskRoleArn"]


def test_execution_role_pulls_images_and_writes_only_its_log_group(dev):
    task = dev.task_definition("red")
    statements = dev.role_policy_of(task.outputs["executionRoleArn"])["Statement"]
    log_group = dev.one("aws:cloudwatch/logGroup:LogGroup", name="/ecs/color-mesh-dev")
    assert log_group.outputs["retentionInDays"] == 30
    assert {"Sid": "WriteLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [log_group.outputs["arn"] + ":log-stream:*"]} in statements
    assert all("*" not in action for s in statements for action in s["Action"])


def test_security_group_rules_are_exactly_the_edge_derived_set(dev, reference_graph: MeshGraph):
    assert dev.rules == expected_rules(reference_graph, ["0.0.0.0/0"])


def test_no_rule_is_wider_than_one_tcp_port_and_none_touches_the_envoy_admin_port(dev):
    assert all(r.protocol == "tcp" and r.from_port == r.to_port != 9901 for r in dev.rules)
    assert not any("ingress" in r.inputs or "egress" in r.inputs
                   for r in dev.of_type("aws:ec2/securityGroup:SecurityGroup"))


def test_the_load_balancer_is_the_only_public_thing(dev):
    (balancer,) = dev.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert balancer.outputs["internal"] is False and balancer.outputs["loadBalancerType"] == "network"
    public_subnets = {s.id for s in dev.of_type("aws:ec2/subnet:Subnet") if "public" in s.name}
    assert set(balancer.outputs["subnets"]) == public_subnets
    cidr_ingress = {r for r in dev.rules if r.direction == "ingress" and "/" in r.peer}
    assert cidr_ingress == {Rule(LOAD_BALANCER_GROUP, "ingress", "0.0.0.0/0", "tcp", 80, 80)}
    for service in dev.of_type("aws:ecs/service:Service"):
        network = service.outputs["networkConfiguration"]
        assert network.get("assignPublicIp") is False
        assert not set(network["subnets"]) & public_subnets
        assert service.outputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}


def test_gateway_service_registers_into_the_load_balancer_target_group(dev):
    (vpc,) = dev.of_type("aws:ec2/vpc:Vpc")
    target_group = dev.one("aws:lb/targetGroup:TargetGroup", name=physical_names.target_group_name(
        "color-mesh", "dev", "gateway", 80, protocol="TCP", target_type="ip", vpc_id=vpc.id))
    assert (target_group.outputs["targetType"], target_group.outputs["protocol"]) == ("ip", "TCP")
    listener = dev.of_type("aws:lb/listener:Listener")[0]
    assert listener.outputs["defaultActions"] == [{"type": "forward", "targetGroupArn": target_group.outputs["arn"]}]
    gateway = dev.one("aws:ecs/service:Service", name="gateway")
    assert gateway.outputs["loadBalancers"] == [{"targetGroupArn": target_group.outputs["arn"],
                                                 "containerName": "envoy", "containerPort": 80.0}]
    assert listener.urn in gateway.dependencies


def test_stack_outputs(dev):
    balancer = dev.of_type("aws:lb/loadBalancer:LoadBalancer")[0]
    mesh = dev.one("aws:appmesh/mesh:Mesh", name="color-mesh")
    assert dev.recording.stack_outputs == {
        "gatewayUrl": f"http://{balancer.outputs['dnsName']}",
        "meshName": "color-mesh",
        "meshArn": mesh.outputs["arn"],
        "namespace": "colors.local",
        "colorServices": {c: f"{c}.colors.local" for c in ("red", "blue", "green", "yellow")},
        "routerServices": {"router": "router.colors.local"},
    }


def test_every_child_has_a_component_parent(dev):
    components = {r.urn for r in dev.recording.resources if not r.custom}
    for resource in dev.recording.resources:
        if resource.custom:
            assert resource.parent in components, resource.urn
    tokens = {r.type for r in dev.recording.resources if not r.custom and r.type != "pulumi:pulumi:Stack"}
    assert all(t.startswith("color-mesh:index:") for t in tokens)



# Physical names App Mesh, Cloud Map, IAM, ECS, CloudWatch and ELB resources carry verbatim.
FIXED_NAME_TYPES = {
    "aws:appmesh/mesh:Mesh", "aws:appmesh/virtualNode:VirtualNode", "aws:appmesh/virtualService:VirtualService",
    "aws:appmesh/virtualRouter:VirtualRouter", "aws:appmesh/route:Route",
    "aws:appmesh/virtualGateway:VirtualGateway", "aws:appmesh/gatewayRoute:GatewayRoute",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "aws:servicediscovery/service:Service",
    "aws:iam/role:Role", "aws:ecs/cluster:Cluster", "aws:ecs/service:Service", "aws:cloudwatch/logGroup:LogGroup",
    "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup",
}
# Replaced delete-before-replace: an input that forces a replacement can change while the name stays (a load
# balancer's subnets, an ECS service's launch settings in its cluster). Every other fixed name changes with every
# such input, or lives in a scope that does, so it is replaced create-before-delete (test_replacement_safety.py).
DELETE_BEFORE_REPLACE = {"aws:lb/loadBalancer:LoadBalancer", "aws:ecs/service:Service"}


def test_fixed_names_are_replaced_in_the_order_their_names_allow(dev):
    named = {r.type for r in dev.recording.resources if r.custom and "name" in r.inputs}
    assert named == FIXED_NAME_TYPES
    for resource in dev.recording.resources:
        if resource.type in FIXED_NAME_TYPES:
            assert resource.delete_before_replace == (resource.type in DELETE_BEFORE_REPLACE), resource.urn
