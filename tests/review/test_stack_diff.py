"""`diff --stack NAME --base REV` as a command: its arguments, and finding the project like the CLI does."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.review.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def project(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(REPO / "config", project / "config", ignore=shutil.ignore_patterns("*.json"))
    shutil.copy(REPO / "Pulumi.yaml", project)
    shutil.copy(REPO / "Pulumi.dev.yaml", project)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "base")):
        subprocess.run(["git", "-C", str(project), "-c", "user.email=t@e.com", "-c", "user.name=t", *args], check=True)
    return project


def test_the_stack_review_runs_from_inside_the_project(project, monkeypatch, run_command):
    topology = project / "config" / "topology.yaml"
    topology.write_text(topology.read_text().replace("env: {COLOR: blue}", "env: {COLOR: blue, API_TOKEN: abc}"))
    monkeypatch.chdir(project / "config")  # a subdirectory: the project is found upwards, as pulumi does
    code, out, err = run_command("diff", "--stack", "dev", "--base", "HEAD")
    assert (code, err) == (0, ""), out
    assert out.startswith("### Stack review: `dev` at `HEAD` → working tree")
    assert "- blue: env `API_TOKEN` is a plain value and its name says it is a secret" in out


@pytest.mark.parametrize("args", [
    ("--stack", "dev"), ("--base", "HEAD"), ("a.yaml",), ("a.yaml", "b.yaml", "--stack", "dev", "--base", "HEAD"),
])
def test_either_two_files_or_a_stack_and_a_base(project, monkeypatch, run_command, args):
    monkeypatch.chdir(project)
    code, out, err = run_command("diff", *args)
    assert (code, out) == (2, "")
    assert err == "diff: give either OLD NEW, or --stack NAME --base REV\n"


def test_bad_settings_in_the_working_tree_are_the_pull_requests(project, monkeypatch, run_command):
    (project / "Pulumi.dev.yaml").write_text((project / "Pulumi.dev.yaml").read_text() + "  color-mesh:minTaskcount: 2\n")
    monkeypatch.chdir(project)
    code, out, err = run_command("diff", "--stack", "dev", "--base", "HEAD")
    assert (code, out) == (1, "")
    assert "color-mesh:minTaskcount: unknown setting (did you mean 'minTaskCount'?)" in err
