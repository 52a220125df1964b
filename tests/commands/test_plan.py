"""`plan`: the offline preview; its JSON matches what the mock engine registered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mesh_components.cli import main
from mesh_components.offline.runner import run_stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def in_project(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_plan_json_matches_the_registration(in_project, capsys):
    assert main(["plan", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    recording = run_stack("dev", ROOT)
    assert [(r["urn"], r["type"], r["parent"] or "", r["inputs"]) for r in plan["resources"]] == [
        (r.urn, r.type, r.parent, r.inputs) for r in recording.resources]
    custom = [r for r in recording.resources if r.custom]
    assert plan["total"] == len(custom) == sum(plan["counts"].values())
    assert plan["counts"]["aws:appmesh/virtualNode:VirtualNode"] == 4
    assert plan["outputs"] == recording.stack_outputs


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
    assert "no stack file Pulumi.nope.yaml (stacks: dev, prod)" in capsys.readouterr().err


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
    assert "color-mesh:envoyImage: must be pinned to a version tag" in err and "Traceback" not in err


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
