"""Fargate task definitions and the log configuration every container of a mesh's tasks uses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws


def log_configuration(log_group: str, region: str, stream_prefix: str) -> dict:
    return {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": log_group,
            "awslogs-region": region,
            "awslogs-stream-prefix": stream_prefix,
        },
    }


@dataclass(frozen=True)
class TaskLogging:
    log_group: str
    region: str

    def for_stream(self, prefix: str) -> dict:
        return log_configuration(self.log_group, self.region, prefix)


def fargate_task_definition(name: str, *, family: str, cpu: int, memory: int,
                            containers: pulumi.Output[list[dict]], execution_role_arn: pulumi.Input[str],
                            task_role_arn: pulumi.Input[str],
                            proxy: Optional[aws.ecs.TaskDefinitionProxyConfigurationArgs],
                            opts: pulumi.ResourceOptions) -> aws.ecs.TaskDefinition:
    return aws.ecs.TaskDefinition(
        name, family=family, cpu=str(cpu), memory=str(memory), network_mode="awsvpc",
        requires_compatibilities=["FARGATE"], execution_role_arn=execution_role_arn, task_role_arn=task_role_arn,
        # json.dumps inside one apply: Output.json_dumps would first lift every dict and list in the
        # containers into an Output of its own, the program's largest cost at scale (bench/README.md).
        container_definitions=containers.apply(json.dumps), proxy_configuration=proxy, opts=opts)
