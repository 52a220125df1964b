"""One install gives `pulumi up` and the offline tools: what the code imports is what the
requirements install, the tools run from any directory, and a partial install is explained."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def requirement_names(path: Path) -> set[str]:
    """Distribution names a requirements file installs directly, following `-r` like pip does."""
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names |= requirement_names(path.parent / line[3:].strip())
        elif line:
            names.add(_normal(re.split(r"[<>=~!;\[ ]", line, maxsplit=1)[0]))
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_closure(names: set[str]) -> set[str]:
    """The distributions pip installs for `names`: them and everything they require (extras left out)."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for requirement in metadata.requires(name) or []:
            if "extra ==" not in requirement:
                todo.append(_normal(re.split(r"[<>=~!;\[ (]", requirement, maxsplit=1)[0]))
    return seen


def third_party_imports(package: Path) -> set[str]:
    local = {path.name for path in ROOT.iterdir() if path.is_dir()} | {package.name}
    found = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in local}


@pytest.mark.parametrize("package, requirements", [
    ("mesh_components", "requirements.txt"),  # the program and every offline command, check included
    ("policy/color_mesh_policy", "policy/requirements.txt"),  # the pack in its own environment
])
def test_what_the_code_imports_the_requirements_install(package, requirements):
    closure = installed_closure(requirement_names(ROOT / requirements))
    distributions = metadata.packages_distributions()
    missing = {module for module in third_party_imports(ROOT / package)
               if not {_normal(name) for name in distributions.get(module, [module])} & closure}
    assert not missing, f"{requirements} does not install {sorted(missing)}"


def test_the_policy_pack_names_its_own_environment():
    project = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"virtualenv": "venv"}}
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "policy/venv/bin/python"], capture_output=True)
    assert ignored.returncode == 0  # never committed


def launcher(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLOR_MESH_PYTHON": sys.executable}
    env.pop("COLOR_MESH_PROJECT", None)
    return subprocess.run([str(ROOT / "color-mesh"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_launcher_works_from_a_subdirectory_and_from_outside(tmp_path):
    inside = launcher("validate", "--stack", "prod", cwd=ROOT / "config")
    assert inside.returncode == 0, inside.stderr
    assert inside.stdout.startswith("../config/topology.yaml: valid for app-mesh: 4 colors")
    outside = launcher("validate", cwd=tmp_path)
    assert outside.returncode == 0, outside.stderr
    assert outside.stdout.startswith(f"{ROOT}/config/topology.yaml: valid for app-mesh:")
    (tmp_path / "mine.yaml").write_text("mesh: {name: m, namespace: n.local}\ncolors:\n  red: {image: x:1}\n")
    relative = launcher("validate", "mine.yaml", cwd=tmp_path)  # arguments stay relative to where you are
    assert relative.returncode == 0 and relative.stdout.startswith("mine.yaml: valid for app-mesh: 1 color"), relative.stderr


def test_a_missing_dependency_is_explained_not_a_traceback():
    blocked = subprocess.run(
        [sys.executable, "-c", "import runpy, sys; sys.modules['jsonschema'] = None; sys.argv = ['x', 'validate'];"
                               "runpy.run_module('mesh_components', run_name='__main__')"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert blocked.returncode == 1
    assert blocked.stderr.startswith("color-mesh: the module 'jsonschema' is missing; install the requirements")
    assert f"-r {ROOT / 'requirements.txt'}" in blocked.stderr and "Traceback" not in blocked.stderr


def test_an_old_python_is_told_the_minimum(tmp_path):
    source = (ROOT / "mesh_components" / "__main__.py").read_text()
    script = tmp_path / "entry.py"
    script.write_text(source.replace("MINIMUM_PYTHON = (3, 10)", "MINIMUM_PYTHON = (9, 0)"))
    old = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert old.returncode == 1 and old.stderr.startswith("color-mesh needs Python 9.0 or later; this is 3.")
    assert "(3, 10)" in source


def test_readme_walks_a_newcomer_through_install_and_the_pulumi_steps():
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Getting started")
    guide = readme[start:readme.index("\n## ", start + 1)]
    for step in ("Python 3.10 or later", "pulumi install", "policy/venv/bin/pip install -r policy/requirements.txt",
                 "./color-mesh", "pulumi login", "pulumi stack init sc", "upsert: true", "AWS_PROFILE",
                 "aws:region", "AWS_ROLE_ARN", "pulumi preview --stack sc --policy-pack policy",
                 "Pulumi.staging.yaml", "pulumi stack init staging"):
        assert step in guide, step
    first, second = readme.splitlines()[2:4]  # the first commands a newcomer sees: set up and test, then deploy
    assert first.split()[:2] == ["bash", ".ci/run"] and "pulumi install" in second
