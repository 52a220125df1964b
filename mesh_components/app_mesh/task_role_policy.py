"""What a workload's task role may do on App Mesh: its Envoy streams its own node's or gateway's configuration
(`appmesh:StreamAggregatedResources` on that one ARN; the AWS-managed AWSAppMeshEnvoyAccess grants it on `*`,
letting any task impersonate any node, so it is never used), and gains more only for what the workload is
configured to use: the ACM certificates and Private CAs its TLS names, and its observability sidecars' uploads.
"""

from __future__ import annotations

import pulumi

from ..aws.iam_policy import allow
from ..topology.graph import MeshGraph, Workload
from ..topology.observability import Observability

POLICY_KEY = "envoy"


def task_role_statements(graph: MeshGraph, workload: Workload, resource_arn: pulumi.Input[str],
                         log_group_arn: pulumi.Input[str]) -> pulumi.Output[list[dict]]:
    certificates = graph.served_certificates(workload)
    authorities = graph.caller_tls(workload).trusted_authorities
    observability = graph.topology.mesh.observability
    return pulumi.Output.all(resource_arn, log_group_arn).apply(lambda arns: [
        allow(["appmesh:StreamAggregatedResources"], [arns[0]], "EnvoyConfig"),
        *tls_statements(certificates, authorities), *sidecar_statements(observability, arns[1])])


def tls_statements(certificate_arns: list[str], authority_arns: list[str]) -> list[dict]:
    """Envoy exports its listeners' ACM certificates and reads the Private CAs it trusts; those ARNs only."""
    statements = []
    if certificate_arns:
        statements.append(allow(["acm:ExportCertificate"], certificate_arns, "TlsCertificates"))
    if authority_arns:
        statements.append(allow(["acm-pca:GetCertificateAuthorityCertificate"], authority_arns, "TlsTrust"))
    return statements


def sidecar_statements(observability: Observability, log_group_arn: str) -> list[dict]:
    """IAM statements the sidecars need, only for the sidecars that run."""
    statements = []
    if observability.tracing:
        # X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions: AWS accepts only "*".
        statements.append({"Sid": "XRayTraces", "Effect": "Allow",
                           "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": ["*"]})
    if observability.metrics:
        statements.append({"Sid": "EnvoyMetrics", "Effect": "Allow",
                           "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                           "Resource": [f"{log_group_arn}:log-stream:*"]})
    return statements
