"""The broken-file corpus: each file under broken/ fails with exactly these problems, at these places.

Every line is `LINE:COL: doc.path: message`, compared whole, so a message or a position that drifts
fails here. Files are small and have one defect each (a few defects bring a second, consequent line).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mesh_components.topology import (checks, container_checks, container_settings, egress_checks, permissions,
                                      secrets, worker_checks)
from mesh_components.app_mesh import capabilities, egress_capabilities, envoy_checks
from mesh_components.app_mesh.capabilities import CAPABILITY_CHECKS
from mesh_components.aws import fargate
from mesh_components.topology.checks import ERROR_CHECKS
from tests.corpus import assert_fails_with_exactly, parsed_models

BROKEN = Path(__file__).parent / "broken"
LONG = "r" * 63
LONG_NAMESPACE = ".".join(["a" * 60] * 3) + ".example"

EXPECTED = {
    "alias_bomb.yaml": ["7:1: l5: expands to more than 250000 values (aliases counted each time they are used); even a 1000-service topology has about 30,000"],
    "all_weights_zero.yaml": ['10:18: routers.router.routes.all.targets: every weight is 0; at least one target needs a positive weight'],
    "backends_not_a_list.yaml": ["3:31: colors.red.backends: expected a list, got 'blue'"],
    "bad_route_name.yaml": ['6:5: gateway.routes["all routes"]: invalid route name \'all routes\'; allowed: 1-255 letters, digits, hyphens and underscores'],
    "color_and_router_same_name.yaml": ["6:3: routers.blue: 'blue' is already a color; colors and routers share one name space (each becomes blue.colors.local); rename one"],
    "color_named_envoy.yaml": ["4:3: colors.envoy: a color cannot be called 'envoy': its app container would share that name with the Envoy sidecar in the same task; rename it (taken: cloudwatch-agent, envoy, xray-daemon)"],
    "color_name_not_dns.yaml": ["3:3: colors.Red_1: invalid name 'Red_1'; allowed: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, at most 63"],
    "comment_only.yaml": ['1:1: file is empty; expected a mapping with the keys mesh, colors, routers, gateway'],
    "count_with_underscores.yaml": ["3:46: colors.red.count: '1_000' is read as the number 1000 (YAML 1.1 ignores underscores); write 1000 if that is meant, or quote it for text"],
    "custom_tag.yaml": ["3:16: colors.red.image: unsupported tag '!secret'; write a plain value"],
    "duplicate_backend.yaml": ["4:38: colors.blue.backends[1]: 'red' is listed twice; list each backend once"],
    "duplicate_color.yaml": ["5:3: colors.red: duplicate key 'red' (first defined on line 3); each key may appear once"],
    "duplicate_gateway_priority.yaml": ["7:55: gateway.routes.rest.priority: priority 10 is already used by route 'api'; priorities must be unique within the gateway"],
    "duplicate_nested_key.yaml": ["6:5: colors.red.image: duplicate key 'image' (first defined on line 4); each key may appear once"],
    "duplicate_route_priority.yaml": ["9:44: routers.router.routes.rest.priority: priority 1 is already used by route 'api'; priorities must be unique within router 'router'"],
    "empty.yaml": ['1:1: file is empty; expected a mapping with the keys mesh, colors, routers, gateway'],
    "env_value_yaml11_boolean.yaml": ["5:18: colors.red.env.DEBUG: 'on' is read as boolean true (YAML 1.1); write true if that is meant, or quote it for text"],
    "envoy_admin_port_on_gateway.yaml": ["5:9: gateway.port: port 9901 is Envoy's admin port; allowed: 1-65535 except 9901, 15000, 15001"],
    "envoy_port_on_color.yaml": ["3:27: colors.red.port: port 15000 is Envoy's inbound proxy port; allowed: 1-65535 except 9901, 15000, 15001"],
    "fargate_cpu.yaml": ['5:10: colors.red.cpu: Fargate has no task size with cpu 300; cpu is one of 256, 512, 1024, 2048, 4096, 8192, 16384 (CPU units)'],
    "fargate_size.yaml": ['6:13: colors.red.memory: Fargate has no task size with cpu 1024 and memory 1024; with cpu 1024, memory is one of 2048..8192 in steps of 1024 (MiB)'],
    "gateway_duplicate_match.yaml": ["8:28: gateway.routes.blue.match.prefix: prefix '/' is already matched by gateway route 'red'; each gateway route needs its own match"],
    "gateway_name_not_dns.yaml": ["5:9: gateway.name: invalid gateway name 'Gateway'; allowed: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, at most 63"],
    "gateway_prefix_without_slash.yaml": ["6:27: gateway.routes.all.match.prefix: prefix 'red' does not start with '/'; prefixes are URL paths like /api"],
    "gateway_reserved_prefix.yaml": ["7:29: gateway.routes.stats.match.prefix: prefix '/aws-app-mesh/stats' is reserved; virtual gateways keep /aws-appmesh and /aws-app-mesh for themselves"],
    "gateway_tcp.yaml": ["5:13: gateway.protocol: 'tcp' is not allowed; allowed: http, http2, grpc (virtual gateways have no tcp listener)"],
    "gateway_too_many_routes.yaml": ['6:5: gateway.routes: 1001 gateway routes; each reaches App Mesh with a priority from 1 to 1000 in the order they are tried, so a gateway has at most 1000 routes'],
    "health_check_path_on_tcp.yaml": ['6:26: colors.red.health_check.path: a tcp service is probed without a path; health_check.path is for http and http2 services (remove it)'],
    "health_timeout_out_of_range.yaml": ['5:79: colors.red.health_check.timeout_seconds: integer 61 is out of range for App Mesh; allowed: 2..60'],
    "health_interval_with_underscore.yaml": ["5:58: colors.red.health_check.interval_seconds: '1_0' is read as the number 10 (YAML 1.1 ignores underscores); write 10 if that is meant, or quote it for text"],
    "image_uppercase_repository.yaml": ["4:12: colors.red.image: image '111122223333.dkr.ecr.us-east-1.amazonaws.com/Team/app:1.0' has repository path component 'Team'; components are lowercase letters and digits, joined by '.', '_', '__' or hyphens; expected [registry/]repository[:tag][@sha256:<64 hex digits>]"],
    "image_with_space.yaml": ["3:16: colors.red.image: image 'forsakenidol/color app' contains whitespace; expected [registry/]repository[:tag][@sha256:<64 hex digits>]"],
    "invalid_utf8.yaml": ['3:19: invalid UTF-8 byte 0xe9; a topology file is UTF-8 text'],
    "key_not_text.yaml": ['5:23: colors.red.env: key \'8080\' is read as an integer; keys must be text (quote it: "8080")'],
    "merge_key.yaml": ['5:5: colors.blue: merge keys (<<) are not supported; write the keys out (aliases of whole values work)'],
    "mesh_name_with_space.yaml": ["1:14: mesh.name: invalid mesh name 'color mesh'; allowed: 1-255 letters, digits, hyphens and underscores"],
    "missing_image.yaml": ["4:5: colors.red: missing required key 'image'"],
    "missing_mesh.yaml": ["1:1: missing required key 'mesh'"],
    "namespace_not_dns.yaml": ["1:28: mesh.namespace: invalid namespace 'colors_local'; allowed: a DNS name of dot-separated labels (lowercase letters, digits, inner hyphens, each at most 63), at most 253 characters in all"],
    "no_colors.yaml": ['2:9: colors: must have at least 1 entry'],
    "no_targets.yaml": ['8:18: routers.router.routes.all.targets: no targets; a route needs at least one target color'],
    "nul_byte.yaml": ['3:20: NUL byte; a topology file is UTF-8 text (UTF-16 and binary files are not supported)'],
    "port_0o_octal.yaml": ["3:45: colors.red.port: expected an integer, got '0o17'"],
    "port_as_boolean.yaml": ['3:45: colors.red.port: expected an integer, got boolean true'],
    "port_as_float.yaml": ['3:45: colors.red.port: expected an integer, got number 80.0'],
    "port_as_text.yaml": ["3:27: colors.red.port: expected an integer, got '80'"],
    "port_hexadecimal.yaml": ["3:45: colors.red.port: '0x1F90' is read as the hexadecimal number 8080 (YAML 1.1); write 8080 if that is meant, or quote it for text"],
    "port_octal.yaml": ["3:45: colors.red.port: '010' is read as the octal number 8 (YAML 1.1: a leading 0 means octal); write 10 for the decimal number, or quote it for text"],
    "port_out_of_range.yaml": ['5:11: colors.red.port: integer 70000 is out of range; allowed: 1..65535'],
    "port_sexagesimal.yaml": ["3:45: colors.red.port: '1:20' is read as the base-60 number 80 (YAML 1.1); write 80 if that is meant, or quote it for text"],
    "priority_out_of_range.yaml": ['6:54: gateway.routes.all.priority: integer 5000 is out of range; allowed: 0..1000'],
    "route_prefix_without_slash.yaml": ["9:25: routers.router.routes.api.match.prefix: prefix 'api' does not start with '/'; prefixes are URL paths like /api"],
    "route_protocol_mismatch.yaml": ["10:19: routers.router.routes.all.protocol: route protocol 'http2' differs from the router's 'http'; a router cannot mix protocols (use 'http' or leave it out)"],
    "route_target_is_router.yaml": ["8:23: routers.front.routes.all.targets.back: 'back' is a router; route targets must be colors (known: blue, red)"],
    "router_auth_iam.yaml": ["7:11: routers.router.auth: auth: iam cannot be honoured: App Mesh does not authorize requests by their caller's IAM identity (on target service-connect it becomes a VPC Lattice auth policy); remove auth (backends and security groups still limit who calls the router), or deploy with target service-connect"],
    "router_too_many_priorities.yaml": ['8:7: routers.router.routes: 1001 routes with a priority; they reach App Mesh as ranks 1-1000, so at most 1000 routes of a router can have one'],
    "router_without_routes.yaml": ['5:3: routers.router: router has no routes; give it at least one route or remove it'],
    "self_backend.yaml": ["4:38: colors.blue.backends[1]: a color cannot be its own backend; list the services it calls (known: red)"],
    "self_referencing_alias.yaml": ['3:22: nested deeper than 64 levels (is an alias used inside its own anchor?)'],
    "service_name_too_long.yaml": [f"5:3: colors.{LONG}: {LONG}.{LONG_NAMESPACE} is 254 characters; a DNS name may have at most 253"],
    "sidecar_image_bad_tag.yaml": ["5:22: mesh.observability.metrics.image: image 'public.ecr.aws/cloudwatch-agent/cloudwatch-agent:' has tag ''; a tag is 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'; expected [registry/]repository[:tag][@sha256:<64 hex digits>]"],
    "syntax_error.yaml": ["5:4: invalid YAML: expected <block end>, but found '<block mapping start>' (while parsing a block mapping at line 3); check indentation and quoting here"],
    "target_protocol_mismatch.yaml": ["9:19: routers.router.routes.all.targets.blue: color 'blue' listens on grpc but the router on http; a router's targets must all speak the router's protocol"],
    "too_many_targets.yaml": ['19:18: routers.router.routes.all.targets: 11 targets; a route has 1-10 targets'],
    "top_level_list.yaml": ['1:1: top level is a list; expected a mapping with the keys mesh, colors, routers, gateway'],
    "top_level_scalar.yaml": ["1:1: top level is a single value ('just some text'); expected a mapping with the keys mesh, colors, routers, gateway"],
    "two_documents.yaml": ['4:1: invalid YAML: expected a single document in the stream, but found another document'],
    "unknown_backend.yaml": ["6:16: colors.blue.backends[0]: unknown service 'rde' (known: green, red, router, yellow)"],
    "unknown_gateway_target.yaml": ["6:39: gateway.routes.all.target: unknown service 'rde' (known: red)"],
    "unknown_key.yaml": [
        "4:5: colors.red: missing required key 'image'",
        "4:5: colors.red.imgae: unknown key 'imgae' (did you mean 'image'?); allowed here: access_log, backend_tls, backend_tls_for, backends, command, connection_pool, count, cpu, egress, entry_point, env, envoy, health_check, health_check_command, image, listeners, managed_policies, memory, outlier_detection, permissions, port, protocol, secrets, secrets_kms_key, stop_timeout, timeouts, tls, working_directory",
    ],
    "unknown_protocol.yaml": ["3:31: colors.red.protocol: 'https' is not allowed; allowed: http, http2, grpc, tcp"],
    "unknown_route_target.yaml": ["9:28: routers.router.routes.all.targets.bleu: unknown color 'bleu' (known: blue, red)"],
    "unknown_top_level_key.yaml": [
        "1:1: missing required key 'colors'",
        "2:1: colours: unknown key 'colours' (did you mean 'colors'?); allowed here: colors, gateway, mesh, routers",
    ],
    "weight_out_of_range.yaml": ['9:25: routers.router.routes.all.targets.blue: integer 150 is out of range; allowed: 0..100'],
    "weights_over_100.yaml": ['10:18: routers.router.routes.all.targets: weights total 120; App Mesh allows at most 100 per route (weights are relative: 4 and 1 split like 80 and 20)'],
    # Workloads: secrets, permissions, managed policies, container settings, Envoy (issue 14).
    "command_empty.yaml": ["5:14: colors.red.command: must have at least 1 entry (leave the key out to keep the image's own)"],
    "envoy_image_not_aws.yaml": ["5:20: colors.red.envoy.image: Envoy image 'envoyproxy/envoy:v1.29.6': 'envoyproxy/envoy' is not AWS's Envoy repository; use public.ecr.aws/appmesh/aws-appmesh-envoy or the regional <account>.dkr.ecr.<region>.amazonaws.com/aws-appmesh-envoy AWS vends"],
    "envoy_log_level.yaml": ["5:24: colors.red.envoy.log_level: 'verbose' is not allowed; allowed: trace, debug, info, warning, error, critical, off"],
    "health_check_command_form.yaml": ["5:27: colors.red.health_check_command: starts with 'curl'; a health check command is [\"CMD\", executable, args...] or [\"CMD-SHELL\", \"a shell line\"]"],
    "health_check_command_shell_words.yaml": ["5:27: colors.red.health_check_command: CMD-SHELL takes one shell line; join the words into one string"],
    "managed_policy_aws_broad.yaml": ["5:24: colors.red.managed_policies[0]: AWS-managed AmazonECS_FullAccess grants every ECS action (ecs:*); write the statements the application needs in permissions"],
    "managed_policy_not_an_arn.yaml": ["5:24: colors.red.managed_policies[0]: 'orders-reader' is not a managed policy ARN; expected arn:aws:iam::<account>:policy/<name> (customer-managed) or arn:aws:iam::aws:policy/<name>"],
    "managed_policy_twice.yaml": ["5:74: colors.red.managed_policies[1]: 'arn:aws:iam::123456789012:policy/orders-reader' is listed twice; list each policy once"],
    "managed_policy_unreviewed.yaml": ["5:24: colors.red.managed_policies[0]: AWS-managed AmazonS3ReadOnlyAccess has not been reviewed, so what it grants is unknown (the policy pack refuses it); write the statements the application needs in permissions"],
    "permission_action_shape.yaml": ["6:20: colors.red.permissions[0].actions[0]: invalid action 'GetObject'; expected <service>:<Action>, e.g. s3:GetObject"],
    "permission_all_of_a_service.yaml": ["6:50: colors.red.permissions[0].resources[0]: 'arn:aws:sqs:*:*:*' is every resource of the service; name the resources the application uses"],
    "permission_condition_operator.yaml": ["8:22: colors.red.permissions[0].conditions.StringEqual: unknown condition operator 'StringEqual'; allowed: an IAM operator such as StringEquals, ArnLike or Bool, optionally ending in IfExists or prefixed ForAllValues:/ForAnyValue:"],
    "permission_envoy_stream.yaml": ["6:20: colors.red.permissions[0].actions[0]: 'appmesh:Stream*' is Envoy's: the mesh grants it on the color's own virtual node; remove it"],
    "permission_not_action.yaml": ["6:35: colors.red.permissions[0].not_actions: unknown key 'not_actions' (did you mean 'actions'?); allowed here: actions, conditions, resources"],
    "permission_resource_not_an_arn.yaml": ["6:47: colors.red.permissions[0].resources[0]: invalid resource 'orders'; expected an ARN, e.g. arn:aws:s3:::bucket/*"],
    "permission_service_wildcard.yaml": ["6:20: colors.red.permissions[0].actions[0]: 's3:*' grants every s3 action (administering s3 included); list the actions the application calls, e.g. s3:Get*"],
    "permission_star_action.yaml": ["6:20: colors.red.permissions[0].actions[0]: '*' grants every action of every service; list the actions the application calls"],
    "permission_star_resource.yaml": ["6:47: colors.red.permissions[0].resources[0]: '*' is every resource; name the ARNs the application uses (a wildcard inside an ARN is fine)"],
    "secret_and_env_same_name.yaml": ["6:15: colors.red.secrets.DB_PASSWORD: 'DB_PASSWORD' is also set in env; a variable comes from env or from secrets, not both (a secret is never written as plain env)"],
    "secret_env_name_invalid.yaml": ["5:15: colors.red.secrets.DB-PASSWORD: invalid environment variable name 'DB-PASSWORD'; allowed: letters, digits and underscores, not starting with a digit"],
    "secret_json_key_without_versions.yaml": ["5:28: colors.red.secrets.DB_PASSWORD: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:password' has a json-key suffix ECS cannot read: after the ARN, write :<json-key>:<version-stage>:<version-id> with all three fields (empty ones too), e.g. ':password::'"],
    "secret_not_an_arn.yaml": ["5:28: colors.red.secrets.DB_PASSWORD: 'db-password' is not a secret or parameter ARN; expected arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>] or arn:aws:ssm:<region>:<account>:parameter/<name>"],
    "secrets_kms_key_alias.yaml": ["6:22: colors.red.secrets_kms_key: 'arn:aws:kms:eu-west-1:123456789012:alias/app' is not a KMS key ARN; expected arn:aws:kms:<region>:<account>:key/<key id> (IAM does not authorize a key by its alias)"],
    "secrets_kms_key_without_secrets.yaml": ["5:22: colors.red.secrets_kms_key: names a key but the color has no secrets to decrypt; remove it"],
    "stop_timeout_out_of_range.yaml": ["5:19: colors.red.stop_timeout: integer 300 is out of range; allowed: 2..120"],
    "working_directory_relative.yaml": ["5:24: colors.red.working_directory: working directory 'app' is relative; Docker takes an absolute path like /app"],
    "egress_cidr_host_bits.yaml": ["6:16: colors.red.egress[0].cidr: '10.20.0.5/16' has host bits set; write the network address 10.20.0.0/16"],
    "egress_cidr_ipv6.yaml": ["6:16: colors.red.egress[0].cidr: '2001:db8::/32' is IPv6, and the mesh's VPC is IPv4 only; write an IPv4 network"],
    "egress_cidr_link_local.yaml": ["6:16: colors.red.egress[0].cidr: 169.254.169.254/32 overlaps 169.254.0.0/16 (link-local and loopback addresses: the task metadata endpoints and the routers' placeholder address), which egress may not name"],
    "egress_cidr_not_a_network.yaml": ["6:16: colors.red.egress[0].cidr: 'db.example.com' is not a network; write an IPv4 network like 10.20.0.0/16 (one address: 10.20.0.5/32)"],
    "egress_cidr_protocol_http.yaml": ['6:50: colors.red.egress[0].protocol: a cidr is reached as plain tcp (no proxy speaks http to it); write protocol: tcp or leave it out'],
    "egress_cidr_whole_internet.yaml": ["6:16: colors.red.egress[0].cidr: 0.0.0.0/0 is wider than /8, most of the internet rather than a destination; write the destination's own network, or a host"],
    "egress_host_in_namespace.yaml": ["6:16: colors.red.egress[0].host: 'blue.colors.local' is a name in the mesh's namespace colors.local; egress is for destinations outside the mesh: list mesh services in backends"],
    "egress_host_is_an_address.yaml": ["6:16: colors.red.egress[0].host: '10.20.0.5' is an address, not a name; write it as cidr: 10.20.0.5/32"],
    "egress_host_single_label.yaml": ["6:16: colors.red.egress[0].host: invalid host 'database'; allowed: a DNS name of at least two dot-separated labels (lowercase letters, digits, inner hyphens, each at most 63), at most 253 characters"],
    "egress_listed_twice.yaml": ['7:9: colors.red.egress[1]: db.example.com:5432 is already listed as egress[0]; list each destination once'],
    "egress_no_destination.yaml": ['6:9: colors.red.egress[0]: an egress entry needs exactly one of host, cidr, prefix_list (found none)'],
    "egress_prefix_list_not_an_id.yaml": ["6:23: colors.red.egress[0].prefix_list: 'my-list' is not a managed prefix list id; write one like pl-0123456789abcdef0"],
    "egress_protocol_udp.yaml": ["6:53: colors.red.egress[0].protocol: 'udp' is not allowed; allowed: http, http2, grpc, tcp"],
    "egress_two_destinations.yaml": ['6:9: colors.red.egress[0]: an egress entry needs exactly one of host, cidr, prefix_list (found both host and cidr)'],
    "egress_without_port.yaml": ["6:9: colors.red.egress[0]: missing required key 'port'"],
    "worker_called.yaml": ["4:33: colors.blue.backends[0]: 'worker' is a worker (listeners: []) and serves nothing, so nothing can call it; call a color with listeners, or give it listeners"],
    "worker_routed_to.yaml": [
        "8:33: routers.api.routes.all.targets.worker: 'worker' is a worker (listeners: []) and serves nothing, so nothing can call it; call a color with listeners, or give it listeners",
        "11:44: gateway.routes.jobs.target: 'worker' is a worker (listeners: []) and serves nothing, so nothing can call it; call a color with listeners, or give it listeners",
    ],
    "worker_with_port.yaml": ["3:24: colors.worker.port: 'port' is written on a worker (listeners: [] serves nothing); remove port, or list the listeners it serves"],
    "egress_prefix_list_on_app_mesh.yaml": ["6:23: colors.red.egress[0].prefix_list: a prefix list cannot be reached around Envoy: the proxy configuration's EgressIgnoredIPs takes addresses, not a prefix list id, and the list's entries change without a redeploy; write its networks as cidr entries, or reach the destination by host"],
    "egress_two_tcp_destinations_on_one_port.yaml": [
        "8:16: colors.red.egress[0].host: backend 'ledger' is already reached on tcp/443, and Envoy cannot tell two tcp destinations on one port apart; reach this host on another port, or with a protocol Envoy reads (http, http2, grpc)",
        "10:16: colors.red.egress[2].host: host 'auth.example.com' is already reached on tcp/8443, and Envoy cannot tell two tcp destinations on one port apart; reach this host on another port, or with a protocol Envoy reads (http, http2, grpc)",
    ],
    "egress_host_under_required_tls.yaml": ["7:16: colors.red.egress[0].host: api.example.com would be called through Envoy without mesh TLS, and mesh.tls is required (the policy pack refuses such a call); reach it by cidr (around Envoy, the application's own TLS), or set mesh.tls: optional"],
    "egress_host_port_two_protocols.yaml": ['8:14: colors.blue.egress[0].protocol: payments.example.com:80 is reached as http by colors.red.egress[0]; App Mesh models the host as one virtual node with one protocol per port; use the same protocol'],
    "gateway_public_tls_and_tls.yaml": ['7:3: gateway.public_tls: public_tls and tls both terminate TLS: the network load balancer would decrypt and pass plain bytes to an Envoy expecting TLS; keep tls (Envoy terminates, the balancer passes TCP through) or public_tls (the balancer terminates)'],
}


def test_every_broken_file_has_an_expectation():
    assert sorted(path.name for path in BROKEN.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_fails_with_exact_problems(name):
    error = assert_fails_with_exactly(BROKEN / name, EXPECTED[name])
    assert not error.unreadable


def test_corpus_exercises_every_semantic_check_of_the_checks_module():
    own_checks = [check for check in (*ERROR_CHECKS, *CAPABILITY_CHECKS)
                  if check.__module__ in (checks.__name__, container_checks.__name__, capabilities.__name__, fargate.__name__,
                                         secrets.__name__, permissions.__name__, container_settings.__name__,
                                         envoy_checks.__name__, egress_checks.__name__, worker_checks.__name__,
                                         egress_capabilities.__name__)]
    fired = {check.__name__ for check in own_checks for topology in parsed_models(BROKEN) if list(check(topology))}
    assert fired == {check.__name__ for check in own_checks}
