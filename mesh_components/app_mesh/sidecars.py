"""The optional X-Ray daemon and CloudWatch agent sidecars of a task, and the Envoy settings they need
(their IAM statements are in task_role_policy.py).

Sidecars never run as Envoy's UID (1337): traffic from that UID skips the proxy, which the policy
pack forbids for anything but Envoy. They need no security-group rule: Envoy sends traces to the
daemon and the agent scrapes Envoy's stats over localhost, inside the task; only their uploads to
X-Ray and CloudWatch leave it, over the HTTPS egress every workload already has.
"""

from __future__ import annotations

import json

from .limits import CLOUDWATCH_AGENT_CONTAINER, XRAY_CONTAINER
from ..topology.observability import ENVOY_STATS_PORT, Metrics, Observability, Tracing

XRAY_DAEMON_PORT = 2000
SIDECAR_USER = "1000"  # anything but Envoy's 1337 (see the module docstring)
PROMETHEUS_JOB = "envoy"


def envoy_environment(observability: Observability) -> dict[str, str]:
    """Extra Envoy variables: tracing to the local daemon; the admin (stats) port when it is not 9901."""
    env = {}
    if observability.tracing:
        env["ENABLE_ENVOY_XRAY_TRACING"] = "1"
        env["XRAY_DAEMON_PORT"] = str(XRAY_DAEMON_PORT)
    if observability.metrics and observability.metrics.scrape_port != ENVOY_STATS_PORT:
        env["ENVOY_ADMIN_ACCESS_PORT"] = str(observability.metrics.scrape_port)
    return env


def envoy_admin_port(observability: Observability) -> int:
    return observability.metrics.scrape_port if observability.metrics else ENVOY_STATS_PORT


def sidecar_containers(observability: Observability, logs: dict, namespace: str) -> list[dict]:
    containers = []
    if observability.tracing:
        containers.append(xray_daemon_container(observability.tracing, logs))
    if observability.metrics:
        containers.append(cloudwatch_agent_container(observability.metrics, logs, namespace))
    return containers


def xray_daemon_container(tracing: Tracing, logs: dict) -> dict:
    """Envoy reaches the daemon on localhost (UDP 2000) inside the task: no port mapping needed."""
    return {
        "name": XRAY_CONTAINER,
        "image": tracing.image,
        "essential": False,
        "user": SIDECAR_USER,
        "logConfiguration": logs,
    }


def prometheus_scrape_config(scrape_port: int) -> str:
    """Prometheus scrape config for the agent: this task's Envoy only, over localhost."""
    return json.dumps({
        "global": {"scrape_interval": "1m", "scrape_timeout": "10s"},
        "scrape_configs": [{
            "job_name": PROMETHEUS_JOB,
            "metrics_path": "/stats/prometheus",
            "static_configs": [{"targets": [f"localhost:{scrape_port}"]}],
        }],
    })


def cloudwatch_agent_config(log_group: str, namespace: str) -> str:
    """Agent config: read the scraped metrics and ship them as embedded-metric-format logs to `log_group`."""
    return json.dumps({
        "logs": {
            "metrics_collected": {"prometheus": {
                "log_group_name": log_group,
                "prometheus_config_path": "env:PROMETHEUS_CONFIG_CONTENT",
                "emf_processor": {"metric_namespace": namespace, "metric_declaration": [{
                    "source_labels": ["job"], "label_matcher": f"^{PROMETHEUS_JOB}$",
                    "dimensions": [["envoy_cluster_name"]],
                    "metric_selectors": ["^envoy_cluster_upstream_rq_(total|xx)$", "^envoy_cluster_upstream_cx_active$"],
                }]},
            }},
            "force_flush_interval": 5,
        },
    })


def cloudwatch_agent_container(metrics: Metrics, logs: dict, namespace: str) -> dict:
    log_group = logs["options"]["awslogs-group"]
    return {
        "name": CLOUDWATCH_AGENT_CONTAINER,
        "image": metrics.image,
        "essential": False,
        "user": SIDECAR_USER,
        "environment": [
            {"name": "CW_CONFIG_CONTENT", "value": cloudwatch_agent_config(log_group, namespace)},
            {"name": "PROMETHEUS_CONFIG_CONTENT", "value": prometheus_scrape_config(metrics.scrape_port)},
        ],
        "logConfiguration": logs,
    }
