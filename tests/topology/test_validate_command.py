"""`python -m mesh_components validate` and `schema`: exit codes, stderr lines, the summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mesh_components.cli import main

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "config" / "topology.yaml"
BROKEN = Path(__file__).parent / "broken"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_file_exits_0_with_a_summary(capsys):
    code, out, err = run_cli(capsys, "validate", str(REFERENCE))
    assert (code, err) == (0, "")
    assert out == f"{REFERENCE}: valid for app-mesh: 4 colors, 1 router, 1 route, 2 gateway routes, 6 call edges\n"


def test_default_path_comes_from_the_dev_stack(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(capsys, "validate")
    assert code == 0
    assert out.startswith("config/topology.yaml: valid for app-mesh: ")


def test_default_path_of_another_stack(capsys, monkeypatch, tmp_path):
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  color-mesh:topology: mesh.yaml\n")
    (tmp_path / "mesh.yaml").write_text("mesh: {name: m, namespace: a.b}\ncolors:\n  red: {image: a}\n  blue: {image: a, backends: [red]}\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "validate", "--stack", "test")
    assert code == 0
    assert out == "mesh.yaml: valid for app-mesh: 2 colors, 0 routers, 0 routes, 0 gateway routes, 1 call edge\n"
    assert err.startswith("mesh.yaml:4:3: warning: colors.blue: nothing calls this color")


def test_invalid_file_exits_1_with_one_line_per_problem(capsys):
    path = BROKEN / "unknown_top_level_key.yaml"
    code, out, err = run_cli(capsys, "validate", str(path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:1:1: missing required key 'colors'",
        f"{path}:2:1: colours: unknown key 'colours' (did you mean 'colors'?); allowed here: colors, gateway, mesh, routers",
    ]


def test_missing_file_exits_2_with_one_line(capsys, tmp_path):
    code, out, err = run_cli(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert (code, out) == (2, "")
    assert err == f"validate: cannot read {tmp_path / 'nope.yaml'}: no such file or directory\n"


def test_directory_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "validate", str(tmp_path))
    assert code == 2
    assert err == f"validate: cannot read {tmp_path}: it is a directory; expected a YAML file\n"


def test_missing_stack_file_exits_2(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "validate", "--stack", "qa")
    assert code == 2
    assert err == "validate: cannot read Pulumi.qa.yaml: no such file or directory\n"


def test_unusable_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["validate", "a.yaml", "b.yaml"])
    assert exited.value.code == 2
    assert "unrecognized arguments: b.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(path.name for path in BROKEN.glob("*.yaml")))
def test_every_broken_file_exits_1_without_traceback(capsys, name):
    code, out, err = run_cli(capsys, "validate", str(BROKEN / name))
    assert (code, out) == (1, "")
    assert "Traceback" not in err
    assert all(line.startswith(f"{BROKEN / name}:") for line in err.splitlines())


def test_schema_prints_the_json_schema(capsys):
    code, out, _ = run_cli(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "color-mesh topology"
    assert set(schema["properties"]) == {"mesh", "colors", "routers", "gateway"}


def test_module_entry_point_runs_as_a_process():
    finished = subprocess.run(
        [sys.executable, "-m", "mesh_components", "validate", str(BROKEN / "unknown_backend.yaml")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert finished.returncode == 1
    assert finished.stdout == ""
    assert finished.stderr.strip().endswith("colors.blue.backends[0]: unknown service 'rde' (known: green, red, router, yellow)")


def test_a_target_reports_what_it_cannot_honour(capsys, tmp_path):
    """The reference mesh is valid on both targets; ALLOW_ALL is honoured only by App Mesh."""
    code, out, _ = run_cli(capsys, "validate", str(REFERENCE), "--target", "service-connect")
    assert (code, out.split(":")[1]) == (0, " valid for service-connect")
    allow_all = tmp_path / "mesh.yaml"
    allow_all.write_text("mesh: {name: m, namespace: n.local, egress_filter: ALLOW_ALL}\n"
                         "colors:\n  red: {image: a, backends: [blue]}\n  blue: {image: a}\n")
    assert run_cli(capsys, "validate", str(allow_all))[:2] == (0, f"{allow_all}: valid for app-mesh: 2 colors, "
                                                                "0 routers, 0 routes, 0 gateway routes, 1 call edge\n")
    code, out, err = run_cli(capsys, "validate", str(allow_all), "--target", "service-connect")
    assert (code, out) == (1, "")
    assert err.startswith(f"{allow_all}:1:52: mesh.egress_filter: service-connect: ALLOW_ALL cannot be honoured")


def test_a_capability_of_app_mesh_is_checked_by_default(capsys, tmp_path):
    envoy_port = tmp_path / "mesh.yaml"
    envoy_port.write_text("mesh: {name: m, namespace: n.local}\ncolors:\n  red: {image: a, port: 15000}\n")
    code, out, err = run_cli(capsys, "validate", str(envoy_port))
    assert (code, out) == (1, "")
    assert err == (f"{envoy_port}:3:25: colors.red.port: port 15000 is Envoy's inbound proxy port; "
                   "allowed: 1-65535 except 9901, 15000, 15001\n")
