from hypothesis import given, strategies as st

from mesh_components.aws import physical_names

label = st.from_regex(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?", fullmatch=True)
route_name = st.from_regex(r"[A-Za-z0-9_-]{1,255}", fullmatch=True)
mesh_name = st.from_regex(r"[A-Za-z0-9_-]{1,255}", fullmatch=True)
stack_name = st.from_regex(r"[A-Za-z0-9_.-]{1,100}", fullmatch=True)
vpc = st.from_regex(r"vpc-[0-9a-f]{8,17}", fullmatch=True)
port = st.integers(1, 65535)


def target_group(mesh, stack, gateway, port, vpc_id="vpc-0abc"):
    return physical_names.target_group_name(mesh, stack, gateway, port, protocol="TCP", target_type="ip", vpc_id=vpc_id)


@given(mesh=label, stack=stack_name, workload=label, port=port)
def test_names_never_exceed_aws_limits(mesh, stack, workload, port):
    assert len(physical_names.load_balancer_name(mesh, stack)) <= 32
    assert len(target_group(mesh, stack, workload, port)) <= 32
    assert len(physical_names.task_role_name(mesh, stack, workload)) <= 64
    assert len(physical_names.execution_role_name(mesh, stack)) <= 64
    assert len(physical_names.service_connect_tls_role_name(mesh, stack)) <= 64
    assert len(physical_names.task_family(mesh, stack, workload)) <= 255
    for name in (physical_names.load_balancer_name(mesh, stack), target_group(mesh, stack, workload, port)):
        assert name and not name.startswith("-") and not name.endswith("-") and "--" not in name
    assert not physical_names.load_balancer_name(mesh, stack).startswith("internal-")


@given(mesh=mesh_name, group=st.one_of(label.map(lambda n: f"color-{n}"), label.map(lambda n: f"gateway-{n}")),
       router=label)
def test_derived_ec2_and_cloud_map_strings_fit_their_limits(mesh, group, router):
    assert len(physical_names.security_group_description(mesh, group)) <= 255
    assert len(physical_names.security_group_name_tag(mesh, group)) <= 256
    assert len(physical_names.placeholder_instance_id(router)) <= 64


def test_long_texts_are_cut_with_a_hash_and_stay_distinct():
    mesh = "m" * 255
    a, b = physical_names.security_group_description(mesh, "color-a"), physical_names.security_group_description(mesh, "color-b")
    assert len(a) == len(b) == 255 and a != b and a.startswith("color-mesh mmm")
    assert physical_names.security_group_description("color-mesh", "color-red") == "color-mesh color-mesh color-red"
    assert physical_names.placeholder_instance_id("router") == "router-placeholder"
    assert len(physical_names.placeholder_instance_id("r" * 63)) == 64


def test_short_names_are_readable():
    assert physical_names.load_balancer_name("color-mesh", "dev") == "color-mesh-dev"
    assert physical_names.load_balancer_name("internal", "dev") == "lb-internal-dev"
    assert physical_names.task_role_name("color-mesh", "dev", "red") == "color-mesh-dev-red-task"
    assert physical_names.service_connect_tls_role_name("color-mesh", "dev") == "color-mesh-dev-service-connect-tls"
    assert physical_names.log_group_name("color-mesh", "dev") == "/ecs/color-mesh-dev"
    assert target_group("color-mesh", "dev", "gateway", 80).startswith("color-mesh-dev-gateway-")


def test_long_names_are_deterministic_and_distinct():
    a = target_group("a-very-long-mesh-name-indeed", "production", "gateway-one", 80)
    b = target_group("a-very-long-mesh-name-indeed", "production", "gateway-two", 80)
    assert a == target_group("a-very-long-mesh-name-indeed", "production", "gateway-one", 80)
    assert a != b and len(a) == len(b) == 32


@given(port=port, other_port=port, vpc_id=vpc, other_vpc=vpc)
def test_a_target_group_is_renamed_by_every_input_that_replaces_it(port, other_port, vpc_id, other_vpc):
    name = target_group("color-mesh", "dev", "gateway", port, vpc_id)
    assert name == target_group("color-mesh", "dev", "gateway", port, vpc_id)
    if other_vpc != vpc_id:
        assert target_group("color-mesh", "dev", "gateway", port, other_vpc) != name
    if other_port != port:
        assert target_group("color-mesh", "dev", "gateway", other_port, vpc_id) != name
    for changed in ({"protocol": "TLS"}, {"target_type": "instance"}):
        assert physical_names.target_group_name("color-mesh", "dev", "gateway", port, **{
            "protocol": "TCP", "target_type": "ip", "vpc_id": vpc_id, **changed}) != name


# --- Pulumi resource names ------------------------------------------------------------------------

keys = st.lists(st.one_of(label, route_name), min_size=1, max_size=4)


@given(first=keys, second=keys)
def test_keyed_names_are_equal_only_for_equal_keys(first, second):
    """The property that makes every keyed resource name collision-free: the name determines the keys."""
    same_name = physical_names.keyed_name("p", *first, suffix="-route") == physical_names.keyed_name("p", *second, suffix="-route")
    assert same_name == (first == second)


@given(first=st.tuples(label, route_name), second=st.tuples(label, route_name))
def test_route_names_never_collide_where_hyphen_joined_names_did(first, second):
    keyed = [physical_names.keyed_name("m", *pair, suffix="-route") for pair in (first, second)]
    assert (keyed[0] == keyed[1]) == (first == second)


def test_the_documented_collisions_now_differ():
    assert physical_names.keyed_name("m", "a", "b-c", suffix="-route") != physical_names.keyed_name("m", "a-b", "c", suffix="-route")


def test_a_key_holding_the_separator_is_refused():
    try:
        physical_names.keyed_name("m", "a.b")
    except ValueError as error:
        assert "'a.b' holds '.'" in str(error)
    else:
        raise AssertionError("a key with the separator was accepted")


def test_cidr_keys_are_one_per_network_and_never_hold_the_separator():
    assert physical_names.cidr_key("0.0.0.0/0") == "ipv4-0_0_0_0/0"
    assert physical_names.cidr_key("2001:DB8::/32") == physical_names.cidr_key("2001:db8::/32") == "ipv6-2001_db8__/32"
    assert physical_names.cidr_key("1.2.0.0/32") != physical_names.cidr_key("1:2::/32")


def test_legacy_aliases_only_for_renamed_unambiguous_names():
    pairs = [("m-a.b-c-route", "m-a-b-c-route"), ("m-a-b.c-route", "m-a-b-c-route"), ("m-x.y-route", "m-x-y-route"),
             ("same", "same"), ("new", "same")]
    # The first two shared an old name (that topology could never deploy); `same` is still in use.
    assert physical_names.legacy_aliases(pairs) == {"m-x.y-route": "m-x-y-route"}
