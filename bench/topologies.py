"""Seeded topologies of N colors with a realistic shape, for the scale benchmark and its tests.

Shape: each color calls 1-3 other services (colors or routers), one router per 10 colors spreads
one route over 2-3 weighted colors, and the gateway routes to about 10% of all services. The same
(size, seed) always gives the same topology, so runs on different days are comparable.

`colors_call_routers=False` makes the same shape with routers reached only through the gateway:
colors call colors, and the gateway's routes go to every router first, then to colors up to the same
10%. That is what the service-connect target builds today (a router called by a color needs VPC
Lattice, which it refuses until that is built); `for_target` picks the variant per target.

Every topology made here passes the real loader for its target (`load_for_target`): names are DNS labels, gateway
prefixes are distinct, router targets share the router's protocol, task sizes are Fargate's.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Sequence

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


# Whether each target builds routers that colors call (service-connect: not until VPC Lattice is built).
COLORS_CALL_ROUTERS = {"app-mesh": True, "service-connect": False}


def for_target(colors: int, seed: int, target: str) -> dict[str, Any]:
    """The topology of `colors` colors in the variant `target` deploys."""
    return generate_topology(colors, seed, colors_call_routers=COLORS_CALL_ROUTERS[target])


def generate_topology(colors: int, seed: int, *, colors_call_routers: bool = True) -> dict[str, Any]:
    """The topology document (plain data, as YAML would hold it) for `colors` colors."""
    if colors < 3:
        raise ValueError("a scale topology needs at least 3 colors (routers spread over 2-3 of them)")
    rng = random.Random(f"color-mesh-scale:{seed}:{colors}")  # per size, so adding a size changes no other
    color_names = [color_name(index) for index in range(colors)]
    router_names = [router_name(index) for index in range(max(1, colors // COLORS_PER_ROUTER))]
    services = color_names + router_names
    return {
        "mesh": {"name": MESH_NAME, "namespace": NAMESPACE, "egress_filter": "DROP_ALL"},
        "colors": {name: _color(rng, name, services if colors_call_routers else color_names) for name in color_names},
        "routers": {name: _router(rng, color_names) for name in router_names},
        "gateway": _gateway(rng, services, () if colors_call_routers else router_names),
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


def _gateway(rng: random.Random, services: list[str], first: Sequence[str]) -> dict[str, Any]:
    """Routes to about 10% of all services: every one of `first`, then randomly chosen others."""
    count = max(1, round(len(services) * GATEWAY_SHARE))
    others = [service for service in services if service not in set(first)]
    exposed = sorted([*first, *rng.sample(others, max(0, count - len(first)))])
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
