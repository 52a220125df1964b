"""What the review adds to the access diff: TLS weakening, images and credential-like environment
values (via `diff OLD NEW`), and stack settings (pure, `diff_settings`)."""

from __future__ import annotations

import pytest

from mesh_components.review.settings_diff import diff_settings
from mesh_components.review.workload_diff import floats, registry

WIDENED, NOT_WIDENED = 3, 0
CERT = {"acm": "arn:aws:acm:us-east-1:123456789012:certificate/red"}
CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca"
OTHER_CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/other"


def strict_red_called_with_tls(doc):
    """red serves STRICT with client validation; blue calls red enforcing TLS with a SAN."""
    doc["colors"]["red"]["tls"] = {"mode": "STRICT", "certificate": CERT,
                                   "validation": {"trust": {"sds": "clients"}, "subject_alternative_names": ["blue"]}}
    doc["colors"]["blue"]["backend_tls"] = {"trust": {"acm": [CA]}, "subject_alternative_names": ["red.colors.local"],
                                            "certificate": {"sds": "blue-cert"}}


def then(*edits):
    def edit(doc):
        strict_red_called_with_tls(doc)
        for change in edits:
            change(doc)
    return edit


def red_tls(doc):
    return doc["colors"]["red"]["tls"]


def blue_client(doc):
    return doc["colors"]["blue"]["backend_tls"]


TLS_CASES = {
    "STRICT to PERMISSIVE": (lambda d: red_tls(d).update(mode="PERMISSIVE"),
                             "- TLS weakened: listener red:80: serves PERMISSIVE with client validation instead of "
                             "STRICT with client validation"),
    "listener loses TLS": (lambda d: d["colors"]["red"].pop("tls"),
                           "- TLS weakened: listener red:80: serves no TLS instead of STRICT with client validation"),
    "no more client validation": (lambda d: red_tls(d).pop("validation"),
                                  "- TLS weakened: listener red:80: serves STRICT instead of STRICT with client"),
    "validation accepts another name": (
        lambda d: red_tls(d)["validation"]["subject_alternative_names"].append("green"),
        "- TLS weakened: listener red:80: accepts clients named green too"),
    "validation trusts another source": (lambda d: red_tls(d)["validation"].update(trust={"sds": "anyone"}),
                                         "- TLS weakened: listener red:80: validates clients against another trust"),
    "enforce false": (lambda d: blue_client(d).update(enforce=False),
                      "- TLS weakened: calls blue → red:80: TLS is no longer enforced"),
    "port left out": (lambda d: blue_client(d).update(ports=[8080]),
                      "- TLS weakened: calls blue → red:80: TLS is no longer enforced"),
    "client policy gone": (lambda d: d["colors"]["blue"].pop("backend_tls"),
                           "- TLS weakened: calls blue → red:80: TLS is no longer enforced"),
    "another CA": (lambda d: blue_client(d)["trust"].update(acm=[CA, OTHER_CA]),
                   "- TLS weakened: calls blue → red:80: trusts other certificate authorities"),
    "server names dropped": (lambda d: blue_client(d).pop("subject_alternative_names"),
                             "- TLS weakened: calls blue → red:80: accepts servers of any name"),
    "client certificate dropped": (lambda d: blue_client(d).pop("certificate"),
                                   "- TLS weakened: calls blue → red:80: no longer presents its client certificate"),
}


@pytest.mark.parametrize("case", TLS_CASES)
def test_every_tls_weakening_widens(write_variant, run_command, case):
    edit, expected = TLS_CASES[case]
    code, out, err = run_command("diff", write_variant("old", then()), write_variant("new", then(edit)))
    assert (code, err) == (WIDENED, ""), out
    assert any(line.startswith(expected) for line in out.splitlines()), out
    assert "#### TLS" in out


def test_mesh_tls_no_longer_required_widens(write_variant, run_command, tmp_path):
    def required(doc):
        strict_red_called_with_tls(doc)
        doc["mesh"]["tls"] = "required"
        doc["mesh"]["backend_tls"] = {"trust": {"acm": [CA]}}
        for name, color in doc["colors"].items():
            color["tls"] = {"mode": "STRICT", "certificate": CERT}
    code, out, _ = run_command("diff", write_variant("old", required), write_variant("new", then(
        required, lambda d: d["mesh"].update(tls="optional"))))
    assert code == WIDENED
    assert "- TLS weakened: mesh.tls: mesh.tls is no longer required" in out.splitlines()


def test_tightening_tls_does_not_widen(write_variant, run_command):
    code, out, _ = run_command("diff", write_variant("old"), write_variant("new", then()))
    assert code == NOT_WIDENED, out
    assert "| listener red:80 | no TLS | STRICT with client validation | no |" in out.splitlines()


def test_rotating_a_certificate_is_shown_not_widening(write_variant, run_command):
    rotate = then(lambda d: red_tls(d).update(certificate={"acm": CERT["acm"] + "-2026"}))
    code, out, _ = run_command("diff", write_variant("old", then()), write_variant("new", rotate))
    assert code == NOT_WIDENED
    assert "**No change**" not in out


@pytest.mark.parametrize("image, expected_registry, floating", [
    ("forsakenidol/colorapp", "docker.io", True),
    ("forsakenidol/colorapp:latest", "docker.io", True),
    ("forsakenidol/colorapp:1.2", "docker.io", False),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/red:1.0", "123456789012.dkr.ecr.us-east-1.amazonaws.com", False),
    ("localhost:5000/red", "localhost:5000", True),
    ("ghcr.io/acme/red@sha256:" + "a" * 64, "ghcr.io", False),
])
def test_image_registry_and_pinning(image, expected_registry, floating):
    assert (registry(image), floats(image)) == (expected_registry, floating)


