"""What the execution role may pull, and whose region, account and partition the components look up:
run under the mock engine, asserted on the values it recorded."""

from __future__ import annotations

import json
import textwrap

import pulumi
import pulumi_aws as aws
import pytest

from mesh_components.color_mesh import ColorMesh, ColorMeshArgs
from mesh_components.offline.runner import load_program_entry, run_program
from mesh_components.settings.stack_settings import read_settings
from mesh_components.topology.graph import MeshGraph
from mesh_components.topology.loader import load_topology

from .stack_view import StackView

APP_IMAGE = "111122223333.dkr.ecr.eu-central-1.amazonaws.com/team/colorapp:1.4"
REGIONAL_ENVOY = "840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod"
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]

TOPOLOGY = """\
    mesh:
      name: pulls
      namespace: pulls.local
      observability:
        tracing: {{}}
    colors:
      red:
        image: {red}
        backends: [blue]
      blue:
        image: forsakenidol/colorapp
"""


def write_topology(tmp_path, red_image: str) -> str:
    path = tmp_path / "topology.yaml"
    path.write_text(textwrap.dedent(TOPOLOGY.format(red=red_image)))
    return str(path)


def execution_statements(stack: StackView) -> list[dict]:
    return stack.role_policy_of(stack.task_definition("red").outputs["executionRoleArn"])["Statement"]


def run(tmp_path, red_image: str, envoy_image: str | None = None) -> StackView:
    config = {"color-mesh:topology": write_topology(tmp_path, red_image), "aws:region": "eu-west-1"}
    if envoy_image:
        config["color-mesh:envoyImage"] = envoy_image
    return StackView(run_program(load_program_entry(), stack="dev", config=config))


def test_the_execution_role_pulls_exactly_the_private_ecr_repositories_in_use(tmp_path):
    stack = run(tmp_path, APP_IMAGE, REGIONAL_ENVOY)
    statements = {s["Sid"]: s for s in execution_statements(stack)}
    assert statements["EcrLogin"] == {"Sid": "EcrLogin", "Effect": "Allow",
                                      "Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]}
    # Another account and region each; Docker Hub (blue, the X-Ray daemon) needs no grant.
    assert statements["PullImages"] == {"Sid": "PullImages", "Effect": "Allow", "Action": PULL, "Resource": [
        "arn:aws:ecr:eu-central-1:111122223333:repository/team/colorapp",
        "arn:aws:ecr:us-west-2:840364872350:repository/aws-appmesh-envoy",
    ]}
    images = {c["name"]: c["image"] for c in stack.containers("red")}
    assert images == {"red": APP_IMAGE, "envoy": REGIONAL_ENVOY, "xray-daemon": "amazon/aws-xray-daemon:3.3.13"}


def test_public_images_need_no_ecr_permission_at_all(tmp_path):
    stack = run(tmp_path, "public.ecr.aws/nginx/nginx:1.27")
    assert [s["Sid"] for s in execution_statements(stack)] == ["WriteLogs"]


def test_a_bad_envoy_image_setting_is_refused_by_name(tmp_path):
    with pytest.raises(Exception) as raised:
        run(tmp_path, "nginx", envoy_image="public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0 -prod")
    assert str(raised.value) == (
        "Pulumi.dev.yaml: color-mesh:envoyImage: image 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0 -prod' "
        "contains whitespace; expected [registry/]repository[:tag][@sha256:<64 hex digits>]")


EXISTING_NETWORK = json.dumps({"vpcId": "vpc-0abc", "publicSubnetIds": ["subnet-01"], "privateSubnetIds": ["subnet-02"]})


def mesh_in(region: str, topology_path: str, **more_settings: str):
    """A program that builds the mesh with an explicit provider for `region`, as a reusing program would."""
    def program() -> None:
        provider = aws.Provider("elsewhere", region=region)
        raw = {"topology": topology_path, "envoyImage": REGIONAL_ENVOY, **more_settings}
        settings = read_settings(raw.get, "dev")
        ColorMesh("color-mesh", ColorMeshArgs(MeshGraph(load_topology(topology_path)), settings, "dev"),
                  opts=pulumi.ResourceOptions(providers=[provider]))
    return program


@pytest.mark.parametrize("region,partition", [("eu-west-1", "aws"), ("cn-north-1", "aws-cn")])
def test_every_look_up_goes_through_the_provider_the_mesh_was_given(tmp_path, region, partition):
    # The default provider is configured for us-east-1: nothing may answer from it.
    recording = run_program(mesh_in(region, write_topology(tmp_path, APP_IMAGE)), stack="dev",
                            config={"aws:region": "us-east-1"})
    (provider,) = recording.of_type("pulumi:providers:aws")
    assert recording.invokes, "the mesh looks up its region, partition and zones"
    assert {invoke.token for invoke in recording.invokes} >= {
        "aws:index/getRegion:getRegion", "aws:index/getPartition:getPartition",
        "aws:index/getAvailabilityZones:getAvailabilityZones"}
    assert {invoke.provider for invoke in recording.invokes} == {f"{provider.urn}::{provider.id}"}
    stack = StackView(recording)
    logs = {c["name"]: c["logConfiguration"]["options"]["awslogs-region"] for c in stack.containers("red")}
    assert set(logs.values()) == {region}
    assert {s.inputs["availabilityZone"] for s in stack.of_type("aws:ec2/subnet:Subnet")} == {f"{region}a", f"{region}b"}
    pulls = {s["Sid"]: s for s in execution_statements(stack)}["PullImages"]["Resource"]
    assert all(arn.startswith(f"arn:{partition}:ecr:") for arn in pulls), pulls


def test_the_existing_vpc_is_looked_up_through_the_given_provider_too(tmp_path):
    program = mesh_in("eu-west-1", write_topology(tmp_path, "nginx"), network=EXISTING_NETWORK)
    recording = run_program(program, stack="dev", config={"aws:region": "us-east-1"})
    (provider,) = recording.of_type("pulumi:providers:aws")
    vpc_lookups = [invoke for invoke in recording.invokes if invoke.token == "aws:ec2/getVpc:getVpc"]
    assert [invoke.provider for invoke in vpc_lookups] == [f"{provider.urn}::{provider.id}"]
    assert {invoke.provider for invoke in recording.invokes} == {f"{provider.urn}::{provider.id}"}


def test_the_default_provider_is_used_when_none_is_given(tmp_path):
    recording = run_program(load_program_entry(), stack="dev",
                            config={"color-mesh:topology": write_topology(tmp_path, "nginx"), "aws:region": "eu-west-1"})
    assert recording.invokes and {invoke.provider for invoke in recording.invokes} == {""}  # "": the default
    logs = json.loads(StackView(recording).task_definition("red").outputs["containerDefinitions"])
    assert {c["logConfiguration"]["options"]["awslogs-region"] for c in logs} == {"eu-west-1"}
