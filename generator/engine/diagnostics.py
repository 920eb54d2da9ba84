"""Terraform's `-json` diagnostics rendered the way Terraform prints them in a terminal."""

from __future__ import annotations

from typing import Any


def render_diagnostic(event: dict[str, Any]) -> str:
    """'Error: summary', the source location and code line, then the detail, all as Terraform wrote them."""
    diag = event.get("diagnostic") or {}
    severity = str(diag.get("severity", "error")).capitalize()
    lines = [f"{severity}: {diag.get('summary', event.get('@message', ''))}"]
    where = diag.get("range") or {}
    snippet = diag.get("snippet") or {}
    if where:
        start = where.get("start") or {}
        context = f", in {snippet['context']}" if snippet.get("context") else ""
        lines += ["", f"  on {where.get('filename', '?')} line {start.get('line', '?')}{context}:"]
        if snippet.get("code") is not None:
            first_line = int(snippet.get("start_line") or start.get("line") or 0)
            for offset, code in enumerate(str(snippet["code"]).splitlines()):
                lines.append(f"  {first_line + offset:>3}: {code}")
    detail = str(diag.get("detail") or "").strip()
    if detail:
        lines += ["", detail]
    return "\n".join(lines)
