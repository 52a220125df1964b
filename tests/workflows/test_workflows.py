"""The GitHub workflows, checked offline: the workflow JSON schema, the steps the project relies on,
and the review-comment script run against a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
REVIEW_SCRIPT = REPO / ".github" / "scripts" / "review-comment.sh"
VENV_BIN = Path(sys.executable).parent


def load(name: str) -> dict:
    document = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as true
    return document


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def pulumi_step(workflow: dict) -> dict:
    [step] = [step for step in steps(workflow) if step.get("uses", "").startswith("pulumi/actions@")]
    return step


def test_workflows_match_the_github_workflow_schema():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [path.name for path in files] == ["deploy.yml", "pull-request.yml"]
    checked = subprocess.run(
        [str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True, text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_pull_request_workflow_runs_the_checks():
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"]["pull-requests"] == "write"
    commands = "\n".join(step.get("run", "") for step in steps(workflow))
    for command in ("pip install -r requirements-dev.txt", "bash .ci/run", "python -m mesh_components validate",
                    'python -m mesh_components check --stack "$STACK"', ".github/scripts/review-comment.sh"):
        assert command in commands
    assert workflow["env"]["STACK"] == "dev"


def test_preview_runs_with_the_policy_pack_only_with_credentials():
    workflow = load("pull-request.yml")
    job = workflow["jobs"]["preview"]
    assert "secrets.PULUMI_ACCESS_TOKEN" in job["env"]["HAS_CLOUD_CREDENTIALS"]
    step = pulumi_step(workflow)
    assert step["uses"] == "pulumi/actions@v7"
    assert step["if"] == "env.HAS_CLOUD_CREDENTIALS == 'true'"
    assert step["with"]["command"] == "preview"
    assert step["with"]["comment-on-pr"] is True
    assert step["with"]["policyPacks"] == "policy"
    # Everything that touches the cloud is skipped without credentials, so forks pass cleanly.
    for other in job["steps"]:
        if "uses" in other or "pip install" in other.get("run", ""):
            assert other["if"] == "env.HAS_CLOUD_CREDENTIALS == 'true'", other


def test_review_comment_is_updated_not_duplicated():
    workflow = load("pull-request.yml")
    [post] = [step for step in steps(workflow) if step.get("uses", "").startswith("actions/github-script@")]
    script = post["with"]["script"]
    assert "color-mesh-access-review" in script and "updateComment" in script and "createComment" in script
    assert post["if"] == "github.event.pull_request.head.repo.full_name == github.repository"


def test_push_to_main_deploys_dev_with_the_policy_pack():
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    step = pulumi_step(workflow)
    assert (step["with"]["command"], step["with"]["stack-name"], step["with"]["policyPacks"]) == ("up", "dev", "policy")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_review_comment_script(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "config", repo / "config", ignore=shutil.ignore_patterns("*.json"))
    shutil.copy(REPO / "Pulumi.dev.yaml", repo)

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base")
    topology = repo / "config" / "topology.yaml"
    topology.write_text(topology.read_text().replace("    health_check: {path: /healthcheck}\n\nrouters",
                                                     "    health_check: {path: /healthcheck}\n    backends: [blue]\n\nrouters"))
    outputs = tmp_path / "github-output"
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO),
           "GITHUB_OUTPUT": str(outputs)}
    ran = subprocess.run(["bash", str(REVIEW_SCRIPT), "HEAD", "review.md"], cwd=repo, env=env,
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    comment = (repo / "review.md").read_text()
    assert "**Access widened**" in comment
    assert "| added | yellow → blue:80 |" in comment
    assert "```mermaid\nflowchart LR\n" in comment
    assert "color_yellow -.->|\"calls\"| color_blue" in comment
    assert "<summary>Access matrix</summary>" in comment
    assert outputs.read_text() == "access-widened=true\n"
