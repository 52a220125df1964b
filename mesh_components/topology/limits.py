"""The topology's own bounds, as named constants the checks quote in their messages.

What every target shares: names that fit DNS and ARNs, and list sizes no target exceeds (App Mesh,
the widest, set them; a target that takes fewer says so in its capability checks). A target's own
limits live with it: `app_mesh/limits.py`, `aws/fargate.py`.
"""

from __future__ import annotations

import re

# Names of the mesh, routes and gateway routes: they appear in ARNs, IAM policy resources and AWS
# resource names, so letters, digits, hyphens and underscores, at most 255.
RESOURCE_NAME_MAX = 255
RESOURCE_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
RESOURCE_NAME_CHARS = "letters, digits, hyphens and underscores"

# Colors, routers and the gateway become DNS names `<name>.<namespace>` (virtual services, Cloud
# Map services): each name is one DNS label, the whole name a valid hostname.
DNS_LABEL_MAX = 63
DNS_LABEL = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
DNS_LABEL_RULE = "lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, at most 63"
NAMESPACE_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
HOSTNAME_MAX = 253

# Health-check paths only make sense for these listener protocols (grpc and tcp are probed natively).
HTTP_PROTOCOLS = ("http", "http2")

# Route and gateway-route matches: each list holds 1-10 entries; header names at most 50 characters.
MATCH_LIST_MIN = 1
MATCH_LIST_MAX = 10
HEADER_NAME_MAX = 50

# Retry events per kind, and the only TCP event there is.
HTTP_RETRY_EVENTS_MAX = 25
GRPC_RETRY_EVENTS_MAX = 5
TCP_RETRY_EVENTS_MAX = 1

# Trust in AWS Private CA: 1-3 certificate authorities per client policy.
ACM_CA_ARNS_MIN = 1
ACM_CA_ARNS_MAX = 3
ACM_CERTIFICATE_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+")
ACM_PCA_ARN = re.compile(r"arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority/[A-Za-z0-9-]+")
ACM_CERTIFICATE_ARN_SHAPE = "arn:aws:acm:<region>:<12-digit account>:certificate/<id>"
ACM_PCA_ARN_SHAPE = "arn:aws:acm-pca:<region>:<12-digit account>:certificate-authority/<id>"

# Egress destinations: a host is a DNS name of at least two labels (letters, digits, inner hyphens;
# its last label not all digits, so never an address); a prefix list is a managed prefix list id.
EGRESS_HOST_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
EGRESS_HOST_RULE = ("a DNS name of at least two dot-separated labels (lowercase letters, digits, inner hyphens, "
                    f"each at most {DNS_LABEL_MAX}), at most {HOSTNAME_MAX} characters")
PREFIX_LIST_ID = re.compile(r"pl-[0-9a-f]{8,17}")
