"""The prod stack file shapes production through config alone; existing VPCs are checked."""

from __future__ import annotations

import pytest

from mesh_components.offline.mocks import OfflineMocks
from mesh_components.offline.runner import run_stack

from .stack_view import StackView


@pytest.fixture(scope="module")
def prod() -> StackView:
    return StackView(run_stack("prod"))


def test_uses_the_configured_vpc_and_creates_none(prod):
    assert not prod.of_type("aws:ec2/vpc:Vpc") and not prod.of_type("aws:ec2/natGateway:NatGateway")
    namespace = prod.of_type("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace")[0]
    assert namespace.outputs["vpc"] == "vpc-0a1b2c3d4e5f60718"
    (balancer,) = prod.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert balancer.outputs["subnets"] == ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    for service in prod.of_type("aws:ecs/service:Service"):
        assert service.outputs["networkConfiguration"]["subnets"] == ["subnet-0a1b2c3d4e5f60101",
                                                                      "subnet-0a1b2c3d4e5f60102"]


def test_production_sizing(prod):
    assert {s.outputs["name"]: s.outputs["desiredCount"] for s in prod.of_type("aws:ecs/service:Service")} == {
        name: 2.0 for name in ("red", "blue", "green", "yellow", "gateway")}
    assert prod.of_type("aws:cloudwatch/logGroup:LogGroup")[0].outputs["retentionInDays"] == 365
    assert prod.of_type("aws:lb/loadBalancer:LoadBalancer")[0].outputs["enableDeletionProtection"] is True
    names = {r.outputs["name"] for r in prod.of_type("aws:iam/role:Role")}
    assert "color-mesh-prod-red-task" in names and not any("-dev-" in n for n in names)


def test_an_existing_vpc_without_dns_hostnames_is_refused(monkeypatch):
    original = OfflineMocks._vpc

    def vpc_without_hostnames(self, args, region):
        return {**original(self, args, region), "enableDnsHostnames": False}

    monkeypatch.setattr(OfflineMocks, "_vpc", vpc_without_hostnames)
    with pytest.raises(Exception, match="needs DNS support and DNS hostnames enabled"):
        run_stack("prod")
