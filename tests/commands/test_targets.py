"""`--target` on every command that reads a topology for a target: `plan` and `check` run that target's
program; an unknown target is a usage error naming the targets, wherever it is named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mesh_components.cli import main

ROOT = Path(__file__).resolve().parents[2]
TARGETED_COMMANDS = ("validate", "plan", "check", "graph", "access", "diff")
TARGETS_LISTED = "targets: app-mesh, service-connect"


@pytest.fixture
def in_project(monkeypatch):
    monkeypatch.chdir(ROOT)


def plan_json(capsys, *args: str) -> dict:
    assert main(["plan", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_plan_registers_the_stacks_target_or_the_one_given(in_project, capsys):
    service_connect = plan_json(capsys, "--stack", "sc")
    assert service_connect["target"] == "service-connect"
    # /router GET (green:yellow 4:1), /router's not-found (any other method), and /
    assert service_connect["counts"]["aws:lb/listenerRule:ListenerRule"] == 3
    assert not any(token.startswith("aws:appmesh/") for token in service_connect["counts"])
    app_mesh = plan_json(capsys, "--stack", "sc", "--target", "app-mesh")  # the same topology, on App Mesh
    assert app_mesh["target"] == "app-mesh"
    assert app_mesh["counts"]["aws:appmesh/virtualNode:VirtualNode"] == 4
    assert "aws:lb/listenerRule:ListenerRule" not in app_mesh["counts"]
    given = plan_json(capsys, "config/topology.yaml", "--stack", "dev", "--target", "service-connect")
    assert given["counts"] == service_connect["counts"]


def test_plan_text_names_the_target(in_project, capsys):
    assert main(["plan", "--stack", "sc"]) == 0
    assert capsys.readouterr().out.startswith("Plan for stack sc on service-connect (offline, mock engine: ")


def test_plan_reports_what_the_target_cannot_honour_like_validate(tmp_path, monkeypatch, capsys):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    (tmp_path / "t.yaml").write_text("mesh: {name: m, namespace: n.local, egress_filter: ALLOW_ALL}\n"
                                     "colors:\n  red: {image: a, backends: [blue]}\n  blue: {image: a}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "t.yaml", "--stack", "x"]) == 0
    capsys.readouterr()
    assert main(["plan", "t.yaml", "--stack", "x", "--target", "service-connect"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("t.yaml:1:52: mesh.egress_filter: service-connect: ALLOW_ALL cannot be honoured")


def test_check_judges_the_target_it_runs(in_project, capsys):
    assert main(["check", "--stack", "sc"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("sc on service-connect: ") and ", 0 mandatory violation(s), " in lines[-1]
    assert main(["check", "--stack", "sc", "--target", "app-mesh"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("sc on app-mesh: ")
    assert "[advisory] mesh-route-retry-policy" in out  # an App Mesh route: only the app-mesh run has one


@pytest.mark.parametrize("command", TARGETED_COMMANDS)
def test_an_unknown_target_is_a_usage_error_naming_the_targets(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--target", "appmesh"] + (["a.yaml", "b.yaml"] if command == "diff" else []))
    assert exited.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == (f"python -m mesh_components {command}: error: argument --target: 'appmesh' is not a target; "
                    f"{TARGETS_LISTED}")


@pytest.mark.parametrize("command", ("validate", "plan", "graph", "access"))
def test_an_unknown_target_in_the_stack_file_is_unusable(command, tmp_path, monkeypatch, capsys):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    topology = tmp_path / "t.yaml"  # absolute: the program reads it relative to its own project otherwise
    (tmp_path / "Pulumi.dev.yaml").write_text(f"config:\n  color-mesh:topology: {topology}\n  color-mesh:target: ecs\n")
    shutil.copy(ROOT / "config" / "topology.yaml", topology)
    monkeypatch.chdir(tmp_path)
    assert main([command]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1].endswith(f"color-mesh:target 'ecs' is not a target; {TARGETS_LISTED}")
    assert main([command, "--target", "app-mesh"]) == 0  # the target given replaces the stack's
