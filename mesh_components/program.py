"""The Pulumi program: read stack config, load the topology, build the mesh, export outputs.

`__main__.py` at the project root calls `main()`; the offline tools call it under the mock engine.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from .aws.color_mesh import ColorMesh
from .stack_settings import SettingsError, read_settings
from .topology.errors import TopologyError
from .topology.graph import MeshGraph
from .topology.loader import load_topology

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def topology_file(configured: str) -> Path:
    """The configured topology file, relative to the working directory when it is below it, for short messages."""
    path = (PROJECT_ROOT / configured).resolve()
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def main() -> None:
    stack = pulumi.get_stack()
    try:
        settings = read_settings(pulumi.Config().get, stack)
        topology = load_topology(topology_file(settings.topology))
    except (SettingsError, TopologyError) as error:
        raise pulumi.RunError(str(error)) from None
    graph = MeshGraph(topology)
    mesh = ColorMesh("color-mesh", graph, settings, stack)
    pulumi.export("gatewayUrl", mesh.gateway_url)
    pulumi.export("meshName", mesh.app_mesh.mesh.name)
    pulumi.export("meshArn", mesh.app_mesh.mesh.arn)
    pulumi.export("namespace", mesh.discovery.namespace.name)
    pulumi.export("colorServices", {color: mesh.app_mesh.virtual_services[color].name
                                    for color in topology.colors})
    pulumi.export("routerServices", {router: mesh.app_mesh.virtual_services[router].name
                                     for router in topology.routers})
