"""What a plan will do: the review engine's rendering for plan/apply/destroy, and the count the progress line uses.

Actions are classified in one place, `generator.review.model.classify_actions`; this module only adapts it.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import Any

from generator.fsutil import atomic_write_text
from generator.review.model import NOT_APPLIED_ACTIONS, classify_actions


def changing_resources(plan: dict[str, Any]) -> int:
    """How many managed resources applying `plan` changes (the progress line's total)."""
    count = 0
    for change in plan.get("resource_changes") or []:
        if change.get("mode") == "data":
            continue
        action, _ = classify_actions(list((change.get("change") or {}).get("actions") or []))
        if action not in NOT_APPLIED_ACTIONS:
            count += 1
    return count


def preload_review() -> None:
    """Import the review renderers in the background while Terraform plans (it takes ~0.1 s we would wait for)."""

    def load() -> None:
        importlib.import_module("generator.review.render_terminal")

    threading.Thread(target=load, name="preload-review", daemon=True).start()


def render_plan(
    plan: dict[str, Any],
    *,
    json_path: Path | None = None,
    markdown_path: Path | None = None,
    color: bool = False,
    width: int = 120,
) -> str:
    """The terminal review of a plan, writing its JSON/Markdown renderings when asked."""
    from generator.review import build_review, render_review

    review = build_review(plan)
    if json_path is not None:
        atomic_write_text(json_path, render_review(review, "json"))
    if markdown_path is not None:
        atomic_write_text(markdown_path, render_review(review, "markdown"))
    return render_review(review, "terminal", color=color, width=width)
