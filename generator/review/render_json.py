"""The JSON rendering: a stable, versioned schema (documented in docs/review.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

from generator.review.diff import AttributeDiff
from generator.review.model import ResourceChange, Review

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


def _resource_json(r: ResourceChange, diffs: bool) -> dict[str, Any]:
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
    return item


def _sections(review: Review, diffs: bool) -> Iterator[tuple[str, Any]]:
    """(key, value) pairs of the document in order; list values are iterables (rendered one item per line)."""
    yield "version", SCHEMA_VERSION
    yield "format_version", review.format_version
    yield "terraform_version", review.terraform_version
    yield "errored", review.errored
    yield "applyable", review.applyable
    yield "complete", review.complete
    yield "summary", dict(review.counts)
    yield "replace_orders", dict(review.replace_orders)
    yield "severities", review.severity_counts()
    yield (
        "dangers",
        (
            {"rule": d.rule, "severity": d.severity, "addresses": list(d.addresses), "message": d.message}
            for d in review.dangers
        ),
    )
    yield "resources", (_resource_json(r, diffs) for r in review.resources)
    yield (
        "drift",
        ({"address": r.address, "action": r.action, "changes": _diff_json(r.drift_diff())} for r in review.drift),
    )
    yield (
        "outputs",
        (
            {
                "name": o.name,
                "action": o.action,
                "sensitive": o.sensitive,
                "before": o.before,
                "after": None if o.unknown else o.after,
                "after_unknown": o.unknown,
            }
            for o in review.outputs
        ),
    )
    yield "deferred", ({"address": d.address, "reason": d.reason} for d in review.deferred)
    yield "checks", ({"address": c.address, "status": c.status, "problems": list(c.problems)} for c in review.checks)
    yield (
        "diagnostics",
        (
            {"severity": d.severity, "summary": d.summary, "detail": d.detail, "address": d.address}
            for d in review.diagnostics
        ),
    )
    yield "marks_missing", review.marks_missing


def iter_json(review: Review, *, diffs: bool = True) -> Iterator[str]:
    """The JSON document in pieces (one list item per line), so a 50,000-resource review never sits in memory."""
    encode = msgspec.json.Encoder().encode
    yield "{"
    first = True
    for key, val in _sections(review, diffs):
        yield ("\n" if first else ",\n") + f"  {encode(key).decode()}: "
        first = False
        if isinstance(val, Iterator):
            empty = True
            for item in val:
                yield ("[\n    " if empty else ",\n    ") + encode(item).decode()
                empty = False
            yield "[]" if empty else "\n  ]"
        else:
            yield encode(val).decode()
    yield "\n}\n"


def render_json(review: Review) -> str:
    return "".join(iter_json(review))
