"""Reading verdicts in assertions."""

from __future__ import annotations

from mesh_components.offline.policy_runner import Verdict


def of_policy(verdicts: list[Verdict], policy: str, *, level: str | None = None) -> list[Verdict]:
    """Verdicts of `policy` that judged something (preview 'can't run' notes excluded)."""
    return [
        verdict
        for verdict in verdicts
        if verdict.policy_name == policy
        and "during preview" not in verdict.message
        and (level is None or verdict.enforcement_level == level)
    ]


def names_in(verdicts: list[Verdict], policy: str) -> set[str]:
    """Pulumi names of the resources `policy` flagged."""
    return {verdict.urn.rsplit("::", 1)[-1] for verdict in of_policy(verdicts, policy)}


def mandatory(verdicts: list[Verdict]) -> list[Verdict]:
    return [verdict for verdict in verdicts if verdict.is_mandatory]
