"""Entry point the Pulumi engine runs (`python -m pulumi.policy <engine> policy/`): builds the pack.

Constructing PolicyPack starts the analyzer server and blocks; the policies live in color_mesh_policy.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from color_mesh_policy import PACK_NAME, all_policies

PolicyPack(name=PACK_NAME, policies=all_policies(), enforcement_level=EnforcementLevel.MANDATORY)
