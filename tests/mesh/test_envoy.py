"""The Envoy values App Mesh on ECS requires, asserted exactly."""

from mesh_components.app_mesh import envoy
from mesh_components.aws.task_definition import log_configuration

LOGS = log_configuration("/ecs/color-mesh-dev", "us-east-1", "red")
NODE_ARN = "arn:aws:appmesh:us-east-1:123456789012:mesh/color-mesh/virtualNode/red"


def test_sidecar():
    container = envoy.envoy_container(image="img:v1.29.6.0-prod", resource_arn=NODE_ARN, logs=LOGS, as_sidecar=True)
    assert container["name"] == "envoy" and container["essential"] is True
    assert container["user"] == "1337"
    assert container["environment"] == [{"name": "APPMESH_RESOURCE_ARN", "value": NODE_ARN},
                                        {"name": "ENABLE_ENVOY_STATS_TAGS", "value": "1"}]
    assert container["healthCheck"] == {
        "command": ["CMD-SHELL", "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE"],
        "interval": 5, "timeout": 2, "retries": 3, "startPeriod": 10}
    assert container["ulimits"] == [{"name": "nofile", "softLimit": 15000, "hardLimit": 15000}]
    assert container["portMappings"] == []


def test_gateway_envoy_is_not_the_ignored_uid_and_listens():
    container = envoy.envoy_container(image="i", resource_arn="arn:gw", logs=LOGS, as_sidecar=False,
                                      port_mappings=(80,))
    assert "user" not in container
    assert container["portMappings"] == [{"containerPort": 80, "protocol": "tcp"}]
    assert container["healthCheck"]["startPeriod"] == 60


def test_app_waits_for_a_healthy_envoy():
    app = envoy.app_container(name="red", image="forsakenidol/colorapp", ports=(80,), environment={"COLOR": "red"},
                              logs=LOGS)
    assert app["dependsOn"] == [{"containerName": "envoy", "condition": "HEALTHY"}]
    assert app["environment"] == [{"name": "COLOR", "value": "red"}]
    assert "user" not in app


def test_proxy_properties():
    assert envoy.proxy_properties((80, 8080)) == {
        "IgnoredUID": "1337", "ProxyIngressPort": "15000", "ProxyEgressPort": "15001",
        "AppPorts": "80,8080", "EgressIgnoredIPs": "169.254.170.2,169.254.169.254"}
