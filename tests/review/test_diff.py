"""`diff OLD NEW` on pairs of topologies: each kind of change is reported, and the exit code says
whether access widened (3) or not (0)."""

from __future__ import annotations

import pytest

WIDENED, NOT_WIDENED, INVALID, UNUSABLE = 3, 0, 1, 2


def add_edge(doc):
    doc["colors"]["green"]["backends"] = ["blue"]


def remove_edge(doc):
    doc["colors"]["blue"]["backends"] = []


def change_weight(doc):
    doc["routers"]["router"]["routes"]["colors"]["targets"] = {"green": 1, "yellow": 1}


def add_route_target(doc):
    doc["routers"]["router"]["routes"]["colors"]["targets"]["red"] = 0


def add_gateway_route_to_exposed_service(doc):
    doc["gateway"]["routes"]["blue-again"] = {"match": {"prefix": "/blue"}, "target": "blue"}


def add_gateway_route_to_new_service(doc):
    doc["gateway"]["routes"]["red"] = {"match": {"prefix": "/red"}, "target": "red"}


def change_gateway_route(doc):
    doc["gateway"]["routes"]["blue"]["match"]["prefix"] = "/blue"


def change_port(doc):
    doc["colors"]["red"]["port"] = 8080


def change_protocol(doc):
    doc["colors"]["red"]["protocol"] = "http2"


def change_gateway_port(doc):
    doc["gateway"]["port"] = 8080


def add_gateway_listener(doc):
    gateway = doc["gateway"]
    del gateway["port"], gateway["protocol"]
    gateway["listeners"] = [{"port": 80, "protocol": "http", "health_check": gateway.pop("health_check")},
                            {"port": 8080, "protocol": "http"}]
    for route in gateway["routes"].values():
        route["match"]["port"] = 80


def add_color_listener(doc):
    red = doc["colors"]["red"]
    red["listeners"] = [{"port": 80, "protocol": "http", "health_check": red.pop("health_check")},
                        {"port": 9090, "protocol": "http2"}]


def remove_gateway(doc):
    del doc["gateway"]


def allow_all_egress(doc):
    doc["mesh"]["egress_filter"] = "ALLOW_ALL"


SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
POLICY = "arn:aws:iam::123456789012:policy/shop-extra"


