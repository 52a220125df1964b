"""A production-shaped stack on service-connect: Pulumi.prod.yaml's settings (the platform team's VPC, two tasks
per service, a year of logs, deletion protection) with `color-mesh:target: service-connect` and the shipped
Service Connect topology given listener TLS from one Private CA. Run through the stack file as `pulumi up` and
`check` read it, so the settings and the target travel the same way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mesh_components.offline.runner import run_stack
from tests.mesh.stack_view import StackView

from .test_tls_stack import CA, alb_reached_colors_with_tls

ROOT = Path(__file__).resolve().parents[2]
STACK = "prodsc"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("prod-sc")
    (root / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (root / "topology.yaml").write_text(yaml.safe_dump(alb_reached_colors_with_tls()))
    config = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())["config"]
    config.update({"color-mesh:target": "service-connect", "color-mesh:topology": str(root / "topology.yaml")})
    config.pop("color-mesh:envoyImage", None)  # App Mesh's proxy: no use on this target
    (root / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": config}))
    return root


@pytest.fixture(scope="module")
def stack(root) -> StackView:
    return StackView(run_stack(STACK, root))


def test_production_settings_hold_on_service_connect(stack):
    assert not stack.of_type("aws:ec2/vpc:Vpc") and not stack.of_type("aws:ec2/natGateway:NatGateway")
    (balancer,) = stack.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert balancer.outputs["loadBalancerType"] == "application" and balancer.outputs["enableDeletionProtection"] is True
    assert balancer.outputs["subnets"] == ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    services = {service.outputs["name"]: service.outputs for service in stack.of_type("aws:ecs/service:Service")}
    assert {name: service["desiredCount"] for name, service in services.items()} == {
        name: 2.0 for name in ("red", "blue", "green", "yellow")}
    for service in services.values():
        assert service["networkConfiguration"]["subnets"] == ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102"]
        assert [entry["tls"]["issuerCertAuthority"]["awsPcaAuthorityArn"]
                for entry in service["serviceConnectConfiguration"]["services"]] == [CA]
    assert stack.of_type("aws:cloudwatch/logGroup:LogGroup")[0].outputs["retentionInDays"] == 365
    names = {role.outputs["name"] for role in stack.of_type("aws:iam/role:Role")}
    assert "color-mesh-prodsc-service-connect-tls" in names and not any("-dev-" in name for name in names)


def test_check_finds_no_mandatory_violation_with_tls_required(root):
    (root / "policy.json").write_text(json.dumps({"mesh-tls-required": {"required": True}}))
    result = subprocess.run(
        [sys.executable, "-m", "mesh_components", "check", "--root", str(root), "--stack", STACK,
         "--policy-config", str(root / "policy.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 mandatory violation(s)" in result.stdout
