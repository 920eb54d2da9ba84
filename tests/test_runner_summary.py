"""The plan summary of ekstf plan/apply/destroy: the review engine's, with the review's action classification."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

_ACTION_LISTS = st.sampled_from(
    [
        [],
        ["no-op"],
        ["create"],
        ["read"],
        ["update"],
        ["delete"],
        ["delete", "create"],
        ["create", "delete"],
        ["create", "forget"],
        ["forget"],
        ["something-newer"],
        ["delete", "create", "read"],
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["managed", "data"]), _ACTION_LISTS), max_size=8))
def test_progress_total_counts_what_the_review_counts(changes: list[tuple[str, list[str]]]) -> None:
    """The apply progress line's total and the review shown before it classify every action list alike."""
    from generator.review import build_review
    from generator.runner.summary import changing_resources

    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f"{'data.' if mode == 'data' else ''}null_resource.r{i}",
                "mode": mode,
                "type": "null_resource",
                "name": f"r{i}",
                "provider_name": "registry.terraform.io/hashicorp/null",
                "change": {"actions": actions, "before": None, "after": None},
            }
            for i, (mode, actions) in enumerate(changes)
        ],
    }
    review = build_review(plan)
    listed = [r for r in review.resources if r.mode == "managed" and r.action not in ("no-op", "read")]
    assert changing_resources(plan) == len(listed)
