"""Where AWS vends the Envoy image App Mesh needs, and how its tags read (as the policy pack judges them).

Public ECR; account 840364872350 in every region without its own; these opt-in and China regions each
with their own account (aws-app-mesh-roadmap release notes). Tags are `v<four-part version>-prod`, or
`-prod-fips` for the FIPS build.
"""

from __future__ import annotations

import re
from typing import Optional

PUBLIC_REPOSITORY = "public.ecr.aws/appmesh/aws-appmesh-envoy"
REGIONAL_ACCOUNT = "840364872350"
REGIONAL_ACCOUNTS = {
    "me-south-1": "772975370895", "ap-east-1": "856666278305", "eu-south-1": "422531588944", "af-south-1": "924023996002",
    "ap-southeast-3": "909464085924", "il-central-1": "564877687649", "eu-south-2": "992897592190",
    "eu-central-2": "704106688930", "cn-north-1": "919366029133", "cn-northwest-1": "919830735681",
}
MINIMUM_VERSION = (1, 17, 2, 0)
_REGIONAL = re.compile(r"(\d{12})\.dkr\.ecr\.([a-z]{2}-[a-z]+-\d)\.amazonaws\.com(\.cn)?/aws-appmesh-envoy")
_TAG = re.compile(r"v(\d+)\.(\d+)\.(\d+)\.(\d+)-prod(?:-fips)?")


def is_aws_repository(repository: str) -> bool:
    if repository == PUBLIC_REPOSITORY:
        return True
    match = _REGIONAL.fullmatch(repository)
    if not match:
        return False
    account, region, china = match.groups()
    return region.startswith("cn-") == bool(china) and account == REGIONAL_ACCOUNTS.get(region, REGIONAL_ACCOUNT)


def envoy_image_problem(image: str) -> Optional[str]:
    """Why `image` is not an AWS-vended, pinned, supported Envoy image; None when it is one."""
    name, _, digest = image.partition("@")
    repository, colon, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    if not is_aws_repository(repository):
        return (f"{repository!r} is not AWS's Envoy repository; use {PUBLIC_REPOSITORY} or the regional "
                f"<account>.dkr.ecr.<region>.amazonaws.com/aws-appmesh-envoy AWS vends")
    match = _TAG.fullmatch(tag)
    if not match:
        return "must be pinned to a version tag like ':v1.29.6.0-prod' or '-prod-fips' (never 'latest' or untagged)"
    if tuple(int(part) for part in match.groups()) < MINIMUM_VERSION:
        return "App Mesh supports Envoy v1.17.2.0-prod and later"
    return None
