"""Run the real program under the mock engine on a topology file from fixtures/ (or given text)."""

from __future__ import annotations

from pathlib import Path

from mesh_components.offline.runner import load_program_entry, run_program
from tests.mesh.stack_view import StackView

FIXTURES = Path(__file__).parent / "fixtures"
NODE = "aws:appmesh/virtualNode:VirtualNode"
ROUTE = "aws:appmesh/route:Route"
GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway"
GATEWAY_ROUTE = "aws:appmesh/gatewayRoute:GatewayRoute"


def run_topology_file(path: Path) -> StackView:
    config = {"color-mesh:topology": str(path), "aws:region": "us-east-1"}
    return StackView(run_program(load_program_entry(), stack="traffic-test", config=config))


def run_fixture(name: str) -> StackView:
    return run_topology_file(FIXTURES / name)


def node_spec(stack: StackView, name: str) -> dict:
    return stack.one(NODE, name=name).inputs["spec"]


def route_spec(stack: StackView, name: str, router: str | None = None) -> dict:
    match = {"name": name} if router is None else {"name": name, "virtualRouterName": router}
    return stack.one(ROUTE, **match).inputs["spec"]


def gateway_route_spec(stack: StackView, name: str) -> dict:
    return stack.one(GATEWAY_ROUTE, name=name).inputs["spec"]


def ms(value: int) -> dict:
    return {"unit": "ms", "value": float(value)}
