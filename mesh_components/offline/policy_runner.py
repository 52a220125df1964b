"""Hand recorded resources to the real policy pack the way the Pulumi engine does.

The pack runs as the engine runs it: `python -u -m pulumi.policy <engine-address> policy/` in a
subprocess, which prints its gRPC port; then GetAnalyzerInfo, Configure, Analyze once per
resource (inputs after the provider's Check) and AnalyzeStack once (outputs, parents,
dependencies). The engine address is passed for fidelity only: pulumi.policy 1.21 never dials it
(it configures the runtime from PULUMI_* environment variables), so no engine server is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

import grpc
import jsonschema
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .recording import RecordedResource, Recording

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
START_TIMEOUT_SECONDS = 60
RPC_TIMEOUT_SECONDS = 120
_RESOURCE_REFERENCE = "5cf8f73096256a8f31e491e813e4eb8e"
_SIG_KEY = "4dabf18193072939515e22adb298388d"

_LEVEL_NAMES = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY, "remediate": analyzer_pb2.REMEDIATE, "disabled": analyzer_pb2.DISABLED}
_LEVEL_OF = {value: name for name, value in _LEVEL_NAMES.items()}


class PolicyPackError(Exception):
    """The pack could not be started or answered with an error (a crashing policy, bad config)."""


@dataclass(frozen=True, order=True)
class Verdict:
    urn: str  # the resource judged; "" for a verdict on the whole stack
    policy_name: str
    enforcement_level: str  # "mandatory" | "advisory" | "remediate"
    message: str
    stage: str  # "resource" (Analyze) or "stack" (AnalyzeStack)

    @property
    def is_mandatory(self) -> bool:
        return self.enforcement_level in ("mandatory", "remediate")


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement_level: str
    kind: str  # "resource" | "stack"
    config_schema: dict


def _struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(_drop_resource_references(dict(value)))
    return struct


def _drop_resource_references(value: Any) -> Any:
    """Resource references become their id (custom) or URN, as the engine marshals for analyzers."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _RESOURCE_REFERENCE:
            return value.get("id") or value.get("urn", "")
        return {key: _drop_resource_references(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_drop_resource_references(item) for item in value]
    return value


def load_policy_config(path: Path) -> dict[str, Any]:
    """A `--policy-pack-config` JSON file: {"<policy>": "<level>" | {"enforcementLevel": ..., "<key>": ...}}."""
    try:
        config = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise PolicyPackError(f"{path}: cannot read policy config ({error})") from None
    if not isinstance(config, dict):
        raise PolicyPackError(f"{path}: policy config must be a JSON object keyed by policy name")
    return config


def _validate_properties(policy: PolicyInfo, properties: dict[str, Any]) -> None:
    """Refuse config the engine would refuse: keys the policy does not take, values off its schema."""
    unknown_keys = sorted(set(properties) - set(policy.config_schema))
    if unknown_keys:
        raise PolicyPackError(
            f"policy {policy.name} has no config {', '.join(unknown_keys)}; it takes {', '.join(policy.config_schema) or 'none'}"
        )
    schema = {"type": "object", "properties": policy.config_schema}
    error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(properties))
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path)
        raise PolicyPackError(f"policy {policy.name}: config {where}: {error.message}")


