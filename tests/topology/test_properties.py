"""Property tests: whatever the input, the loader answers with a topology or a TopologyError.

In CI (CI set) the examples are fewer and derandomized, so a run is quick and never flakes;
locally they are random and more numerous.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from mesh_components.app_mesh import limits as app_mesh_limits
from mesh_components.topology import limits
from mesh_components.aws.fargate import FARGATE_MEMORY_BY_CPU
from mesh_components.topology.checks import validate_topology
from mesh_components.topology.errors import TopologyError
from mesh_components.topology.loader import parse_topology
from mesh_components.topology.model import Topology

IN_CI = bool(os.environ.get("CI"))
PROPERTIES = settings(
    max_examples=60 if IN_CI else 300,
    derandomize=IN_CI,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
REFERENCE = (Path(__file__).resolve().parents[2] / "config" / "topology.yaml").read_bytes()


def load_or_error(raw: bytes) -> None:
    """Load `raw`; a TopologyError is a fine answer, and its problems must point inside the file."""
    try:
        parse_topology(raw, "t.yaml")
    except TopologyError as error:
        assert error.problems and not error.unreadable
        # YAML also breaks lines at a lone \r, NEL and U+2028/9; str.splitlines counts all of those
        last_line = len(raw.decode("utf-8", "replace").splitlines()) + 1
        for problem in error.problems:
            assert problem.file == "t.yaml" and problem.message
            assert 1 <= problem.line <= last_line and problem.col >= 1


# --- arbitrary YAML ---------------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(["http", "tcp", "/", "GET", "red", "router", "80", "DROP_ALL"]),
)
keys = st.one_of(
    st.sampled_from(["mesh", "colors", "routers", "gateway", "name", "namespace", "image", "port", "routes",
                     "targets", "match", "prefix", "target", "backends", "protocol", "red", "router"]),
    st.text(max_size=8),
)
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
                         max_leaves=30)


@PROPERTIES
@given(documents)
def test_any_yaml_document_loads_or_raises_topology_error(document):
    load_or_error(yaml.safe_dump(document, allow_unicode=True).encode())


@PROPERTIES
@given(st.binary(max_size=300))
def test_any_bytes_load_or_raise_topology_error(raw):
    load_or_error(raw)


# --- mutations of the reference file ---------------------------------------------------------


@st.composite
def mutated_reference(draw) -> bytes:
    raw = bytearray(REFERENCE)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(raw)))
        end = draw(st.integers(start, min(len(raw), start + 30)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        if action == "delete":
            del raw[start:end]
        elif action == "insert":
            raw[start:start] = draw(st.sampled_from([b":", b" ", b"\n", b"- ", b"&a ", b"*a", b"{", b"'", b"\t", b"\xff", b"red"]))
        elif action == "replace":
            raw[start:end] = draw(st.binary(max_size=6))
        else:
            raw[start:start] = raw[start:end]
    return bytes(raw)


@PROPERTIES
@given(mutated_reference())
def test_byte_mutations_of_the_reference_load_or_raise_topology_error(raw):
    load_or_error(raw)


def leaf_paths(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield prefix + (key,)
            yield from leaf_paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield prefix + (index,)
            yield from leaf_paths(value, prefix + (index,))


@PROPERTIES
@given(st.data())
def test_value_mutations_of_the_reference_load_or_raise_topology_error(data):
    document = yaml.safe_load(REFERENCE)
    paths = list(leaf_paths(document))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = document
        try:
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = data.draw(documents)
        except (KeyError, IndexError, TypeError):  # an earlier mutation removed this path
            continue
    load_or_error(yaml.safe_dump(document, sort_keys=False).encode())


# --- valid topologies round-trip ---------------------------------------------------------------

labels = st.from_regex(r"[a-z]([a-z0-9-]{0,12}[a-z0-9])?", fullmatch=True)
protocols = st.sampled_from(["http", "http2", "grpc", "tcp"])
ports = st.integers(1, 65535).filter(lambda port: port not in app_mesh_limits.ENVOY_PORTS)


@st.composite
def task_size(draw) -> dict:
    cpu = draw(st.sampled_from(sorted(FARGATE_MEMORY_BY_CPU)))
    return {"cpu": cpu, "memory": draw(st.sampled_from(FARGATE_MEMORY_BY_CPU[cpu]))}


@st.composite
def color(draw, protocol: str) -> dict:
    spec = {"image": draw(st.sampled_from(["forsakenidol/colorapp", "nginx:1.27"])), "port": draw(ports),
            "protocol": protocol, "count": draw(st.integers(0, 5)),
            "env": draw(st.dictionaries(st.from_regex(r"[A-Z][A-Z_]{0,8}", fullmatch=True), st.text(max_size=10), max_size=3)),
            **draw(task_size())}
    if protocol in limits.HTTP_PROTOCOLS and draw(st.booleans()):
        spec["health_check"] = {"path": "/" + draw(labels), "interval_seconds": draw(st.integers(5, 300))}
    return spec


@st.composite
def router(draw, colors: dict) -> dict:
    protocol = draw(st.sampled_from(sorted({spec["protocol"] for spec in colors.values()})))
    candidates = sorted(name for name, spec in colors.items() if spec["protocol"] == protocol)
    routes = {}
    for index, name in enumerate(draw(st.lists(labels, min_size=1, max_size=3, unique=True))):
        targets = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4, unique=True))
        share = 100 // len(targets)  # App Mesh: one route's weights total at most 100
        weights = {target: draw(st.integers(0, share)) for target in targets}
        weights[targets[0]] = draw(st.integers(1, share))
        match = {"prefix": "/" + name if protocol in limits.HTTP_PROTOCOLS else "/"}
        if protocol in limits.HTTP_PROTOCOLS and draw(st.booleans()):
            match["method"] = draw(st.sampled_from(["GET", "POST", "PUT"]))
        routes[name] = {"match": match, "targets": weights, "priority": index, "protocol": protocol}
    return {"protocol": protocol, "port": draw(ports), "routes": routes}


@st.composite
def topology_documents(draw) -> dict:
    names = draw(st.lists(labels, min_size=1, max_size=6, unique=True))
    router_count = draw(st.integers(0, len(names) - 1))
    colors = {name: draw(color(draw(protocols))) for name in names[router_count:]}
    routers = {name: draw(router(colors)) for name in names[:router_count]}
    for own_name, spec in colors.items():
        others = [name for name in names if name != own_name]
        spec["backends"] = draw(st.lists(st.sampled_from(others), max_size=3, unique=True)) if others else []
    document = {
        "mesh": {"name": draw(labels), "namespace": draw(st.sampled_from(["colors.local", "mesh.internal", "a.b.c"])),
                 "egress_filter": draw(st.sampled_from(["DROP_ALL", "ALLOW_ALL"]))},
        "colors": colors,
        "routers": routers,
    }
    if draw(st.booleans()):
        targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        document["gateway"] = {
            "name": draw(labels), "protocol": draw(st.sampled_from(["http", "http2", "grpc"])), "port": draw(ports),
            **draw(task_size()),
            "routes": {f"to-{target}": {"match": {"prefix": "/" * (index + 1)}, "target": target, "priority": index}
                       for index, target in enumerate(targets)},
        }
    return document


@PROPERTIES
@given(topology_documents())
def test_valid_topologies_round_trip_through_yaml(document):
    topology = Topology.model_validate(document)
    assume(not [problem for problem in validate_topology(topology) if problem.is_error])
    full = yaml.safe_dump(topology.model_dump(mode="json"), sort_keys=False).encode()
    terse = yaml.safe_dump(topology.model_dump(mode="json", exclude_defaults=True), sort_keys=False).encode()
    assert parse_topology(full).topology == topology
    assert parse_topology(terse).topology == topology
