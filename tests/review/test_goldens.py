"""`graph` and `access` on the reference mesh, compared with committed golden files."""

from __future__ import annotations

import pytest

from .conftest import REFERENCE, assert_matches_golden


@pytest.mark.parametrize(("fmt", "golden"), [("mermaid", "graph.mmd"), ("dot", "graph.dot")])
def test_graph_of_reference_mesh(run_command, fmt, golden):
    code, out, err = run_command("graph", REFERENCE, "--format", fmt)
    assert (code, err) == (0, "")
    assert_matches_golden(golden, out)


def test_graph_defaults_to_mermaid(run_command):
    assert run_command("graph", REFERENCE) == run_command("graph", REFERENCE, "--format", "mermaid")


def test_access_of_reference_mesh(run_command):
    code, out, err = run_command("access", REFERENCE)
    assert (code, err) == (0, "")
    assert_matches_golden("access.md", out)


def test_readme_shows_the_current_diagram_and_matrix(run_command):
    readme = (REFERENCE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "```mermaid\n" + run_command("graph", REFERENCE)[1] + "```\n" in readme
    assert run_command("access", REFERENCE)[1] in readme


def test_readme_shows_the_current_diff_example(write_variant, run_command):
    def example(doc):  # the README's: green calls blue, the router at 1:1, /yellow straight to yellow
        doc["colors"]["green"]["backends"] = ["blue"]
        doc["routers"]["router"]["routes"]["colors"]["targets"] = {"green": 1, "yellow": 1}
        doc["gateway"]["routes"]["yellow"] = {"match": {"prefix": "/yellow"}, "target": "yellow"}

    code, out, _ = run_command("diff", write_variant("old"), write_variant("new", example))
    assert code == 3
    body = out.split("\n", 1)[1]  # the heading names the temporary files
    readme = (REFERENCE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "### Access diff on app-mesh: `main:config/topology.yaml` → `config/topology.yaml`\n" + body in readme
