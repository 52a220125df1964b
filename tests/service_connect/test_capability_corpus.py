"""The service-connect capability corpus: each file under broken/ loads as a valid topology, and the
target's capability checks report exactly these lines (`LINE:COL: [warning: ]doc.path: message`).

One capability per file (a few bring a consequent line). A last test makes sure every capability check
reports on at least one file here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mesh_components.service_connect.capabilities import CAPABILITY_CHECKS, capability_problems
from mesh_components.targets import load_for_target
from mesh_components.topology.errors import TopologyError
from mesh_components.topology.loader import load_topology
from mesh_components.topology.yaml_source import read_yaml

BROKEN = Path(__file__).parent / "broken"

EXPECTED = {
    'egress_prefix_list_on_router_port.yaml': [
        "7:23: colors.red.egress[0].prefix_list: service-connect: a prefix list on port 80, which a router colors call listens on through VPC Lattice: its rule would look like one of Lattice's managed prefix list; write the destination's networks as cidr entries, or use another port",
    ],
    'alb_rules_quota.yaml': [
        '5:3: warning: gateway.routes: service-connect: the ALB needs 101 listener rules, and AWS allows 100 per Application Load Balancer by default; raise that quota (Service Quotas, Elastic Load Balancing) before deploying, or route fewer services through the gateway',
    ],
    'access_log_format_and_path.yaml': [
        '3:3: warning: colors.red: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
        "5:24: warning: colors.red.access_log.path: service-connect: substituted: Service Connect writes access logs to the stack's log destination, not to a file",
        '5:58: warning: colors.red.access_log.json_format: service-connect: substituted: Service Connect writes its own JSON log lines; these fields are not used',
    ],
    'case_insensitive_matches.yaml': [
        '9:19: warning: gateway.routes.tenant.match.headers[0]: service-connect: an ALB compares this case-insensitively, so differently cased values match too',
        '10:28: warning: gateway.routes.tenant.match.query_parameters[0]: service-connect: an ALB compares this case-insensitively, so differently cased values match too',
    ],
    'client_alias_too_long.yaml': [
        '3:3: colors.a23456789012345678901234567890: service-connect: the client alias a23456789012345678901234567890.a23456789... is 138 characters; Service Connect aliases have at most 127; shorten the color or the namespace',
    ],
    'client_certificate.yaml': [
        '9:7: colors.blue.backend_tls.certificate: service-connect: mutual TLS cannot be honoured: Service Connect presents no client certificates; remove certificate, or deploy with target app-mesh',
    ],
    'client_subject_names.yaml': [
        '6:32: warning: mesh.backend_tls.subject_alternative_names: service-connect: subject_alternative_names are not checked: Service Connect verifies a server against the Private CA and the name called',
        '8:3: warning: colors.red: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
    ],
    'client_trust_file.yaml': [
        '7:33: colors.blue.backend_tls.trust.file: service-connect: Service Connect trusts only the AWS Private CA that issues its certificates; replace trust.file with trust.acm naming that CA',
    ],
    'client_two_authorities.yaml': [
        "5:18: mesh.backend_tls.trust.acm: service-connect: 2 certificate authorities; Service Connect issues a service's certificates from one AWS Private CA; name exactly one",
    ],
    'connection_pool.yaml': [
        '3:3: warning: colors.red: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
        '3:21: warning: colors.red.connection_pool: service-connect: not applied: Service Connect has no connection-pool limits',
    ],
    'discovery_name_too_long.yaml': [
        "3:3: colors.a234567890123456789012345678901234567890123456789012345678901: service-connect: the discovery name 'a234567890123456789012345678901234567890123456789012345678901_8080' for port 8080 is 66 characters; Service Connect allows 64; shorten the color's name",
    ],
    'egress_host.yaml': [
        "6:16: colors.red.egress[0].host: service-connect: a host cannot be enforced: security groups filter addresses, not names, and Service Connect has no egress filter, so every address on this port would be reachable; write the destination's network as cidr (or a prefix_list), or deploy with target app-mesh",
    ],
    'gateway_public_tls_and_tls.yaml': [
        '7:3: gateway.public_tls: service-connect: public_tls and tls both make this ALB listener HTTPS (the ALB is the gateway on this target); keep one: public_tls with the certificate, or tls with certificate.acm',
    ],
    'egress_allow_all.yaml': [
        '1:57: mesh.egress_filter: service-connect: ALLOW_ALL cannot be honoured: on this target security groups derived from backends decide what a task may reach, so undeclared calls would fail; use DROP_ALL and list every service each color calls in its backends',
    ],
    'fargate_cpu.yaml': [
        '3:27: colors.blue.cpu: service-connect: Fargate has no task size with cpu 300; cpu is one of 256, 512, 1024, 2048, 4096, 8192, 16384 (CPU units)',
    ],
    'gateway_backend_tls.yaml': [
        "5:16: gateway.backend_tls: service-connect: the gateway's TLS towards its targets cannot be honoured: an ALB does not verify its targets' certificates; set gateway.backend_tls with enforce: false (only the ALB's security group reaches the targets), or deploy with target app-mesh",
    ],
    'gateway_http2_without_tls.yaml': [
        '5:13: gateway.protocol: service-connect: an ALB speaks http2 to clients only on HTTPS listeners; give this listener tls with mode STRICT and an ACM certificate, or use protocol http',
    ],
    'gateway_mutual_tls.yaml': [
        "8:5: gateway.tls.validation: service-connect: mutual TLS cannot be honoured: this target's ALB listener does not check client certificates (ALB mutual TLS needs a trust store, which this target does not create); remove validation (then every client the publicCidrs admit may connect) or deploy with target app-mesh",
    ],
    'gateway_permissive.yaml': [
        '5:15: gateway.tls.mode: service-connect: PERMISSIVE (TLS and plaintext on one port) cannot be honoured: an ALB listener is HTTPS or HTTP; use mode STRICT, or drop tls for plain HTTP',
    ],
    'gateway_sds_certificate.yaml': [
        '5:42: gateway.tls.certificate.sds: service-connect: certificate.sds cannot be used: the ALB takes ACM certificates; use certificate.acm',
    ],
    'gateway_tasks.yaml': [
        "5:8: warning: gateway.cpu: service-connect: not applied: the ALB replaces the gateway's tasks and scales itself",
        "6:11: warning: gateway.memory: service-connect: not applied: the ALB replaces the gateway's tasks and scales itself",
        "7:10: warning: gateway.count: service-connect: not applied: the ALB replaces the gateway's tasks and scales itself",
    ],
    'header_invert.yaml': [
        '7:71: gateway.routes.all.match.headers[0].invert: service-connect: an ALB cannot match requests whose header does NOT match; match the values to route instead and give the others their own route',
    ],
    'header_range.yaml': [
        '7:61: gateway.routes.all.match.headers[0].range: service-connect: an ALB cannot match a header by numeric range; match exact values or a regex',
    ],
    'header_wildcard.yaml': [
        "7:59: gateway.routes.all.match.headers[0].prefix: service-connect: '1?' contains '*' or '?', which an ALB treats as wildcards in header values and cannot escape; match it with a regex instead",
    ],
    'health_check_without_prober.yaml': [
        '3:3: warning: colors.red: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
        '3:21: warning: colors.red.health_check: service-connect: not applied: no load balancer or router reaches this color and Service Connect probes nothing; ECS replaces a task only when its container exits',
    ],
    'hostname_without_dot.yaml': [
        "7:44: gateway.routes.all.match.hostname.exact: service-connect: an ALB host condition takes letters, digits, '-', '_' and '.', with at least one '.' and only letters after the last; 'intranet' is not one; match a host name like api.example.com",
    ],
    'lattice_caller_tls.yaml': [
        "5:16: colors.red.backends[0]: service-connect: TLS towards router 'router' cannot be enforced: callers reach its VPC Lattice service over plain HTTP and Lattice does not verify its targets' certificates; give this backend backend_tls_for with enforce: false, or deploy with target app-mesh",
    ],
    'lattice_grpc_router.yaml': [
        '6:19: routers.api.protocol: service-connect: VPC Lattice routes gRPC only on HTTPS listeners, so callers would have to speak TLS to the router themselves (under App Mesh they send plaintext to their proxy); list its colors as backends instead, or deploy with target app-mesh',
    ],
    'lattice_header_invert.yaml': [
        '8:74: routers.router.routes.versioned.match.headers[0].invert: service-connect: VPC Lattice cannot match requests whose header does NOT match; match the values to route instead and give the others their own route',
    ],
    'lattice_header_present.yaml': [
        '8:48: routers.router.routes.versioned.match.headers[0]: service-connect: VPC Lattice matches a header by its value and cannot require only that it is present; match a value',
    ],
    'lattice_header_range.yaml': [
        '8:73: routers.router.routes.versioned.match.headers[0].range: service-connect: VPC Lattice cannot match a header by numeric range; match exact values instead',
    ],
    'lattice_header_regex.yaml': [
        '8:73: routers.router.routes.versioned.match.headers[0].regex: service-connect: VPC Lattice cannot match a regular expression; only a literal (exact), a literal followed by .* (prefix) or a literal between .* and .* (contains) can be expressed; match exact values or a prefix instead',
    ],
    'lattice_header_suffix.yaml': [
        '8:74: routers.router.routes.versioned.match.headers[0].suffix: service-connect: VPC Lattice matches a header value exactly, by prefix or by substring, not by suffix; use one of those',
    ],
    'lattice_header_value_too_long.yaml': [
        '8:66: routers.router.routes.long.match.headers[0].exact: service-connect: the value is 201 characters; VPC Lattice matches header values of at most 200',
    ],
    'lattice_path_characters.yaml': [
        "8:32: routers.router.routes.spaced.match.prefix: service-connect: '/a b' is not a path VPC Lattice can match: '/' followed by at most 199 letters, digits and @:%_+.~#?&/=-",
    ],
    'lattice_path_regex.yaml': [
        '8:40: routers.router.routes.numbered.match.path.regex: service-connect: VPC Lattice matches a path exactly or by prefix, not by regular expression; write the route as path.exact or prefix (one route per alternative)',
    ],
    'lattice_query_parameters.yaml': [
        '8:51: routers.router.routes.beta.match.query_parameters: service-connect: VPC Lattice rules cannot match query parameters; route on the path, method or headers instead',
    ],
    'lattice_auth_without_callers.yaml': [
        "6:11: warning: routers.router.auth: service-connect: not applied: no color calls this router, so it gets no VPC Lattice service to hold an auth policy; the gateway's ALB reaches its colors directly",
    ],
    'lattice_retry_and_timeout.yaml': [
        '3:3: warning: colors.red: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
        '10:9: warning: routers.router.routes.all.retry_policy: service-connect: not applied for calls from colors: VPC Lattice does not retry, and Service Connect does not see calls through Lattice',
        "11:9: warning: routers.router.routes.all.timeouts: service-connect: not applied for calls from colors: a VPC Lattice rule has no timeouts of its own; Lattice's service timeouts apply",
    ],
    'lattice_scheme_https.yaml': [
        "8:43: routers.router.routes.secure.match.scheme: service-connect: callers reach the router's VPC Lattice listener over plain HTTP, so no request has scheme https; remove scheme (or the route)",
    ],
    'lattice_six_headers.yaml': [
        '11:20: routers.router.routes.many.match.headers: service-connect: 6 header matches; a VPC Lattice rule takes at most 5; match on fewer headers',
    ],
    'lattice_six_routers.yaml': [
        '4:3: colors.green: service-connect: 6 routers forward to this color (r1, r2, r3, r4, r5, r6), and ECS registers a service into at most 5 VPC Lattice target groups; let fewer routers called by colors forward to it',
    ],
    'lattice_target_tcp_probe.yaml': [
        '4:37: colors.green.health_check: service-connect: VPC Lattice probes router targets over HTTP only, and this health check is a tcp probe; give it a path to probe over http',
    ],
    'lattice_tcp_router.yaml': [
        '6:18: routers.db.protocol: service-connect: a tcp router cannot be called through VPC Lattice, which routes tcp only as TLS passthrough (without weights or matches); list its colors as backends instead, or deploy with target app-mesh',
    ],
    'lattice_too_many_routes.yaml': [
        "8:7: routers.router.routes: service-connect: 101 routes; a VPC Lattice listener's rules take priorities 1-100, one per route; merge routes",
    ],
    'listener_file_certificate.yaml': [
        "7:27: colors.red.tls.certificate.file: service-connect: certificate.file cannot be used: Service Connect issues the listener's certificates itself from AWS Private CA; use certificate.acm",
    ],
    'listener_mutual_tls.yaml': [
        '8:7: colors.red.tls.validation: service-connect: mutual TLS cannot be honoured: Service Connect does not check client certificates; remove validation (then security groups alone decide which services may connect) or deploy with target app-mesh',
    ],
    'outlier_detection.yaml': [
        '3:3: warning: colors.red: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
        '3:21: warning: colors.red.outlier_detection: service-connect: not applied: Service Connect runs its own outlier detection (not configurable)',
    ],
    'rewrite_with_dollar.yaml': [
        "8:23: gateway.routes.price.rewrite.path: service-connect: '/$price' contains '$' or '\\', which an ALB rewrite treats as a capture reference or escape; rewrite to a path without them",
    ],
    'router_regex_behind_rewrite.yaml': [
        "7:32: routers.router.routes.numbered.match.path: service-connect: path.regex matches the path after gateway route 'all' rewrote it, which an ALB condition (on the path as sent) cannot express; match a prefix or an exact path here, or disable that route's prefix rewrite",
    ],
    'router_retry_and_timeout.yaml': [
        '9:9: warning: routers.router.routes.all.retry_policy: service-connect: not applied: Service Connect retries twice on connection failures and 503s (not configurable) and the ALB does not retry',
        "10:9: warning: routers.router.routes.all.timeouts: service-connect: not applied: an ALB rule has no timeout of its own; the target listener's Service Connect timeouts apply",
    ],
    'router_route_unreachable.yaml': [
        "8:7: warning: routers.router.routes.v3: service-connect: no request through gateway route 'api' can match this route after the gateway's rewrite; it gets no ALB rule",
    ],
    'router_scheme.yaml': [
        "7:43: routers.router.routes.secure.match.scheme: service-connect: an ALB rule cannot match the scheme the router sees behind the gateway; remove scheme (the gateway listener's protocol decides it)",
    ],
    'target_health_out_of_range.yaml': [
        '4:72: colors.green.health_check.healthy_threshold: service-connect: integer 1 is out of range for VPC Lattice; allowed: 2..10',
        '5:92: colors.blue.health_check.timeout_seconds: service-connect: integer 130 is out of range for the ALB; allowed: 2..120',
    ],
    'target_health_timeout.yaml': [
        '3:90: colors.blue.health_check.timeout_seconds: service-connect: the ALB probes this color and needs a health-check timeout below the interval (5 s is not below 5 s); shorten timeout_seconds',
    ],
    'target_health_tcp_probe.yaml': [
        '3:22: colors.blue.health_check: service-connect: the ALB probes this color over HTTP or gRPC only, and this health check is a tcp probe; give it a path to probe over http',
    ],
    'tcp_idle_default.yaml': [
        '3:3: warning: colors.db: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
        '3:42: warning: colors.db.protocol: service-connect: substituted: Service Connect closes idle tcp connections after 1 hour (App Mesh after 300 s), and this target cannot set it',
    ],
    'timeout_not_whole_seconds.yaml': [
        '3:48: colors.red.timeouts.per_request_ms: service-connect: 1500 ms is not whole seconds, and Service Connect timeouts are set in seconds; use 1000 or 2000',
    ],
    'timeout_tcp_idle.yaml': [
        '3:67: colors.db.timeouts.idle_ms: service-connect: a tcp idle timeout cannot be sent: the provider adds per_request_timeout_seconds 0, which ECS refuses for tcp (pulumi-aws#4265); remove it (Service Connect closes idle tcp connections after 1 hour)',
    ],
    'tls_issued_by_service_connect.yaml': [
        "8:38: warning: colors.red.tls.certificate: service-connect: Service Connect issues and rotates this listener's certificates from arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/a; the ACM certificate named here is not used",
        '9:3: warning: colors.blue: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
    ],
    'tls_two_issuers.yaml': [
        "5:5: colors.red.tls: service-connect: callers trust different certificate authorities (arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/a, arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/b); Service Connect issues this color's certificates from one; make them trust the same CA",
    ],
    # The gateway reaches red through the router: its ALB forwards straight to red's port, so its CA counts.
    'tls_two_issuers_through_gateway_router.yaml': [
        "5:5: colors.red.tls: service-connect: callers trust different certificate authorities (arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/a, arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/b); Service Connect issues this color's certificates from one; make them trust the same CA",
    ],
    'tls_without_issuer.yaml': [
        "5:5: colors.red.tls: service-connect: Service Connect TLS needs the AWS Private CA to issue this color's certificates, and no caller trusts one; give its callers backend_tls with trust.acm naming the CA (or mesh.backend_tls)",
    ],
    'tls_permissive.yaml': [
        '8:17: warning: colors.red.tls.mode: service-connect: substituted: Service Connect TLS has no PERMISSIVE mode; Service Connect callers always use TLS',
        "8:42: warning: colors.red.tls.certificate: service-connect: Service Connect issues and rotates this listener's certificates from arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/a; the ACM certificate named here is not used",
        '9:3: warning: colors.blue: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
    ],
    'too_many_condition_values.yaml': [
        '8:9: gateway.routes.all.match: service-connect: the ALB rule for this match needs 6 condition values and 0 wildcards; an ALB rule takes at most 5 of each (a path, host, method and each header or query parameter count); match on fewer',
    ],
    'too_many_weighted_targets.yaml': [
        '12:22: routers.router.routes.all.targets: service-connect: 6 weighted targets; an ALB forward takes at most 5 target groups; split the colors over fewer targets',
    ],
    'tracing_and_metrics.yaml': [
        '4:19: warning: mesh.observability.tracing: service-connect: not applied: Service Connect cannot trace requests (containers-roadmap #2369); instrument the applications instead',
        "4:32: warning: mesh.observability.metrics: service-connect: substituted: Service Connect publishes its proxy's metrics to CloudWatch itself; no agent scrapes a proxy port",
        '6:3: warning: colors.red: nothing calls this color: no color has it (or a router in front of it) as a backend and no gateway route leads to it; it will run but receive no calls',
    ],
    'app_mesh_permission.yaml': [
        "6:20: colors.blue.permissions[0].actions[0]: service-connect: 'appmesh:DescribeMesh' is an App Mesh action, and a Service Connect task needs none; remove it, or deploy with target app-mesh",
        '7:24: colors.blue.managed_policies[0]: service-connect: AWS-managed AWSAppMeshReadOnly grants App Mesh actions, and a Service Connect task needs none; remove it, or deploy with target app-mesh',
    ],
    'envoy_settings.yaml': [
        '1:42: warning: mesh.envoy: service-connect: not applied: there is no Envoy to configure; ECS runs and manages the Service Connect proxy (its image and log level are not settable)',
        '3:22: warning: colors.blue.envoy: service-connect: not applied: there is no Envoy to configure; ECS runs and manages the Service Connect proxy (its image and log level are not settable)',
        '5:3: warning: gateway.envoy: service-connect: not applied: there is no Envoy to configure; ECS runs and manages the Service Connect proxy (its image and log level are not settable)',
    ],
}


def located_capability_problems(path: Path) -> list[str]:
    """Every problem loading `path` for service-connect reports (errors, or else warnings), located by the loader."""
    try:
        return [str(problem) for problem in load_for_target(path, "service-connect").warnings]
    except TopologyError as error:
        return [str(problem) for problem in error.problems]


def test_every_broken_file_has_an_expectation():
    assert sorted(path.name for path in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_reports_exact_problems(name):
    path = BROKEN / name
    assert located_capability_problems(path) == [f"{path}:{line}" for line in EXPECTED[name]]


def test_every_capability_check_fires_on_some_file():
    topologies = [load_topology(path) for path in sorted(BROKEN.glob("*.yaml"))]
    fired = {check.__name__ for check in CAPABILITY_CHECKS for topology in topologies if list(check(topology))}
    assert fired == {check.__name__ for check in CAPABILITY_CHECKS}


def test_the_reference_mesh_deploys_with_its_router_on_lattice():
    """config/topology.yaml: red calls the router through VPC Lattice; only red's health check has no prober
    (neither the ALB nor Lattice reaches red)."""
    from tests.reference import REFERENCE
    problems = capability_problems(load_topology(REFERENCE))
    assert [(problem.severity, problem.path) for problem in problems] == [("warning", ("colors", "red", "health_check"))]
