"""`REV:path` sides of `diff`, read from a temporary git repository."""

from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch, write_variant):
    """A repository whose first commit has the reference topology and whose work tree adds an edge."""
    repo = tmp_path / "repo"
    (repo / "config").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "user.name", "test")
    topology = repo / "config" / "topology.yaml"
    topology.write_text(write_variant("reference").read_text())
    git(repo, "add", "config/topology.yaml")
    git(repo, "commit", "-q", "-m", "reference")
    edited = write_variant("edited", lambda doc: doc["colors"]["green"].update(backends=["blue"]))
    topology.write_text(edited.read_text())
    monkeypatch.chdir(repo)
    return repo


def test_rev_path_against_the_work_tree(repo, run_command):
    code, out, err = run_command("diff", "HEAD:config/topology.yaml", "config/topology.yaml")
    assert (code, err) == (3, "")
    assert out.startswith("### Access diff on app-mesh: `HEAD:config/topology.yaml` → `config/topology.yaml`")
    assert "| added | green → blue:80 |" in out.splitlines()


def test_same_revision_twice_is_no_change(repo, run_command):
    code, out, _ = run_command("diff", "HEAD:config/topology.yaml", "main:config/topology.yaml")
    assert code == 0
    assert "**No change**" in out


def test_unknown_revision_exits_2(repo, run_command):
    code, out, err = run_command("diff", "no-such-rev:config/topology.yaml", "config/topology.yaml")
    assert (code, out) == (2, "")
    assert err.startswith("no-such-rev:config/topology.yaml: cannot read it from git:")


def test_unknown_path_exits_2(repo, run_command):
    code, _, err = run_command("diff", "HEAD:config/nope.yaml", "config/topology.yaml")
    assert code == 2
    assert "HEAD:config/nope.yaml: cannot read it from git:" in err and "nope.yaml" in err


def test_problems_in_a_revision_name_the_revision(repo, run_command):
    (repo / "config" / "topology.yaml").write_text("mesh: {name: color-mesh, namespace: colors.local}\ncolors: {}\n")
    git(repo, "commit", "-q", "-am", "broken")
    code, out, err = run_command("diff", "HEAD~1:config/topology.yaml", "HEAD:config/topology.yaml")
    assert (code, out) == (1, "")
    assert err.startswith("HEAD:config/topology.yaml:")


def test_without_git_exits_2(repo, run_command, monkeypatch):
    monkeypatch.setenv("PATH", "")
    code, _, err = run_command("diff", "HEAD:config/topology.yaml", "config/topology.yaml")
    assert code == 2
    assert "git is not installed" in err