class PolicyPackProcess:
    """The policy pack running in its own process; use as a context manager or call close()."""

    def __init__(self, pack_dir: Path = POLICY_DIR, *, python: str = sys.executable) -> None:
        self.pack_dir = Path(pack_dir)
        self._stderr: list[str] = []
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("PULUMI_CONFIG", None)
        self._process = subprocess.Popen(
            [python, "-u", "-m", "pulumi.policy", "127.0.0.1:0", str(self.pack_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        port = self._read_port()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        try:
            grpc.channel_ready_future(self._channel).result(timeout=START_TIMEOUT_SECONDS)
        except grpc.FutureTimeoutError:
            self.close()
            raise PolicyPackError(f"policy pack in {self.pack_dir} did not accept connections on port {port}") from None
        self.info = self._get_info()

    def _read_port(self) -> int:
        line_holder: list[str] = []
        reader = threading.Thread(target=lambda: line_holder.append(self._process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
        line = line_holder[0].strip() if line_holder else ""
        if not line.isdigit():
            self._process.kill()
            stderr = self._process.stderr.read() if self._process.stderr else ""
            raise PolicyPackError(f"policy pack in {self.pack_dir} did not start: {line}\n{stderr}".strip())
        return int(line)

    def _drain_stderr(self) -> None:
        for line in self._process.stderr:
            self._stderr.append(line)

    def _call(self, method, request):
        try:
            return method(request, timeout=RPC_TIMEOUT_SECONDS)
        except grpc.RpcError as error:
            details = error.details() if hasattr(error, "details") else str(error)
            raise PolicyPackError(f"policy pack failed: {details}\n{''.join(self._stderr[-40:])}".strip()) from None

    def _get_info(self) -> list[PolicyInfo]:
        info = self._call(self._stub.GetAnalyzerInfo, empty_pb2.Empty())
        return [
            PolicyInfo(
                name=policy.name,
                description=policy.description,
                enforcement_level=_LEVEL_OF.get(policy.enforcementLevel, "advisory"),
                kind="stack" if policy.policy_type == analyzer_pb2.PolicyType.POLICY_TYPE_STACK else "resource",
                config_schema=json_format.MessageToDict(policy.configSchema.properties),
            )
            for policy in info.policies
        ]

    def configure(self, config: Optional[Mapping[str, Any]] = None) -> None:
        """Configure every policy like the engine: its default level and schema defaults, then `config`."""
        config = dict(config or {})
        everything = config.pop("all", None)
        unknown = sorted(set(config) - {policy.name for policy in self.info})
        if unknown:
            raise PolicyPackError(f"policy config names unknown policies: {', '.join(unknown)}")
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for policy in self.info:
            given = config.get(policy.name, everything)
            level, properties = policy.enforcement_level, {
                key: schema["default"] for key, schema in policy.config_schema.items() if isinstance(schema, dict) and "default" in schema
            }
            if isinstance(given, str):
                level = given
            elif isinstance(given, dict):
                level = given.get("enforcementLevel", level)
                properties.update({key: value for key, value in given.items() if key != "enforcementLevel"})
            if level not in _LEVEL_NAMES:
                raise PolicyPackError(f"policy {policy.name}: enforcement level {level!r} is not one of {', '.join(_LEVEL_NAMES)}")
            _validate_properties(policy, properties)
            entry = request.policyConfig[policy.name]
            entry.enforcementLevel = _LEVEL_NAMES[level]
            entry.properties.update(properties)
        self._call(self._stub.Configure, request)

    def analyze(self, recording: Recording, config: Optional[Mapping[str, Any]] = None) -> list[Verdict]:
        """Configure, then Analyze every resource and AnalyzeStack once; verdicts sorted by resource."""
        self.configure(config)
        verdicts: list[Verdict] = []
        for resource in recording.resources:
            response = self._call(self._stub.Analyze, self._analyze_request(resource))
            verdicts += [self._verdict(d, resource.urn, "resource") for d in response.diagnostics]
        stack_request = analyzer_pb2.AnalyzeStackRequest(resources=[self._stack_resource(r) for r in recording.resources])
        response = self._call(self._stub.AnalyzeStack, stack_request)
        verdicts += [self._verdict(d, d.urn, "stack") for d in response.diagnostics]
        return sorted(verdicts)

    @staticmethod
    def _verdict(diagnostic, urn: str, stage: str) -> Verdict:
        return Verdict(urn, diagnostic.policyName, _LEVEL_OF.get(diagnostic.enforcementLevel, "advisory"), diagnostic.message, stage)

    @staticmethod
    def _analyze_request(resource: RecordedResource):
        return analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            properties=_struct(resource.checked_inputs),
            urn=resource.urn,
            name=resource.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent),
        )

    @staticmethod
    def _stack_resource(resource: RecordedResource):
        return analyzer_pb2.AnalyzerResource(
            type=resource.type,
            properties=_struct(resource.outputs),
            urn=resource.urn,
            name=resource.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent),
            parent=resource.parent,
            dependencies=list(resource.dependencies),
            propertyDependencies={
                key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns)) for key, urns in resource.property_dependencies.items()
            },
        )

    def close(self) -> None:
        channel = getattr(self, "_channel", None)
        if channel is not None:
            channel.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> "PolicyPackProcess":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def analyze_recording(recording: Recording, config: Optional[Mapping[str, Any]] = None, *, pack_dir: Path = POLICY_DIR) -> list[Verdict]:
    """One-shot: start the pack, judge `recording`, stop the pack."""
    with PolicyPackProcess(pack_dir) as pack:
        return pack.analyze(recording, config)
