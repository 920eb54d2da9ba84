"""The one error hierarchy of ekstf; the CLI maps it to messages and exit codes in one place.

Exit codes follow the conventions of the tools our users combine us with:
  0 ok, 1 runtime/tool failure, 2 bad input (usage or spec), 3 a review gate triggered, 130 interrupted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_GATE = 3
EXIT_INTERRUPTED = 130

Severity = Literal["error", "warning"]


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
    severity: Severity = "error"

    def render(self) -> str:
        """`file:line:col: error: key.path: message` plus indented expected/hint lines.

        Every part may hold text from the input (keys, values, file names): control characters are shown as escapes,
        so input cannot move the cursor, recolour the terminal or fake a line such as "spec is valid".
        """
        where = f"{terminal_safe(str(self.location))}: " if self.location else ""
        key = f"{terminal_safe(self.key_path)}: " if self.key_path else ""
        message = _without_severity(terminal_safe(self.message, keep_newlines=True))
        text = f"{where}{self.severity}: {key}{message}"
        if self.expected:
            text += f"\n    expected: {terminal_safe(self.expected)}"
        if self.hint:
            text += f"\n    hint: {terminal_safe(self.hint, keep_newlines=True)}"
        return text


# C0/C1 controls, DEL, and the characters that reorder or break lines on a terminal (bidi overrides, separators).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def terminal_safe(text: str, keep_newlines: bool = False) -> str:
    """`text` with control characters written as escapes (`\\x1b`, `\\u202e`); with `keep_newlines`, a newline
    starts an indented continuation line."""

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        if keep_newlines and char == "\n":
            return "\n    "  # continuation lines are indented: input cannot start a line of its own
        return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"

    return _UNSAFE.sub(escape, text)


def _without_severity(message: str) -> str:
    """A message that already starts with `error:` (text of another error) would print `error: error: ...`."""
    return re.sub(r"^(?:(?:error|warning):\s*)+", "", message, flags=re.IGNORECASE) or message


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


class FileSystemError(EkstfError):
    """The machine refused to read or write a file for valid input: a read-only directory, a full disk. Exit code 1."""

    def __init__(self, message: str, error: OSError | None = None, hint: str = "") -> None:
        reason = _os_reason(error) if error is not None else ""
        text = terminal_safe(f"{message}: {reason}" if reason else message)
        super().__init__(text + (f"\n    hint: {hint}" if hint else ""))


def _os_reason(error: OSError) -> str:
    import errno

    reasons = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }
    return reasons.get(error.errno or -1) or error.strerror or type(error).__name__


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
