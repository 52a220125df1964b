"""The policy driver's engine-side behaviour and the `check` command end to end."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mesh_components.offline.policy_runner import PolicyPackError, PolicyPackProcess

ROOT = Path(__file__).resolve().parents[2]
PROGRAM_MISSING = importlib.util.find_spec("mesh_components.program") is None

SERVICE_CONNECT = {"mesh-one-kind", "mesh-workload-egress", "lb-reaches-served-port", "iam-service-connect-tls-role"}  # (#12)
LATTICE = {"lattice-service-auth", "lattice-auth-policy-shape", "lattice-target-groups-mesh-only", "lattice-service-network", "lattice-prefix-list-rules",
           "iam-lattice-infrastructure-role"}  # routers on Service Connect (#13)
MANDATORY = {
    "mesh-egress-drop-all", "mesh-edges-declared", "sg-no-all-protocols", "sg-port-range-limit", "sg-no-public-ingress",
    "sg-public-ingress-listener-ports", "sg-no-self-all-traffic", "sg-no-default-security-group",
    "sg-no-default-security-group-rules", "sg-no-egress-all-to-world", "sg-no-envoy-admin-port", "sg-rule-peers-resolvable",
    "sg-rule-peers-in-stack", "sg-no-network-interface-attachment", "iam-no-wildcard-allow", "iam-envoy-stream-scoped",
    "iam-managed-policies-judged", "iam-task-role-trust", "iam-mesh-task-roles", "ecs-mesh-proxy-configured", "ecs-app-ports-cover-listeners",
    "ecs-no-dangerous-capabilities", "ecs-envoy-identity-visible", "envoy-admin-port-closed", "mesh-workload-groups-exclusive",
    "lb-reaches-gateway-envoy-listener", "ecs-no-public-ip", "ecs-awsvpc-network-mode", "ecs-no-privileged-containers",
    "ecs-proxy-uid-reserved", "ecs-proxy-egress-ignored", "ecs-envoy-image-pinned", "lb-internet-facing-is-network",
    "lb-internet-facing-only-gateway", "mesh-tls-required",  # the last is inert until configured with required: true
    "mesh-one-kind", "mesh-workload-egress", "lb-reaches-served-port", "iam-service-connect-tls-role",  # Service Connect (#12)
    "iam-execution-role-secrets",  # workloads' secrets (#14)
    *LATTICE,
}
ADVISORY = {
    "mesh-access-logs", "mesh-listener-health-checks", "mesh-route-retry-policy", "mesh-listener-tls", "logs-retention-set",
    "lb-deletion-protection", "ecs-readonly-root-filesystem",
}


def test_pack_reports_every_policy_with_its_default_level_and_config_defaults(policy_pack_process):
    levels = {policy.name: policy.enforcement_level for policy in policy_pack_process.info}
    assert levels == {**{name: "mandatory" for name in MANDATORY}, **{name: "advisory" for name in ADVISORY}}
    schemas = {policy.name: policy.config_schema for policy in policy_pack_process.info}
    assert schemas["sg-port-range-limit"]["maxPortRangeWidth"]["default"] == 1
    assert schemas["ecs-envoy-image-pinned"]["minimumEnvoyVersion"]["default"] == "1.17.2.0"
    assert schemas["sg-no-public-ingress"]["allowedPublicCidrs"]["default"] == []
    assert {p.name for p in policy_pack_process.info if p.kind == "stack"} == {
        "mesh-edges-declared", "sg-no-public-ingress", "sg-no-default-security-group-rules", "sg-rule-peers-in-stack",
        "lb-internet-facing-only-gateway", "envoy-admin-port-closed", "mesh-workload-groups-exclusive",
        "lb-reaches-gateway-envoy-listener", "iam-mesh-task-roles", "ecs-app-ports-cover-listeners",
        *SERVICE_CONNECT, *LATTICE - {"lattice-auth-policy-shape"}, "sg-rule-peers-resolvable",  # the last reads whether a prefix list is Lattice's
        "iam-execution-role-secrets", "ecs-proxy-egress-ignored",
    }


def test_config_naming_unknown_policies_keys_or_levels_is_refused(policy_pack_process):
    for config in (
        {"no-such-policy": "advisory"},
        {"sg-port-range-limit": {"width": 3}},
        {"sg-port-range-limit": {"maxPortRangeWidth": "wide"}},
        {"ecs-envoy-image-pinned": {"minimumEnvoyVersion": "latest"}},
        {"sg-no-all-protocols": "sometimes"},
    ):
        with pytest.raises(PolicyPackError):
            policy_pack_process.configure(config)
    policy_pack_process.configure(None)


def test_a_pack_that_cannot_start_is_reported(tmp_path: Path):
    (tmp_path / "__main__.py").write_text("raise SystemExit('broken pack')\n")
    with pytest.raises(PolicyPackError, match="did not start"):
        PolicyPackProcess(tmp_path)


@pytest.fixture(scope="module")
def policy_pack_process():
    with PolicyPackProcess() as pack:
        yield pack


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mesh_components", "check", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(PROGRAM_MISSING, reason="mesh_components.program (the lead's program) does not exist yet")
def test_check_passes_the_dev_stack_and_groups_verdicts_by_resource():
    result = run_check("--stack", "dev")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 mandatory violation(s)" in result.stdout
    assert "\n  [advisory] " in result.stdout


@pytest.mark.skipif(PROGRAM_MISSING, reason="mesh_components.program (the lead's program) does not exist yet")
def test_check_exits_1_when_config_makes_an_advisory_mandatory(tmp_path: Path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"ecs-readonly-root-filesystem": "mandatory"}))
    result = run_check("--stack", "dev", "--policy-config", str(config))
    assert result.returncode == 1
    assert "[mandatory] ecs-readonly-root-filesystem" in result.stdout


def test_check_exits_2_on_unusable_arguments(tmp_path: Path):
    assert run_check("--stack", "no-such-stack").returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert run_check("--policy-config", str(bad)).returncode == 2


@pytest.mark.skipif(PROGRAM_MISSING, reason="mesh_components.program (the lead's program) does not exist yet")
def test_check_reports_topology_errors_like_validate(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    broken = tmp_path / "broken.yaml"
    broken.write_text("mesh:\n  name: m\n  namespace: x.local\ncolors:\n  red:\n    image: img\n    backends: [nobody]\n")
    (tmp_path / "Pulumi.bad.yaml").write_text(f"config:\n  aws:region: us-east-1\n  color-mesh:topology: {broken}\n")
    result = run_check("--root", str(tmp_path), "--stack", "bad")
    assert result.returncode == 1
    assert f"{broken}:7:16:" in result.stderr and "nobody" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(PROGRAM_MISSING, reason="mesh_components.program (the lead's program) does not exist yet")
def test_check_tallies_per_policy_first_and_names_the_key_that_fixes_each_verdict():
    out = run_check("--stack", "dev").stdout
    lines = out.splitlines()
    assert lines[0] == "Verdicts per policy:"
    assert "  [advisory] ecs-readonly-root-filesystem  9" in lines[:6]
    assert "  [advisory] lb-deletion-protection        1" in lines[:6]
    first_resource = next(index for index, line in enumerate(lines) if line.startswith("aws:"))
    assert first_resource > 4
    for verdict, hint in [
        ("[advisory] lb-deletion-protection: ", "in color-mesh: set `color-mesh:deletionProtection: true` in Pulumi.dev.yaml"),
        ("[advisory] mesh-route-retry-policy: ",
         "in color-mesh: set `routers.router.routes.colors.retry_policy` in config/topology.yaml"),
        ("[advisory] mesh-listener-tls: VirtualNode 'color-mesh-app-mesh-blue-node'",
         "in color-mesh: set `colors.blue.tls` in config/topology.yaml"),
        ("[advisory] mesh-listener-tls: VirtualGateway", "in color-mesh: set `gateway.tls` in config/topology.yaml"),
    ]:
        index = next(i for i, line in enumerate(lines) if line.strip().startswith(verdict))
        assert lines[index + 1].strip() == hint, (verdict, lines[index + 1])


def test_fix_hints_for_mandatory_policies_name_stack_and_topology_keys():
    from mesh_components.commands.policy_hints import fix_hint
    from mesh_components.offline.policy_runner import Verdict
    from mesh_components.offline.recording import RecordedResource

    node = RecordedResource(urn="u", type="aws:appmesh/virtualNode:VirtualNode", name="n", custom=True, parent="",
                            dependencies=(), property_dependencies={}, inputs={}, checked_inputs={"name": "red"},
                            outputs={})

    def hint(policy, resource=None):
        return fix_hint(Verdict("u", policy, "mandatory", "m", "resource"), resource, "t.yaml", "prod")

    assert hint("ecs-envoy-image-pinned") == "set `color-mesh:envoyImage: <repository>:vX.Y.Z.W-prod` in Pulumi.prod.yaml"
    assert hint("mesh-egress-drop-all") == "set `mesh.egress_filter: DROP_ALL` in t.yaml"
    assert hint("mesh-tls-required", node) == (
        "set `colors.red.tls (mode STRICT) and backend_tls (enforce: true)` in t.yaml")
    assert "`color-mesh:publicCidrs` in Pulumi.prod.yaml" in hint("sg-no-public-ingress")
    assert hint("iam-no-wildcard-allow") is None  # nothing of ours: the pack's own hint stands
    assert hint("mesh-one-kind") == "set `color-mesh:target: app-mesh | service-connect` in Pulumi.prod.yaml"
    router = RecordedResource(urn="u", type="aws:vpclattice/service:Service", name="s", custom=True, parent="", dependencies=(),
                              property_dependencies={}, inputs={}, checked_inputs={"customDomainName": "router.colors.local"},
                              outputs={})
    assert hint("lattice-service-auth", router).startswith("set or remove `routers.router.auth: iam` in t.yaml")


def test_every_policy_of_the_pack_has_a_hint_entry(policy_pack_process):
    """A new policy gets a hint, or PACK_FIX on purpose; the Service Connect and Lattice ones each name a key."""
    from mesh_components.commands.policy_hints import POLICIES, fix_hint
    from mesh_components.offline.policy_runner import Verdict

    assert POLICIES == {policy.name for policy in policy_pack_process.info}
    for policy in SERVICE_CONNECT | LATTICE:
        hint = fix_hint(Verdict("u", policy, "mandatory", "m", "stack"), None, "t.yaml", "prod")
        assert hint and ("t.yaml" in hint or "Pulumi.prod.yaml" in hint), policy
