"""Terminal rendering with rich: verdict, counts, dangers first, then the changed resources and their diffs.

Returns text with ANSI escape codes when `color` is true (plain text otherwise): print it as is
(`sys.stdout.write`, or `console.print(Text.from_ansi(text))`), not as rich markup.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from generator.review.diff import format_value
from generator.review.model import ACTIONS, Review
from generator.review.render_markdown import ACTION_ORDER, verdict

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


def _plain_verdict(review: Review) -> str:
    return verdict(review).replace("**", "")


def render_terminal(review: Review, *, color: bool = True, width: int = 120) -> str:
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
                Text(danger.message),
                Text("\n".join(listed)),
            )
        console.print(dangers)

    if review.errored:
        console.print(Text("The plan errored: it is incomplete and cannot be applied.", style="bold red"))
    for deferred in review.deferred:
        console.print(Text(f"deferred: {deferred.address} ({deferred.reason})", style="yellow"))
    for check in review.checks:
        if check.status in ("fail", "error"):
            console.print(Text(f"check {check.status}: {check.address} {'; '.join(check.problems)}", style="red"))

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
            table.add_row(
                Text(resource.action, style=ACTION_STYLE.get(resource.action, "")),
                Text(resource.address),
                Text("; ".join(why)),
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
            entries = resource.diff(limit=MAX_ATTRIBUTES + 1)
            if not entries:
                continue
            shown += 1
            console.print(Text(f"{resource.action} {resource.address}", style=ACTION_STYLE[resource.action]))
            for d in entries[:MAX_ATTRIBUTES]:
                line = Text("    ")
                line.append(d.path, style="bold")
                line.append(f": {format_value(d.before, 120)} → ")
                line.append(format_value(d.after, 120), style="cyan" if d.unknown else "")
                console.print(line)
            if len(entries) > MAX_ATTRIBUTES:
                console.print(Text("    … more attributes not shown", style="dim"))

    if review.drift:
        console.print(Text(f"Drift: {len(review.drift)} resource(s) changed outside Terraform", style="bold yellow"))
        for resource in review.drift:
            console.print(Text(f"  {resource.action} {resource.address}"))
            for d in resource.drift_diff(limit=MAX_ATTRIBUTES):
                console.print(Text(f"    {d.path}: {format_value(d.before, 120)} → {format_value(d.after, 120)}"))

    if review.outputs:
        outputs = Table(title="Output changes", title_justify="left")
        for column in ("output", "action", "before", "after"):
            outputs.add_column(column, overflow="fold")
        for output in review.outputs:
            after = "(known after apply)" if output.unknown else format_value(output.after, 120)
            outputs.add_row(output.name, output.action, format_value(output.before, 120), after)
        console.print(outputs)
    return buffer.getvalue()