def grant_the_application_more(doc):
    doc["colors"]["red"].update({
        "permissions": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::orders/*"]}],
        "managed_policies": [POLICY], "secrets": {"DB_PASSWORD": SECRET}, "secrets_kms_key": KEY})


def pin_an_older_envoy(doc):
    doc["mesh"]["envoy"] = {"image": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.20.0.0-prod"}


def add_egress_destination(doc):
    doc["colors"]["red"]["egress"] = [{"host": "db.example.com", "port": 5432}]


def remove_egress_destination(doc):
    doc["colors"]["red"]["egress"] = []


def change_public_port(doc):
    doc["gateway"]["public_port"] = 443


CASES = {
    # name: (edit, expected exit code, starts of lines the markdown must contain)
    "no change": (None, NOT_WIDENED, ["**No change**"]),
    "added edge": (add_edge, WIDENED, ["**Access widened**", "- new call edge green → blue:80",
                                       "| added | green → blue:80 |", "- **blue**: new callers green"]),
    "removed edge": (remove_edge, NOT_WIDENED, ["**Access not widened.**", "| removed | blue → red:80 |",
                                                "- **red**: no longer called by blue"]),
    "weight change": (change_weight, NOT_WIDENED, ["| router | colors | green | 4 | 1 |"]),
    "new route target": (add_route_target, WIDENED, ["| router | colors | red | — | 0 |",
                                                     "| added | red → red:80 via router |",
                                                     "| added | gateway (gateway) → red:80 via router |"]),
    "new gateway route, same service": (add_gateway_route_to_exposed_service, NOT_WIDENED,
                                        ["| added | blue-again | — | /blue → blue |"]),
    "new gateway route, new service": (add_gateway_route_to_new_service, WIDENED,
                                       ["| added | red | — | /red → red |",
                                        "- newly exposed to the internet through the gateway: `red`",
                                        "- **red**: new callers gateway (gateway)"]),
    "changed gateway route": (change_gateway_route, NOT_WIDENED, ["| changed | blue | / → blue | /blue → blue |"]),
    "port change": (change_port, WIDENED, ["| red | http:80 | http:8080 |", "| added | blue → red:8080 |",
                                           "| removed | blue → red:80 |"]),
    "protocol change": (change_protocol, NOT_WIDENED, ["| red | http:80 | http2:80 |"]),
    "new public port": (change_gateway_port, WIDENED, ["- internet can reach gateway gateway on port 8080",
                                                      "| gateway (gateway) | http:80 | http:8080 |"]),
    "new gateway listener": (add_gateway_listener, WIDENED, [
        "- internet can reach gateway gateway on port 8080",
        "- the internet can now reach gateway `gateway` http:8080 through the NLB",
        "| gateway (gateway) | http:80 | http:80, http:8080 |"]),
    "new color listener": (add_color_listener, WIDENED, ["| added | blue → red:9090 |",
                                                         "| red | http:80 | http:80, http2:9090 |"]),
    "egress opened": (allow_all_egress, WIDENED, ["- DROP_ALL → ALLOW_ALL"]),
    "application granted more": (grant_the_application_more, WIDENED, [
        "- red: the application may now `s3:GetObject` on `arn:aws:s3:::orders/*`",
        f"- red: its task role now attaches `{POLICY}`", f"- red: ECS now reads `{SECRET}` into `DB_PASSWORD`",
        f"- red: the execution role may now decrypt with `{KEY}`"]),
    "envoy image set in the topology": (pin_an_older_envoy, WIDENED, [
        "- `mesh.envoy.image`: replaces the stack's envoyImage, which cannot be compared offline"]),
    "new egress destination": (add_egress_destination, WIDENED, [
        "- new egress red → db.example.com:5432 (tcp, outside the mesh)",
        "- added red → db.example.com:5432 (tcp, outside the mesh)"]),
    "moved to a public port": (change_public_port, WIDENED, [
        "- internet can reach gateway gateway on port 443",
        "- the internet can now reach gateway `gateway` http:80 (public port 443) through the NLB"]),
}


def add_public_tls(doc):
    doc["gateway"]["public_tls"] = {"certificate": "arn:aws:acm:us-east-1:123456789012:certificate/edge"}


def test_dropping_the_load_balancers_tls_weakens_and_adding_it_does_not(write_variant, run_command):
    with_tls, without = write_variant("old", add_public_tls), write_variant("new")
    code, out, _ = run_command("diff", with_tls, without)
    assert code == WIDENED and "the load balancer no longer terminates TLS" in out
    code, out, _ = run_command("diff", without, with_tls)
    assert code == NOT_WIDENED and "TLS with arn:aws:acm:us-east-1:123456789012:certificate/edge" in out


def test_a_removed_egress_destination_narrows_access(write_variant, run_command):
    old, new = write_variant("old", add_egress_destination), write_variant("new", remove_egress_destination)
    code, out, _ = run_command("diff", old, new)
    assert code == NOT_WIDENED and "- removed red → db.example.com:5432 (tcp, outside the mesh)" in out.splitlines()


@pytest.mark.parametrize("case", CASES)
def test_each_kind_of_change(write_variant, run_command, case):
    edit, expected_code, expected_lines = CASES[case]
    old, new = write_variant("old"), write_variant("new", edit)
    code, out, err = run_command("diff", old, new)
    assert err == ""
    assert code == expected_code, out
    lines = out.splitlines()
    for expected in expected_lines:
        assert any(line.startswith(expected) for line in lines), f"{expected!r} missing from:\n{out}"


def test_new_public_exposure_when_a_gateway_appears(write_variant, run_command):
    old, new = write_variant("old", remove_gateway), write_variant("new")
    code, out, _ = run_command("diff", old, new)
    assert code == WIDENED
    assert "- the internet can now reach gateway `gateway` http:80 through the NLB" in out.splitlines()
    assert "- newly exposed to the internet through the gateway: `blue`" in out.splitlines()
    assert "- newly exposed to the internet through the gateway: `router`" in out.splitlines()


def test_removing_the_gateway_narrows_access(write_variant, run_command):
    code, out, _ = run_command("diff", write_variant("old"), write_variant("new", remove_gateway))
    assert code == NOT_WIDENED
    assert "- no longer public: gateway `gateway` http:80 is gone" in out.splitlines()


def test_reverse_of_a_widening_change_does_not_widen(write_variant, run_command):
    assert run_command("diff", write_variant("old", add_edge), write_variant("new"))[0] == NOT_WIDENED


def call_purple(doc):
    doc["colors"]["blue"]["backends"] = ["purple"]


def test_invalid_topology_exits_1_with_located_problems(write_variant, run_command):
    bad = write_variant("bad", call_purple)
    code, out, err = run_command("diff", write_variant("old"), bad)
    assert (code, out) == (INVALID, "")
    assert f"{bad}:" in err and "purple" in err


def test_missing_file_exits_2(write_variant, run_command, tmp_path):
    code, out, err = run_command("diff", write_variant("old"), tmp_path / "missing.yaml")
    assert (code, out) == (UNUSABLE, "")
    assert "missing.yaml" in err


def test_both_sides_are_reported(run_command, tmp_path):
    code, _, err = run_command("diff", tmp_path / "one.yaml", tmp_path / "two.yaml")
    assert code == UNUSABLE
    assert "one.yaml" in err and "two.yaml" in err
