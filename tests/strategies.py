"""Hypothesis strategies for topologies that pass every check: shared by model and program tests."""

from __future__ import annotations

from hypothesis import assume, strategies as st

from mesh_components.topology.checks import validate_topology
from mesh_components.topology.model import Topology

labels = st.from_regex(r"[a-z]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
long_labels = st.from_regex(r"[a-z][a-z0-9]{40,61}[a-z0-9]", fullmatch=True)
ports = st.sampled_from([80, 443, 3000, 8080, 9080, 50051])
priorities = st.one_of(st.sampled_from([0, 1, 1000]), st.integers(0, 1000))


@st.composite
def topology_data(draw, max_colors: int = 5) -> dict:
    """A plain dict as a user would write it; protocols stay consistent through routers."""
    names = draw(st.lists(st.one_of(labels, long_labels), min_size=2, max_size=max_colors + 2, unique=True))
    router_count = draw(st.integers(0, min(2, len(names) - 1)))
    color_names, router_names = names[router_count:], names[:router_count]
    colors = {name: {"image": "forsakenidol/colorapp", "port": draw(ports), "env": {"COLOR": name}}
              for name in color_names}
    routers = {}
    for router in router_names:
        targets = draw(st.lists(st.sampled_from(color_names), min_size=1, max_size=3, unique=True))
        share = 100 // len(targets)  # App Mesh: one route's weights total at most 100
        weights = {target: draw(st.integers(0, share)) for target in targets}
        weights[targets[0]] = max(1, weights[targets[0]])
        routes = {"main": {"match": {"prefix": "/"}, "targets": weights}}
        if draw(st.booleans()):  # the ends of the range too: 0 and 1000 must reach App Mesh in order
            routes["api"] = {"match": {"prefix": "/api"}, "targets": weights, "priority": draw(priorities)}
            routes["main"]["priority"] = draw(priorities.filter(lambda p: p != routes["api"]["priority"]))
        routers[router] = {"port": draw(ports), "routes": routes}
    services = color_names + router_names
    for name in color_names:
        others = [service for service in services if service != name]
        colors[name]["backends"] = draw(st.lists(st.sampled_from(others), max_size=3, unique=True))
    data = {"mesh": {"name": draw(st.one_of(st.just("color-mesh"), labels)), "namespace": "colors.local"},
            "colors": colors, "routers": routers}
    if draw(st.booleans()):
        targets = draw(st.lists(st.sampled_from(services), min_size=1, max_size=3, unique=True))
        given = draw(st.lists(priorities, max_size=len(targets), unique=True))
        routes = {f"r{i}": {"match": {"prefix": "/" + "x" * i}, "target": target} for i, target in enumerate(targets)}
        for route, priority in zip(routes.values(), given):
            route["priority"] = priority
        data["gateway"] = {"name": draw(labels.filter(lambda n: n not in services)), "port": draw(ports),
                           "routes": routes}
    return data


@st.composite
def valid_topologies(draw, max_colors: int = 5) -> Topology:
    topology = Topology.model_validate(draw(topology_data(max_colors)))
    assume(not any(problem.is_error for problem in validate_topology(topology)))
    return topology
