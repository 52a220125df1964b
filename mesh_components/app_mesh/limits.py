"""AWS App Mesh's limits (API model 2019-01-25, user guide) and the names its tasks take for themselves,
as named constants the App Mesh capability checks quote in their messages."""

from __future__ import annotations

# Weighted targets of one route: 1-10, and their weights add up to at most 100.
WEIGHTED_TARGETS_MAX = 10
ROUTE_WEIGHT_TOTAL_MAX = 100

# Route and gateway-route priorities App Mesh takes (1 first; 0 would reach AWS as "none": the graph
# sends ranks from 1), so a router or gateway orders at most this many routes by priority.
PRIORITY_MAX = 1000

# Health-check ranges a virtual node or gateway listener takes (thresholds, interval and timeout in seconds).
HEALTH_CHECK_BOUNDS = {
    "healthy_threshold": (2, 10),
    "unhealthy_threshold": (2, 10),
    "interval_seconds": (5, 300),
    "timeout_seconds": (2, 60),
}

# Virtual gateways reserve these path prefixes for themselves.
RESERVED_GATEWAY_PREFIXES = ("/aws-appmesh", "/aws-app-mesh")

# Ports the Envoy sidecar (or the gateway's Envoy) binds itself; an app listener there collides.
ENVOY_PORTS = {15000: "Envoy's inbound proxy port", 15001: "Envoy's outbound proxy port", 9901: "Envoy's admin port"}
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
