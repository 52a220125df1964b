"""The Envoy proxy in a task: its container definition and the ECS proxy configuration.

Pure functions over plain values (ARNs already resolved), so the exact values are unit-tested.
"""

from __future__ import annotations

from .limits import ENVOY_CONTAINER  # a color may not take its name (capabilities.py)

ENVOY_UID = "1337"
ENVOY_ADMIN_PORT = 9901
PROXY_INGRESS_PORT = 15000
PROXY_EGRESS_PORT = 15001
NOFILE_LIMIT = 15000
# Task metadata endpoint and instance metadata: reached directly, not through Envoy.
METADATA_ADDRESSES = ("169.254.170.2", "169.254.169.254")
SIDECAR_START_PERIOD = 10
GATEWAY_START_PERIOD = 60


def envoy_container(*, image: str, resource_arn: str, logs: dict, as_sidecar: bool,
                    port_mappings: tuple[int, ...] = (), environment: dict[str, str] | None = None,
                    admin_port: int = ENVOY_ADMIN_PORT) -> dict:
    """Envoy as a sidecar (runs as the UID the proxy ignores) or as the gateway's only container.

    `environment` adds variables (tracing, a moved admin port); `admin_port` is where it answers health checks.
    """
    container = {
        "name": ENVOY_CONTAINER,
        "image": image,
        "essential": True,
        "environment": [
            {"name": "APPMESH_RESOURCE_ARN", "value": resource_arn},
            {"name": "ENABLE_ENVOY_STATS_TAGS", "value": "1"},
            *({"name": key, "value": value} for key, value in sorted((environment or {}).items())),
        ],
        "healthCheck": {
            "command": ["CMD-SHELL", f"curl -s http://localhost:{admin_port}/server_info | grep state | grep -q LIVE"],
            "interval": 5,
            "timeout": 2,
            "retries": 3,
            "startPeriod": SIDECAR_START_PERIOD if as_sidecar else GATEWAY_START_PERIOD,
        },
        "ulimits": [{"name": "nofile", "softLimit": NOFILE_LIMIT, "hardLimit": NOFILE_LIMIT}],
        "portMappings": [{"containerPort": port, "protocol": "tcp"} for port in port_mappings],
        "logConfiguration": logs,
    }
    if as_sidecar:
        container["user"] = ENVOY_UID
    return container


def app_container(*, name: str, image: str, ports: tuple[int, ...], environment: dict[str, str], logs: dict,
                  settings: dict | None = None) -> dict:
    """The service's own container (one port mapping per listener); it starts only once its Envoy is healthy.

    `settings`: the color's own container settings (secrets, command, ...: aws/app_container.py)."""
    return {
        "name": name,
        "image": image,
        "essential": True,
        "portMappings": [{"containerPort": port, "protocol": "tcp"} for port in ports],
        "environment": [{"name": key, "value": value} for key, value in sorted(environment.items())],
        **(settings or {}),
        "dependsOn": [{"containerName": ENVOY_CONTAINER, "condition": "HEALTHY"}],
        "logConfiguration": logs,
    }


def proxy_properties(app_ports: tuple[int, ...], bypassed_cidrs: tuple[str, ...] = ()) -> dict[str, str]:
    """ECS APPMESH proxy configuration: redirect the app's traffic through Envoy, except Envoy's own and the
    traffic to `bypassed_cidrs` (a color's egress networks, which its security group alone limits).

    A worker serves no port, but the ECS App Mesh CNI plugin refuses a configuration without AppPorts
    ("missing required parameter appPorts"), so it names Envoy's own ingress port: no container maps it and
    the worker's security group admits nothing, so no connection is ever redirected by it."""
    return {
        "IgnoredUID": ENVOY_UID,
        "ProxyIngressPort": str(PROXY_INGRESS_PORT),
        "ProxyEgressPort": str(PROXY_EGRESS_PORT),
        "AppPorts": ",".join(str(port) for port in app_ports or (PROXY_INGRESS_PORT,)),
        "EgressIgnoredIPs": ",".join(METADATA_ADDRESSES + bypassed_cidrs),
    }
