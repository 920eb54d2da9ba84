"""Building the review model from a plan: counts, resources, dangers, drift, outputs, deferred changes, checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from generator.review.masking import Masker, any_sensitive, is_secret_name, marks_by_name, sensitive_strings
from generator.review.model import (
    ACTIONS,
    CheckResult,
    DeferredChange,
    Diagnostic,
    OutputChange,
    ResourceChange,
    Review,
    classify_actions,
)
from generator.review.plan_input import (
    ChangeIn,
    CheckIn,
    DiagnosticIn,
    PlanIn,
    ResourceChangeIn,
    plan_from_dict,
    value,
)
from generator.review.rule_context import RuleContext
from generator.review.rules import evaluate

DEFAULT_REPLACE_ORDERS = ("delete-before-create", "create-before-destroy", "create-then-forget")


def _path_text(path: list[str | int]) -> str:
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


def _resource(entry: ResourceChangeIn[Any], masker: Masker) -> ResourceChange:
    """Addresses, names and paths are kept as they are (masking never rewrites structure); values are masked."""
    change = entry.change
    action, order = classify_actions(change.actions)
    return ResourceChange(
        address=entry.address,
        module_address=entry.module_address or "",
        mode=entry.mode,
        type=entry.type,
        name=entry.name,
        provider=entry.provider_name,
        action=action,
        replace_order=order,
        reason=entry.action_reason,
        replace_paths=[_path_text(p) for p in change.replace_paths or ()],
        importing=change.importing,
        moved_from=entry.previous_address or None,
        deposed=entry.deposed,
        change=change,
        masker=masker,
    )


def _output(name: str, change: ChangeIn[Any], masker: Masker) -> OutputChange:
    action, _ = classify_actions(change.actions)
    before_sensitive, after_sensitive = value(change.before_sensitive), value(change.after_sensitive)
    sensitive = any_sensitive(before_sensitive) or any_sensitive(after_sensitive)
    if change.before_sensitive is None and change.after_sensitive is None:  # no marks at all: judge by the name
        sensitive = is_secret_name(name)
    unknown = value(change.after_unknown)
    return OutputChange(
        name=name,
        action=action,
        sensitive=sensitive,
        before=masker.value(value(change.before), True if sensitive else None),
        after=None if unknown is True else masker.value(value(change.after), True if sensitive else None),
        unknown=unknown is True,
    )


def _checks(raw_checks: list[CheckIn], masker: Masker) -> list[CheckResult]:
    results = []
    for check in raw_checks:
        address = check.address
        shown = address.get("to_display") if isinstance(address, dict) else address
        problems = tuple(masker.text(problem.message) for instance in check.instances for problem in instance.problems)
        results.append(CheckResult(str(shown), check.status, problems))
    return results


def _diagnostics(raw: list[DiagnosticIn], masker: Masker) -> list[Diagnostic]:
    return [Diagnostic(d.severity, masker.text(d.summary), masker.text(d.detail), d.address) for d in raw]


TRIVIAL_MARKS = frozenset({b"", b"{}", b"[]", b"false", b"null"})


def _is_trivial(marks: Any) -> bool:
    """Sensitivity structures like {} / false / [] mark nothing; skip decoding them (most resources)."""
    if isinstance(marks, msgspec.Raw):
        return len(marks) <= 5 and bytes(marks).strip() in TRIVIAL_MARKS
    return not marks


def _collect_secrets(plan: PlanIn[Any]) -> tuple[set[str], set[int | float]]:
    """Every string and number Terraform marked sensitive anywhere in the plan."""
    found: set[str] = set()
    numbers: set[int | float] = set()
    for entries in (plan.resource_changes, plan.resource_drift):
        for entry in entries:
            change = entry.change
            for raw, marks in ((change.before, change.before_sensitive), (change.after, change.after_sensitive)):
                if not _is_trivial(marks):
                    sensitive_strings(value(raw), value(marks), found, numbers)
    for name, change in plan.output_changes.items():
        marks_before, marks_after = value(change.before_sensitive), value(change.after_sensitive)
        unmarked = change.before_sensitive is None and change.after_sensitive is None
        if any_sensitive(marks_before) or any_sensitive(marks_after) or (unmarked and is_secret_name(name)):
            sensitive_strings(value(change.before), True, found, numbers)
            sensitive_strings(value(change.after), True, found, numbers)
    return found, numbers


def _names(plan: PlanIn[Any]) -> str:
    """Every address, module address and output name, joined: text a secret must not be masked inside."""
    parts = [e.address for e in plan.resource_changes]
    parts += [e.previous_address or "" for e in plan.resource_changes]
    parts += [e.address for e in plan.resource_drift]
    parts += list(plan.output_changes)
    return "\n".join(parts)


def marks_are_missing(plan: PlanIn[Any]) -> bool:
    """Plans before Terraform 0.15 (format_version 0.1) carry no sensitivity marks at all."""
    return (plan.format_version or "").startswith("0.") and not any(
        e.change.before_sensitive is not None or e.change.after_sensitive is not None for e in plan.resource_changes
    )


def _mark_by_name(plan: PlanIn[Any]) -> None:
    """Give every change without sensitivity marks marks derived from attribute names (password, token, *_key…)."""
    for entries in (plan.resource_changes, plan.resource_drift):
        for entry in entries:
            change = entry.change
            if change.before_sensitive is None and change.after_sensitive is None:
                change.before_sensitive = marks_by_name(value(change.before))
                change.after_sensitive = marks_by_name(value(change.after))


def review_plan(plan: PlanIn[Any], *, mask_patterns: Sequence[str] = ()) -> Review:
    """The review of a typed plan (see `plan_input`)."""
    masker = Masker(mask_patterns)
    marks_missing = marks_are_missing(plan)
    _mark_by_name(plan)
    secrets, numbers = _collect_secrets(plan)
    masker.add_secrets(secrets, numbers, _names(plan))
    counts = dict.fromkeys(ACTIONS, 0)
    orders = dict.fromkeys(DEFAULT_REPLACE_ORDERS, 0)
    resources: list[ResourceChange] = []
    for entry in plan.resource_changes:
        resource = _resource(entry, masker)
        counts[resource.action] += 1
        if resource.replace_order is not None:
            orders[resource.replace_order] += 1
        if resource.importing is not None:
            counts["import"] += 1
        if resource.moved_from is not None:
            counts["move"] += 1
        resources.append(resource)
    context = RuleContext(resources, masker, lambda: value(plan.configuration))
    drift = [_resource(entry, masker) for entry in plan.resource_drift]
    outputs = [_output(name, change, masker) for name, change in sorted(plan.output_changes.items())]
    deferred = [
        DeferredChange(d.resource_change.address if d.resource_change else "?", masker.text(d.reason))
        for d in plan.deferred_changes
    ]
    return Review(
        format_version=plan.format_version or "",
        terraform_version=plan.terraform_version,
        errored=bool(plan.errored),
        applyable=plan.applyable,
        complete=plan.complete,
        counts=counts,
        replace_orders=orders,
        resources=[r for r in resources if r.is_change],
        dangers=evaluate(context),
        drift=drift,
        outputs=[o for o in outputs if o.action != "no-op"],
        deferred=deferred,
        checks=_checks(plan.checks, masker),
        diagnostics=_diagnostics(plan.diagnostics, masker),
        marks_missing=marks_missing,
    )


def build_review(plan: dict[str, Any], *, mask_patterns: Sequence[str] = ()) -> Review:
    """The review of a decoded plan JSON object (`terraform show -json PLANFILE`)."""
    return review_plan(plan_from_dict(plan), mask_patterns=mask_patterns)
