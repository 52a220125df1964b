"""The `service-connect` deployment target's pure logic: what the topology becomes on ECS Service Connect
with an internet-facing Application Load Balancer as the gateway, and what that target cannot honour.

Reads the validated topology model and the mesh graph; imports no Pulumi. `gateway_rules` compiles the
gateway into ALB listeners and listener rules (conditions from `alb_conditions`, shapes in `alb`),
`service_connect_config` derives each color's Service Connect facts, `lattice_routers` compiles the routers
colors call into VPC Lattice (shapes in `lattice`, least-privilege facts in `lattice_access`, their DNS
names in `lattice_dns`), and `capabilities` reports, with
document paths like every other check, what this target refuses (errors) or replaces with its own
managed behaviour (warnings). The README's "Fidelity on service-connect" is the feature-by-feature table.
"""
