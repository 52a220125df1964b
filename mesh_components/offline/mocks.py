"""`pulumi.runtime.Mocks` that answer like AWS would: realistic ids, ARNs, auto-names and invokes."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Callable

import pulumi

from .fake_cloud import ACCOUNT_ID, Identity, provider_defaults, resource_state, stable_hex

DEFAULT_REGION = "us-east-1"

# AZ ids per region prefix are not worth modelling; these look like the real ones.
_ZONE_ID_PREFIX = {"us-east-1": "use1", "us-west-2": "usw2", "eu-west-1": "euw1", "eu-central-1": "euc1"}


# Partitions by region prefix (the rest are "aws"), as aws.get_partition answers for a provider's region.
_PARTITIONS = {"cn-": ("aws-cn", "amazonaws.com.cn"), "us-gov-": ("aws-us-gov", "amazonaws.com"),
               "us-iso-": ("aws-iso", "c2s.ic.gov"), "us-isob-": ("aws-iso-b", "sc2s.sgov.gov")}


@dataclass(frozen=True)
class RecordedInvoke:
    """One data-source call: its token and the provider reference (`<urn>::<id>`, "" for the default one)."""

    token: str
    provider: str


class OfflineMocks(pulumi.runtime.Mocks):
    """Answers every resource and invoke; remembers every invoke and the tokens it had to guess at.

    Region and partition answers follow the provider an invoke names: a look-up through a provider
    configured for eu-west-1 answers eu-west-1, one through the default provider the stack's region.
    """

    def __init__(self, *, project: str, stack: str, region: str = DEFAULT_REGION, preview: bool = False) -> None:
        self.project = project
        self.stack = stack
        self.region = region
        self.preview = preview
        self.unknown_calls: list[str] = []
        self.invokes: list[RecordedInvoke] = []
        self._provider_regions: dict[str, str] = {}  # provider id -> its configured region
        # The URN being registered on this thread (set by RecordingMonitor): seeds ids and names, since
        # two resources may share a type and name under different parents.
        self.registering = threading.local()
        self._calls: dict[str, Callable[[dict, str], dict]] = {
            "aws:index/getRegion:getRegion": self._region,
            "aws:index/getCallerIdentity:getCallerIdentity": self._caller_identity,
            "aws:index/getPartition:getPartition": self._partition,
            "aws:index/getAvailabilityZones:getAvailabilityZones": self._availability_zones,
            "aws:iam/getPolicyDocument:getPolicyDocument": self._policy_document,
            "aws:ec2/getVpc:getVpc": self._vpc,
            "aws:ec2/getSubnets:getSubnets": self._subnets,
            "aws:ec2/getManagedPrefixList:getManagedPrefixList": self._managed_prefix_list,
        }

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if not args.custom:
            return None, {}
        if args.typ.startswith("pulumi:providers:"):
            provider_id = stable_hex(self.stack, args.name, length=36)
            if args.inputs.get("region"):
                self._provider_regions[provider_id] = args.inputs["region"]
            return provider_id, dict(args.inputs)
        seed = getattr(self.registering, "urn", None) or f"{self.project}/{self.stack}/{args.typ}/{args.name}"
        identity = Identity(self.region, seed)
        if self.preview:  # a resource about to be created: its inputs and auto-name are known, nothing else
            known = {**args.inputs, **provider_defaults(args.typ, args.name, args.inputs, identity)}
            # What AWS assigns on creation is unknown to the program; the engine still shows those
            # properties (as unknowns) to a policy pack, which the recorder adds from this list.
            _, created = resource_state(args.typ, args.name, args.inputs, identity)
            self.registering.computed = sorted(set(created) - set(known))
            return "", known
        return resource_state(args.typ, args.name, args.inputs, identity)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        self.invokes.append(RecordedInvoke(args.token, args.provider or ""))
        answer = self._calls.get(args.token)
        if answer is None:
            if args.token not in self.unknown_calls:
                self.unknown_calls.append(args.token)
            return dict(args.args)
        return answer(dict(args.args), self._region_of(args.provider or ""))

    def _region_of(self, provider_ref: str) -> str:
        return self._provider_regions.get(provider_ref.rpartition("::")[2], self.region)

    # --- invokes ----------------------------------------------------------------------------------

    def _region(self, args: dict, region: str) -> dict:
        region = args.get("region") or args.get("name") or region
        return {
            "name": region,
            "region": region,
            "id": region,
            "description": f"offline {region}",
            "endpoint": f"ec2.{region}.amazonaws.com",
        }

    def _caller_identity(self, args: dict, region: str) -> dict:
        return {
            "accountId": ACCOUNT_ID,
            "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline",
            "userId": "AIDA" + stable_hex("offline-user", length=17).upper(),
            "id": ACCOUNT_ID,
        }

    def _partition(self, args: dict, region: str) -> dict:
        partition, suffix = next((answer for prefix, answer in _PARTITIONS.items() if region.startswith(prefix)),
                                 ("aws", "amazonaws.com"))
        return {"partition": partition, "id": partition, "dnsSuffix": suffix,
                "reverseDnsPrefix": ".".join(reversed(suffix.split(".")))}

    def _availability_zones(self, args: dict, region: str) -> dict:
        prefix = _ZONE_ID_PREFIX.get(region, region.replace("-", "")[:4])
        return {
            "id": region,
            "names": [f"{region}{letter}" for letter in "abc"],
            "zoneIds": [f"{prefix}-az{index}" for index in (1, 2, 3)],
            "groupNames": [region] * 3,
            "state": args.get("state") or "available",
        }

    def _managed_prefix_list(self, args: dict, region: str) -> dict:
        """An AWS-managed prefix list, found by name (e.g. com.amazonaws.<region>.vpc-lattice)."""
        name = args.get("name") or args.get("id") or ""
        list_id = "pl-" + stable_hex(name, length=17)
        return {**args, "id": list_id, "name": name, "addressFamily": "IPv4", "maxEntries": 0, "ownerId": "AWS",
                "arn": f"arn:aws:ec2:{region}:aws:prefix-list/{list_id}", "version": 1, "entries": [], "tags": {}}

    def _vpc(self, args: dict, region: str) -> dict:
        vpc_id = args.get("id") or "vpc-" + stable_hex(self.stack, "default-vpc")
        return {
            **args,
            "id": vpc_id,
            "arn": f"arn:aws:ec2:{region}:{ACCOUNT_ID}:vpc/{vpc_id}",
            "cidrBlock": args.get("cidrBlock") or "10.0.0.0/16",
            "enableDnsSupport": True,
            "enableDnsHostnames": True,
            "default": bool(args.get("default", False)),
            "ownerId": ACCOUNT_ID,
            "mainRouteTableId": "rtb-" + stable_hex(vpc_id, "rtb"),
        }

    def _subnets(self, args: dict, region: str) -> dict:
        ids = ["subnet-" + stable_hex(self.stack, str(index)) for index in range(3)]
        return {**args, "id": region, "ids": ids}

    def _policy_document(self, args: dict, region: str) -> dict:
        document = render_policy_document(args)
        text = json.dumps(document, indent=2)
        return {**args, "json": text, "minifiedJson": json.dumps(document, separators=(",", ":")), "id": stable_hex(text, length=10)}


def _one_or_many(values: list) -> Any:
    return values[0] if len(values) == 1 else values


def render_policy_document(args: dict) -> dict:
    """The JSON document aws.iam.get_policy_document renders from its `statements` input."""
    statements = []
    for statement in args.get("statements") or []:
        rendered: dict[str, Any] = {}
        if statement.get("sid"):
            rendered["Sid"] = statement["sid"]
        rendered["Effect"] = statement.get("effect") or "Allow"
        for source, target in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"), ("notResources", "NotResource")):
            if statement.get(source):
                rendered[target] = _one_or_many(list(statement[source]))
        for source, target in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if statement.get(source):
                principals: dict[str, Any] = {}
                for principal in statement[source]:
                    principals.setdefault(principal.get("type"), []).extend(principal.get("identifiers") or [])
                rendered[target] = {kind: _one_or_many(ids) for kind, ids in principals.items()}
        if statement.get("conditions"):
            conditions: dict[str, dict] = {}
            for condition in statement["conditions"]:
                conditions.setdefault(condition.get("test"), {})[condition.get("variable")] = _one_or_many(
                    list(condition.get("values") or [])
                )
            rendered["Condition"] = conditions
        statements.append(rendered)
    document: dict[str, Any] = {"Version": args.get("version") or "2012-10-17"}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = statements
    return document
