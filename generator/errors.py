"""The one error hierarchy of ekstf; the CLI maps it to messages and exit codes in one place.

Exit codes follow the conventions of the tools our users combine us with:
  0 ok, 1 runtime/tool failure, 2 bad input (usage or spec), 3 a review gate triggered, 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_GATE = 3
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class SourceLocation:
    """Where in an input file something is: 1-based line and column."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One finding about user input: where, which key, what was wrong, what to do."""

    message: str
    location: SourceLocation | None = None
    key_path: str = ""
    expected: str = ""
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        key = f"{self.key_path}: " if self.key_path else ""
        text = f"{where}{self.severity}: {key}{self.message}"
        if self.expected:
            text += f"\n    expected: {self.expected}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class EkstfError(Exception):
    """Base of every error ekstf raises on purpose."""

    exit_code = EXIT_FAILURE

    def render(self) -> str:
        return str(self)


class UserInputError(EkstfError):
    """Input the user can fix: a bad spec, a bad flag, a missing file. Exit code 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: Problem | Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.render())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def render(self) -> str:
        errors = self.errors or self.problems
        head = f"{len(errors)} error(s) in input" if len(errors) > 1 else ""
        body = "\n".join(p.render() for p in self.problems)
        return f"{head}\n{body}" if head else body


class ConflictError(EkstfError):
    """Refusing to overwrite something the user changed (hand edits, a stale plan). Exit code 1."""


class ToolError(EkstfError):
    """An external tool (terraform, checkov, AWS) failed; carries the command and its output."""

    def __init__(self, message: str, command: Sequence[str] = (), output: str = "") -> None:
        self.command = list(command)
        self.output = output
        super().__init__(message)

    def render(self) -> str:
        text = str(self.args[0])
        if self.output.strip():
            text += "\n" + self.output.rstrip()
        return text


class GateTriggered(EkstfError):
    """A review gate (--fail-on) matched. Exit code 3."""

    exit_code = EXIT_GATE


class Interrupted(EkstfError):
    """The user pressed Ctrl-C; the child stopped cleanly. Exit code 130."""

    exit_code = EXIT_INTERRUPTED


@dataclass
class ProblemCollector:
    """Collects every problem instead of stopping at the first, like kops' field validation."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise UserInputError(self.problems)


def display_path(path: Path | str) -> str:
    """A path as users typed it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
