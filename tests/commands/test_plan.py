"""`plan`: the offline preview; its JSON matches what the mock engine registered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pulumi.runtime.rpc import UNKNOWN

from mesh_components.cli import main
from mesh_components.offline.runner import run_stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def in_project(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_plan_json_matches_the_registration(in_project, capsys):
    assert main(["plan", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    recording = run_stack("dev", ROOT, preview=True)
    assert [(r["urn"], r["type"], r["parent"] or "", r["inputs"]) for r in plan["resources"]] == [
        (r.urn, r.type, r.parent, r.inputs) for r in recording.resources]
    # preview counts every step: the stack and the components too, not only the AWS resources
    assert plan["total"] == len(recording.resources) == sum(plan["counts"].values()) == 108
    assert plan["counts"]["aws:appmesh/virtualNode:VirtualNode"] == 4
    assert plan["counts"]["pulumi:pulumi:Stack"] == 1 and plan["counts"]["color-mesh:index:ColorMesh"] == 1
    assert plan["outputs"] == recording.stack_outputs


def test_plan_urns_carry_the_parent_type_chain_like_the_engine(in_project, capsys):
    assert main(["plan", "--json"]) == 0
    resources = {r["urn"]: r for r in json.loads(capsys.readouterr().out)["resources"]}
    mesh_urn = ("urn:pulumi:dev::color-mesh::color-mesh:index:ColorMesh$color-mesh:index:AppMesh"
                "$aws:appmesh/mesh:Mesh::color-mesh-app-mesh-mesh")
    assert resources[mesh_urn]["type"] == "aws:appmesh/mesh:Mesh"
    for urn, resource in resources.items():
        qualified_type = urn.split("::")[2]
        parent = resources.get(resource["parent"] or "")
        if parent is None or parent["type"] == "pulumi:pulumi:Stack":  # the root stack's type is left out
            assert qualified_type == resource["type"], urn
        else:
            assert qualified_type == parent["urn"].split("::")[2] + "$" + resource["type"], urn


def test_plan_shows_values_known_only_after_creation_as_unknown(in_project, capsys):
    assert main(["plan", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["outputs"]["gatewayUrl"] == plan["outputs"]["meshArn"] == UNKNOWN
    assert plan["outputs"]["meshName"] == "color-mesh"  # an input: preview knows it
    [rule] = [r for r in plan["resources"] if r["type"].endswith("SecurityGroupIngressRule")
              and "gateway" in r["name"] and "blue" in r["name"]]
    assert rule["inputs"]["referencedSecurityGroupId"] == UNKNOWN and rule["inputs"]["fromPort"] == 80
    assert main(["plan"]) == 0
    out = capsys.readouterr().out
    assert "    gatewayUrl: output<string>" in out and "    meshArn: output<string>" in out
    assert "elb.us-east-1.amazonaws.com" not in out


def test_plan_of_a_file_without_a_stack_file_shows_its_warnings(tmp_path, monkeypatch, capsys):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    (tmp_path / "t.yaml").write_text(
        "mesh: {name: m, namespace: n.local}\ncolors:\n  red: {image: example/red:1.0}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "t.yaml", "--stack", "nowhere"]) == 0
    captured = capsys.readouterr()
    assert "Plan for stack nowhere" in captured.out
    assert "aws:appmesh/virtualNode:VirtualNode " in captured.out
    assert "t.yaml:3:3: warning: " in captured.err and "red" in captured.err


def test_plan_text_shows_the_tree_counts_and_outputs(in_project, capsys):
    assert main(["plan"]) == 0
    out = capsys.readouterr().out
    assert " +  pulumi:pulumi:Stack" in out
    assert "└─ color-mesh:index:ColorMesh" in out
    assert "│  ├─ aws:appmesh/virtualNode:VirtualNode" in out
    assert "Resources: + " in out and "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule        8" in out
    assert 'meshName: "color-mesh"' in out


def test_plan_of_an_unknown_stack_is_unusable(in_project, capsys):
    assert main(["plan", "--stack", "nope"]) == 2
    assert "no stack file Pulumi.nope.yaml (stacks: dev, prod, sc)" in capsys.readouterr().err


def test_plan_of_an_invalid_topology_prints_located_problems(tmp_path, monkeypatch, capsys):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  color-mesh:topology: t.yaml\n")
    (tmp_path / "t.yaml").write_text("mesh: {name: m, namespace: n.local}\ncolors:\n  red: {image: x, backends: [rde]}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["plan"]) == 1
    assert "t.yaml:3:30: colors.red.backends[0]: unknown service 'rde'" in capsys.readouterr().err


def test_plan_of_bad_stack_settings_says_which_key(tmp_path, monkeypatch, capsys):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    shutil.copy(ROOT / "config" / "topology.yaml", tmp_path / "t.yaml")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  color-mesh:topology: t.yaml\n  color-mesh:envoyImage: envoy:latest\n")
    monkeypatch.chdir(tmp_path)
    assert main(["plan"]) == 1
    err = capsys.readouterr().err
    assert "color-mesh:envoyImage: 'envoy' is not AWS's Envoy repository" in err and "Traceback" not in err


def test_program_errors_name_the_file_as_configured(tmp_path, monkeypatch):
    from mesh_components.program import topology_file

    monkeypatch.chdir(ROOT)
    assert topology_file("config/topology.yaml") == Path("config/topology.yaml")
    assert topology_file(str(tmp_path / "t.yaml")) == tmp_path / "t.yaml"


def test_readme_shows_the_current_plan(in_project, capsys):
    assert main(["plan"]) == 0
    lines = capsys.readouterr().out.splitlines()
    readme = (ROOT / "README.md").read_text()
    for line in lines[:9] + [line for line in lines if line.startswith("Resources:")]:
        assert line in readme, f"README's plan excerpt is stale; missing: {line!r}"
