"""What the ECS infrastructure role for Service Connect TLS grants: AWS's managed policy
AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity (v4), narrowed to this stack.

The managed policy lets ECS keep each service's private key in Secrets Manager secrets named `ecs-sc!...`
(create and tag them, with ECS's own request tags; read, rotate, update and delete them when tagged as owned
by ecs-sc) and read and issue certificates from any Private CA tagged `AmazonECSManaged: true`. Here the
secrets are those of this account and region only, and the Private CA actions name exactly the CAs that
issue this stack's certificates, so the CAs need no tag. Certificates are issued from the end-entity
template only, as in the managed policy. No KMS grant: the topology names no key, so ECS encrypts the
secrets with Secrets Manager's AWS-managed key, which needs none. The policy pack
(iam-service-connect-tls-role) accepts exactly these actions on these resources.
"""

from __future__ import annotations

SECRET_PREFIX = "ecs-sc!"
SECRETS_CREATE = ("secretsmanager:CreateSecret", "secretsmanager:TagResource")
SECRETS_MANAGE = ("secretsmanager:UpdateSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                  "secretsmanager:DeleteSecret", "secretsmanager:RotateSecret", "secretsmanager:UpdateSecretVersionStage")
SECRETS_DESCRIBE = ("secretsmanager:DescribeSecret",)
AUTHORITY_READ = ("acm-pca:GetCertificate", "acm-pca:GetCertificateAuthorityCertificate",
                  "acm-pca:DescribeCertificateAuthority")
AUTHORITY_ISSUE = ("acm-pca:IssueCertificate",)
END_ENTITY_TEMPLATE = "template/EndEntityCertificate/V1"


def tls_role_statements(authorities: tuple[str, ...], partition: str, account: str, region: str) -> list[dict]:
    """The role's statements for these Private CA ARNs, in `partition`, `account` and `region`."""
    secrets = f"arn:{partition}:secretsmanager:{region}:{account}:secret:{SECRET_PREFIX}*"
    own_account = {"aws:ResourceAccount": "${aws:PrincipalAccount}"}
    ecs_created = {
        "ArnLike": {"aws:RequestTag/AmazonECSCreated": [f"arn:{partition}:ecs:{region}:{account}:service/*/*",
                                                        f"arn:{partition}:ecs:{region}:{account}:task-set/*/*"]},
        "StringEquals": {"aws:RequestTag/AmazonECSManaged": "true", **own_account},
    }
    owned_by_ecs = {"StringEquals": {"secretsmanager:ResourceTag/aws:secretsmanager:owningService": "ecs-sc",
                                     **own_account}}
    issuing = {"StringEquals": {"acm-pca:TemplateArn": f"arn:{partition}:acm-pca:::{END_ENTITY_TEMPLATE}"}}
    return [
        _allow("CreateTlsSecret", SECRETS_CREATE, secrets, ecs_created),
        _allow("RotateTlsSecret", SECRETS_MANAGE, secrets, owned_by_ecs),
        _allow("DescribeTlsSecret", SECRETS_DESCRIBE, secrets, {"StringEquals": own_account}),
        _allow("ReadPrivateCa", AUTHORITY_READ, list(authorities)),
        _allow("IssueFromPrivateCa", AUTHORITY_ISSUE, list(authorities), issuing),
    ]


def _allow(sid: str, actions: tuple[str, ...], resource, condition: dict | None = None) -> dict:
    return {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resource,
            **({"Condition": condition} if condition else {})}
