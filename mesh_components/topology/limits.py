"""Limits of the deployment target, as named constants the checks quote in their messages.

These are AWS App Mesh's (API model 2019-01-25, user guide) and ECS Fargate's limits, not
properties of a mesh in general: a different target would bring its own module like this one.
"""

from __future__ import annotations

import re

# App Mesh resource names (mesh, routes, gateway routes): the API bounds only their length. We also
# keep them to letters, digits, hyphens and underscores because they appear inside ARNs and IAM
# policy resources.
APPMESH_NAME_MAX = 255
APPMESH_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
APPMESH_NAME_CHARS = "letters, digits, hyphens and underscores"

# Colors, routers and the gateway become DNS names `<name>.<namespace>` (virtual services, Cloud
# Map services): each name is one DNS label, the whole name a valid hostname.
DNS_LABEL_MAX = 63
DNS_LABEL = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
DNS_LABEL_RULE = "lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, at most 63"
NAMESPACE_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
HOSTNAME_MAX = 253

# Routes of a virtual router.
WEIGHTED_TARGETS_MIN = 1
WEIGHTED_TARGETS_MAX = 10
ROUTE_WEIGHT_TOTAL_MAX = 100  # the weights of one route's targets, added up

# Route and gateway-route priorities App Mesh takes (1 first; 0 would reach AWS as "none": the graph
# sends ranks from 1), so a router or gateway orders at most this many routes by priority.
PRIORITY_MAX = 1000

# Virtual gateways reserve these path prefixes for themselves.
RESERVED_GATEWAY_PREFIXES = ("/aws-appmesh", "/aws-app-mesh")

# Ports the Envoy sidecar (or the gateway's Envoy) binds itself; an app listener there collides.
ENVOY_PORTS = {15000: "Envoy's inbound proxy port", 15001: "Envoy's outbound proxy port", 9901: "Envoy's admin port"}

# Health-check paths only make sense for these listener protocols (grpc and tcp are probed natively).
HTTP_PROTOCOLS = ("http", "http2")


def _mib(gib: int) -> int:
    return gib * 1024


# ECS Fargate task sizes: CPU units -> the memory sizes (MiB) allowed with them. An ECS limit.
FARGATE_MEMORY_BY_CPU: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(_mib(1), _mib(4) + 1, 1024)),
    1024: tuple(range(_mib(2), _mib(8) + 1, 1024)),
    2048: tuple(range(_mib(4), _mib(16) + 1, 1024)),
    4096: tuple(range(_mib(8), _mib(30) + 1, 1024)),
    8192: tuple(range(_mib(16), _mib(60) + 1, _mib(4))),
    16384: tuple(range(_mib(32), _mib(120) + 1, _mib(8))),
}

# Route and gateway-route matches (App Mesh API model): each list holds 1-10 entries.
MATCH_LIST_MIN = 1
MATCH_LIST_MAX = 10
HEADER_NAME_MAX = 50

# Retry events per kind, and the only TCP event App Mesh knows.
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

# Ports Envoy's own traffic uses inside a task (a metrics scrape there would hit the proxy).
PROXY_PORTS = {15000: "Envoy's inbound proxy port", 15001: "Envoy's outbound proxy port"}

# Access-log formats: a text format string, or JSON fields whose names and values are each bounded.
ACCESS_LOG_TEXT_MAX = 1000
ACCESS_LOG_JSON_PART_MAX = 100

# Containers every task may run beside a color's own (named after the color): a color cannot take
# one of these names, or its task would hold two containers of that name (ECS refuses the task).
ENVOY_CONTAINER = "envoy"
XRAY_CONTAINER = "xray-daemon"
CLOUDWATCH_AGENT_CONTAINER = "cloudwatch-agent"
RESERVED_CONTAINER_NAMES = {
    ENVOY_CONTAINER: "the Envoy sidecar",
    XRAY_CONTAINER: "the X-Ray daemon sidecar",
    CLOUDWATCH_AGENT_CONTAINER: "the CloudWatch agent sidecar",
}
