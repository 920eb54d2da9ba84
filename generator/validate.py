"""`ekstf validate` as a Python API: spec checks, optional AWS checks, then generate + offline conformance.

It sits above `spec`, `generate` and `conformance` (it uses all three), so none of them imports it.
Spec and AWS problems raise `UserInputError` (exit 2). The conformance report is returned: the caller
decides how to show it and that a failing report means exit 1.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.conformance import check_repo
from generator.errors import Problem, UserInputError
from generator.fsutil import atomic_write_bytes
from generator.generate import render_repo
from generator.spec.loader import LoadedSpec, load_spec


@dataclass
class ConformanceOutcome:
    """What the offline conformance checks found in the repo generated from the spec."""

    ok: bool
    text: str
    data: dict[str, Any]


@dataclass
class ValidationOutcome:
    loaded: LoadedSpec
    warnings: list[Problem] = field(default_factory=list)
    conformance: ConformanceOutcome | None = None

    @property
    def ok(self) -> bool:
        return self.conformance is None or self.conformance.ok


def validate_file(path: Path, *, aws: bool = False, scan: bool = False, conformance: bool = True) -> ValidationOutcome:
    """Check the spec at `path`; raise UserInputError for spec (and AWS) problems."""
    loaded = load_spec(path)
    warnings = list(loaded.warnings)
    if aws:
        from generator.spec.aws_checks import check_against_aws  # boto3 is imported only for --aws

        aws_problems = check_against_aws(loaded.spec, loaded.source)
        if any(p.severity == "error" for p in aws_problems):
            raise UserInputError([*warnings, *aws_problems])
        warnings.extend(aws_problems)
    outcome = ValidationOutcome(loaded=loaded, warnings=warnings)
    if conformance:
        outcome.conformance = check_generated(loaded, scan=scan)
    return outcome


def check_generated(loaded: LoadedSpec, *, scan: bool = False) -> ConformanceOutcome:
    """Generate the repo into a temporary directory and run the offline conformance checks on it."""
    files = render_repo(loaded.spec)
    with tempfile.TemporaryDirectory(prefix="ekstf-validate-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        for relative, content in sorted(files.items()):
            atomic_write_bytes(root / relative, content)
        report = check_repo(root, scan=scan)
        data = report.to_json()
        data["repo"] = "(a temporary directory, removed after the checks)"
        return ConformanceOutcome(ok=report.ok, text=report.render(), data=data)


def problem_as_dict(problem: Problem) -> dict[str, Any]:
    location = problem.location
    return {
        "severity": problem.severity,
        "message": problem.message,
        "file": location.file if location else None,
        "line": location.line if location else None,
        "column": location.column if location else None,
        "keyPath": problem.key_path,
        "expected": problem.expected,
        "hint": problem.hint,
    }
