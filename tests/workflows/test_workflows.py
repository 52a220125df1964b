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
    for command in ("pip install -r requirements-dev.txt", "bash .ci/run", 'python -m mesh_components validate --stack "$STACK"',
                    'python -m mesh_components check --stack "$STACK"', ".github/scripts/review-comment.sh"):
        assert command in commands
    assert workflow["env"]["STACK"] == "sc"  # the service-connect stack: what AWS can deploy today


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


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_pulumi_steps_create_the_stack_and_the_packs_environment(name):
    workflow = load(name)
    step = pulumi_step(workflow)
    assert step["with"]["upsert"] is True  # a fresh repository has no stack yet: create it, don't fail
    [job] = [job for job in workflow["jobs"].values() if step in job.get("steps", [])]
    installs = "\n".join(s.get("run", "") for s in job["steps"][:job["steps"].index(step)])
    assert "python -m venv policy/venv" in installs  # PulumiPolicy.yaml: virtualenv venv
    assert "policy/venv/bin/pip install -r policy/requirements.txt" in installs
    assert "pip install -r requirements.txt" in installs


def test_the_full_review_goes_to_the_job_summary_and_an_artifact():
    workflow = load("pull-request.yml")
    job = workflow["jobs"]["access-review"]
    [write] = [step for step in job["steps"] if step.get("id") == "review"]
    assert write["run"] == 'bash .github/scripts/review-comment.sh "origin/$BASE_REF" review.md "$STACK" review.full.md'
    [artifact] = [step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert (artifact["with"]["name"], artifact["with"]["path"]) == ("color-mesh-review", "review.full.md")
    summary = next(step["run"] for step in job["steps"] if "GITHUB_STEP_SUMMARY" in step.get("run", ""))
    assert "review.full.md" in summary and "1000000" in summary


def test_review_comment_is_updated_not_duplicated():
    workflow = load("pull-request.yml")
    [post] = [step for step in steps(workflow) if step.get("uses", "").startswith("actions/github-script@")]
    script = post["with"]["script"]
    assert "color-mesh-access-review" in script and "updateComment" in script and "createComment" in script
    assert post["if"] == "github.event.pull_request.head.repo.full_name == github.repository"


def test_push_to_main_deploys_sc_with_the_policy_pack():
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    step = pulumi_step(workflow)
    assert (step["with"]["command"], step["with"]["stack-name"], step["with"]["policyPacks"]) == ("up", "sc", "policy")


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
GITHUB_COMMENT_LIMIT = 65_536
MARKER = "<!-- color-mesh-access-review -->\n"  # what the workflow puts before the file


class Repository:
    """A temporary git repository holding a color-mesh project: the base commit, then work-tree edits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        shutil.copytree(REPO / "config", path / "config", ignore=shutil.ignore_patterns("*.json"))
        shutil.copy(REPO / "Pulumi.yaml", path)
        shutil.copy(REPO / "Pulumi.dev.yaml", path)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> None:
        subprocess.run(["git", "-C", str(self.path), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                       check=True, capture_output=True)

    def commit(self, message: str = "base") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.path / relative
        text = path.read_text()
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1))

    def review(self, tmp_path: Path, base: str = "HEAD") -> tuple[str, str, str]:
        """Run the script as the workflow does: (comment, full review, access-widened output)."""
        outputs = tmp_path / "github-output"
        outputs.write_text("")
        env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO),
               "GITHUB_OUTPUT": str(outputs)}
        ran = subprocess.run(["bash", str(REVIEW_SCRIPT), base, "review.md", "dev", "review.full.md"],
                             cwd=self.path, env=env, capture_output=True, text=True)
        assert ran.returncode == 0, ran.stderr
        comment, full = (self.path / "review.md").read_text(), (self.path / "review.full.md").read_text()
        return comment, full, outputs.read_text()


@pytest.fixture
def repository(tmp_path) -> Repository:
    repository = Repository(tmp_path / "repo")
    repository.commit()
    return repository


@needs_git
def test_review_comment_script(tmp_path, repository):
    repository.edit("config/topology.yaml", "    health_check: {path: /healthcheck}\n\nrouters",
                    "    health_check: {path: /healthcheck}\n    backends: [blue]\n\nrouters")
    comment, full, output = repository.review(tmp_path)
    assert "### Stack review: `dev` at `HEAD` → working tree" in comment
    assert "**Access widened**" in comment
    assert "| added | yellow → blue:80 |" in comment
    assert "```mermaid\nflowchart LR\n" in comment
    assert "color_yellow -.->|\"calls\"| color_blue" in comment
    assert "<summary>Access matrix</summary>" in comment
    assert full == comment  # small enough: the comment is the whole review
    assert output == "access-widened=true\n"


@needs_git
def test_no_change_leaves_the_label_off(tmp_path, repository):
    comment, _, output = repository.review(tmp_path)
    assert "**No change**" in comment
    assert output == "access-widened=false\n"


TLS_TOPOLOGY = """\
mesh: {name: color-mesh, namespace: colors.local}
colors:
  red:
    image: forsakenidol/colorapp:1.0
    tls:
      mode: STRICT
      certificate: {acm: "arn:aws:acm:us-east-1:123456789012:certificate/red"}
  blue:
    image: forsakenidol/colorapp:1.0
    backends: [red]
    backend_tls:
      trust: {acm: ["arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca"]}
"""


@needs_git
@pytest.mark.parametrize("old, new, reason", [
    ("      mode: STRICT\n", "      mode: PERMISSIVE\n",
     "TLS weakened: listener red:80: serves PERMISSIVE instead of STRICT"),
    ("    backend_tls:\n", "    backend_tls:\n      enforce: false\n",
     "TLS weakened: calls blue → red:80: TLS is no longer enforced"),
])
def test_a_tls_downgrade_sets_access_widened(tmp_path, old, new, reason):
    repository = Repository(tmp_path / "repo")
    (repository.path / "config" / "topology.yaml").write_text(TLS_TOPOLOGY)
    repository.commit()
    repository.edit("config/topology.yaml", old, new)
    comment, _, output = repository.review(tmp_path)
    assert f"- {reason}" in comment
    assert output == "access-widened=true\n"


@needs_git
def test_widening_public_cidrs_sets_access_widened(tmp_path, repository):
    (repository.path / "Pulumi.dev.yaml").write_text(
        (REPO / "Pulumi.dev.yaml").read_text() + "  color-mesh:publicCidrs: [203.0.113.0/24]\n")
    repository.commit("only the office")
    repository.edit("Pulumi.dev.yaml", "[203.0.113.0/24]", "[203.0.113.0/24, \"::/0\"]")
    comment, _, output = repository.review(tmp_path)
    assert "- setting `color-mesh:publicCidrs`: the load balancer now admits ::/0" in comment
    assert "| `color-mesh:publicCidrs` | [\"203.0.113.0/24\"] | [\"203.0.113.0/24\", \"::/0\"] |" in comment
    assert output == "access-widened=true\n"


@needs_git
def test_switching_the_topology_file_is_reviewed_against_the_base_file(tmp_path, repository):
    other = repository.path / "config" / "other.yaml"
    other.write_text((repository.path / "config" / "topology.yaml").read_text().replace(
        "    health_check: {path: /healthcheck}\n\nrouters",
        "    health_check: {path: /healthcheck}\n    backends: [blue]\n\nrouters"))
    repository.edit("Pulumi.dev.yaml", "config/topology.yaml", "config/other.yaml")
    comment, _, output = repository.review(tmp_path)
    assert "Topology: `HEAD:config/topology.yaml` → `config/other.yaml`" in comment
    assert "| added | yellow → blue:80 |" in comment
    assert "| `color-mesh:topology` | config/topology.yaml | config/other.yaml | no |" in comment
    assert output == "access-widened=true\n"


@needs_git
def test_a_new_stack_is_all_new(tmp_path, repository):
    shutil.copy(repository.path / "Pulumi.dev.yaml", repository.path / "Pulumi.staging.yaml")
    (repository.path / "Pulumi.dev.yaml").rename(repository.path / "Pulumi.tmp.yaml")
    repository.git("rm", "-q", "--cached", "Pulumi.dev.yaml")
    repository.commit("no dev stack at the base")
    (repository.path / "Pulumi.tmp.yaml").rename(repository.path / "Pulumi.dev.yaml")
    comment, _, output = repository.review(tmp_path)
    assert "- `Pulumi.dev.yaml` does not exist at `HEAD`: a new stack, everything in it is new" in comment
    assert "| added | gateway (gateway) → blue:80 |" in comment
    assert output == "access-widened=true\n"


@needs_git
def test_a_base_that_does_not_validate_is_reported_as_the_bases(tmp_path, repository):
    repository.edit("config/topology.yaml", "  red:\n", "  red:\n    colour: red\n")
    repository.commit("broken base")
    repository.edit("config/topology.yaml", "    colour: red\n", "")
    comment, _, output = repository.review(tmp_path)
    assert "the base cannot be compared: its topology does not validate (below)" in comment
    assert "#### The base's problems" in comment and "HEAD:config/topology.yaml:" in comment
    assert "unknown key 'colour'" in comment
    assert output == "access-widened=true\n"


@needs_git
def test_an_invalid_working_tree_counts_as_widened(tmp_path, repository):
    repository.edit("config/topology.yaml", "  red:\n", "  red:\n    colour: red\n")
    comment, _, output = repository.review(tmp_path)
    assert "**The working tree does not validate**" in comment and "unknown key 'colour'" in comment
    assert output == "access-widened=true\n"


@needs_git
def test_an_unknown_base_revision_counts_as_widened(tmp_path, repository):
    comment, _, output = repository.review(tmp_path, base="origin/nope")
    assert "**No review**" in comment and "origin/nope: no such revision" in comment
    assert output == "access-widened=true\n"


@needs_git
def test_a_thousand_color_comment_fits_githubs_limit(tmp_path):
    from bench.topologies import generate_topology, write_topology

    repository = Repository(tmp_path / "repo")
    write_topology(generate_topology(1000, seed=1), repository.path / "config" / "topology.yaml")
    repository.commit()
    document = generate_topology(1000, seed=2)  # another seed: most edges change
    write_topology(document, repository.path / "config" / "topology.yaml")
    comment, full, output = repository.review(tmp_path)
    assert len(MARKER + comment) <= GITHUB_COMMENT_LIMIT, len(comment)
    print(f"comment {len(comment)} chars, full review {len(full)} chars")
    assert output == "access-widened=true\n"
    assert comment.index("**Access widened**") < comment.index("#### Call edges")  # the verdict first
    assert "more rows not shown here; the full review lists them all" in comment
    assert "The diagram and the access matrix are too large for a comment" in comment
    assert "1000 colors" in comment
    assert "```mermaid" in full and "<summary>Access matrix</summary>" in full and len(full) > len(comment)
