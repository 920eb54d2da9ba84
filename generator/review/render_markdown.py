"""Markdown for a pull-request comment or a GitHub step summary.

Order: a one-line verdict and the counts table (never inside `<details>`), dangers, notes, then one collapsible
section per module with the diffs, drift, outputs. The text fits `max_chars`: detail is folded level by level
(long diffs → diffs of creations → all diffs → per-resource lines → per-module counts) and the comment says what
was left out. Each level stops rendering as soon as it overflows, so a 50,000-resource plan costs little more
than the text that fits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from generator.review.diff import AttributeDiff, collapse_unknown, format_value, unknown_summary
from generator.review.escape import code_block_line, html_text, md_code, md_message, md_text
from generator.review.model import ACTIONS, Danger, ResourceChange, Review

DEFAULT_MAX_CHARS = 65_000
SEVERITY_ICON = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "⚪"}
ACTION_ORDER = {"replace": 0, "delete": 1, "update": 2, "create": 3, "forget": 4, "read": 5, "no-op": 6}
ROOT = "(root module)"
MAX_DANGER_ADDRESSES = 5
UNKNOWN_HEADROOM = 4  # attributes read per shown one, so that collapsed "(known after apply)" ones leave room
TRUNCATE_RESERVE = 2_500  # what a truncating level keeps free for the drift and output sections


class _Overflow(Exception):
    """Raised by `_Budget` when a section does not fit."""


class _Budget:
    __slots__ = ("left", "omitted", "parts")

    def __init__(self, chars: int) -> None:
        self.left = chars
        self.parts: list[str] = []
        self.omitted = 0  # resource lines left out by a truncating level

    def room_for(self, text: str, reserve: int) -> bool:
        return self.left - len(text) - 1 >= reserve

    def add(self, text: str) -> None:
        self.left -= len(text) + 1
        if self.left < 0:
            raise _Overflow
        self.parts.append(text)

    def text(self) -> str:
        return "\n".join(self.parts)


class _Level:
    """How much detail a rendering attempt shows."""

    __slots__ = ("diff_creates", "diffs", "max_attributes", "max_value", "module_summary_only", "name", "truncate")

    def __init__(
        self,
        name: str,
        *,
        diffs: bool,
        diff_creates: bool,
        max_attributes: int,
        max_value: int,
        summary: bool = False,
        truncate: bool = False,
    ) -> None:
        self.truncate = truncate
        self.name = name
        self.diffs = diffs
        self.diff_creates = diff_creates
        self.max_attributes = max_attributes
        self.max_value = max_value
        self.module_summary_only = summary


LEVELS = (
    _Level("full", diffs=True, diff_creates=True, max_attributes=60, max_value=300),
    _Level("short diffs", diffs=True, diff_creates=True, max_attributes=12, max_value=100),
    _Level("no diffs of creations", diffs=True, diff_creates=False, max_attributes=8, max_value=80),
    _Level("no diffs", diffs=False, diff_creates=False, max_attributes=0, max_value=0),
    _Level("partial list", diffs=False, diff_creates=False, max_attributes=0, max_value=0, truncate=True),
    _Level("module counts", diffs=False, diff_creates=False, max_attributes=0, max_value=0, summary=True),
)
FOLD_NOTES = {
    "short diffs": "long attribute diffs were shortened",
    "no diffs of creations": "attribute diffs of created resources were left out and long diffs shortened",
    "no diffs": "attribute diffs were left out",
    "partial list": "attribute diffs were left out and {omitted} resource line(s) were not listed",
    "module counts": "per-resource lines were left out (per-module counts only)",
}


# Every string from the plan goes through generator/review/escape.py: `md_code` for addresses, paths and values,
# `md_text` for free text, `md_message` for our messages quoting plan values, `html_text` inside HTML tags.
_code = md_code


def _counts_summary(counts: dict[str, int]) -> str:
    words = {
        "create": "to create",
        "update": "to update",
        "replace": "to replace",
        "delete": "to destroy",
        "import": "to import",
        "move": "to move",
        "forget": "to forget",
        "read": "to read",
    }
    parts = [f"{counts[a]} {w}" for a, w in words.items() if counts.get(a)]
    return ", ".join(parts) if parts else "no changes"


ERRORED_HEADLINE = "Terraform could not finish this plan"
MAX_DRIFT_TYPES = 3


def drift_summary(review: Review, quote: Callable[[str], str] = md_code) -> str:
    """What drifted, by resource type: `2 aws_eks_addon, 1 aws_security_group`."""
    by_type = Counter(r.type or r.address for r in review.drift).most_common()
    shown = ", ".join(f"{n} {quote(t)}" for t, n in by_type[:MAX_DRIFT_TYPES])
    return shown + (f" and {len(by_type) - MAX_DRIFT_TYPES} more type(s)" if len(by_type) > MAX_DRIFT_TYPES else "")


def verdict(review: Review, quote: Callable[[str], str] = md_code) -> str:
    """The one-line verdict; `quote` escapes plan-derived text for where the line goes."""
    severities = review.severity_counts()
    counts = _counts_summary(review.counts)
    if review.errored:
        return f"⛔ **{ERRORED_HEADLINE}** — the plan errored and cannot be applied; fix the errors and plan again. ({counts})"
    drift = f"; {len(review.drift)} drifted outside Terraform ({drift_summary(review, quote)})" if review.drift else ""
    flagged = [f"{n} {s}" for s, n in severities.items() if n and s != "low"]
    if severities["critical"]:
        return f"🔴 **Do not merge without a plan for it: {', '.join(flagged)} danger(s)** — {counts}{drift}"
    if severities["high"] or severities["medium"]:
        icon = "🟠" if severities["high"] else "🟡"
        return f"{icon} **Review carefully: {', '.join(flagged)} danger(s)** — {counts}{drift}"
    if review.has_changes:
        low = f" ({severities['low']} low-severity note(s))" if severities["low"] else ""
        return f"🟢 **No EKS dangers found**{low} — {counts}{drift}"
    if review.drift:
        return (
            f"🟡 **No changes to apply, but {len(review.drift)} resource(s) changed outside Terraform** — "
            f"{drift_summary(review, quote)}; applying would record them in the state"
        )
    return "✅ **No changes.** Infrastructure matches the configuration."


def _header(review: Review) -> list[str]:
    lines = [f"### ekstf review: {verdict(review)}", ""]
    lines.append("| " + " | ".join(ACTIONS) + " |")
    lines.append("|" + " ---: |" * len(ACTIONS))
    lines.append("| " + " | ".join(str(review.counts[a]) for a in ACTIONS) + " |")
    orders = {k: v for k, v in review.replace_orders.items() if v}
    if orders:
        lines.append("")
        lines.append("Replacements: " + ", ".join(f"{v} {k}" for k, v in orders.items()) + ".")
    return lines


def _addresses(addresses: tuple[str, ...]) -> str:
    shown = ", ".join(_code(a) for a in addresses[:MAX_DANGER_ADDRESSES])
    extra = len(addresses) - MAX_DANGER_ADDRESSES
    return shown + (f" and {extra} more" if extra > 0 else "")


MAX_MESSAGE = 600  # characters of one danger message in the table


def _danger_lines(dangers: list[Danger], budget_chars: int) -> list[str]:
    """The dangers table, most severe first, cut at a row boundary to fit `budget_chars`, saying what was left out."""
    if not dangers:
        return []
    lines = ["", "#### Dangers", "", "| | severity | rule | what happens | addresses |", "|---|---|---|---|---|"]
    used = sum(len(line) + 1 for line in lines) + 200  # room for the note
    left_out: Counter[str] = Counter()
    for danger in dangers:
        row = (
            f"| {SEVERITY_ICON[danger.severity]} | {danger.severity} | {_code(danger.rule)} | "
            f"{md_message(danger.message, MAX_MESSAGE)} | {_addresses(danger.addresses)} |"
        )
        if left_out or used + len(row) > budget_chars:
            left_out[danger.severity] += 1
            continue
        used += len(row) + 1
        lines.append(row)
    if left_out:
        by_severity = ", ".join(f"{n} {s}" for s, n in left_out.items())
        lines.append(
            f"\n_{sum(left_out.values())} more finding(s) not shown ({by_severity}) to fit the comment limit; "
            "see `--format json`._"
        )
    return lines


MAX_DIAGNOSTICS = 10


def _notes(review: Review) -> list[str]:
    notes = []
    if review.errored:
        notes.append("- ⛔ The plan has `errored: true`: Terraform stopped with errors, so this plan is incomplete.")
        for diagnostic in review.diagnostics[:MAX_DIAGNOSTICS]:
            where = f" ({_code(diagnostic.address)})" if diagnostic.address else ""
            detail = f": {md_text(diagnostic.detail, 300)}" if diagnostic.detail else ""
            notes.append(f"  - {md_text(diagnostic.severity)}{where}: {md_text(diagnostic.summary, 300)}{detail}")
        if not review.diagnostics:
            notes.append("  - The plan file holds no diagnostics: the errors are in the output of `terraform plan`.")
    if review.marks_missing:
        notes.append(
            "- ⚠️ This plan predates Terraform 0.15 and carries no sensitivity marks: values of attributes named like "
            "secrets (password, secret, token, private_key, *_key…) were masked by name; others cannot be told apart."
        )
    if review.complete is False and not review.errored:
        notes.append("- The plan is incomplete (`complete: false`): another plan/apply round will be needed.")
    if review.deferred:
        reasons = sorted({d.reason for d in review.deferred})
        notes.append(f"- {len(review.deferred)} change(s) deferred ({md_text(', '.join(reasons), 300)}).")
    failing = [c for c in review.checks if c.status in ("fail", "error")]
    if review.checks:
        summary = f"- Checks: {len(review.checks)} evaluated, {len(failing)} failing."
        notes.append(summary)
        for check in failing[:10]:
            problems = md_text("; ".join(check.problems[:3]), 300)
            notes.append(f"  - {_code(check.address)} {md_text(check.status)}" + (f": {problems}" if problems else ""))
    return ["", "#### Notes", "", *notes] if notes else []


def _diff_lines(
    entries: list[AttributeDiff], max_value: int, truncated: bool, collapsed: list[str] | None = None
) -> list[str]:
    lines = ["  ```diff"]
    if collapsed:
        lines.append("  + " + code_block_line(unknown_summary(collapsed)))
    for d in entries:
        after = format_value(d.after, max_value)
        before = format_value(d.before, max_value)
        if d.before is None:
            lines.append("  + " + code_block_line(f"{d.path}: {after}"))
        elif d.after is None and not d.unknown:
            lines.append("  - " + code_block_line(f"{d.path}: {before}"))
        else:
            lines.append("  ! " + code_block_line(f"{d.path}: {before} → {after}"))
    if truncated:
        lines.append("  # … more attributes not shown")
    lines.append("  ```")
    return lines


def _resource_line(resource: ResourceChange) -> str:
    extras = []
    if resource.replace_order:
        extras.append(resource.replace_order)
    if resource.reason:
        extras.append(_code(resource.reason))
    if resource.replace_paths:
        extras.append("forces replacement: " + ", ".join(_code(p) for p in resource.replace_paths))
    if resource.moved_from:
        extras.append(f"moved from {_code(resource.moved_from)}")
    if resource.importing is not None:
        extras.append(f"import id {_code(resource.importing_id or '?')}")
    if resource.deposed:
        extras.append(f"deposed object {_code(resource.deposed)}")
    tail = f" — {'; '.join(extras)}" if extras else ""
    return f"- **{resource.action}** {_code(resource.address)}{tail}"


def _by_module(resources: Iterable[ResourceChange]) -> dict[str, list[ResourceChange]]:
    modules: dict[str, list[ResourceChange]] = defaultdict(list)
    for resource in resources:
        modules[resource.module_address or ROOT].append(resource)
    return dict(sorted(modules.items(), key=lambda kv: (kv[0] != ROOT, kv[0])))


def _module_counts(resources: list[ResourceChange]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for resource in resources:
        counts[resource.action] += 1
    return ", ".join(f"{n} {a}" for a, n in sorted(counts.items(), key=lambda kv: ACTION_ORDER.get(kv[0], 9)))


def _changes(review: Review, level: _Level, budget: _Budget) -> None:
    modules = _by_module(review.resources)
    if not modules:
        return
    budget.add("\n#### Changes by module\n")
    if level.module_summary_only:
        budget.add("| module | changes |\n|---|---|")
        rows = list(modules.items())
        for index, (module, resources) in enumerate(rows):
            row = f"| {_code(module)} | {_module_counts(resources)} |"
            if budget.left - len(row) < 200:
                budget.add(f"\n_{len(rows) - index} more module(s) left out to fit the comment limit._")
                return
            budget.add(row)
        return
    rows = list(modules.items())
    for index, (module, resources) in enumerate(rows):
        resources.sort(key=lambda r: (ACTION_ORDER.get(r.action, 9), r.address))
        header = f"<details><summary><code>{html_text(module)}</code> — {_module_counts(resources)}</summary>\n"
        if level.truncate and not budget.room_for(header, TRUNCATE_RESERVE + 200):
            _module_rest(rows[index:], budget)
            return
        budget.add(header)
        for position, resource in enumerate(resources):
            line = _resource_line(resource)
            if level.truncate and not budget.room_for(line, TRUNCATE_RESERVE):
                budget.omitted += len(resources) - position
                budget.add(f"- … {len(resources) - position} more resource(s) of this module not listed")
                break
            budget.add(line)
            if level.diffs and (level.diff_creates or resource.action != "create"):
                limit = level.max_attributes * UNKNOWN_HEADROOM
                entries = resource.diff(limit=limit + 1)
                shown, collapsed = collapse_unknown(entries)
                if shown or collapsed:
                    truncated = len(shown) > level.max_attributes or len(entries) > limit
                    lines = _diff_lines(shown[: level.max_attributes], level.max_value, truncated, collapsed)
                    for diff_line in lines:
                        budget.add(diff_line)
        budget.add("\n</details>")


def _module_rest(rows: list[tuple[str, list[ResourceChange]]], budget: _Budget) -> None:
    """Modules a truncating level has no room to list: one line each while they fit, then a count."""
    for index, (module, resources) in enumerate(rows):
        line = f"- {_code(module)} — {_module_counts(resources)} (not listed)"
        if not budget.room_for(line, TRUNCATE_RESERVE - 500):
            budget.omitted += sum(len(r) for _, r in rows[index:])
            budget.add(f"- … {len(rows) - index} more module(s) not listed")
            return
        budget.omitted += len(resources)
        budget.add(line)


def _drift(review: Review, level: _Level, budget: _Budget) -> None:
    if not review.drift:
        return
    budget.add(f"\n#### Drift: {len(review.drift)} resource(s) changed outside Terraform\n")
    if level.module_summary_only:
        budget.add("_Drifted addresses left out to fit the comment limit._")
        return
    budget.add("<details><summary>Drifted resources</summary>\n")
    for position, resource in enumerate(review.drift):
        line = f"- **{resource.action}** {_code(resource.address)}"
        if level.truncate and not budget.room_for(line, TRUNCATE_RESERVE // 2):
            budget.add(f"- … {len(review.drift) - position} more drifted resource(s) not listed")
            break
        budget.add(line)
        if level.diffs:
            entries = resource.drift_diff(limit=level.max_attributes + 1)
            if entries:
                truncated = len(entries) > level.max_attributes
                for line in _diff_lines(entries[: level.max_attributes], level.max_value, truncated):
                    budget.add(line)
    budget.add("\n</details>")


def _outputs(review: Review, level: _Level, budget: _Budget) -> None:
    if not review.outputs:
        return
    budget.add(f"\n#### Output changes ({len(review.outputs)})\n")
    budget.add("| output | action | before | after |\n|---|---|---|---|")
    width = level.max_value or 60
    for position, output in enumerate(review.outputs):
        after = "(known after apply)" if output.unknown else format_value(output.after, width)
        row = (
            f"| {_code(output.name)} | {output.action} | {_code(format_value(output.before, width))} | {_code(after)} |"
        )
        if level.truncate and not budget.room_for(row, 300):
            budget.add(f"\n_{len(review.outputs) - position} more output change(s) not listed._")
            break
        budget.add(row)


def render_markdown(review: Review, *, max_chars: int | None = None) -> str:
    limit = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    head = _header(review)
    head_text = "\n".join(head)
    notes = "\n".join(_notes(review))
    dangers = "\n".join(_danger_lines(review.dangers, limit - len(head_text) - len(notes) - 1_000))
    top = "\n".join(part for part in (head_text, dangers, notes) if part)
    fold_reserve = 220
    for level in LEVELS:
        budget = _Budget(limit - len(top) - fold_reserve)
        try:
            _changes(review, level, budget)
            _drift(review, level, budget)
            _outputs(review, level, budget)
        except _Overflow:
            continue
        note = FOLD_NOTES.get(level.name, "").format(omitted=budget.omitted)
        tail = (
            f"\n\n_Folded to fit the {limit:,}-character comment limit: {note}. "
            "Run `ekstf review` locally or use `--format json` for everything._"
            if note
            else ""
        )
        return top + "\n" + budget.text() + tail + "\n"
    tail = (
        f"\n\n_Folded to fit the {limit:,}-character comment limit: the per-module, drift and output sections were "
        "left out. Run `ekstf review` locally or use `--format json` for everything._\n"
    )
    text = top + tail
    if len(text) > limit:  # only with a --max-chars too small for the verdict itself: cut at a line boundary
        text = text[: text.rfind("\n", 0, limit - 1) + 1]
    return text
