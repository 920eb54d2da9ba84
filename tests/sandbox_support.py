"""Helpers of the sandbox tests: run the sandbox through its API and check a plan against its review."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

from conftest import shared_path

from generator.review.model import classify_actions
from generator.sandbox.api import SandboxOptions, SandboxResult, run_sandbox

# Tests run the embedded Terraform unless told otherwise (CI has no terraform binary).
ENGINE = os.environ.get("EKSTF_SANDBOX_TEST_ENGINE", "embedded")


def module_cache() -> Path:
    return shared_path("tf-modules")


def sandbox(target: Path, *, apply: bool = True) -> SandboxResult:
    return run_sandbox(SandboxOptions(target, apply=apply, module_cache=module_cache(), engine=ENGINE))


def plan_action_counts(plan: dict[str, Any]) -> Counter[str]:
    """Counts by action read straight from the plan JSON (independently of the review's own counting)."""
    counts: Counter[str] = Counter()
    for change in plan.get("resource_changes", []):
        action, _ = classify_actions(list(change["change"]["actions"]))
        counts[action] += 1
        if change["change"].get("importing") is not None:
            counts["import"] += 1
        if change.get("previous_address"):
            counts["move"] += 1
    return counts


def assert_clean_cycle(result: SandboxResult) -> None:
    assert result.ok, f"{result.verdict}\n{result.errors[-6000:]}"
    assert result.second_plan_changes == 0
    assert result.review is not None and result.plan is not None
    review_counts = {action: count for action, count in result.review.counts.items() if count}
    expected = {action: count for action, count in plan_action_counts(result.plan).items() if count}
    assert review_counts == expected
    assert review_counts.get("create", 0) > 0
