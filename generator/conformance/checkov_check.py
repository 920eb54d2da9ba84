"""Run checkov (an optional, separately installed tool) on a repo and report failed checks on the repo's own code.

checkov must live in its own environment: it depends on bc-python-hcl2, which replaces python-hcl2's `hcl2`
module. We run it as a subprocess, offline (no module downloads, no platform mapping or API calls). We do not
pass `--quiet`: with it the JSON report leaves out skipped checks, which we list (as info) with their reasons.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from generator.conformance.report import Finding
from generator.errors import ToolError

CHECK_ID = "checkov"
ENV_VARIABLE = "EKSTF_CHECKOV"
TIMEOUT_SECONDS = 900
INSTALL_HINT = (
    "checkov is needed for --scan but was not found. Install it in its own environment (it replaces the `hcl2` "
    "module ekstf uses): `pipx install checkov`, or `python -m venv .venv-scan && .venv-scan/bin/pip install "
    f"checkov`, then put it on PATH or point {ENV_VARIABLE} at the executable (e.g. .venv-scan/bin/checkov)."
)
OFFLINE_ENVIRONMENT = {
    "BC_SKIP_MAPPING": "TRUE",
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    "DOWNLOAD_EXTERNAL_MODULES": "false",
}


def find_checkov(explicit: str | None) -> str:
    candidate = explicit or os.environ.get(ENV_VARIABLE) or "checkov"
    resolved = shutil.which(candidate)
    if resolved is None:
        raise ToolError(f"{INSTALL_HINT} (looked for `{candidate}`)", command=[candidate])
    return resolved


def checkov_command(executable: str, repo: Path) -> list[str]:
    return [
        executable,
        "-d",
        str(repo),
        "--framework",
        "terraform",
        "--skip-download",
        "--compact",
        "-o",
        "json",
    ]


def run_checkov(repo: Path, checkov: str | None = None) -> list[Finding]:
    command = checkov_command(find_checkov(checkov), repo)
    environment = {k: v for k, v in os.environ.items() if k not in ("BC_API_KEY", "PRISMA_API_URL")}
    environment.update(OFFLINE_ENVIRONMENT)
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, env=environment, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"checkov did not finish within {TIMEOUT_SECONDS} s", command=command) from exc
    except OSError as exc:
        raise ToolError(f"could not run checkov: {exc}. {INSTALL_HINT}", command=command) from exc
    try:
        output = json.loads(completed.stdout) if completed.stdout.strip() else None
    except json.JSONDecodeError as exc:
        raise ToolError(
            f"checkov exited {completed.returncode} without JSON output", command=command, output=completed.stderr
        ) from exc
    if output is None or completed.returncode not in (0, 1):
        raise ToolError(f"checkov exited {completed.returncode}", command=command, output=completed.stderr)
    return findings_from_output(output, repo)


def findings_from_output(output: Any, repo: Path) -> list[Finding]:
    """Failed checks become errors, skipped ones info; results outside repo (or under .terraform/) are dropped."""
    reports = output if isinstance(output, list) else [output]
    findings: list[Finding] = []
    for report in reports:
        if not isinstance(report, dict) or report.get("check_type", "terraform") != "terraform":
            continue
        results = report.get("results") or {}
        for check in results.get("failed_checks") or []:
            finding = _finding(check, repo, skipped=False)
            if finding is not None:
                findings.append(finding)
        for parse_error in results.get("parsing_errors") or []:
            file_name = _repo_file({"file_abs_path": str(parse_error)}, repo)
            if file_name is not None:
                findings.append(Finding(CHECK_ID, file_name, None, "checkov could not parse this file", "error"))
        for check in results.get("skipped_checks") or []:
            finding = _finding(check, repo, skipped=True)
            if finding is not None:
                findings.append(finding)
    return findings


def _finding(check: dict[str, Any], repo: Path, *, skipped: bool) -> Finding | None:
    file_name = _repo_file(check, repo)
    if file_name is None:
        return None
    line_range = check.get("file_line_range") or []
    line = int(line_range[0]) if line_range else None
    subject = f"{check.get('resource', '?')}: {check.get('check_id', '?')} {check.get('check_name', '')}".rstrip()
    if skipped:
        reason = (check.get("check_result") or {}).get("suppress_comment") or "no reason given"
        return Finding(CHECK_ID, file_name, line, f"{subject} (skipped: {reason})", "info")
    return Finding(CHECK_ID, file_name, line, subject, "error")


def _repo_file(check: dict[str, Any], repo: Path) -> str | None:
    absolute = check.get("file_abs_path")
    root = repo.resolve()
    relative_to_scan = str(check.get("file_path", "")).lstrip("/")
    path = Path(absolute).resolve() if absolute else (root / relative_to_scan).resolve()
    if path != root and root not in path.parents:
        return None
    relative = path.relative_to(root)
    if any(part.startswith(".") for part in relative.parts[:-1]):
        return None  # e.g. .terraform/modules: code the repo does not define
    return relative.as_posix()
