"""Pulumi resource names: collision-free by construction, refused like the engine refuses them when they
are not, and the URNs of stacks deployed before the names changed kept through aliases."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pulumi_aws as aws
import pytest

from mesh_components.offline.recording import DuplicateUrnError, Recording
from mesh_components.offline.runner import load_program_entry, run_program, run_stack

NAMES = Path(__file__).parent / "names"
WIDE_CONFIG = {"color-mesh:topology": str(NAMES / "wide.yaml"), "aws:region": "us-east-1",
               "color-mesh:publicCidrs": '["0.0.0.0/0", "2001:db8::/32"]'}


def test_the_offline_engine_refuses_a_duplicate_urn_like_the_engine():
    def program():
        aws.iam.Role("same", assume_role_policy="{}")
        aws.iam.Role("same", assume_role_policy="{}")

    with pytest.raises(DuplicateUrnError) as raised:
        run_program(program)
    assert str(raised.value) == ("Duplicate resource URN 'urn:pulumi:dev::color-mesh::"
                                 "aws:iam/role:Role::same'; try giving it a unique name")


COLLIDING = """\
    mesh: {name: m, namespace: m.local}
    colors:
      edge-gateway: {image: app}
      b: {image: app, backends: [a, a-b]}
    routers:
      a:
        routes:
          b-c: {match: {prefix: /}, targets: {edge-gateway: 1}}
      a-b:
        routes:
          c: {match: {prefix: /}, targets: {b: 1}}
    gateway:
      name: edge
      routes:
        in: {match: {prefix: /}, target: b}
"""


def test_topologies_whose_hyphen_joined_names_collided_now_deploy(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(textwrap.dedent(COLLIDING))
    recording = run_program(load_program_entry(), config={"color-mesh:topology": str(path)})
    routes = {r.name: r.inputs["name"] for r in recording.of_type("aws:appmesh/route:Route")}
    assert routes == {"color-mesh-app-mesh-a.b-c-route": "b-c", "color-mesh-app-mesh-a-b.c-route": "c"}
    services = {r.inputs["name"] for r in recording.of_type("aws:ecs/service:Service")}
    assert services == {"edge-gateway", "b", "edge"}
    workloads = {r.name for r in recording.of_type("color-mesh:index:EcsWorkload")}
    assert workloads == {"color-mesh-edge-gateway", "color-mesh-b", "color-mesh-gateway.edge"}
    # Both would have claimed the old names, so neither gets them as aliases (the engine refuses shared aliases).
    renamed = recording.of_type("aws:appmesh/route:Route") + recording.of_type("color-mesh:index:EcsWorkload")
    assert not any(r.aliases for r in renamed)
    assert all(len(urns) == 1 for urns in answering_urns(recording).values())


def answering_urns(recording: Recording) -> dict[str, list[str]]:
    """URN -> the current resources that answer to it: their own URN and their former ones (their aliases and
    those the engine derives for children from their parent's), as the offline recorder resolves them."""
    answering: dict[str, list[str]] = {}
    for resource in recording.resources:
        for urn in (resource.urn, *resource.aliases):
            answering.setdefault(urn, []).append(resource.urn)
    return answering


@pytest.mark.parametrize("before,run", [
    ("dev-urns-before-names-change.txt", lambda: run_stack("dev")),
    ("wide-urns-before-names-change.txt", lambda: run_program(load_program_entry(), config=WIDE_CONFIG)),
])
def test_stacks_deployed_before_the_names_changed_keep_every_urn(before, run):
    """The URN files were recorded by the release before keyed names; each URN must still be answered by
    exactly one resource, or `pulumi up` would replace (delete and create) it."""
    answering = answering_urns(run())
    old_urns = (NAMES / before).read_text().split()
    assert {urn: answering.get(urn, []) for urn in old_urns if len(answering.get(urn, [])) != 1} == {}
    # No alias may point at a URN that another resource holds today.
    assert all(len(urns) == 1 for urns in answering.values())


LONGEST = "m" * 255
LABEL = "c" * 62 + "x"  # 63 characters, the longest DNS label

LIMITS = {  # (type, property) -> AWS's limit on the string we derive for it
    ("aws:ec2/securityGroup:SecurityGroup", "description"): 255,
    ("aws:servicediscovery/instance:Instance", "instanceId"): 64,
    ("aws:lb/loadBalancer:LoadBalancer", "name"): 32,
    ("aws:lb/targetGroup:TargetGroup", "name"): 32,
    ("aws:iam/role:Role", "name"): 64,
    ("aws:iam/rolePolicy:RolePolicy", "name"): 128,
    ("aws:ecs/cluster:Cluster", "name"): 255,
    ("aws:ecs/taskDefinition:TaskDefinition", "family"): 255,
    ("aws:ecs/service:Service", "name"): 255,
    ("aws:cloudwatch/logGroup:LogGroup", "name"): 512,
    ("aws:servicediscovery/service:Service", "name"): 127,
    ("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "description"): 1024,
}


def test_every_derived_string_fits_its_aws_limit_with_the_longest_names(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(textwrap.dedent(f"""\
        mesh: {{name: {LONGEST}, namespace: n.local}}
        colors:
          {LABEL}: {{image: app, backends: [r{LABEL[1:]}]}}
        routers:
          r{LABEL[1:]}:
            routes:
              {"x" * 255}: {{match: {{prefix: /}}, targets: {{{LABEL}: 1}}}}
        gateway:
          name: g{LABEL[1:]}
          routes:
            in: {{match: {{prefix: /}}, target: {LABEL}}}
    """))
    recording = run_program(load_program_entry(), stack="s" * 100, config={"color-mesh:topology": str(path)})
    checked = set()
    for resource in recording.resources:
        for (kind, prop), limit in LIMITS.items():
            if resource.type == kind:
                value = resource.outputs[prop]
                assert len(value) <= limit, (kind, prop, len(value))
                checked.add((kind, prop))
        if resource.type == "aws:ec2/securityGroup:SecurityGroup":
            assert len(resource.inputs["tags"]["Name"]) <= 256
    assert checked == set(LIMITS)


def test_full_urn_aliases_resolve_as_the_name_aliases_they_stand_for(monkeypatch):
    """Renamed children get their former URN written out (cheaper for the SDK than `Alias(name=...)`); the
    engine must see the very same former URNs either way, including those children inherit."""
    from mesh_components.aws import component

    sent: list[object] = []
    renamed_from = component.MeshComponent.renamed_from

    def spying(self, child_class, old_name):
        options = renamed_from(self, child_class, old_name)
        sent.extend(options.get("aliases", ()))
        return options

    monkeypatch.setattr(component.MeshComponent, "renamed_from", spying)
    with_urns = {resource.urn: resource.aliases for resource in run_stack("dev").resources}
    assert sent and all(isinstance(alias, str) and alias.startswith("urn:pulumi:dev::") for alias in sent)

    sent.clear()
    monkeypatch.setattr(component, "_qualified_type", lambda type_token, parent: None)  # chains unknown: Alias(name=)
    with_names = {resource.urn: resource.aliases for resource in run_stack("dev").resources}
    assert sent and all(not isinstance(alias, str) for alias in sent)
    assert with_urns == with_names
    assert sum(bool(aliases) for aliases in with_urns.values()) > len(sent)  # some only inherit theirs
