"""Terminal rendering: verdict, counts, dangers first, then the changed resources and their diffs.

Returns text with ANSI escape codes when `color` is true (plain text otherwise): print it as is
(`sys.stdout.write`, or `console.print(Text.from_ansi(text))`), not as rich markup. Laid out by `text_layout`,
not rich: importing rich costs more than reviewing a 1 MB plan.
"""

from __future__ import annotations

from generator.review.diff import AttributeDiff, collapse_unknown, format_value, unknown_summary
from generator.review.escape import terminal as safe
from generator.review.model import ACTIONS, Review
from generator.review.render_markdown import ACTION_ORDER, UNKNOWN_HEADROOM, verdict
from generator.review.text_layout import BOLD, Painter, right_aligned_row, table, wrap

# ANSI SGR styles
RED, GREEN, YELLOW, BLUE, CYAN, DIM = "31", "32", "33", "34", "36", "2"
RED_BOLD, YELLOW_BOLD, MAGENTA_BOLD = "1;31", "1;33", "1;35"
SEVERITY_STYLE = {"critical": "1;97;41", "high": RED_BOLD, "medium": YELLOW, "low": DIM}
ACTION_STYLE = {
    "create": GREEN,
    "update": YELLOW,
    "replace": MAGENTA_BOLD,
    "delete": RED_BOLD,
    "read": CYAN,
    "forget": BLUE,
    "no-op": DIM,
}
MAX_TABLE_ROWS = 1_000  # the JSON has everything
MAX_DIFF_RESOURCES = 200
MAX_ATTRIBUTES = 30
MIN_WIDTH = 40


def _plain_verdict(review: Review) -> str:
    return verdict(review, safe).replace("**", "")


def terminal_width(default: int = 120) -> int:
    """Columns of the terminal on stdout (or stderr), else `$COLUMNS`, else `default`."""
    import os

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    for fd in (1, 2):
        try:
            return max(os.get_terminal_size(fd).columns, MIN_WIDTH)
        except OSError:
            continue
    return default


def _diff_line(d: AttributeDiff) -> str:
    """`+ path: new` (added), `- path: old` (removed: a list element, a map key) or `path: old → new`, as the
    markdown diff marks them."""
    before, after = safe(format_value(d.before, 120)), safe(format_value(d.after, 120))
    if d.before is None and not d.unknown:
        return f"+ {safe(d.path)}: {after}"
    if d.after is None and not d.unknown:
        return f"- {safe(d.path)}: {before}"
    return f"{safe(d.path)}: {before} → {after}"


