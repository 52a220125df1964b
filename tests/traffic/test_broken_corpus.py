"""The traffic, TLS and observability corpus: each file under broken/ fails with exactly these problems.

Every line is `LINE:COL: doc.path: message`, compared whole, as in tests/topology's corpus. One
defect per file (a few bring a second, consequent line). A last test makes sure every check added
for these features fires on at least one file here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mesh_components.app_mesh import observability_checks
from mesh_components.app_mesh.tls_material_checks import check_tls_material_sources
from mesh_components.topology import listener_checks, public_entry_checks, route_checks, tls_checks
from mesh_components.topology.checks import check_shared_name_space
from tests.corpus import assert_fails_with_exactly, parsed_models

BROKEN = Path(__file__).parent / "broken"

EXPECTED = {
    'access_log_empty_json.yaml': [
        "3:47: colors.red.access_log.json_format: json_format has no fields; name at least one, e.g. {status: '%RESPONSE_CODE%'}",
    ],
    'access_log_json_empty_value.yaml': [
        "6:52: colors.red.access_log.json_format.path: field 'path': names and values have 1-100 characters (here 4 and 0)",
    ],
    'access_log_relative_path.yaml': [
        "5:22: gateway.access_log.path: path 'logs/access.log' is not absolute; write it like /dev/stdout",
    ],
    'access_log_text_too_long.yaml': [
        '6:20: colors.red.access_log.text_format: text_format is 1008 characters; allowed: 1-1000',
    ],
    'access_log_two_formats.yaml': [
        '7:7: colors.red.access_log.json_format: an access log has one format: text_format or json_format, not both',
    ],
    'client_tls_port_out_of_range.yaml': [
        '4:25: mesh.backend_tls.ports[0]: integer 0 is out of range; allowed: 1..65535',
    ],
    'gateway_grpc_hostname.yaml': [
        '8:43: gateway.routes.api.match.hostname: hostname does not apply to a grpc gateway route; a grpc gateway route matches on service_name, port',
    ],
    'gateway_grpc_prefix.yaml': [
        '8:43: gateway.routes.api.match.prefix: prefix does not apply to a grpc gateway route; a grpc gateway route matches on service_name, port',
    ],
    'gateway_grpc_route_to_http_router.yaml': [
        "14:15: gateway.routes.lookup.target: a grpc gateway route cannot reach 'router' on http:80; it reaches grpc listeners",
    ],
    'gateway_grpc_without_service_name.yaml': [
        '8:14: gateway.routes.all.match: a grpc gateway route matches a gRPC service; add match.service_name (e.g. colors.ColorService)',
        '8:15: gateway.routes.all.match.prefix: prefix does not apply to a grpc gateway route; a grpc gateway route matches on service_name, port',
    ],
    'gateway_health_check_tcp.yaml': [
        '5:28: gateway.health_check.protocol: a gateway is probed over http, http2 or grpc, not tcp (virtual gateways have no tcp listener)',
    ],
    'gateway_health_check_threshold_out_of_range.yaml': [
        '5:45: gateway.health_check.interval_seconds: integer 1 is out of range for App Mesh; allowed: 5..300',
    ],
    'gateway_health_check_without_path.yaml': [
        '6:32: gateway.listeners[0].health_check: an http gateway listener is probed over http and needs a path; add health_check.path, e.g. /healthcheck (a path the gateway routes)',
    ],
    'gateway_hostname_exact_and_suffix.yaml': [
        '7:36: gateway.routes.all.match.hostname: hostname needs exactly one of exact, suffix (found both exact and suffix)',
    ],
    'gateway_http_route_to_grpc_color.yaml': [
        "8:15: gateway.routes.all.target: an http gateway route cannot reach 'lookup' on grpc:50051; it reaches http or http2 listeners",
    ],
    'gateway_http_without_prefix_or_path.yaml': [
        '7:14: gateway.routes.all.match: an http gateway route needs match.prefix or match.path',
    ],
    'gateway_listeners_and_inline_protocol.yaml': [
        "5:3: gateway.protocol: 'protocol' is written on the gateway and it also has listeners; with listeners, put protocol on each listener",
    ],
    'gateway_listeners_empty.yaml': [
        '4:22: gateway.listeners: listeners is empty; list at least one, or leave the key out and write port inline',
    ],
    'gateway_public_port_taken.yaml': [
        '7:14: gateway.listeners[1].port: the load balancer already listens on 443 for gateway.listeners[0]; give each listener its own public_port',
    ],
    'gateway_public_tls_not_acm.yaml': [
        "6:29: gateway.public_tls.certificate: invalid ACM certificate ARN 'my-certificate'; expected arn:aws:acm:<region>:<12-digit account>:certificate/<id>",
    ],
    'gateway_listeners_route_without_port.yaml': [
        '8:14: gateway.routes.all.match: the gateway has several listeners (80, 8080); every route needs match.port naming one',
    ],
    'gateway_listeners_same_port.yaml': [
        '7:14: gateway.listeners[1].port: port 80 is already used by listener 0; each listener needs its own port',
    ],
    'gateway_match_port_not_listener.yaml': [
        '8:32: gateway.routes.all.match.port: port 443 is not a gateway listener; the gateway listens on 80',
    ],
    'gateway_named_like_color.yaml': [
        "5:9: gateway.name: 'front' is already a color; the gateway and the colors share one name space (ECS services, task families and IAM roles are named after them); rename one",
    ],
    'gateway_path_rewrite_without_exact_match.yaml': [
        '8:23: gateway.routes.api.rewrite.path: a path rewrite replaces an exact path; it needs match.path.exact',
    ],
    'gateway_prefix_rewrite_needs_trailing_slash.yaml': [
        "8:33: gateway.routes.api.rewrite.prefix.value: rewriting prefix '/api' to a value needs a match prefix ending in '/' (write '/api/')",
    ],
    'gateway_prefix_rewrite_on_path_match.yaml': [
        '8:25: gateway.routes.api.rewrite.prefix: a prefix rewrite replaces the matched prefix; it needs match.prefix',
    ],
    'gateway_prefix_rewrite_value_and_default.yaml': [
        '8:25: gateway.routes.api.rewrite.prefix: a prefix rewrite needs exactly one of value, default (found both value and default)',
    ],
    'gateway_prefix_rewrite_value_without_slashes.yaml': [
        "8:33: gateway.routes.api.rewrite.prefix.value: rewrite value 'v2' must start and end with '/', like /api/",
    ],
    'gateway_query_exact_empty.yaml': [
        '7:66: gateway.routes.all.match.query_parameters[0].exact: must not be empty (the AWS provider leaves an empty string out; to match any value, leave exact out: the parameter then only has to be present)',
    ],
    'gateway_reserved_exact_path.yaml': [
        "7:29: gateway.routes.stats.match.path.exact: path '/aws-appmesh/stats' is reserved; virtual gateways keep /aws-appmesh and /aws-app-mesh for themselves",
    ],
    'gateway_rewrite_on_grpc.yaml': [
        '9:7: gateway.routes.api.rewrite: grpc gateway routes do not rewrite requests; remove rewrite',
    ],
    'gateway_route_to_tcp_listener.yaml': [
        "12:15: gateway.routes.all.target: an http gateway route cannot reach 'db' on tcp:5432; it reaches http or http2 listeners",
    ],
    'gateway_same_path_match_twice.yaml': [
        "10:14: gateway.routes.two.match: the same match is already used by gateway route 'one'; each gateway route needs its own match",
    ],
    'gateway_target_port_not_listened.yaml': [
        "9:20: gateway.routes.all.target_port: 'blue' does not listen on 8080; its ports: 80",
    ],
    'gateway_target_several_listeners_without_port.yaml': [
        "12:15: gateway.routes.all.target: 'blue' has several listeners (http:80, http2:9090); add target_port naming the one this route reaches",
    ],
    'header_invert_not_boolean.yaml': [
        "10:58: routers.router.routes.all.match.headers[0].invert: expected true or false, got 'no'",
    ],
    'health_check_http_without_path.yaml': [
        '6:30: colors.red.health_check.protocol: an http health check needs a path; add health_check.path, e.g. /healthcheck',
    ],
    'health_threshold_out_of_range.yaml': [
        '5:54: colors.red.health_check.healthy_threshold: integer 11 is out of range for App Mesh; allowed: 2..10',
    ],
    'listeners_and_inline_port.yaml': [
        "5:5: colors.red.port: 'port' is written on the color and it also has listeners; with listeners, put port on each listener",
    ],
    'listeners_duplicate_port.yaml': [
        '7:16: colors.red.listeners[1].port: port 80 is already used by listener 0; each listener needs its own port',
    ],
    'outlier_eject_zero_percent.yaml': [
        '5:112: colors.red.outlier_detection.max_ejection_percent: integer 0 is out of range; allowed: 1..100 (the AWS provider leaves a 0 out, so App Mesh would miss a required value; to eject nothing, leave outlier_detection out)',
    ],
    'outlier_incomplete.yaml': [
        "5:24: colors.red.outlier_detection: missing required key 'max_ejection_percent'",
    ],
    'outlier_percent_out_of_range.yaml': [
        '5:112: colors.red.outlier_detection.max_ejection_percent: integer 150 is out of range; allowed: 1..100',
    ],
    'pool_missing_required.yaml': [
        '8:26: colors.red.listeners[0].connection_pool: an http2 connection pool needs max_requests',
    ],
    'pool_wrong_key.yaml': [
        '5:58: colors.red.connection_pool.max_requests: max_requests does not apply to an http listener; allowed: max_connections, max_pending_requests',
    ],
    'retry_event_twice.yaml': [
        "12:29: routers.router.routes.all.retry_policy.tcp_retry_events: 'connection-error' is listed twice; list each event once",
    ],
    'retry_grpc_events_on_http.yaml': [
        '9:87: routers.router.routes.all.retry_policy.grpc_retry_events: grpc_retry_events are for grpc routes; an http route retries on http_retry_events and tcp_retry_events',
    ],
    'retry_max_retries_as_text.yaml': [
        "9:37: routers.router.routes.all.retry_policy.max_retries: expected an integer, got '3'",
    ],
    'retry_on_tcp.yaml': [
        '11:9: routers.db-router.routes.all.retry_policy: tcp routes do not retry; remove retry_policy',
    ],
    'retry_unknown_event.yaml': [
        "9:88: routers.router.routes.all.retry_policy.http_retry_events[0]: 'timeout' is not allowed; allowed: server-error, gateway-error, client-error, stream-error",
    ],
    'retry_without_events.yaml': [
        '9:23: routers.router.routes.all.retry_policy: a retry policy needs at least one retry event (http_retry_events, tcp_retry_events, or grpc_retry_events on grpc routes)',
    ],
    'route_duplicate_query.yaml': [
        "10:60: routers.router.routes.all.match.query_parameters[1].name: query parameter 'v' is matched twice; match each once",
    ],
    'route_empty_query_list.yaml': [
        '9:35: routers.router.routes.all.match.query_parameters: 0 query parameter matches; allowed: 1-10',
    ],
    'route_grpc_key_on_http.yaml': [
        '9:28: routers.router.routes.all.match.service_name: service_name does not apply to an http route; an http route matches on prefix, path, method, headers, query_parameters, scheme, port',
    ],
    'route_header_exact_empty.yaml': [
        '10:45: routers.router.routes.all.match.headers[0].exact: must not be empty (the AWS provider leaves an empty string out; to match any value, give no rule: the entry then only has to be present)',
    ],
    'route_header_name_too_long.yaml': [
        '10:28: routers.router.routes.all.match.headers[0].name: name is 55 characters; allowed: 1-50',
    ],
    'route_header_range_from_zero.yaml': [
        '10:54: routers.router.routes.all.match.headers[0].range.start: integer 0 is out of range; allowed: at least 1 (the AWS provider leaves a 0 out, so App Mesh would get a range without a start)',
    ],
    'route_header_range_inverted.yaml': [
        '10:46: routers.router.routes.all.match.headers[0].range: range start 5 is not below end 2; end is exclusive',
    ],
    'route_header_two_rules.yaml': [
        '11:52: routers.router.routes.all.match.headers[0].prefix: a header match takes at most one of exact, prefix, suffix, regex, range (found exact and prefix)',
    ],
    'route_idle_timeout_zero.yaml': [
        "9:29: routers.router.routes.all.timeouts.idle_ms: integer 0 is out of range; allowed: 1..86400000 (the AWS provider leaves a 0 out, so App Mesh would get a duration without a value; leave the key out for App Mesh's default)",
    ],
    'route_method_name_without_service.yaml': [
        '11:30: routers.rpc.routes.all.match.method_name: method_name needs service_name (a method belongs to a service)',
        '11:35: routers.rpc.routes.all.match.prefix: prefix does not apply to a grpc route; a grpc route matches on service_name, method_name, metadata, port',
    ],
    'route_path_exact_and_regex.yaml': [
        '10:17: routers.router.routes.all.match.path: path needs exactly one of exact, regex (found both exact and regex)',
    ],
    'route_port_not_router.yaml': [
        "9:34: routers.router.routes.all.match.port: port 8080 is not a listener of router 'router'; its listener is 80",
    ],
    'route_prefix_and_path.yaml': [
        '9:31: routers.router.routes.all.match.path: a match takes prefix or path, not both',
    ],
    'route_scheme_invalid.yaml': [
        "9:25: routers.router.routes.all.match.scheme: 'ftp' is not allowed; allowed: http, https",
    ],
    'route_timeout_per_request_on_tcp.yaml': [
        '11:36: routers.db-router.routes.all.timeouts.per_request_ms: a tcp route has no requests; tcp takes only idle_ms',
    ],
    'route_too_many_headers.yaml': [
        '10:20: routers.router.routes.all.match.headers: 11 header matches; allowed: 1-10',
    ],
    'router_target_two_listeners_same_protocol.yaml': [
        "10:23: routers.router.routes.all.targets.blue: color 'blue' has 2 http listeners (http:80, http:8080); a router's target needs exactly one listener speaking the router's protocol",
    ],
    'scrape_port_is_app_port.yaml': [
        "5:28: mesh.observability.metrics.scrape_port: port 8080 is a listener of 'red'; the scrape port must be free in every task",
    ],
    'scrape_port_is_proxy_port.yaml': [
        "5:28: mesh.observability.metrics.scrape_port: port 15001 is Envoy's outbound proxy port; scrape Envoy's admin port (9901) or another free port",
    ],
    'timeout_negative.yaml': [
        '5:25: colors.red.timeouts.idle_ms: integer -1 is out of range; allowed: 1..86400000',
    ],
    'timeout_per_request_on_tcp.yaml': [
        '6:47: colors.db.timeouts.per_request_ms: a tcp listener has no requests; tcp takes only idle_ms',
    ],
    'timeout_zero.yaml': [
        "5:32: colors.red.timeouts.per_request_ms: integer 0 is out of range; allowed: 1..86400000 (the AWS provider leaves a 0 out, so App Mesh would get a duration without a value; leave the key out for App Mesh's default)",
    ],
    'tls_backend_for_unknown.yaml': [
        "7:7: colors.red.backend_tls_for.green: 'green' is not a backend of 'red' (its backends: blue); add it to backends or remove this entry",
    ],
    'tls_bad_ca_arn.yaml': [
        "6:80: mesh.backend_tls.trust.acm[1]: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' is not an AWS Private CA ARN; expected arn:aws:acm-pca:<region>:<12-digit account>:certificate-authority/<id>",
    ],
    'tls_bad_certificate_arn.yaml': [
        "7:26: colors.red.tls.certificate.acm: 'arn:aws:acm:us-east-1:1234:certificate/abc' is not an ACM certificate ARN; expected arn:aws:acm:<region>:<12-digit account>:certificate/<id>",
    ],
    'tls_certificate_from_file.yaml': [
        '7:21: colors.red.tls.certificate.file: a listener certificate from file is not supported on ECS yet: nothing puts certificate files into the Envoy container; use acm (an ACM certificate ARN issued by AWS Private CA)',
    ],
    'tls_certificate_none.yaml': [
        '5:38: colors.red.tls.certificate: a certificate needs exactly one of acm, file, sds (found none)',
    ],
    'tls_certificate_two_sources.yaml': [
        '7:20: colors.red.tls.certificate: a certificate needs exactly one of acm, file, sds (found both acm and sds)',
    ],
    'tls_client_certificate.yaml': [
        '9:9: colors.red.backend_tls_for.blue.certificate: a client certificate (mutual TLS) is not supported on ECS yet: App Mesh takes it only from file or sds, which no task provides; remove certificate',
    ],
    'tls_client_certificate_none.yaml': [
        '8:20: colors.red.backend_tls.certificate: a client certificate needs exactly one of file, sds (found none)',
    ],
    'tls_client_validation.yaml': [
        '8:7: colors.red.tls.validation: client validation (mutual TLS) is not supported on ECS yet: App Mesh checks clients only against file or sds trust, which no task provides; remove validation (an ACM certificate still encrypts and proves the server)',
    ],
    'tls_four_cas.yaml': [
        '9:14: colors.green.backend_tls.trust.acm: 4 certificate authorities; allowed: 1-3',
    ],
    'tls_gateway_certificate_from_sds.yaml': [
        '5:37: gateway.tls.certificate.sds: a listener certificate from sds is not supported on ECS yet: the task runs no SDS agent and Envoy gets no APPMESH_SDS_SOCKET_PATH socket; use acm (an ACM certificate ARN issued by AWS Private CA)',
    ],
    'tls_mode_disabled.yaml': [
        "5:17: colors.red.tls.mode: 'DISABLED' is not allowed; allowed: STRICT, PERMISSIVE",
    ],
    'tls_required_backend_not_enforcing.yaml': [
        "10:16: colors.red.backends[0]: calls to 'blue' do not enforce TLS, but mesh.tls is required; set backend_tls (here or on mesh) with enforce: true",
    ],
    'tls_required_gateway_plain.yaml': [
        "6:1: gateway: the gateway's calls to its route targets do not enforce TLS, but mesh.tls is required; set gateway.backend_tls or mesh.backend_tls with enforce: true",
    ],
    'tls_required_no_listener_tls.yaml': [
        '7:9: colors.red.listeners[1]: listener on port 8080 has no tls, but mesh.tls is required; set tls.mode STRICT with a certificate',
    ],
    'tls_required_permissive.yaml': [
        '5:17: colors.red.tls.mode: listener on port 80 has tls mode PERMISSIVE, but mesh.tls is required; set tls.mode STRICT with a certificate',
    ],
    'tls_required_unknown_value.yaml': [
        '1:47: mesh.tls: boolean true is not allowed; allowed: required, optional',
    ],
    'tls_trust_from_file.yaml': [
        '5:13: mesh.backend_tls.trust.file: trust from file is not supported on ECS yet: nothing puts certificate files into the Envoy container; use acm (1-3 AWS Private CA ARNs)',
    ],
    'tls_validation_trust_from_acm.yaml': [
        "9:17: colors.red.tls.validation.trust.acm: unknown key 'acm'; allowed here: file, sds",
    ],
    'tracing_image_empty.yaml': [
        '5:22: mesh.observability.tracing.image: must not be empty',
    ],
    'tracing_unknown_key.yaml': [
        "5:55: mesh.observability.tracing.sampling: unknown key 'sampling'; allowed here: image",
    ],
}

FEATURE_CHECKS = (*listener_checks.LISTENER_CHECKS, *route_checks.ROUTE_CHECKS, *route_checks.GATEWAY_ROUTE_CHECKS,
                  *tls_checks.TLS_CHECKS, *observability_checks.OBSERVABILITY_CHECKS, check_shared_name_space,
                  check_tls_material_sources, *public_entry_checks.PUBLIC_ENTRY_CHECKS)


def test_every_broken_file_has_an_expectation():
    assert sorted(path.name for path in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_fails_with_exact_problems(name):
    assert_fails_with_exactly(BROKEN / name, EXPECTED[name])


def test_every_feature_check_fires_on_some_file():
    models = parsed_models(BROKEN)
    fired = {check.__name__ for check in FEATURE_CHECKS for topology in models if list(check(topology))}
    assert fired == {check.__name__ for check in FEATURE_CHECKS}
