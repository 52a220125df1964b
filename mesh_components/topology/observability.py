"""What a workload reports: its access log, and the mesh's optional tracing and metrics sidecars."""

from __future__ import annotations

from typing import Optional

from pydantic import Field, StrictStr

from .spec import NonEmptyStr, Port, Spec

ACCESS_LOG_PATH = "/dev/stdout"
XRAY_DAEMON_IMAGE = "amazon/aws-xray-daemon:3.3.13"
CLOUDWATCH_AGENT_IMAGE = "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300032.2b361"
ENVOY_STATS_PORT = 9901


class AccessLog(Spec):
    """Envoy's access log: a file (stdout by default), Envoy's default format unless `text_format` or `json_format`."""

    path: NonEmptyStr = ACCESS_LOG_PATH
    text_format: Optional[NonEmptyStr] = Field(
        default=None, description="Envoy format string, e.g. '[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%\\n'.")
    json_format: Optional[dict[NonEmptyStr, StrictStr]] = Field(
        default=None, description="JSON log lines: field name -> Envoy format operator.")


class Tracing(Spec):
    """An X-Ray daemon beside every Envoy, which then traces each request."""

    image: NonEmptyStr = XRAY_DAEMON_IMAGE


class Metrics(Spec):
    """A CloudWatch agent beside every Envoy, scraping Envoy's Prometheus stats inside the task."""

    image: NonEmptyStr = CLOUDWATCH_AGENT_IMAGE
    scrape_port: Port = Field(default=ENVOY_STATS_PORT, description="Envoy's admin port, scraped at /stats/prometheus on localhost.")


class Observability(Spec):
    tracing: Optional[Tracing] = None
    metrics: Optional[Metrics] = None