def render_terminal(review: Review, *, color: bool = True, width: int | None = None) -> str:
    """The review as terminal text `width` columns wide (default: the real terminal's width, or `$COLUMNS`)."""
    width = width or terminal_width()
    paint = Painter(color)
    out: list[str] = []

    def say(text: str, style: str = "", indent: str = "") -> None:
        for line in wrap(text, max(width - len(indent), MIN_WIDTH // 2)):
            out.append(indent + paint(line, style))

    say(_plain_verdict(review), BOLD)
    out.extend(
        right_aligned_row(
            ACTIONS, [str(review.counts[a]) for a in ACTIONS], [ACTION_STYLE.get(a, "") for a in ACTIONS], paint
        )
    )
    orders = {k: v for k, v in review.replace_orders.items() if v}
    if orders:
        say("Replacements: " + ", ".join(f"{v} {k}" for k, v in orders.items()))

    if review.dangers:
        rows = []
        for danger in review.dangers:
            listed = list(danger.addresses[:8]) + (
                [f"… {len(danger.addresses) - 8} more"] if len(danger.addresses) > 8 else []
            )
            rows.append(
                [
                    (danger.severity, SEVERITY_STYLE[danger.severity]),
                    (danger.rule, ""),
                    (safe(danger.message), ""),
                    ("\n".join(safe(a) for a in listed), ""),
                ]
            )
        out.append("")
        out.extend(
            table("Dangers", ("severity", "rule", "what happens", "addresses"), rows, width, paint, (True, True))
        )

    if review.errored:
        say("The plan errored: it is incomplete and cannot be applied.", RED_BOLD)
        for diagnostic in review.diagnostics:
            where = f" ({safe(diagnostic.address)})" if diagnostic.address else ""
            detail = f": {safe(diagnostic.detail)}" if diagnostic.detail else ""
            say(f"{safe(diagnostic.severity)}{where}: {safe(diagnostic.summary)}{detail}", RED, "  ")
    if review.marks_missing:
        say(
            "This plan predates Terraform 0.15 and carries no sensitivity marks: attributes named like secrets "
            "were masked by name.",
            YELLOW,
        )
    for deferred in review.deferred:
        say(f"deferred: {safe(deferred.address)} ({safe(deferred.reason)})", YELLOW)
    for check in review.checks:
        if check.status in ("fail", "error"):
            problems = safe("; ".join(check.problems))
            say(f"check {safe(check.status)}: {safe(check.address)} {problems}", RED)

    if review.resources:
        ordered = sorted(review.resources, key=lambda r: (ACTION_ORDER.get(r.action, 9), r.address))
        rows = []
        for resource in ordered[:MAX_TABLE_ROWS]:
            why = [x for x in (resource.replace_order, resource.reason) if x]
            if resource.replace_paths:
                why.append("forces replacement: " + ", ".join(resource.replace_paths))
            if resource.moved_from:
                why.append(f"moved from {resource.moved_from}")
            if resource.importing is not None:
                why.append(f"import id {resource.importing_id}")
            if resource.deposed:
                why.append(f"deposed object {resource.deposed}")
            rows.append(
                [
                    (resource.action, ACTION_STYLE.get(resource.action, "")),
                    (safe(resource.address), ""),
                    (safe("; ".join(why)), ""),
                ]
            )
        out.append("")
        out.extend(table("Changes", ("action", "address", "why"), rows, width, paint, (True,)))
        if len(ordered) > MAX_TABLE_ROWS:
            say(
                f"… {len(ordered) - MAX_TABLE_ROWS} more changed resources not shown (use --format json for all of them)",
                DIM,
            )
        shown = 0
        for resource in ordered:
            if resource.action not in ("update", "replace", "create") or shown >= MAX_DIFF_RESOURCES:
                continue
            limit = MAX_ATTRIBUTES * UNKNOWN_HEADROOM
            entries = resource.diff(limit=limit + 1)
            known, collapsed = collapse_unknown(entries)
            if not entries:
                continue
            shown += 1
            say(f"{resource.action} {safe(resource.address)}", ACTION_STYLE[resource.action])
            if collapsed:
                say(safe(unknown_summary(collapsed)), CYAN, "    ")
            for d in known[:MAX_ATTRIBUTES]:
                say(_diff_line(d), CYAN if d.unknown else "", "    ")
            if len(known) > MAX_ATTRIBUTES or len(entries) > limit:
                say("… more attributes not shown", DIM, "    ")

    if review.drift:
        say(f"Drift: {len(review.drift)} resource(s) changed outside Terraform", YELLOW_BOLD)
        for resource in review.drift:
            say(f"{resource.action} {safe(resource.address)}", "", "  ")
            for d in resource.drift_diff(limit=MAX_ATTRIBUTES):
                before, after = format_value(d.before, 120), format_value(d.after, 120)
                say(safe(f"{d.path}: {before} → {after}"), "", "    ")

    if review.outputs:
        rows = []
        for output in review.outputs:
            after = "(known after apply)" if output.unknown else format_value(output.after, 120)
            rows.append(
                [
                    (safe(output.name), ""),
                    (output.action, ""),
                    (safe(format_value(output.before, 120)), ""),
                    (safe(after), ""),
                ]
            )
        out.append("")
        out.extend(table("Output changes", ("output", "action", "before", "after"), rows, width, paint, (False, True)))
    return "\n".join(out) + "\n"
