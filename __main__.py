"""Entry point `pulumi up` runs; everything lives in the mesh_components package."""

from mesh_components.program import collect_garbage_less_often, main

collect_garbage_less_often()
main()
