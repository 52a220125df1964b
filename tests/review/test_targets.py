"""`graph`, `access` and `diff` per deployment target: the target's facts, its checks, and a target change."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import REFERENCE, REPO, assert_matches_golden

SERVICE_CONNECT = REFERENCE  # stack sc deploys the reference mesh on service-connect


@pytest.mark.parametrize(("fmt", "golden"), [("mermaid", "graph-service-connect.mmd"), ("dot", "graph-service-connect.dot")])
def test_graph_on_service_connect_draws_the_alb_rules_not_a_virtual_gateway(run_command, fmt, golden):
    code, out, err = run_command("graph", SERVICE_CONNECT, "--target", "service-connect", "--format", fmt)
    assert (code, err) == (0, "")
    assert_matches_golden(golden, out)
    assert "virtual gateway" not in out and "NLB" not in out
    # the gateway's route to the router is ALB rules, with its weights; red's calls go to its Lattice service
    assert "rule 100 router.colors: /router → tg green:80 · weight 4 (80%)" in out
    assert "rule 100 router.colors: /router → tg yellow:80 · weight 1 (20%)" in out
    assert "rule 200 blue: / → tg blue:80" in out
    assert "router · VPC Lattice service · http:80" in out


def test_access_on_service_connect_shows_the_alb_reaching_the_colors(run_command):
    code, out, err = run_command("access", SERVICE_CONNECT, "--target", "service-connect")
    assert (code, err) == (0, "")
    assert_matches_golden("access-service-connect.md", out)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["internet (ALB)"] == "| internet (ALB) | http:80 | · | · | · | · |"
    assert rows["gateway (ALB)"] == "| gateway (ALB) | · | · | http:80 | http:80 via router | http:80 via router |"
    assert rows["red"] == "| red | · | · | · | http:80 via router (VPC Lattice) | http:80 via router (VPC Lattice) |"


def test_a_router_called_by_a_color_goes_through_lattice(run_command):
    code, out, err = run_command("access", REFERENCE, "--target", "service-connect")
    assert code == 0
    assert "| red | · | · | · | http:80 via router (VPC Lattice) | http:80 via router (VPC Lattice) |" in out
    code, diagram, graph_err = run_command("graph", REFERENCE, "--target", "service-connect")
    assert code == 0
    assert "router · VPC Lattice service · http:80" in diagram and '"calls via VPC Lattice service"' in diagram
    assert err == graph_err == ""


def test_the_stacks_target_is_the_default(run_command, monkeypatch):
    monkeypatch.chdir(REPO)
    assert run_command("access", "--stack", "sc") == run_command("access", SERVICE_CONNECT, "--target", "service-connect")
    assert run_command("graph", "--stack", "dev") == run_command("graph", REFERENCE, "--target", "app-mesh")
    # a file with another stack's settings: that stack's target
    assert run_command("graph", SERVICE_CONNECT, "--stack", "sc")[1] == run_command(
        "graph", SERVICE_CONNECT, "--target", "service-connect")[1]


def test_a_topology_the_target_refuses_is_reported_like_validate(run_command, tmp_path):
    allow_all = tmp_path / "mesh.yaml"
    allow_all.write_text("mesh: {name: m, namespace: n.local, egress_filter: ALLOW_ALL}\n"
                         "colors:\n  red: {image: a, backends: [blue]}\n  blue: {image: a}\n")
    assert run_command("access", allow_all, "--target", "app-mesh")[0] == 0
    for command in ("graph", "access"):
        code, out, err = run_command(command, allow_all, "--target", "service-connect")
        assert (code, out) == (1, "")
        assert err.startswith(f"{allow_all}:1:52: mesh.egress_filter: service-connect: ALLOW_ALL cannot be honoured")


def test_diff_on_service_connect_says_the_alb_faces_the_internet(write_variant, run_command):
    def no_gateway(doc):
        del doc["gateway"]

    old, new = write_variant("old", no_gateway), write_variant("new")
    code, out, _ = run_command("diff", old, new, "--target", "service-connect")
    assert code == 3
    assert out.startswith(f"### Access diff on service-connect: `{old}` → `{new}`")
    assert "- the internet can now reach gateway `gateway` http:80 on the ALB" in out
    code, out, _ = run_command("diff", old, new)
    assert out.startswith(f"### Access diff on app-mesh: `{old}` → `{new}`")
    assert "- the internet can now reach gateway `gateway` http:80 through the NLB" in out


@pytest.fixture
def project(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("needs git")
    project = tmp_path / "project"
    shutil.copytree(REPO / "config", project / "config", ignore=shutil.ignore_patterns("*.json"))
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.sc.yaml"):
        shutil.copy(REPO / name, project)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "base")):
        subprocess.run(["git", "-C", str(project), "-c", "user.email=t@e.com", "-c", "user.name=t", *args], check=True)
    return project


def test_a_stack_moving_from_app_mesh_to_service_connect_weakens(project, monkeypatch, run_command):
    stack = project / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text() + "  color-mesh:target: service-connect\n")
    monkeypatch.chdir(project)
    code, out, err = run_command("diff", "--stack", "dev", "--base", "HEAD")
    assert (code, err) == (3, ""), out
    assert "Target: `app-mesh` → `service-connect` (changed)" in out
    assert ("- setting `color-mesh:target`: the stack moves from App Mesh to service-connect: security groups alone "
            "decide who reaches whom") in out
    assert "**No change**" not in out


def test_a_stack_review_names_its_target_and_compares_it_with_itself(project, monkeypatch, run_command):
    monkeypatch.chdir(project)
    code, out, err = run_command("diff", "--stack", "sc", "--base", "HEAD")
    assert (code, err) == (0, "")
    assert "Target: `service-connect`\n" in out and "**No change**" in out
    stack = project / "Pulumi.sc.yaml"
    stack.write_text(stack.read_text().replace("  color-mesh:target: service-connect\n", ""))
    code, out, _ = run_command("diff", "--stack", "sc", "--base", "HEAD")
    assert code == 0 and "Target: `service-connect` → `app-mesh` (changed)" in out
    assert "| `color-mesh:target` | service-connect | app-mesh | no |" in out
    code, out, _ = run_command("diff", "--stack", "sc", "--base", "HEAD", "--target", "service-connect")
    assert "Target: `service-connect`\n" in out  # both sides on the target given
