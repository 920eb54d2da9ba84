"""Live progress of a Terraform operation, built from its `-json` UI events.

In a terminal: a rich live line (resources done / total, what is in flight, elapsed time). Elsewhere (CI,
pipes): plain lines. Diagnostics and any non-JSON line Terraform prints are shown verbatim in both modes.
"""

from __future__ import annotations

import contextlib
import time
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.text import Text

from generator.engine.base import OutputLine
from generator.engine.diagnostics import render_diagnostic

_IGNORED_ACTIONS = {"noop", "no-op", "read", "move", "import", "remove", "forget"}


def _hook_address(event: dict[str, Any]) -> str:
    hook = event.get("hook") or {}
    return str((hook.get("resource") or {}).get("addr", "?"))


class OperationProgress:
    """An output callback for `Engine.plan/apply` that displays progress on `console`."""

    def __init__(self, console: Console, operation: str, *, total: int | None = None, live: bool | None = None) -> None:
        self.console = console
        self.operation = operation
        self.total = total
        self.done = 0
        self.planned = 0
        self.refreshed = 0
        self.in_flight: dict[str, float] = {}
        self.started = time.monotonic()
        self.diagnostics: list[str] = []
        self.use_live = console.is_terminal if live is None else live
        self._live: Live | None = None
        self.output_lost = False

    # --- context: the live display ----------------------------------------------------------------------

    def __enter__(self) -> OperationProgress:
        if self.use_live:
            self._live = Live(
                get_renderable=self._status_line, console=self.console, refresh_per_second=4, transient=True
            )
            self._live.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            live, self._live = self._live, None
            with contextlib.suppress(OSError):  # the terminal is gone (hang-up)
                live.__exit__(exc_type, exc, tb)

    def _status_line(self) -> Text:
        elapsed = time.monotonic() - self.started
        if self.operation == "Planning":
            status = f"{self.refreshed} refreshed, {self.planned} changes so far"
        else:
            total = self.total if self.total is not None else self.planned or None
            status = f"{self.done}/{total} resources done" if total else f"{self.done} resources done"
        text = Text(f"{self.operation}: {status}, {elapsed:4.0f}s elapsed", style="bold")
        if self.in_flight:
            now = time.monotonic()
            address, since = next(iter(self.in_flight.items()))
            more = f" (+{len(self.in_flight) - 1} more)" if len(self.in_flight) > 1 else ""
            text.append(f"  in flight: {address} {now - since:.0f}s{more}", style="dim")
        return text

    def _print(self, text: str, style: str | None = None) -> None:
        if self.output_lost:
            return
        try:
            self.console.print(text, markup=False, highlight=False, style=style, soft_wrap=True)
        except OSError:  # the terminal is gone (hang-up): keep counting, stop printing
            self.output_lost = True

    # --- the callback -----------------------------------------------------------------------------------

    def __call__(self, line: OutputLine) -> None:
        event = line.event
        if event is None:
            if line.text.strip():
                self._print(line.text)
            return
        kind = line.event_type
        message = str(event.get("@message", ""))
        if kind == "diagnostic":
            rendered = render_diagnostic(event)
            self.diagnostics.append(rendered)
            severity = (event.get("diagnostic") or {}).get("severity")
            self._print(rendered + "\n", style="red" if severity == "error" else "yellow")
        elif kind == "planned_change":
            action = str((event.get("change") or {}).get("action", ""))
            if action not in _IGNORED_ACTIONS:
                self.planned += 1
        elif kind == "refresh_start":
            self.in_flight[_hook_address(event)] = time.monotonic()
        elif kind == "refresh_complete":
            self.in_flight.pop(_hook_address(event), None)
            self.refreshed += 1
        elif kind == "apply_start":
            self.in_flight[_hook_address(event)] = time.monotonic()
            if not self.use_live:
                self._print(message)
        elif kind in ("apply_complete", "apply_errored"):
            self.in_flight.pop(_hook_address(event), None)
            self.done += 1
            total = self.total if self.total is not None else self.planned
            self._print(f"[{self.done}/{total}] {message}" if total else message)
        elif kind in ("log", "change_summary", "provision_progress", "provision_errored"):
            self._print(message.strip("\n"))
