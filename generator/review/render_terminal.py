"""Terminal rendering with rich: verdict, counts, dangers first, then the changed resources and their diffs.

Returns text with ANSI escape codes when `color` is true (plain text otherwise): print it as is
(`sys.stdout.write`, or `console.print(Text.from_ansi(text))`), not as rich markup.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from generator.review.diff import collapse_unknown, format_value, unknown_summary
from generator.review.escape import terminal as safe
from generator.review.model import ACTIONS, Review
from generator.review.render_markdown import ACTION_ORDER, UNKNOWN_HEADROOM, verdict

SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "dim"}
ACTION_STYLE = {
    "create": "green",
    "update": "yellow",
    "replace": "bold magenta",
    "delete": "bold red",
    "read": "cyan",
    "forget": "blue",
    "no-op": "dim",
}
MAX_TABLE_ROWS = 1_000  # rich tables get slow beyond this; the JSON has everything
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


def render_terminal(review: Review, *, color: bool = True, width: int | None = None) -> str:
    """The review as terminal text `width` columns wide (default: the real terminal's width, or `$COLUMNS`)."""
    width = width or terminal_width()
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        color_system="standard" if color else None,
    )
    console.print(Text(_plain_verdict(review), style="bold"))

    counts = Table(show_edge=False, box=None, padding=(0, 1))
    for action in ACTIONS:
        counts.add_column(action, justify="right", style=ACTION_STYLE.get(action, ""))
    counts.add_row(*(str(review.counts[a]) for a in ACTIONS))
    console.print(counts)
    orders = {k: v for k, v in review.replace_orders.items() if v}
    if orders:
        console.print("Replacements: " + ", ".join(f"{v} {k}" for k, v in orders.items()), markup=False)

    if review.dangers:
        dangers = Table(title="Dangers", title_justify="left", expand=False)
        dangers.add_column("severity")
        dangers.add_column("rule")
        dangers.add_column("what happens", overflow="fold")
        dangers.add_column("addresses", overflow="fold")
        for danger in review.dangers:
            listed = list(danger.addresses[:8]) + (
                [f"… {len(danger.addresses) - 8} more"] if len(danger.addresses) > 8 else []
            )
            dangers.add_row(
                Text(danger.severity, style=SEVERITY_STYLE[danger.severity]),
                Text(danger.rule),
                Text(safe(danger.message)),
                Text("\n".join(safe(a) for a in listed)),
            )
        console.print(dangers)

    if review.errored:
        console.print(Text("The plan errored: it is incomplete and cannot be applied.", style="bold red"))
        for diagnostic in review.diagnostics:
            where = f" ({safe(diagnostic.address)})" if diagnostic.address else ""
            detail = f": {safe(diagnostic.detail)}" if diagnostic.detail else ""
            console.print(
                Text(f"  {safe(diagnostic.severity)}{where}: {safe(diagnostic.summary)}{detail}", style="red")
            )
    if review.marks_missing:
        console.print(
            Text(
                "This plan predates Terraform 0.15 and carries no sensitivity marks: attributes named like secrets "
                "were masked by name.",
                style="yellow",
            )
        )
    for deferred in review.deferred:
        console.print(Text(f"deferred: {safe(deferred.address)} ({safe(deferred.reason)})", style="yellow"))
    for check in review.checks:
        if check.status in ("fail", "error"):
            problems = safe("; ".join(check.problems))
            console.print(Text(f"check {check.status}: {safe(check.address)} {problems}", style="red"))

    if review.resources:
        table = Table(title="Changes", title_justify="left")
        table.add_column("action")
        table.add_column("address", overflow="fold")
        table.add_column("why", overflow="fold")
        ordered = sorted(review.resources, key=lambda r: (ACTION_ORDER.get(r.action, 9), r.address))
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
            table.add_row(
                Text(resource.action, style=ACTION_STYLE.get(resource.action, "")),
                Text(safe(resource.address)),
                Text(safe("; ".join(why))),
            )
        console.print(table)
        if len(ordered) > MAX_TABLE_ROWS:
            console.print(
                Text(
                    f"… {len(ordered) - MAX_TABLE_ROWS} more changed resources not shown "
                    "(use --format json for all of them)",
                    style="dim",
                )
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
            console.print(Text(f"{resource.action} {safe(resource.address)}", style=ACTION_STYLE[resource.action]))
            if collapsed:
                console.print(Text("    " + safe(unknown_summary(collapsed)), style="cyan"))
            for d in known[:MAX_ATTRIBUTES]:
                line = Text("    ")
                line.append(safe(d.path), style="bold")
                line.append(f": {safe(format_value(d.before, 120))} → ")
                line.append(safe(format_value(d.after, 120)), style="cyan" if d.unknown else "")
                console.print(line)
            if len(known) > MAX_ATTRIBUTES or len(entries) > limit:
                console.print(Text("    … more attributes not shown", style="dim"))

    if review.drift:
        console.print(Text(f"Drift: {len(review.drift)} resource(s) changed outside Terraform", style="bold yellow"))
        for resource in review.drift:
            console.print(Text(f"  {resource.action} {safe(resource.address)}"))
            for d in resource.drift_diff(limit=MAX_ATTRIBUTES):
                before, after = format_value(d.before, 120), format_value(d.after, 120)
                console.print(Text(safe(f"    {d.path}: {before} → {after}")))

    if review.outputs:
        outputs = Table(title="Output changes", title_justify="left")
        for column in ("output", "action", "before", "after"):
            outputs.add_column(column, overflow="fold")
        for output in review.outputs:
            after = "(known after apply)" if output.unknown else format_value(output.after, 120)
            outputs.add_row(
                Text(safe(output.name)),
                Text(output.action),
                Text(safe(format_value(output.before, 120))),
                Text(safe(after)),
            )
        console.print(outputs)
    return buffer.getvalue()
