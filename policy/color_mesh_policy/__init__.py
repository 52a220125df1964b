"""The color-mesh CrossGuard policies, by concern. Never imports the program (mesh_components)."""

from __future__ import annotations

from . import (
    ecs, execution_roles, iam, lattice_auth, lattice_network, lattice_prefix_lists, lattice_role, lattice_targets,
    load_balancing, mesh, mesh_edges, mesh_kind, network, service_connect_tls, task_roles, tls, workload_groups,
)

PACK_NAME = "color-mesh"


def all_policies() -> list:
    return [
        *mesh.policies(),
        *mesh_kind.policies(),
        *mesh_edges.policies(),
        *workload_groups.policies(),
        *network.policies(),
        *ecs.policies(),
        *iam.policies(),
        *task_roles.policies(),
        *execution_roles.policies(),
        *service_connect_tls.policies(),
        *load_balancing.policies(),
        *tls.policies(),
        *lattice_auth.policies(),
        *lattice_targets.policies(),
        *lattice_network.policies(),
        *lattice_prefix_lists.policies(),
        *lattice_role.policies(),
    ]
