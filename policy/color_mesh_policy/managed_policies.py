"""AWS-managed IAM policies the pack has reviewed, by what they grant that our policies judge.

Each entry keeps only the statements that matter, as a policy document, so the same checks that
judge the stack's own documents judge it (iam-no-wildcard-allow, iam-envoy-stream-scoped). AWS
changes its managed policies; an entry is a review of what the policy granted when it was added.
AWSAppMeshEnvoyAccess and AWSAppMeshReadOnly were checked against the AWS Managed Policy reference;
the other entries keep only the broad grant each is known for (`*`, `NotAction`, `service:*`) or the
named actions a harmless one lists, and deserve the same check when the table is next reviewed.
Unreviewed AWS-managed policies are refused on mesh task roles (iam-mesh-task-roles), since the
pack cannot see what they grant.
"""

from __future__ import annotations

from typing import Any, Optional


def _allow(actions: Any, resource: Any = "*", **extra: Any) -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


_ECS_SC_SECRETS = "arn:aws:secretsmanager:*:*:secret:ecs-sc!*"
_ECS_CREATED = {"ArnLike": {"aws:RequestTag/AmazonECSCreated": ["arn:aws:ecs:*:*:service/*/*", "arn:aws:ecs:*:*:task-set/*/*"]},
                "StringEquals": {"aws:RequestTag/AmazonECSManaged": "true", "aws:ResourceAccount": "${aws:PrincipalAccount}"}}

# Policy name (the ARN's last path segment) -> the statements that matter.
REVIEWED: dict[str, list[dict]] = {
    # Forbidden by what they grant:
    "AdministratorAccess": [_allow(["*"])],
    "PowerUserAccess": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}],
    "AWSAppMeshFullAccess": [_allow(["appmesh:*"])],
    "AWSAppMeshEnvoyAccess": [_allow(["appmesh:StreamAggregatedResources"])],
    "AWSAppMeshPreviewEnvoyAccess": [_allow(["appmesh-preview:StreamAggregatedResources"])],
    "IAMFullAccess": [_allow(["iam:*"])],
    "AmazonECS_FullAccess": [_allow(["ecs:*"])],
    "AWSCloudMapFullAccess": [_allow(["servicediscovery:*"])],
    # Fine: named actions only, nothing our policies forbid.
    "AWSAppMeshReadOnly": [_allow(["appmesh:Describe*", "appmesh:List*"])],
    # Version v4 (2026-02-12) from the AWS Managed Policy reference, in full: judged by iam-service-connect-tls-role.
    "AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity": [
        _allow(["secretsmanager:CreateSecret", "secretsmanager:TagResource"], _ECS_SC_SECRETS, Condition=_ECS_CREATED),
        _allow(["secretsmanager:UpdateSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                "secretsmanager:DeleteSecret", "secretsmanager:RotateSecret", "secretsmanager:UpdateSecretVersionStage"],
               _ECS_SC_SECRETS, Condition={"StringEquals": {"secretsmanager:ResourceTag/aws:secretsmanager:owningService": "ecs-sc",
                                                            "aws:ResourceAccount": "${aws:PrincipalAccount}"}}),
        _allow(["secretsmanager:DescribeSecret"], _ECS_SC_SECRETS,
               Condition={"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}),
        _allow(["acm-pca:GetCertificate", "acm-pca:GetCertificateAuthorityCertificate", "acm-pca:DescribeCertificateAuthority"],
               Condition={"StringEquals": {"aws:ResourceTag/AmazonECSManaged": "true"}}),
        _allow(["acm-pca:IssueCertificate"], Condition={"StringEquals": {
            "aws:ResourceTag/AmazonECSManaged": "true", "acm-pca:TemplateArn": "arn:aws:acm-pca:::template/EndEntityCertificate/V1"}}),
    ],
    # Version v1 (2024-11-15) from the AWS Managed Policy reference, in full: judged by iam-lattice-infrastructure-role.
    "AmazonECSInfrastructureRolePolicyForVpcLattice": [
        _allow(["vpc-lattice:RegisterTargets", "vpc-lattice:DeregisterTargets"], ["arn:aws:vpc-lattice:*:*:targetgroup/*"]),
        _allow("vpc-lattice:GetTargetGroup", ["arn:aws:vpc-lattice:*:*:targetgroup/*"]),
        _allow("vpc-lattice:ListTargets", ["arn:aws:vpc-lattice:*:*:targetgroup/*"]),
        _allow(["ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeInstances"], ["*"]),
    ],
    "AmazonECSTaskExecutionRolePolicy": [_allow(["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                                                 "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
                                                 "logs:CreateLogStream", "logs:PutLogEvents"])],
    "AWSXRayDaemonWriteAccess": [_allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                                         "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"])],
    "CloudWatchAgentServerPolicy": [_allow(["cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags",
                                            "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups",
                                            "logs:CreateLogStream", "logs:CreateLogGroup"]),
                                    _allow(["ssm:GetParameter"], "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*")],
}


def aws_managed_name(arn: Any) -> Optional[str]:
    """`AdministratorAccess` from `arn:aws:iam::aws:policy/AdministratorAccess` (any partition, any path); None
    for a customer-managed policy or anything else."""
    if not isinstance(arn, str):
        return None
    head, _, path = arn.partition(":policy/")
    parts = head.split(":")
    if len(parts) != 5 or parts[0] != "arn" or parts[2] != "iam" or parts[4] != "aws" or not path:
        return None
    return path.rsplit("/", 1)[-1]


def reviewed_document(arn: Any) -> Optional[dict]:
    name = aws_managed_name(arn)
    statements = REVIEWED.get(name) if name else None
    return {"Version": "2012-10-17", "Statement": statements} if statements is not None else None
