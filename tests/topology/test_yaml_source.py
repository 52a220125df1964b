"""The bounded YAML reader: what it refuses, where it says so, and the source map it builds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mesh_components.topology import yaml_source
from mesh_components.topology.errors import TopologyError
from mesh_components.topology.loader import load_topology, parse_topology
from mesh_components.topology.yaml_source import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, parse_yaml, read_yaml

VALID = b"mesh: {name: m, namespace: colors.local}\ncolors:\n  red: {image: app}\n"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, params=["libyaml", "pyyaml"])
def composer(request, monkeypatch):
    """Every test here runs with libyaml's composer (where PyYAML has it) and with PyYAML's alone."""
    if request.param == "pyyaml":
        monkeypatch.setattr(yaml_source, "_FAST_COMPOSER", None)
    elif yaml_source._FAST_COMPOSER is None:
        pytest.skip("this PyYAML is built without libyaml")
    return request.param


def problem_lines(raw: bytes) -> list[str]:
    with pytest.raises(TopologyError) as raised:
        parse_topology(raw, "t.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_missing_path_is_unreadable(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(TopologyError) as raised:
        load_topology(missing)
    assert raised.value.unreadable
    assert [str(problem) for problem in raised.value.problems] == [f"cannot read {missing}: no such file or directory"]


def test_directory_path_is_unreadable(tmp_path):
    with pytest.raises(TopologyError) as raised:
        load_topology(tmp_path)
    assert raised.value.unreadable
    assert str(raised.value) == f"cannot read {tmp_path}: it is a directory; expected a YAML file"


def test_oversize_file_is_refused_without_parsing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(VALID + b"#" * MAX_FILE_BYTES)
    with pytest.raises(TopologyError) as raised:
        load_topology(big)
    assert str(raised.value) == f"{big}:1:1: file is larger than 1024 KiB; even a 1000-service topology is about 250 KiB"
    assert not raised.value.unreadable


def test_file_just_under_the_cap_loads(tmp_path):
    padded = tmp_path / "padded.yaml"
    padded.write_bytes(VALID + b"#" * (MAX_FILE_BYTES - len(VALID)))
    assert list(load_topology(padded).colors) == ["red"]


def test_alias_bomb_stops_at_the_node_budget(monkeypatch):
    # Ten levels of ten aliases each would expand to 10**10 values; the walk must give up at the budget.
    visited = []
    original_spend = yaml_source._Builder._spend

    def counting_spend(self, node, path):
        visited.append(1)
        original_spend(self, node, path)

    monkeypatch.setattr(yaml_source._Builder, "_spend", counting_spend)
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)
    )
    with pytest.raises(TopologyError) as raised:
        parse_yaml(bomb.encode(), "bomb.yaml")
    assert str(raised.value).startswith("bomb.yaml:6:1: a5: expands to more than 250000 values")
    assert len(visited) == MAX_NODES + 1


def test_deep_nesting_is_refused_by_the_composer():
    deep = b"a: " + b"[" * (MAX_DEPTH + 10) + b"]" * (MAX_DEPTH + 10) + b"\n"
    lines = problem_lines(deep)
    assert lines == [f"t.yaml:1:{MAX_DEPTH + 3}: invalid YAML: nested deeper than {MAX_DEPTH} levels; check indentation and quoting here"]


def test_very_deep_nesting_never_hits_python_recursion_limit():
    deep = b"[" * 100_000 + b"]" * 100_000
    lines = problem_lines(deep)
    assert "nested deeper than 64 levels" in lines[0]


def test_non_printable_character_is_located():
    assert problem_lines(b"mesh:\n  name: a\x07b\n") == [
        "t.yaml:2:10: character U+0007 is not allowed in YAML; use printable text"
    ]


def test_utf8_byte_order_mark_is_accepted():
    assert list(parse_topology(b"\xef\xbb\xbf" + VALID).topology.colors) == ["red"]


def test_utf16_file_is_refused_as_nul_bytes():
    assert problem_lines(VALID.decode().encode("utf-16-le")) == [
        "t.yaml:1:2: NUL byte; a topology file is UTF-8 text (UTF-16 and binary files are not supported)"
    ]


def test_too_long_number_is_a_problem_not_a_crash():
    lines = problem_lines(VALID + b"  blue: {image: app, port: " + b"9" * 5000 + b"}\n")
    assert lines[0].startswith("t.yaml:4:28: colors.blue.port: cannot read value '99999")
    assert lines[0].endswith(": number too long")


def test_impossible_date_is_a_problem_not_a_crash():
    lines = problem_lines(VALID + b"  blue: {image: 2024-13-45}\n")
    assert lines == ["t.yaml:4:17: colors.blue.image: cannot read value '2024-13-45': month must be in 1..12"]


def test_every_duplicate_key_is_reported():
    raw = b"mesh: {name: m, namespace: a, name: n}\ncolors:\n  red: {image: a}\n  red: {image: b}\n"
    assert problem_lines(raw) == [
        "t.yaml:1:31: mesh.name: duplicate key 'name' (first defined on line 1); each key may appear once",
        "t.yaml:4:3: colors.red: duplicate key 'red' (first defined on line 3); each key may appear once",
    ]


def test_source_map_has_positions_of_keys_and_values():
    source_map = parse_yaml(VALID + b"  blue:\n    backends: [red, red2]\n").source_map
    assert source_map.values[("colors", "red", "image")] == (3, 16)
    assert source_map.keys[("colors", "red")] == (3, 3)
    assert source_map.values[("colors", "blue", "backends", 1)] == (5, 21)
    assert source_map.value_position(("colors", "blue", "nothing", 3)) == (5, 5)
    assert source_map.key_position(("colors", "blue", "backends", 0)) == (5, 16)


def test_aliases_of_whole_values_work():
    raw = b"mesh: {name: m, namespace: colors.local}\ncolors:\n  red: &app {image: app}\n  blue: *app\n"
    topology = parse_topology(raw).topology
    assert topology.colors["blue"] == topology.colors["red"]


def test_read_yaml_reports_the_path_it_was_given(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_bytes(VALID)
    assert read_yaml(path).file == str(path)


@pytest.mark.parametrize("text,number", [("80", 80), ("+80", 80), ("-5", -5), ("0", 0)])
def test_plainly_written_integers_are_read_as_written(text, number):
    assert parse_yaml(f"n: {text}\n".encode()).data == {"n": number}


@pytest.mark.parametrize("text", ["010", "0x50", "0b101", "1:20", "1_000", "1_0.5", "1:20.5", "yes", "OFF"])
def test_yaml_1_1_readings_that_differ_from_the_text_are_refused_wherever_they_are(text):
    with pytest.raises(TopologyError) as raised:
        parse_yaml(f"n: {text}\n".encode(), "t.yaml")
    (problem,) = raised.value.problems
    assert str(problem).startswith(f"t.yaml:1:4: n: {text!r} is read as ")
    assert str(problem).endswith(", or quote it for text")


def test_quoted_they_stay_text():
    topology = parse_topology(VALID.replace(b"{image: app}", b"{image: app, env: {V: '010', W: \"yes\"}}")).topology
    assert topology.colors["red"].env == {"V": "010", "W": "yes"}


def _tree(node):
    """A composed node as plain data: tag, where it starts, and its value or children."""
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.MappingNode):
        return node.tag, where, [(_tree(key), _tree(value)) for key, value in node.value]
    if isinstance(node, yaml.SequenceNode):
        return node.tag, where, [_tree(child) for child in node.value]
    return node.tag, where, node.value


def test_libyaml_and_pyyaml_compose_the_same_tree(composer, tmp_path):
    if composer == "pyyaml":
        pytest.skip("compares the two composers once")
    from bench.topologies import generate_topology, write_topology

    texts = [
        (REPO / "config" / "topology.yaml").read_text(),
        write_topology(generate_topology(40, 3), tmp_path / "bench.yaml").read_text(),
        "mesh: {name: \"m\u00e9sh\", namespace: colors.local}  # caf\u00e9 \u2603\ncolors:\n  r\u00f8d: {image: '\u00fc', port: 80}\n"
        "  blue: &b\n    image: |\n      two\n      lines\n    env: {A: 'x', B: yes, C: 010, D: ~, E: 2024-01-02}\n  green: *b\n",
    ]
    for text in texts:
        assert _tree(yaml_source._compose(text, "t.yaml")) == _tree(yaml_source._compose_bounded(text, "t.yaml"))


def test_a_plain_topology_is_composed_by_libyaml(composer, monkeypatch):
    if composer == "pyyaml":
        pytest.skip("about the libyaml path")

    def not_expected(text, file):
        raise AssertionError("composed by PyYAML")

    monkeypatch.setattr(yaml_source, "_compose_bounded", not_expected)
    assert "blue" in read_yaml(REPO / "config" / "topology.yaml").data["colors"]


def test_a_syntax_error_is_told_in_pyyaml_words():
    assert problem_lines(b"mesh:\n  name: a: b\n") == [
        "t.yaml:2:10: invalid YAML: mapping values are not allowed here; check indentation and quoting here"
    ]


def test_an_alias_inside_its_own_anchor_is_refused():
    lines = problem_lines(b"mesh: {name: m, namespace: colors.local}\ncolors: &c {red: *c}\n")
    assert lines == [f"t.yaml:2:9: nested deeper than {MAX_DEPTH} levels (is an alias used inside its own anchor?)"]


def test_libyaml_that_does_not_bound_nesting_is_not_used(composer, monkeypatch):
    if composer == "pyyaml":
        pytest.skip("about choosing libyaml")
    assert yaml_source._fast_composer() is yaml.CSafeLoader

    class Unbounded(yaml.CSafeLoader):
        def get_single_node(self):
            return yaml.ScalarNode("tag:yaml.org,2002:str", "composed at any depth")

    monkeypatch.setattr(yaml, "CSafeLoader", Unbounded)
    assert yaml_source._fast_composer() is None
