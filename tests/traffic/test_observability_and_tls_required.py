"""fixtures/observability_tls.yaml: tracing and metrics sidecars, log formats and mesh-wide TLS, under
the mock engine and through the policy pack (`check`), which must find no mandatory violation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mesh_components.offline.runner import run_stack
from tests.mesh.stack_view import StackView

from .stacks import FIXTURES, node_spec, run_fixture

ROOT = Path(__file__).resolve().parents[2]
XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


@pytest.fixture(scope="module")
def stack():
    return run_fixture("observability_tls.yaml")


def containers_by_name(stack, family: str) -> dict[str, dict]:
    return {container["name"]: container for container in stack.containers(family)}


def environment(container: dict) -> dict[str, str]:
    return {entry["name"]: entry["value"] for entry in container.get("environment", [])}


@pytest.mark.parametrize("family", ["red", "blue", "gateway"])
def test_every_task_runs_the_sidecars_never_as_envoys_uid(stack, family):
    containers = containers_by_name(stack, family)
    xray, agent = containers["xray-daemon"], containers["cloudwatch-agent"]
    assert xray["image"] == "amazon/aws-xray-daemon:3.3.13"
    assert agent["image"].startswith("public.ecr.aws/cloudwatch-agent/cloudwatch-agent:") and ":latest" not in agent["image"]
    for sidecar in (xray, agent):
        assert sidecar["user"] not in ("1337", None) and sidecar["essential"] is False
        assert "portMappings" not in sidecar  # reached over localhost inside the task


@pytest.mark.parametrize("family", ["red", "gateway"])
def test_envoy_traces_keeps_stats_tags_and_serves_stats_on_the_scrape_port(stack, family):
    envoy = containers_by_name(stack, family)["envoy"]
    env = environment(envoy)
    assert env["ENABLE_ENVOY_XRAY_TRACING"] == "1" and env["ENABLE_ENVOY_STATS_TAGS"] == "1"
    assert env["ENVOY_ADMIN_ACCESS_PORT"] == "9902"
    assert "localhost:9902/server_info" in envoy["healthCheck"]["command"][1]


def test_the_agent_scrapes_this_tasks_envoy_only(stack):
    agent = environment(containers_by_name(stack, "red")["cloudwatch-agent"])
    scrape = json.loads(agent["PROMETHEUS_CONFIG_CONTENT"])
    assert scrape["scrape_configs"][0]["static_configs"] == [{"targets": ["localhost:9902"]}]
    assert scrape["scrape_configs"][0]["metrics_path"] == "/stats/prometheus"
    config = json.loads(agent["CW_CONFIG_CONTENT"])
    assert config["logs"]["metrics_collected"]["prometheus"]["prometheus_config_path"] == "env:PROMETHEUS_CONFIG_CONTENT"


def test_task_roles_gain_xray_and_metrics_statements(stack):
    role_arn = stack.task_definition("blue").outputs["taskRoleArn"]
    statements = {s["Sid"]: s for s in stack.role_policy_of(role_arn)["Statement"]}
    assert set(statements) == {"EnvoyConfig", "TlsCertificates", "TlsTrust", "XRayTraces", "EnvoyMetrics"}
    assert statements["XRayTraces"]["Action"] == XRAY_ACTIONS and statements["XRayTraces"]["Resource"] == ["*"]
    assert statements["EnvoyMetrics"]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert all(resource.endswith(":log-stream:*") for resource in statements["EnvoyMetrics"]["Resource"])


def test_no_sidecar_no_tracing_and_no_extra_permission_without_observability():
    dev = run_stack("dev", ROOT)
    view = StackView(dev)
    for family in ("red", "gateway"):
        containers = containers_by_name(view, family)
        assert "xray-daemon" not in containers and "cloudwatch-agent" not in containers
        assert "ENABLE_ENVOY_XRAY_TRACING" not in environment(containers["envoy"])
        role_arn = view.task_definition(family).outputs["taskRoleArn"]
        assert [s["Sid"] for s in view.role_policy_of(role_arn)["Statement"]] == ["EnvoyConfig"]


def test_required_tls_makes_every_listener_strict_and_every_backend_enforcing(stack):
    for color in ("red", "blue"):
        assert all(listener["tls"]["mode"] == "STRICT" for listener in node_spec(stack, color)["listeners"])
    assert node_spec(stack, "blue")["backendDefaults"]["clientPolicy"]["tls"]["enforce"] is True


def test_check_finds_no_mandatory_violation_with_tls_required_configured(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.obs.yaml").write_text(
        "config:\n  aws:region: us-east-1\n"
        f"  color-mesh:topology: {FIXTURES / 'observability_tls.yaml'}\n")
    (tmp_path / "policy.json").write_text(json.dumps({"mesh-tls-required": {"required": True}}))
    result = subprocess.run(
        [sys.executable, "-m", "mesh_components", "check", "--root", str(tmp_path), "--stack", "obs",
         "--policy-config", str(tmp_path / "policy.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 mandatory violation(s)" in result.stdout
    assert "mesh-tls-required" not in result.stdout
