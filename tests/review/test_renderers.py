"""Rendering details the golden files do not cover: odd names, quoting, meshes without a gateway."""

from __future__ import annotations

from mesh_components.review.access_matrix import access_matrix, render_access_markdown
from mesh_components.review.diagram import Diagram, Edge, Node, build_diagram
from mesh_components.review.dot import render_dot
from mesh_components.review.mermaid import node_id, render_mermaid
from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.model import Topology


def test_mermaid_ids_stay_unique_and_valid():
    keys = ["color:blue-v2", "color:blue_v2", "router:blue-v2", "color:end"]
    ids = [node_id(key) for key in keys]
    assert len(set(ids)) == len(ids)
    assert all(identifier.replace("_", "").isalnum() for identifier in ids)


def test_labels_are_escaped():
    diagram = Diagram((Node("color:a", "color", ('say "hi" <b>',)),), (Edge("color:a", "color:a", "call", 'x"y'),))
    assert 'color_a["say #quot;hi#quot; #lt;b#gt;"]' in render_mermaid(diagram)
    assert '"color:a" [label="say \\"hi\\" <b>", shape=box];' in render_dot(diagram)
    assert '[label="x\\"y", style=dashed];' in render_dot(diagram)


def mesh_without_gateway() -> MeshGraph:
    return MeshGraph(Topology.model_validate({
        "mesh": {"name": "m", "namespace": "n.local"},
        "colors": {"a": {"image": "i", "backends": ["b"]}, "b": {"image": "i", "port": 8080, "protocol": "grpc"},
                   "c": {"image": "i"}},
    }))


def test_without_a_gateway_there_is_no_internet():
    graph = mesh_without_gateway()
    diagram = build_diagram(graph)
    assert [node.key for node in diagram.nodes] == ["color:a", "color:b", "color:c"]
    assert [(edge.source, edge.target, edge.label) for edge in diagram.edges] == [("color:a", "color:b", "calls")]
    assert diagram.nodes[2].lines[-1] == "no callers"
    matrix = access_matrix(graph)
    assert matrix.callers == ("a", "b", "c")
    assert matrix.cell("a", "b") == "grpc:8080"
    assert matrix.cell("b", "a") == "·"
    assert "No caller can reach: a, c." in render_access_markdown(matrix)
