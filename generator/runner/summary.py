"""What a plan will do, in words: the review engine's rendering when installed, else a minimal summary."""

from __future__ import annotations

import importlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.fsutil import atomic_write_text


def resource_action(actions: list[str]) -> str:
    """One word for a resource change's action list (Terraform spells replace as delete+create)."""
    if "delete" in actions and "create" in actions:
        return "replace"
    if actions in (["no-op"], []):
        return "no-op"
    return actions[0]


@dataclass
class PlanSummary:
    """Per-action counts and the addresses that lose something (replaced, destroyed)."""

    counts: Counter[str] = field(default_factory=Counter)
    replaced: list[str] = field(default_factory=list)
    destroyed: list[str] = field(default_factory=list)
    changed_outputs: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for action, n in self.counts.items() if action not in ("no-op", "read"))

    @property
    def has_changes(self) -> bool:
        return self.total > 0 or bool(self.changed_outputs)


def summarize_plan(plan: dict[str, Any]) -> PlanSummary:
    summary = PlanSummary()
    for change in plan.get("resource_changes") or []:
        if change.get("mode") == "data":
            continue
        action = resource_action(list((change.get("change") or {}).get("actions") or []))
        summary.counts[action] += 1
        address = str(change.get("address", "?"))
        if action == "replace":
            summary.replaced.append(address)
        elif action == "delete":
            summary.destroyed.append(address)
    for name, change in (plan.get("output_changes") or {}).items():
        if (change or {}).get("actions") not in (["no-op"], None):
            summary.changed_outputs.append(name)
    return summary


def render_minimal(summary: PlanSummary) -> str:
    if not summary.has_changes:
        return "No changes. The infrastructure matches the configuration."
    counts = summary.counts
    text = (
        f"Plan: {counts['create']} to add, {counts['update']} to change, {counts['replace']} to replace, "
        f"{counts['delete']} to destroy."
    )
    if summary.replaced:
        text += "\n  replaced (destroyed, then created again):\n" + "\n".join(f"    - {a}" for a in summary.replaced)
    if summary.destroyed:
        text += "\n  destroyed:\n" + "\n".join(f"    - {a}" for a in summary.destroyed)
    if summary.changed_outputs and not summary.total:
        text += "\n  outputs change: " + ", ".join(summary.changed_outputs)
    return text


def preload_review() -> None:
    """Import the review engine in the background while Terraform plans (it takes ~0.1 s we would wait for)."""

    def load() -> None:
        for name in ("generator.review", "generator.review.render_terminal"):
            try:
                importlib.import_module(name)
            except ImportError:
                return

    threading.Thread(target=load, name="preload-review", daemon=True).start()


@dataclass(frozen=True)
class RenderedReview:
    terminal: str
    used_review_engine: bool


def render_plan(
    plan: dict[str, Any],
    *,
    json_path: Path | None = None,
    markdown_path: Path | None = None,
    color: bool = False,
    width: int = 120,
) -> RenderedReview:
    """The terminal text for a plan, writing the JSON/Markdown renderings when asked.

    Uses `generator.review` (the EKS-aware review) when it is installed; otherwise the minimal summary
    (and a minimal JSON/Markdown built from it).
    """
    try:
        review_module = importlib.import_module("generator.review")
        build_review = review_module.build_review
        render_review = review_module.render_review
    except (ImportError, AttributeError):
        return _render_fallback(plan, json_path, markdown_path)
    review = build_review(plan)
    if json_path is not None:
        atomic_write_text(json_path, render_review(review, "json"))
    if markdown_path is not None:
        atomic_write_text(markdown_path, render_review(review, "markdown"))
    return RenderedReview(render_review(review, "terminal", color=color, width=width), used_review_engine=True)


def _render_fallback(plan: dict[str, Any], json_path: Path | None, markdown_path: Path | None) -> RenderedReview:
    import json

    summary = summarize_plan(plan)
    text = render_minimal(summary)
    if json_path is not None:
        data = {
            "counts": dict(summary.counts),
            "replaced": summary.replaced,
            "destroyed": summary.destroyed,
            "changed_outputs": summary.changed_outputs,
        }
        atomic_write_text(json_path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    if markdown_path is not None:
        atomic_write_text(markdown_path, _markdown(plan, text))
    return RenderedReview(text, used_review_engine=False)


def _markdown(plan: dict[str, Any], summary_text: str) -> str:
    rows = [
        f"| `{change.get('address', '?')}` | {resource_action(list((change.get('change') or {}).get('actions') or []))} |"
        for change in plan.get("resource_changes") or []
        if resource_action(list((change.get("change") or {}).get("actions") or [])) not in ("no-op", "read")
    ]
    table = "\n".join(["| resource | action |", "| --- | --- |", *rows]) if rows else ""
    return f"## Terraform plan\n\n```\n{summary_text}\n```\n\n{table}\n"
