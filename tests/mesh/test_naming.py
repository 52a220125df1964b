from hypothesis import given, strategies as st

from mesh_components.topology import naming

label = st.from_regex(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?", fullmatch=True)


@given(mesh=label, stack=st.from_regex(r"[A-Za-z0-9_.-]{1,100}", fullmatch=True), workload=label)
def test_names_never_exceed_aws_limits(mesh, stack, workload):
    assert len(naming.load_balancer_name(mesh, stack)) <= 32
    assert len(naming.target_group_name(mesh, stack, workload)) <= 32
    assert len(naming.task_role_name(mesh, stack, workload)) <= 64
    assert len(naming.execution_role_name(mesh, stack)) <= 64
    assert len(naming.task_family(mesh, stack, workload)) <= 255
    for name in (naming.load_balancer_name(mesh, stack), naming.target_group_name(mesh, stack, workload)):
        assert name and not name.startswith("-") and not name.endswith("-") and "--" not in name


def test_short_names_are_readable():
    assert naming.load_balancer_name("color-mesh", "dev") == "color-mesh-dev"
    assert naming.task_role_name("color-mesh", "dev", "red") == "color-mesh-dev-red-task"
    assert naming.log_group_name("color-mesh", "dev") == "/ecs/color-mesh-dev"


def test_long_names_are_deterministic_and_distinct():
    a = naming.target_group_name("a-very-long-mesh-name-indeed", "production", "gateway-one")
    b = naming.target_group_name("a-very-long-mesh-name-indeed", "production", "gateway-two")
    assert a == naming.target_group_name("a-very-long-mesh-name-indeed", "production", "gateway-one")
    assert a != b and len(a) == len(b) == 32