def test_an_image_from_another_registry_or_latest_is_flagged_not_no_change(write_variant, run_command):
    def images(doc):
        doc["colors"]["red"]["image"] = "evil.example.com/colorapp:1.0"
        doc["colors"]["blue"]["image"] = "forsakenidol/colorapp:latest"
    code, out, _ = run_command("diff", write_variant("old"), write_variant("new", images))
    assert code == NOT_WIDENED
    lines = out.splitlines()
    assert "**No change**" not in out and "**Look at:**" in lines
    assert "- image of red: `evil.example.com/colorapp:1.0`: another registry: evil.example.com (was docker.io)" in lines
    assert any(line.startswith("- image of blue: `forsakenidol/colorapp:latest`: not pinned") for line in lines)
    assert "| red | forsakenidol/colorapp | evil.example.com/colorapp:1.0 | another registry: evil.example.com " \
           "(was docker.io) |" in lines


def test_a_credential_in_plain_env_is_flagged_without_printing_it(write_variant, run_command):
    def env(doc):
        doc["colors"]["red"]["env"] = {"DB_PASSWORD": "hunter2", "UPSTREAM": "https://u:p4ss@db.example.com",
                                       "COLOR": "red"}
    code, out, _ = run_command("diff", write_variant("old"), write_variant("new", env))
    assert code == NOT_WIDENED and "**No change**" not in out
    assert "- red: env `DB_PASSWORD` is a plain value and its name says it is a secret" in out
    assert "- red: env `UPSTREAM` is a plain value and its value looks like a credential" in out
    assert "COLOR" not in out and "hunter2" not in out and "p4ss" not in out


BASE = {"aws:region": "us-east-1", "color-mesh:topology": "config/topology.yaml"}


@pytest.mark.parametrize("new, weakening", [
    ({"color-mesh:publicCidrs": ["0.0.0.0/0", "::/0"]}, "the load balancer now admits ::/0"),
    ({"color-mesh:envoyImage": "example.com/envoy:v1.29.6.0-prod"}, "Envoy comes from another repository"),
    ({"color-mesh:envoyImage": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.20.0.0-prod"}, "Envoy is downgraded"),
    ({"color-mesh:logRetentionDays": 7}, "logs are kept 7 days instead of 30"),
    ({"color-mesh:network": {"vpcId": "vpc-1", "publicSubnetIds": ["subnet-1"], "privateSubnetIds": ["subnet-2"]}},
     "the stack moves to another VPC"),
    ({"aws:region": "eu-west-1"}, "a setting the review cannot judge offline changed"),
    ({"color-mesh:target": "service-connect"}, "the stack moves from App Mesh to service-connect: security groups "
                                                "alone decide who reaches whom"),
])
def test_settings_that_weaken(new, weakening):
    [change] = diff_settings(BASE, {**BASE, **new})
    assert change.weakened and change.weakened.startswith(weakening), change


@pytest.mark.parametrize("new", [
    {"color-mesh:publicCidrs": ["203.0.113.0/24"]},
    {"color-mesh:envoyImage": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.30.1.0-prod"},
    {"color-mesh:logRetentionDays": 365},
    {"color-mesh:minTaskCount": 2},
    {"color-mesh:vpcCidr": "10.1.0.0/16"},
    {"color-mesh:topology": "config/other.yaml"},
])
def test_settings_that_do_not_weaken(new):
    [change] = diff_settings(BASE, {**BASE, **new})
    assert change.weakened is None, change


def test_moving_back_to_app_mesh_is_reported_not_weakening():
    service_connect = {**BASE, "color-mesh:target": "service-connect"}
    [change] = diff_settings(service_connect, BASE)  # unset: the default, app-mesh
    assert (change.key, change.old, change.new, change.weakened) == (
        "color-mesh:target", "service-connect", "app-mesh", None)


def test_public_cidrs_are_compared_as_networks():
    office = {**BASE, "color-mesh:publicCidrs": ["203.0.113.0/24"]}
    [wider] = diff_settings(office, {**BASE, "color-mesh:publicCidrs": ["203.0.112.0/23"]})
    assert wider.weakened == "the load balancer now admits 203.0.112.0/23"
    [narrower] = diff_settings(office, {**BASE, "color-mesh:publicCidrs": ["203.0.113.128/25"]})
    assert narrower.weakened is None
    [back_to_world] = diff_settings(office, BASE)  # unset: the default, the whole IPv4 internet
    assert back_to_world.weakened == "the load balancer now admits 0.0.0.0/0"


def test_defaults_count_as_set_and_subnets_are_judged_one_by_one():
    assert diff_settings(BASE, {**BASE, "color-mesh:publicCidrs": ["0.0.0.0/0"], "color-mesh:minTaskCount": 0}) == ()
    network = {"vpcId": "vpc-1", "publicSubnetIds": ["subnet-a"], "privateSubnetIds": ["subnet-b"]}
    moved = {**network, "privateSubnetIds": ["subnet-b", "subnet-a"], "publicSubnetIds": ["subnet-a", "subnet-c"]}
    [change] = diff_settings({**BASE, "color-mesh:network": network}, {**BASE, "color-mesh:network": moved})
    assert change.weakened == ("tasks may now run in subnet-a, a public subnet; "
                               "the load balancer may now sit in subnet-c")
    protected = {**BASE, "color-mesh:deletionProtection": True}
    [change] = diff_settings(protected, BASE)
    assert change.weakened == "the load balancer loses deletion protection"
