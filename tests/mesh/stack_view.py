"""Reads a mock-engine recording the way a reviewer reads AWS: which group belongs to whom, which rules exist.

Test-side only. It maps resources back to workloads through the AWS resources themselves (ECS
service names and their security groups, the load balancer's groups), never through the
program's own bookkeeping, so a test built on it can catch the program lying to itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from mesh_components.offline.recording import Recording, RecordedResource
from mesh_components.topology.graph import MeshGraph

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LOAD_BALANCER_GROUP = "load-balancer"


@dataclass(frozen=True, order=True)
class Rule:
    group: str
    direction: str
    peer: str  # a group owner, a CIDR or a prefix list id
    protocol: str
    from_port: int
    to_port: int


class StackView:
    def __init__(self, recording: Recording) -> None:
        self.recording = recording

    def of_type(self, token: str) -> list[RecordedResource]:
        return self.recording.of_type(token)

    def one(self, token: str, **match) -> RecordedResource:
        found = [r for r in self.of_type(token) if all(r.outputs.get(k) == v for k, v in match.items())]
        assert len(found) == 1, f"{len(found)} {token} with {match}"
        return found[0]

    @cached_property
    def group_owners(self) -> dict[str, str]:
        """Security-group id -> the ECS service (workload) or load balancer that uses it."""
        owners = {}
        for service in self.of_type("aws:ecs/service:Service"):
            for group in service.outputs["networkConfiguration"]["securityGroups"]:
                owners[group] = service.outputs["name"]
        for balancer in self.of_type("aws:lb/loadBalancer:LoadBalancer"):
            for group in balancer.outputs.get("securityGroups", []):
                owners[group] = LOAD_BALANCER_GROUP
        return owners

    @cached_property
    def rules(self) -> set[Rule]:
        rules = set()
        for token, direction in ((INGRESS, "ingress"), (EGRESS, "egress")):
            for rule in self.of_type(token):
                o = rule.outputs
                peer = (self.group_owners[o["referencedSecurityGroupId"]] if "referencedSecurityGroupId" in o
                        else o.get("cidrIpv4") or o.get("cidrIpv6") or o.get("prefixListId"))
                rules.add(Rule(self.group_owners[o["securityGroupId"]], direction, peer, o["ipProtocol"],
                               int(o["fromPort"]), int(o["toPort"])))
        return rules

    def containers(self, family_suffix: str) -> list[dict]:
        return json.loads(self.task_definition(family_suffix).outputs["containerDefinitions"])

    def task_definition(self, family_suffix: str) -> RecordedResource:
        found = [t for t in self.of_type("aws:ecs/taskDefinition:TaskDefinition")
                 if t.outputs["family"].endswith(f"-{family_suffix}")]
        assert len(found) == 1, family_suffix
        return found[0]

    def role_policy_of(self, role_arn: str) -> dict:
        role = self.one("aws:iam/role:Role", arn=role_arn)
        policies = [p for p in self.of_type("aws:iam/rolePolicy:RolePolicy") if p.outputs["role"] == role.id]
        attachments = [a for a in self.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                       if a.outputs["role"] in (role.id, role.outputs["name"])]
        assert len(policies) == 1 and not attachments, role_arn
        return json.loads(policies[0].outputs["policy"])


def expected_rules(graph: MeshGraph, public_cidrs: list[str]) -> set[Rule]:
    """The rules the call edges (and only they) justify, written independently of the program's derivation."""
    def owner(workload) -> str:
        return workload.name

    rules = set()
    for edge in graph.edges:
        rules.add(Rule(edge.callee, "ingress", owner(edge.caller), "tcp", edge.port, edge.port))
        rules.add(Rule(owner(edge.caller), "egress", edge.callee, "tcp", edge.port, edge.port))
    for workload in graph.workloads:
        rules.add(Rule(owner(workload), "egress", "0.0.0.0/0", "tcp", 443, 443))
    gateway = graph.topology.gateway
    for port in [listener.port for listener in gateway.listeners] if gateway else []:
        rules.add(Rule(gateway.name, "ingress", LOAD_BALANCER_GROUP, "tcp", port, port))
        rules.add(Rule(LOAD_BALANCER_GROUP, "egress", gateway.name, "tcp", port, port))
        rules.update(Rule(LOAD_BALANCER_GROUP, "ingress", cidr, "tcp", port, port) for cidr in public_cidrs)
    return rules
