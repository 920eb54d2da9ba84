"""Building the review model from a plan: counts, resources, dangers, drift, outputs, deferred changes, checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from generator.review.masking import Masker, any_sensitive, sensitive_strings
from generator.review.model import (
    ACTIONS,
    CheckResult,
    DeferredChange,
    OutputChange,
    ResourceChange,
    Review,
    classify_actions,
)
from generator.review.plan_input import ChangeIn, PlanIn, ResourceChangeIn, plan_from_dict, value
from generator.review.rules import RuleContext, evaluate

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
    change = entry.change
    action, order = classify_actions(change.actions)
    text = masker.text if masker.patterns else str
    return ResourceChange(
        address=text(entry.address),
        module_address=text(entry.module_address or ""),
        mode=entry.mode,
        type=entry.type,
        name=entry.name,
        provider=entry.provider_name,
        action=action,
        replace_order=order,
        reason=entry.action_reason,
        replace_paths=[text(_path_text(p)) for p in change.replace_paths or ()],
        importing=change.importing,
        moved_from=text(entry.previous_address) if entry.previous_address else None,
        deposed=entry.deposed,
        change=change,
        masker=masker,
    )


def _output(name: str, change: ChangeIn[Any], masker: Masker) -> OutputChange:
    action, _ = classify_actions(change.actions)
    before_sensitive, after_sensitive = value(change.before_sensitive), value(change.after_sensitive)
    sensitive = any_sensitive(before_sensitive) or any_sensitive(after_sensitive)
    unknown = value(change.after_unknown)
    return OutputChange(
        name=masker.text(name),
        action=action,
        sensitive=sensitive,
        before=masker.value(value(change.before), True if sensitive else None),
        after=None if unknown is True else masker.value(value(change.after), True if sensitive else None),
        unknown=unknown is True,
    )


def _checks(raw_checks: list[dict[str, Any]], masker: Masker) -> list[CheckResult]:
    results = []
    for check in raw_checks:
        address = check.get("address")
        shown = address.get("to_display") if isinstance(address, dict) else address
        problems = tuple(
            masker.text(str(problem.get("message", "")))
            for instance in check.get("instances") or ()
            if isinstance(instance, dict)
            for problem in instance.get("problems") or ()
            if isinstance(problem, dict)
        )
        results.append(CheckResult(masker.text(str(shown)), str(check.get("status", "unknown")), problems))
    return results


def _is_trivial(marks: Any) -> bool:
    """Sensitivity structures like {} / false / [] mark nothing; skip decoding them (most resources)."""
    if isinstance(marks, msgspec.Raw):
        return len(marks) <= 5
    return not marks


def _collect_secrets(plan: PlanIn[Any]) -> set[str]:
    """Every string Terraform marked sensitive anywhere in the plan."""
    found: set[str] = set()
    for entries in (plan.resource_changes, plan.resource_drift):
        for entry in entries:
            change = entry.change
            for raw, marks in ((change.before, change.before_sensitive), (change.after, change.after_sensitive)):
                if not _is_trivial(marks):
                    sensitive_strings(value(raw), value(marks), found)
    for change in plan.output_changes.values():
        marks_before, marks_after = value(change.before_sensitive), value(change.after_sensitive)
        if any_sensitive(marks_before) or any_sensitive(marks_after):
            sensitive_strings(value(change.before), True, found)
            sensitive_strings(value(change.after), True, found)
    return found


def review_plan(plan: PlanIn[Any], *, mask_patterns: Sequence[str] = ()) -> Review:
    """The review of a typed plan (see `plan_input`)."""
    masker = Masker(mask_patterns)
    masker.add_secrets(_collect_secrets(plan))
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
        DeferredChange(masker.text(d.resource_change.address if d.resource_change else "?"), d.reason)
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
    )


def build_review(plan: dict[str, Any], *, mask_patterns: Sequence[str] = ()) -> Review:
    """The review of a decoded plan JSON object (`terraform show -json PLANFILE`)."""
    return review_plan(plan_from_dict(plan), mask_patterns=mask_patterns)
