"""Replays the AWS provider's expand step on every Service Connect configuration the service-connect target
registers: nothing we mean may be lost on the way to ECS (tests/provider_expand.py has the rules, read from
terraform-provider-aws internal/service/ecs/service.go)."""

from __future__ import annotations

import yaml

from mesh_components.offline.runner import run_stack
from tests.provider_expand import service_connect_as_sent, service_connect_lost_in_expand
from tests.traffic.stacks import FIXTURES

from .test_tls_stack import TLS_REQUIRED, alb_reached_colors_with_tls, run


def test_the_model_drops_what_the_ecs_provider_drops():
    configuration = {
        "enabled": False, "namespace": "",
        "services": [{"portName": "http-80", "discoveryName": "", "ingressPortOverride": 0.0,
                      "clientAlias": [{"port": 0.0, "dnsName": ""}],
                      "timeout": {"idleTimeoutSeconds": 0.0, "perRequestTimeoutSeconds": 0.0},
                      "tls": {"issuerCertAuthority": {"awsPcaAuthorityArn": ""}, "kmsKey": "", "roleArn": ""}},
                     {"portName": "grpc-9090", "clientAlias": []}],
        "logConfiguration": {"logDriver": "awslogs", "options": {}},
        "accessLogConfiguration": {"format": "TEXT", "includeQueryParameters": ""},
    }
    assert service_connect_as_sent(configuration) == {
        "enabled": False,  # booleans are copied
        "services": [{"portName": "http-80",
                      "clientAlias": [{"port": 0.0}],  # the port always, the empty name never
                      "timeout": {"idleTimeoutSeconds": 0.0, "perRequestTimeoutSeconds": 0.0},  # both, 0 = disabled
                      "tls": {"issuerCertAuthority": {}}},
                     {"portName": "grpc-9090"}],
        "logConfiguration": {"logDriver": "awslogs"},
        "accessLogConfiguration": {"format": "TEXT"},  # includeQueryParameters left to ECS (DISABLED)
    }


def test_the_sc_stack_reaches_ecs_whole():
    assert service_connect_lost_in_expand(run_stack("sc")) == {}


def test_tls_stacks_reach_ecs_whole(tmp_path):
    for name, data in (("required", TLS_REQUIRED), ("alb", alb_reached_colors_with_tls())):
        (tmp_path / name).mkdir()
        assert service_connect_lost_in_expand(run(tmp_path / name, data)) == {}


def test_timeouts_reach_ecs_whole(tmp_path):
    """A per-request timeout alone still sends the idle one (App Mesh's 300 s), never a 0 that would disable it."""
    data = yaml.safe_load((FIXTURES / "gateway_listeners.yaml").read_text())
    color = next(iter(data["colors"].values()))
    color["timeouts"] = {"per_request_ms": 30000}
    recording = run(tmp_path, data)
    assert service_connect_lost_in_expand(recording) == {}
    timeouts = [entry["timeout"] for service in recording.of_type("aws:ecs/service:Service")
                for entry in service.inputs["serviceConnectConfiguration"]["services"] if "timeout" in entry]
    assert timeouts == [{"idleTimeoutSeconds": 300, "perRequestTimeoutSeconds": 30}]
