"""Seeded topologies of N colors with a realistic shape, for the scale benchmark and its tests.

Shape: each color calls 1-3 other services (colors or routers), one router per 10 colors spreads
one route over 2-3 weighted colors, and the gateway routes to about 10% of all services. The same
(size, seed) always gives the same topology, so runs on different days are comparable.

Every topology made here passes the real loader of every target (`load_for_target`): names are DNS labels, gateway
prefixes are distinct, router targets share the router's protocol, task sizes are Fargate's.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

MESH_NAME = "scale-mesh"
NAMESPACE = "scale.local"
IMAGE = "forsakenidol/colorapp"
COLORS_PER_ROUTER = 10
GATEWAY_SHARE = 0.10
BACKENDS_PER_COLOR = (1, 3)
TARGETS_PER_ROUTER = (2, 3)
PORTS = (80, 8080, 9000)
TASK_SIZES = ((256, 512), (256, 1024), (512, 1024), (512, 2048), (1024, 2048))  # (cpu, memory MiB) Fargate allows


def color_name(index: int) -> str:
    return f"color-{index:04d}"


def router_name(index: int) -> str:
    return f"router-{index:03d}"


def generate_topology(colors: int, seed: int) -> dict[str, Any]:
    """The topology document (plain data, as YAML would hold it) for `colors` colors."""
    if colors < 3:
        raise ValueError("a scale topology needs at least 3 colors (routers spread over 2-3 of them)")
    rng = random.Random(f"color-mesh-scale:{seed}:{colors}")  # per size, so adding a size changes no other
    color_names = [color_name(index) for index in range(colors)]
    router_names = [router_name(index) for index in range(max(1, colors // COLORS_PER_ROUTER))]
    services = color_names + router_names
    return {
        "mesh": {"name": MESH_NAME, "namespace": NAMESPACE, "egress_filter": "DROP_ALL"},
        "colors": {name: _color(rng, name, services) for name in color_names},
        "routers": {name: _router(rng, color_names) for name in router_names},
        "gateway": _gateway(rng, services),
    }


def _color(rng: random.Random, name: str, services: list[str]) -> dict[str, Any]:
    cpu, memory = rng.choice(TASK_SIZES)
    others = [service for service in rng.sample(services, min(len(services), BACKENDS_PER_COLOR[1] + 1))
              if service != name]
    return {
        "image": IMAGE,
        "port": rng.choice(PORTS),
        "env": {"COLOR": name},
        "cpu": cpu,
        "memory": memory,
        "count": rng.randint(1, 3),
        "health_check": {"path": "/healthcheck"},
        "backends": others[: rng.randint(*BACKENDS_PER_COLOR)],
    }


def _router(rng: random.Random, color_names: list[str]) -> dict[str, Any]:
    targets = rng.sample(color_names, rng.randint(*TARGETS_PER_ROUTER))
    return {
        "protocol": "http",
        "port": 80,
        "routes": {"weighted": {"match": {"prefix": "/", "method": "GET"},
                                "targets": {target: rng.randint(1, 10) for target in targets}}},
    }


def _gateway(rng: random.Random, services: list[str]) -> dict[str, Any]:
    """Routes to about 10% of all services, randomly chosen."""
    count = max(1, round(len(services) * GATEWAY_SHARE))
    exposed = sorted(rng.sample(services, count))
    return {
        "name": "gateway",
        "protocol": "http",
        "port": 80,
        "routes": {service: {"match": {"prefix": f"/{service}"}, "target": service} for service in exposed},
    }


def write_topology(document: dict[str, Any], path: Path) -> Path:
    """Write `document` as YAML in the reference file's style: blocks, with flat lists and maps inline."""
    path.write_text(yaml.safe_dump(document, sort_keys=False, default_flow_style=None))
    return path
