"""CI gates (`--fail-on`): which conditions make `ekstf review` exit 3."""

from __future__ import annotations

from collections.abc import Sequence

from generator.errors import GateTriggered, Problem, UserInputError
from generator.review.model import Review

GATES = ("critical", "high", "medium", "low", "destroy", "replace", "changes", "drift")


def check_gate_names(gates: Sequence[str]) -> None:
    """Reject --fail-on values we do not know (exit 2)."""
    unknown = [g for g in gates if g not in GATES]
    if unknown:
        raise UserInputError(
            Problem(
                f"unknown --fail-on value {unknown[0]!r}",
                key_path="--fail-on",
                expected=" | ".join(GATES),
            )
        )


def triggered_gates(review: Review, gates: Sequence[str]) -> list[str]:
    """One line per gate in `gates` that the review triggers."""
    check_gate_names(gates)
    counts = review.counts
    reasons = []
    if review.errored and gates:  # an errored plan is not a plan anyone can approve: every gate fails on it
        reasons.append(f"--fail-on {gates[0]}: the plan errored (Terraform could not finish this plan)")
    for gate in dict.fromkeys(gates):
        if gate in ("critical", "high", "medium", "low"):
            dangers = review.dangers_at_least(gate)
            if dangers:
                rules = ", ".join(sorted({d.rule for d in dangers}))
                reasons.append(f"--fail-on {gate}: {len(dangers)} danger(s) of severity {gate} or worse ({rules})")
        elif gate == "destroy" and (counts["delete"] or counts["replace"]):
            reasons.append(f"--fail-on destroy: {counts['delete']} to destroy, {counts['replace']} to replace")
        elif gate == "replace" and counts["replace"]:
            reasons.append(f"--fail-on replace: {counts['replace']} to replace")
        elif gate == "changes" and review.has_changes:
            reasons.append("--fail-on changes: the plan has changes")
        elif gate == "drift" and review.drift:
            reasons.append(f"--fail-on drift: {len(review.drift)} resource(s) changed outside Terraform")
    return reasons


def enforce_gates(review: Review, gates: Sequence[str]) -> None:
    """Raise `GateTriggered` (exit code 3) when any gate in `gates` triggers."""
    reasons = triggered_gates(review, gates)
    if reasons:
        raise GateTriggered("review gate triggered:\n  " + "\n  ".join(reasons))
