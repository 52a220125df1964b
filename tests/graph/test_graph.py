"""The mesh graph's derived facts, without Pulumi."""

from mesh_components.topology.graph import Access, CallEdge, MeshGraph, Workload

from tests.reference import topology_from

BLUE, RED = Workload("color", "blue"), Workload("color", "red")
GATEWAY = Workload("gateway", "gateway")


def test_every_color_and_router_is_a_virtual_service(reference_graph):
    services = reference_graph.services
    assert {name: (s.kind, s.dns_name, s.serving_colors) for name, s in services.items()} == {
        "red": ("color", "red.colors.local", ("red",)),
        "blue": ("color", "blue.colors.local", ("blue",)),
        "green": ("color", "green.colors.local", ("green",)),
        "yellow": ("color", "yellow.colors.local", ("yellow",)),
        "router": ("router", "router.colors.local", ("green", "yellow")),
    }


def test_edges_of_the_reference_mesh(reference_graph):
    assert reference_graph.edges == (
        CallEdge(BLUE, "red", "red", 80),
        CallEdge(RED, "router", "green", 80),
        CallEdge(RED, "router", "yellow", 80),
        CallEdge(GATEWAY, "blue", "blue", 80),
        CallEdge(GATEWAY, "router", "green", 80),
        CallEdge(GATEWAY, "router", "yellow", 80),
    )


def test_backends_are_one_way(reference_graph):
    assert reference_graph.callers_of("red") == (BLUE,)
    assert BLUE not in {a.target for a in reference_graph.peers_of(RED)}
    assert reference_graph.callers_of("blue") == (GATEWAY,)


def test_a_call_to_a_router_fans_out_to_every_target_even_weight_zero(reference_data):
    reference_data["routers"]["router"]["routes"]["colors"]["targets"] = {"green": 100, "yellow": 0}
    graph = MeshGraph(topology_from(reference_data))
    assert {a.target for a in graph.peers_of(RED)} == {"green", "yellow"}


def test_access_lands_on_the_callee_port_not_the_router_port(reference_data):
    reference_data["colors"]["green"]["port"] = 8080
    reference_data["routers"]["router"]["port"] = 9000
    graph = MeshGraph(topology_from(reference_data))
    assert Access(RED, "green", 8080) in graph.access
    assert all(a.port != 9000 for a in graph.access)


def test_access_is_deduplicated_across_services(reference_data):
    # red reaches green both directly and through the router: one access, two edges.
    reference_data["colors"]["red"]["backends"] = ["router", "green"]
    graph = MeshGraph(topology_from(reference_data))
    assert sum(1 for e in graph.edges if e.caller == RED and e.callee == "green") == 2
    assert sum(1 for a in graph.access if a.source == RED and a.target == "green") == 1


def test_unreachable_colors(reference_data):
    reference_data["colors"]["purple"] = {"image": "x"}
    assert MeshGraph(topology_from(reference_data)).unreachable_colors == ("purple",)


def test_gateway_routes_longest_prefix_first_from_priority_1(reference_graph):
    order = [(name, priority) for name, _, priority in reference_graph.gateway_routes_by_precedence]
    assert order == [("router", 1), ("blue", 2)]


def test_gateway_routes_with_a_priority_go_first_in_its_order(reference_data):
    """As App Mesh does: routes without a priority are tried after every route with one."""
    routes = reference_data["gateway"]["routes"]
    routes["blue"]["priority"] = 1000
    routes["api"] = {"match": {"prefix": "/api"}, "target": "blue", "priority": 0}
    routes["docs"] = {"match": {"prefix": "/docs/long"}, "target": "blue"}
    graph = MeshGraph(topology_from(reference_data))
    order = [(name, priority) for name, _, priority in graph.gateway_routes_by_precedence]
    assert order == [("api", 1), ("blue", 2), ("docs", 3), ("router", 4)]


def test_router_route_priorities_are_ranks_from_1_and_absent_ones_stay_absent(reference_data):
    routes = reference_data["routers"]["router"]["routes"]
    routes["colors"]["priority"] = 1000
    routes["first"] = {"match": {"prefix": "/a"}, "targets": {"green": 1}, "priority": 0}
    routes["middle"] = {"match": {"prefix": "/b"}, "targets": {"green": 1}, "priority": 7}
    routes["last"] = {"match": {"prefix": "/c"}, "targets": {"green": 1}}
    graph = MeshGraph(topology_from(reference_data))
    assert graph.route_priorities("router") == {"colors": 3, "first": 1, "middle": 2, "last": None}


def test_no_gateway_means_no_gateway_edges(reference_data):
    del reference_data["gateway"]
    graph = MeshGraph(topology_from(reference_data))
    assert graph.gateway is None and all(e.caller.kind == "color" for e in graph.edges)
    assert graph.gateway_routes_by_precedence == ()


def test_a_worker_is_no_virtual_service_and_never_unreachable(reference_data):
    reference_data["colors"]["worker"] = {"image": "x", "listeners": [], "backends": ["red"]}
    graph = MeshGraph(topology_from(reference_data))
    assert "worker" not in graph.services and graph.workers == ("worker",)
    assert "worker" not in graph.unreachable_colors
    assert CallEdge(Workload("color", "worker"), "red", "red", 80) in graph.edges


def test_external_hosts_gather_every_colors_ports_and_protocols_per_host(reference_data):
    reference_data["colors"]["red"]["egress"] = [{"host": "db.example.com", "port": 5432},
                                                 {"cidr": "10.20.0.0/16", "port": 6379}]
    reference_data["colors"]["blue"]["egress"] = [{"host": "db.example.com", "port": 5432},
                                                  {"host": "db.example.com", "port": 8080, "protocol": "http"},
                                                  {"host": "api.example.com", "port": 443}]
    hosts = MeshGraph(topology_from(reference_data)).external_hosts
    assert [(host.host, host.listeners) for host in hosts] == [
        ("api.example.com", ((443, "tcp"),)), ("db.example.com", ((5432, "tcp"), (8080, "http")))]


def test_a_public_port_is_what_the_internet_reaches(reference_data):
    reference_data["gateway"]["public_port"] = 443
    entry = MeshGraph(topology_from(reference_data)).public_entry
    assert (entry.port, entry.public_port, entry.internet_port) == (80, 443, 443)
