"""The program's table of AWS-managed policies equals the policy pack's review: the same names, and the program
refuses exactly those whose reviewed statements the pack's IAM checks refuse."""

from __future__ import annotations

from mesh_components.topology import managed_policies as program


def test_the_program_refuses_exactly_the_aws_managed_policies_the_pack_refuses():
    from policy.color_mesh_policy import iam, managed_policies as pack

    def refused_by_pack(name: str) -> bool:
        statements = pack.REVIEWED[name]
        return any([*iam.wildcard_problems(name, statement), *iam.stream_problems(name, statement)]
                   for statement in statements)

    assert set(program.REVIEWED) == set(pack.REVIEWED)
    assert {name for name, grant in program.REVIEWED.items() if grant is not None} == {
        name for name in pack.REVIEWED if refused_by_pack(name)}
