"""Rule severities: the Literal the rule table is typed with names exactly the severities the review ranks."""

from __future__ import annotations

from typing import get_args

from generator.review.model import SEVERITIES
from generator.review.rules import GENERIC_SEVERITY, RULES, RuleSeverity


def test_rule_severity_literal_matches_the_ranked_severities() -> None:
    assert get_args(RuleSeverity) == SEVERITIES


def test_every_rule_has_a_ranked_severity() -> None:
    severities = {rule.severity for rule in RULES} | {GENERIC_SEVERITY}
    assert severities <= set(SEVERITIES)
    assert len(severities) > 1  # the table uses more than one level
