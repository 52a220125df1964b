"""One router's VPC Lattice service: the service under the name callers already use (its custom domain
name), its association with the mesh's service network, its listener and one listener rule per route; the
compiled values (lattice.Service) passed on field by field.

What the provider sends (terraform-provider-aws vpclattice/listener_rule.go): `case_sensitive` always (as
false when not given), so the True compiled for App Mesh's case-sensitive matches is passed explicitly;
`method` always, as "" when the route has none (the API's HttpMethod takes 0-16 characters; that Lattice
reads "" as any method is not documented: unverified); a weight only when it
is not 0, which is why the compiler leaves weight-0 targets out of the forward. A listener is replaced when
its port or protocol changes, and named by them (lattice_names.listener_name); the provider marks its
service identifier neither ForceNew nor updatable (vpclattice/listener.go), so a replaced service replaces
its listener explicitly (`replace_on_changes`). A rule keeps its route's name, so new priorities update it
in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..aws.component import MeshComponent
from ..aws.physical_names import keyed_name
from .lattice import HeaderMatch, HttpMatch, LatticeTargetGroupKey, ListenerRule, Service
from .lattice_names import listener_name, rule_name


@dataclass(frozen=True)
class LatticeRouterServiceArgs:
    service: Service
    service_name: str  # lattice_names.service_name
    service_network_id: pulumi.Input[str]
    target_group_ids: dict[LatticeTargetGroupKey, pulumi.Input[str]]


class LatticeRouterService(MeshComponent):
    TYPE_NAME = "LatticeRouterService"

    def __init__(self, name: str, args: LatticeRouterServiceArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(name, opts)
        compiled, listener = args.service, args.service.listener
        self.service = aws.vpclattice.Service(
            f"{name}-service", name=args.service_name, custom_domain_name=compiled.custom_domain_name,
            auth_type=compiled.auth_type, opts=self.child())
        self.association = aws.vpclattice.ServiceNetworkServiceAssociation(
            f"{name}-association", service_identifier=self.service.id,
            service_network_identifier=args.service_network_id, opts=self.child())
        self.listener = aws.vpclattice.Listener(
            f"{name}-listener", name=listener_name(listener.protocol, listener.port), protocol=listener.protocol,
            port=listener.port, service_identifier=self.service.id,
            default_action=aws.vpclattice.ListenerDefaultActionArgs(
                fixed_response=aws.vpclattice.ListenerDefaultActionFixedResponseArgs(
                    status_code=listener.default_action.status_code)),
            opts=self.child(replace_on_changes=["serviceIdentifier"]))
        self.rules = [self._rule(name, rule, args) for rule in listener.rules]
        self.dns_name = self.service.dns_entries.apply(lambda entries: entries[0].domain_name)
        self.register_outputs({"serviceArn": self.service.arn, "dnsName": self.dns_name})

    def _rule(self, name: str, rule: ListenerRule, args: LatticeRouterServiceArgs) -> aws.vpclattice.ListenerRule:
        return aws.vpclattice.ListenerRule(
            keyed_name(name, rule.name), name=rule_name(rule.name), priority=rule.priority,
            service_identifier=self.service.id, listener_identifier=self.listener.listener_id,
            match=aws.vpclattice.ListenerRuleMatchArgs(http_match=_http_match(rule.match)),
            action=aws.vpclattice.ListenerRuleActionArgs(forward=aws.vpclattice.ListenerRuleActionForwardArgs(
                target_groups=[aws.vpclattice.ListenerRuleActionForwardTargetGroupArgs(
                    target_group_identifier=args.target_group_ids[target.target_group], weight=target.weight)
                    for target in rule.action.target_groups])),
            opts=self.child())


def _http_match(match: HttpMatch) -> aws.vpclattice.ListenerRuleMatchHttpMatchArgs:
    path = match.path_match
    return aws.vpclattice.ListenerRuleMatchHttpMatchArgs(
        method=match.method,
        path_match=aws.vpclattice.ListenerRuleMatchHttpMatchPathMatchArgs(
            case_sensitive=path.case_sensitive,
            match=aws.vpclattice.ListenerRuleMatchHttpMatchPathMatchMatchArgs(**{path.kind: path.value})),
        header_matches=[_header_match(header) for header in match.header_matches] or None)


def _header_match(header: HeaderMatch) -> aws.vpclattice.ListenerRuleMatchHttpMatchHeaderMatchArgs:
    return aws.vpclattice.ListenerRuleMatchHttpMatchHeaderMatchArgs(
        name=header.name, case_sensitive=header.case_sensitive,
        match=aws.vpclattice.ListenerRuleMatchHttpMatchHeaderMatchMatchArgs(**{header.kind: header.value}))
