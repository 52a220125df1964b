"""Reading `Pulumi.<stack>.yaml` without Pulumi."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesh_components.settings.stack_file import StackConfigError, read_stack_file, topology_path

ROOT = Path(__file__).resolve().parents[2]


def test_dev_stack_deploys_the_reference_topology():
    assert topology_path("dev", ROOT) == ROOT / "config" / "topology.yaml"
    assert read_stack_file("dev", ROOT)["aws:region"] == "us-east-1"


def test_relative_root_gives_a_relative_path(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert topology_path() == Path("config/topology.yaml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("config:\n  aws:region: us-east-1\n", "Pulumi.s.yaml does not set color-mesh:topology to a file path"),
        ("config:\n  color-mesh:topology: 3\n", "Pulumi.s.yaml does not set color-mesh:topology to a file path"),
        ("encryptionsalt: x\n", "Pulumi.s.yaml has no 'config:' mapping"),
        ("config: [\n", "Pulumi.s.yaml:2:1: invalid YAML: expected the node content, but found '<stream end>'"),
    ],
)
def test_unusable_stack_files(tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    Path("Pulumi.s.yaml").write_text(content)
    with pytest.raises(StackConfigError) as raised:
        topology_path("s")
    assert str(raised.value) == message


def test_missing_stack_file(tmp_path):
    with pytest.raises(StackConfigError, match="cannot read .*Pulumi.dev.yaml: no such file or directory"):
        topology_path("dev", tmp_path)
