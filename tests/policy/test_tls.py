"""mesh-tls-required: off unless configured; then every node listener STRICT and every backend call TLS-enforced."""

from __future__ import annotations

import pulumi_aws as aws
import pytest

from .verdicts import names_in, of_policy

POLICY = "mesh-tls-required"
REQUIRED = {POLICY: {"required": True}}
CERTIFICATE = {"acm": {"certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}}
TRUST = {"validation": {"trust": {"acm": {"certificate_authority_arns": [
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca"]}}}}
STRICT_LISTENER = {"port_mapping": {"port": 80, "protocol": "http"}, "tls": {"mode": "STRICT", "certificate": CERTIFICATE}}


def node(name: str, *, listener=STRICT_LISTENER, backends=(), defaults=None) -> aws.appmesh.VirtualNode:
    spec = {"listeners": [listener], "backends": [{"virtual_service": backend} for backend in backends]}
    if defaults is not None:
        spec["backend_defaults"] = {"client_policy": defaults}
    return aws.appmesh.VirtualNode(name, mesh_name="m", spec=spec)


def enforcing(enforce: bool = True) -> dict:
    return {"tls": {"enforce": enforce, **TRUST}}


def compliant() -> None:
    node("a", backends=[{"virtual_service_name": "b.local", "client_policy": enforcing()}])
    node("b", backends=[{"virtual_service_name": "c.local"}], defaults=enforcing())


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(lambda: node("bad", listener={"port_mapping": {"port": 80, "protocol": "http"}}), id="no listener TLS"),
        pytest.param(lambda: node("bad", listener={**STRICT_LISTENER, "tls": {"mode": "PERMISSIVE", "certificate": CERTIFICATE}}),
                     id="PERMISSIVE listener"),
        pytest.param(lambda: node("bad", backends=[{"virtual_service_name": "b.local"}]), id="backend without client policy"),
        pytest.param(lambda: node("bad", backends=[{"virtual_service_name": "b.local", "client_policy": enforcing(False)}],
                                  defaults=enforcing()), id="backend policy not enforcing beats enforcing defaults"),
        pytest.param(lambda: node("bad", backends=[{"virtual_service_name": "b.local"}], defaults=enforcing(False)),
                     id="defaults not enforcing"),
    ],
)
def test_without_strict_tls_everywhere_a_stack_requiring_tls_is_refused(judge, program):
    verdicts = judge(program, REQUIRED)
    assert names_in(verdicts, POLICY) == {"bad"}
    found = of_policy(verdicts, POLICY, level="mandatory")
    assert found and "requires TLS" in found[0].message and "Fix:" in found[0].message


def test_strict_listeners_and_enforced_backends_pass(judge):
    assert not of_policy(judge(compliant, REQUIRED), POLICY)


def test_off_unless_configured(judge):
    assert not of_policy(judge(lambda: node("plain", listener={"port_mapping": {"port": 80, "protocol": "http"}})), POLICY)
