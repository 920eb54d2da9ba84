"""The JSON rendering: a stable, versioned schema (documented in docs/review.md)."""

from __future__ import annotations

from typing import Any

import msgspec

from generator.review.diff import AttributeDiff
from generator.review.model import Review

SCHEMA_VERSION = 1


def _diff_json(entries: list[AttributeDiff]) -> list[dict[str, Any]]:
    return [
        {
            "path": d.path,
            "before": d.before,
            "after": None if d.unknown else d.after,
            "after_unknown": d.unknown,
            "sensitive": d.sensitive,
        }
        for d in entries
    ]


def review_to_dict(review: Review, *, diffs: bool = True) -> dict[str, Any]:
    """The review as plain data; `diffs=False` leaves out per-attribute changes."""
    resources = []
    for r in review.resources:
        item: dict[str, Any] = {
            "address": r.address,
            "module": r.module_address,
            "type": r.type,
            "name": r.name,
            "mode": r.mode,
            "action": r.action,
            "replace_order": r.replace_order,
            "reasons": [r.reason] if r.reason else [],
            "replace_paths": r.replace_paths,
            "importing": {"id": r.importing_id} if r.importing is not None else None,
            "moved_from": r.moved_from,
            "deposed": r.deposed,
        }
        if diffs:
            item["changes"] = _diff_json(r.diff())
        resources.append(item)
    return {
        "version": SCHEMA_VERSION,
        "format_version": review.format_version,
        "terraform_version": review.terraform_version,
        "errored": review.errored,
        "applyable": review.applyable,
        "complete": review.complete,
        "summary": dict(review.counts),
        "replace_orders": dict(review.replace_orders),
        "severities": review.severity_counts(),
        "dangers": [
            {"rule": d.rule, "severity": d.severity, "addresses": list(d.addresses), "message": d.message}
            for d in review.dangers
        ],
        "resources": resources,
        "drift": [
            {"address": r.address, "action": r.action, "changes": _diff_json(r.drift_diff())} for r in review.drift
        ],
        "outputs": [
            {
                "name": o.name,
                "action": o.action,
                "sensitive": o.sensitive,
                "before": o.before,
                "after": None if o.unknown else o.after,
                "after_unknown": o.unknown,
            }
            for o in review.outputs
        ],
        "deferred": [{"address": d.address, "reason": d.reason} for d in review.deferred],
        "checks": [{"address": c.address, "status": c.status, "problems": list(c.problems)} for c in review.checks],
    }


def render_json(review: Review) -> str:
    return msgspec.json.format(msgspec.json.encode(review_to_dict(review)), indent=2).decode() + "\n"
