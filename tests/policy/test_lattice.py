"""VPC Lattice for routers on a Service Connect stack (#13), judged with the mesh's intent: who may invoke a router,
what its target groups hold, that its service stays in the mesh's network, where Lattice's prefix list may be
opened, and what ECS's registration role may do."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pulumi_aws as aws
import pytest

from .lattice_programs import (
    INVOKE, LATTICE_LIST, ROUTER_PORT, build_lattice, invoke_by, lattice_role,
)
from .service_connect_programs import ECS_TASKS_TRUST, ECS_TRUST, PORT, PORT_NAME, VPC, app_task, build_service_connect
from .verdicts import mandatory, of_policy

AUTH = "lattice-service-auth"
SHAPE = "lattice-auth-policy-shape"
TARGETS = "lattice-target-groups-mesh-only"
NETWORK = "lattice-service-network"
PREFIX_LISTS = "lattice-prefix-list-rules"
ROLE = "iam-lattice-infrastructure-role"
EXCLUSIVE = "mesh-workload-groups-exclusive"
EGRESS = "mesh-workload-egress"
RESOLVABLE = "sg-rule-peers-resolvable"
ACCOUNT = "123456789012"
FOREIGN_NETWORK = "arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-0123456789abcdef0"


def with_lattice(extra, **options):
    def program():
        extra(build_lattice(**options))

    return program


def names(verdicts, policy: str) -> set[str]:
    return {verdict.urn.rsplit("::", 1)[-1] for verdict in of_policy(verdicts, policy, level="mandatory")}


@pytest.mark.parametrize("preview", [False, True], ids=["created", "preview"])
@pytest.mark.parametrize("auth", [False, True], ids=["auth NONE", "auth AWS_IAM"])
def test_a_lattice_router_on_a_service_connect_stack_passes(judge, auth, preview):
    """At preview ids, ARNs and what the services run are unknown: noted, never judged as violations."""
    assert mandatory(judge(lambda: build_lattice(auth=auth), preview=preview)) == []


# --- lattice-service-auth -------------------------------------------------------------------------


def _red(mesh):
    return mesh.roles["red"].arn


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(lambda mesh: {**invoke_by(), "Principal": "*"}, id="principal *"),
        pytest.param(lambda mesh: invoke_by("*"), id="AWS *"),
        pytest.param(lambda mesh: invoke_by(_red(mesh), ACCOUNT), id="an account beside the role"),
        pytest.param(lambda mesh: invoke_by(f"arn:aws:iam::{ACCOUNT}:root"), id="account root"),
        pytest.param(lambda mesh: {**invoke_by(), "Principal": {"Service": "ecs-tasks.amazonaws.com"}}, id="a service principal"),
        pytest.param(lambda mesh: invoke_by(f"arn:aws:iam::{ACCOUNT}:role/red"), id="a role this stack does not create"),
        pytest.param(lambda mesh: invoke_by(f"arn:aws:iam::{ACCOUNT}:role/*"), id="a role pattern"),
        pytest.param(lambda mesh: {**invoke_by(_red(mesh)), "Action": "vpc-lattice-svcs:*"}, id="service wildcard action"),
        pytest.param(lambda mesh: {**invoke_by(_red(mesh)), "Action": "*"}, id="every action"),
        pytest.param(lambda mesh: {**invoke_by(_red(mesh)), "Action": "vpc-lattice-svcs:Inv*"}, id="action pattern"),
        pytest.param(lambda mesh: {**invoke_by(_red(mesh)), "Action": [INVOKE, "vpc-lattice-svcs:Connect"]}, id="another action"),
        pytest.param(lambda mesh: {"Effect": "Allow", "Principal": {"AWS": _red(mesh)}, "NotAction": "vpc-lattice-svcs:Connect",
                                   "Resource": "*"}, id="NotAction"),
        pytest.param(lambda mesh: {"Effect": "Allow", "NotPrincipal": {"AWS": _red(mesh)}, "Action": INVOKE, "Resource": "*"},
                     id="NotPrincipal"),
        pytest.param(lambda mesh: {"Effect": "Allow", "Action": INVOKE, "Resource": "*"}, id="no principal"),
    ],
)
def test_an_auth_policy_allows_invoke_only_to_the_stacks_task_roles(judge, statement):
    assert names(judge(lambda: build_lattice(auth=True, statement=statement)), AUTH) == {"router-auth"}


ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/red"


@pytest.mark.parametrize(
    "statement, refused",
    [
        ({**invoke_by(ROLE_ARN), "Principal": "*"}, True),
        (invoke_by(ROLE_ARN, ACCOUNT), True),
        (invoke_by(f"arn:aws:iam::{ACCOUNT}:role/team-*"), True),
        (invoke_by(f"arn:aws:sts::{ACCOUNT}:assumed-role/red/session"), True),
        ({**invoke_by(ROLE_ARN), "Action": ["vpc-lattice-svcs:*"]}, True),
        ({"Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "NotAction": "vpc-lattice-svcs:Connect", "Resource": "*"}, True),
        (invoke_by(ROLE_ARN, f"arn:aws:iam::{ACCOUNT}:role/path/blue"), False),
    ],
    ids=["principal *", "an account", "a role pattern", "a session", "a wildcard action", "NotAction", "two named roles"],
)
def test_the_per_resource_twin_judges_an_auth_policy_alone(judge, statement, refused):
    """Before the stack exists (during `up`, stack policies run after creation) the shape is judged by itself."""
    program = lambda: aws.vpclattice.AuthPolicy("alone", resource_identifier=f"arn:aws:vpc-lattice:us-east-1:{ACCOUNT}:service/svc-1",  # noqa: E731
                                                policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    assert names(judge(program), SHAPE) == ({"alone"} if refused else set())


def test_an_auth_policy_naming_a_role_that_is_no_task_role_is_refused(judge):
    def program():
        role = lattice_role()
        build_lattice(auth=True, role=role, statement=lambda mesh: invoke_by(_red(mesh), role.arn))

    assert names(judge(program), AUTH) == {"router-auth"}


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(lambda mesh: {**invoke_by(_red(mesh)), "Action": ["VPC-Lattice-Svcs:invoke"]}, id="the action in any case"),
        pytest.param(lambda mesh: {**invoke_by(_red(mesh)), "Condition": {"StringEquals": {"vpc-lattice-svcs:SourceVpc": VPC}}},
                     id="a condition"),
        pytest.param(lambda mesh: {"Effect": "Deny", "Principal": "*", "NotAction": INVOKE, "Resource": "*"}, id="a Deny only"),
    ],
)
def test_narrower_auth_policies_pass(judge, statement):
    assert not names(judge(lambda: build_lattice(auth=True, statement=statement)), AUTH)


def test_an_auth_policy_names_only_callers_the_association_admits(judge):
    """Blue's task role is a workload's, but the VPC association admits blue on no router port: it calls no router."""
    def program(admitted: bool):
        def run():
            lattice = build_lattice(auth=True, statement=lambda mesh: invoke_by(_red(mesh), mesh.roles["blue"].arn))
            if admitted:
                lattice.admit("blue-to-lattice", "blue")
        return run

    assert names(judge(program(admitted=False)), AUTH) == {"router-auth"}
    assert not names(judge(program(admitted=True)), AUTH)


def test_an_aws_iam_service_without_an_auth_policy_is_refused(judge):
    def extra(lattice):
        aws.vpclattice.Service("other", name="other", auth_type="AWS_IAM")

    assert "other" in names(judge(with_lattice(extra)), AUTH)


def test_an_auth_policy_lattice_ignores_is_refused(judge):
    """Under auth type NONE the policy is inactive: it would look like protection and be none."""
    def extra(lattice):
        lattice.auth_policy("ignored", invoke_by(lattice.mesh.roles["red"].arn))
        aws.vpclattice.AuthPolicy("network-ignored", resource_identifier=lattice.network.arn,
                                  policy=json.dumps({"Version": "2012-10-17", "Statement": [invoke_by("*")]}))

    assert names(judge(with_lattice(extra)), AUTH) == {"ignored", "network-ignored"}


# --- lattice-target-groups-mesh-only ---------------------------------------------------------------


def _other_group(kind="IP", vpc=VPC):
    config = {"port": PORT, "protocol": "HTTP", "vpc_identifier": vpc} if kind == "IP" else None
    return aws.vpclattice.TargetGroup("other-tg", name="other", type=kind, config=config)


@pytest.mark.parametrize("group", [lambda: _other_group("LAMBDA"), lambda: _other_group(vpc="vpc-0fedcba9876543210")],
                         ids=["a Lambda target group", "a target group in another VPC"])
def test_target_groups_are_ip_in_the_mesh_vpc(judge, group):
    assert names(judge(with_lattice(lambda lattice: group())), TARGETS) == {"other-tg"}


def test_rules_forward_only_to_the_stacks_target_groups(judge):
    def extra(lattice):
        aws.vpclattice.ListenerRule("elsewhere", listener_identifier=lattice.listener.arn, service_identifier=lattice.service.id,
                                    priority=2, match={"http_match": {"path_match": {"match": {"prefix": "/x"}}}},
                                    action={"forward": {"target_groups": [{"target_group_identifier": "tg-0123456789abcdef0"}]}})

    assert names(judge(with_lattice(extra)), TARGETS) == {"elsewhere"}


def test_hand_registered_targets_are_refused(judge):
    def extra(lattice):
        aws.vpclattice.TargetGroupAttachment("by-hand", target_group_identifier=lattice.target_groups["green"].id,
                                             target={"id": "10.0.3.7", "port": PORT})

    assert names(judge(with_lattice(extra)), TARGETS) == {"by-hand"}


def _registering_service(lattice, name, *, task=None, connect=True, port_name=PORT_NAME, target_group=None):
    group = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=VPC)
    task = task or app_task(name)
    configuration = {"enabled": True, "namespace": lattice.mesh.namespace.arn,
                     "services": [{"port_name": PORT_NAME, "discovery_name": name}]} if connect else None
    aws.ecs.Service(f"{name}-svc", name=name, cluster=lattice.mesh.cluster.arn, task_definition=task.arn,
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [group.id]},
                    service_connect_configuration=configuration,
                    vpc_lattice_configurations=[{"port_name": port_name, "role_arn": lattice.role.arn,
                                                 "target_group_arn": target_group or lattice.target_groups["green"].arn}])


ADMIN = {"name": "admin", "image": "forsakenidol/colorapp:1", "portMappings": [{"name": "admin-9090", "containerPort": 9090}]}


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"connect": False}, id="not a Service Connect workload"),
        pytest.param({"target_group": "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0"},
                     id="a target group this stack does not create"),
        pytest.param({"port_name": "http-9999"}, id="a port mapping the task does not have"),
        pytest.param({"port_name": "admin-9090", "task": "admin"}, id="a port the workload does not publish"),
    ],
)
def test_only_service_connect_workloads_register_their_published_ports(judge, options):
    def extra(lattice):
        task = app_task("yellow", extra_containers=(ADMIN,)) if options.get("task") == "admin" else None
        _registering_service(lattice, "yellow", **{**options, "task": task})

    assert names(judge(with_lattice(extra)), TARGETS) == {"yellow-svc"}


# --- lattice-service-network -----------------------------------------------------------------------


def test_one_service_network(judge):
    extra = lambda lattice: aws.vpclattice.ServiceNetwork("second-network", name="second")  # noqa: E731
    assert names(judge(with_lattice(extra)), NETWORK) == {"mesh-network", "second-network"}


def test_every_service_is_in_the_mesh_network_and_only_there(judge):
    def extra(lattice):
        aws.vpclattice.Service("loose", name="loose")
        aws.vpclattice.ServiceNetworkServiceAssociation("router-abroad", service_identifier=lattice.service.id,
                                                        service_network_identifier=FOREIGN_NETWORK)
        aws.vpclattice.ServiceNetworkServiceAssociation("stranger-in-mesh", service_network_identifier=lattice.network.id,
                                                        service_identifier="arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0123")

    assert names(judge(with_lattice(extra)), NETWORK) == {"loose", "router-abroad", "stranger-in-mesh"}


@pytest.mark.parametrize(
    "association",
    [
        pytest.param(lambda lattice: {"vpc_identifier": "vpc-0fedcba9876543210", "security_group_ids": [lattice.association_group.id]},
                     id="another VPC"),
        pytest.param(lambda lattice: {"vpc_identifier": VPC}, id="no security group"),
    ],
)
def test_vpc_associations_are_the_mesh_vpcs_with_groups(judge, association):
    def extra(lattice):
        aws.vpclattice.ServiceNetworkVpcAssociation("extra-vpc", service_network_identifier=lattice.network.id, **association(lattice))

    assert names(judge(with_lattice(extra)), NETWORK) == {"extra-vpc"}


def test_nothing_shares_the_network_or_its_services(judge):
    def extra(lattice):
        aws.vpclattice.ResourcePolicy("shared", resource_arn=lattice.service.arn, policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"},
                                                     "Action": "vpc-lattice:CreateServiceNetworkServiceAssociation",
                                                     "Resource": "*"}]}))
        aws.ram.ResourceAssociation("ram", resource_arn=lattice.network.arn, resource_share_arn="arn:aws:ram:us-east-1:123456789012:resource-share/x")
        aws.ec2.VpcEndpoint("side-door", vpc_id="vpc-0fedcba9876543210", vpc_endpoint_type="ServiceNetwork",
                            service_network_arn=lattice.network.arn, subnet_ids=["subnet-9"])

    assert names(judge(with_lattice(extra)), NETWORK) == {"shared", "ram", "side-door"}


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param({"cidr_ipv4": "10.0.0.0/16"}, id="the VPC's range"),
        pytest.param({"prefix_list_id": LATTICE_LIST}, id="a prefix list"),
        pytest.param({"referenced_security_group_id": "alb"}, id="a group that is no workload's"),
        pytest.param({"referenced_security_group_id": "red", "port": PORT}, id="a port no listener listens on"),
    ],
)
def test_the_association_admits_only_workload_groups_on_listener_ports(judge, rule):
    def extra(lattice):
        peer = dict(rule)
        port = peer.pop("port", ROUTER_PORT)
        if "referenced_security_group_id" in peer:
            peer["referenced_security_group_id"] = lattice.mesh.groups[peer["referenced_security_group_id"]].id
        aws.vpc.SecurityGroupIngressRule("into-lattice", security_group_id=lattice.association_group.id, ip_protocol="tcp",
                                         from_port=port, to_port=port, **peer)

    assert names(judge(with_lattice(extra)), NETWORK) == {"into-lattice"}


# --- lattice-prefix-list-rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "group, direction, port",
    [
        pytest.param("green", "ingress", 9090, id="ingress on a port Lattice does not reach"),
        pytest.param("red", "ingress", PORT, id="ingress into a workload no target group holds"),
        pytest.param("blue", "egress", ROUTER_PORT, id="egress from a group the association does not admit"),
    ],
)
def test_lattice_prefix_list_only_where_lattice_traffic_flows(judge, group, direction, port):
    verdicts = judge(with_lattice(lambda lattice: lattice.prefix_list_rule("stray", group, direction, port)))
    assert names(verdicts, PREFIX_LISTS) == {"stray"}
    assert "stray" not in names(verdicts, EXCLUSIVE) | names(verdicts, EGRESS) | names(verdicts, RESOLVABLE)


def test_prefix_list_egress_on_a_port_no_lattice_listener_uses_is_left_to_mesh_workload_egress(judge):
    """A color's `egress` to a prefix list (a destination outside the mesh) on one tcp port: not Lattice's."""
    verdicts = judge(with_lattice(lambda lattice: lattice.prefix_list_rule("database", "red", "egress", PORT)))
    assert "database" not in names(verdicts, PREFIX_LISTS) | names(verdicts, EGRESS)


def test_a_second_prefix_list_is_not_lattices(judge):
    verdicts = judge(with_lattice(lambda lattice: lattice.prefix_list_rule("other-list", "green", "ingress", PORT, "pl-0fedcba987654321f")))
    assert names(verdicts, PREFIX_LISTS) == {"other-list", "lattice-to-green", "lattice-to-blue", "red-out-router"}


def test_a_prefix_list_the_stack_creates_is_not_lattices(judge):
    def extra(lattice):
        own = aws.ec2.ManagedPrefixList("own-list", name="own", address_family="IPv4", max_entries=1,
                                        entries=[{"cidr": "0.0.0.0/0"}])
        aws.vpc.SecurityGroupIngressRule("own-in", security_group_id=lattice.mesh.groups["green"].id, prefix_list_id=own.id,
                                         ip_protocol="tcp", from_port=PORT, to_port=PORT)

    assert "own-in" in names(judge(with_lattice(extra)), PREFIX_LISTS)


@pytest.mark.parametrize("pinned, flagged", [([LATTICE_LIST], set()), (["pl-0aaaaaaaaaaaaaaaa"], {"lattice-to-green", "lattice-to-blue", "red-out-router"})],
                         ids=["the list pinned", "another list pinned"])
def test_lattice_prefix_list_ids_pin_the_list(judge, pinned, flagged):
    verdicts = judge(lambda: build_lattice(), {PREFIX_LISTS: {"latticePrefixListIds": pinned}})
    assert names(verdicts, PREFIX_LISTS) == flagged


def test_without_lattice_a_prefix_list_into_a_workload_stays_refused(judge):
    def program():
        mesh = build_service_connect()
        aws.vpc.SecurityGroupIngressRule("pl-in", security_group_id=mesh.groups["green"].id, prefix_list_id=LATTICE_LIST,
                                         ip_protocol="tcp", from_port=PORT, to_port=PORT)

    verdicts = judge(program)
    assert "pl-in" in names(verdicts, EXCLUSIVE) & names(verdicts, RESOLVABLE)
    assert not names(verdicts, PREFIX_LISTS)


def test_a_prefix_list_beside_an_address_range_is_judged_as_a_range(judge):
    def extra(lattice):
        aws.ec2.SecurityGroupRule("mixed", type="ingress", security_group_id=lattice.mesh.groups["green"].id, protocol="tcp",
                                  from_port=PORT, to_port=PORT, prefix_list_ids=[LATTICE_LIST], cidr_blocks=["10.0.0.0/16"])

    verdicts = judge(with_lattice(extra))
    assert "mixed" in names(verdicts, EXCLUSIVE)
    assert "mixed" not in names(verdicts, PREFIX_LISTS)


def test_https_to_another_prefix_list_still_passes_beside_lattice(judge):
    def extra(lattice):
        lattice.prefix_list_rule("s3", "red", "egress", 443, "pl-63a5400a")

    assert mandatory(judge(with_lattice(extra))) == []


# --- iam-lattice-infrastructure-role ---------------------------------------------------------------


def _inline_role(*statements, trust=ECS_TRUST):
    role = aws.iam.Role("inline-role", assume_role_policy=json.dumps(trust))
    aws.iam.RolePolicy("inline-role-policy", role=role.id, policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
    return role


def _allow(actions, resource):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


REGISTER = ["vpc-lattice:RegisterTargets", "vpc-lattice:DeregisterTargets", "vpc-lattice:GetTargetGroup", "vpc-lattice:ListTargets"]
DESCRIBE = ["ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeInstances"]
NAMED_GROUP = f"arn:aws:vpc-lattice:us-east-1:{ACCOUNT}:targetgroup/tg-0123456789abcdef0"


def test_a_role_with_exactly_the_registration_grants_passes(judge):
    role = lambda: _inline_role(_allow(REGISTER, [NAMED_GROUP]), _allow(DESCRIBE, "*"))  # noqa: E731
    assert not names(judge(lambda: build_lattice(role=role())), ROLE)


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(lambda: _inline_role(_allow("vpc-lattice:*", "*")), id="vpc-lattice:*"),
        pytest.param(lambda: _inline_role(_allow(REGISTER, "*")), id="registration on every resource"),
        pytest.param(lambda: _inline_role(_allow(["vpc-lattice:PutAuthPolicy"], "*")), id="rewriting auth policies"),
        pytest.param(lambda: _inline_role(_allow(["vpc-lattice:RegisterTargets"],
                                                 f"arn:aws:vpc-lattice:us-east-1:{ACCOUNT}:service/svc-0123")), id="a service ARN"),
        pytest.param(lambda: _inline_role({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), id="NotAction"),
        pytest.param(lambda: _inline_role(_allow(REGISTER, [NAMED_GROUP]),
                                          trust={"Version": "2012-10-17", "Statement": [
                                              {**ECS_TRUST["Statement"][0], "Principal": {"Service": ["ecs.amazonaws.com",
                                                                                                      "ecs-tasks.amazonaws.com"]}}]}),
                     id="trusted by tasks too"),
        pytest.param(lambda: _inline_role(_allow(REGISTER, [NAMED_GROUP]), trust=ECS_TASKS_TRUST), id="a task role"),
    ],
)
def test_the_registration_role_grants_only_registration(judge, role):
    assert names(judge(lambda: build_lattice(role=role())), ROLE) == {"inline-role"}


def test_a_registration_role_the_stack_does_not_create_is_refused(judge):
    def program():
        build_lattice(role=SimpleNamespace(arn=f"arn:aws:iam::{ACCOUNT}:role/ecsLattice"))

    assert names(judge(program), ROLE) == {"green-svc", "blue-svc"}
