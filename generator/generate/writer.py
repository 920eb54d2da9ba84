"""write_repo: put generated files on disk without ever clobbering a hand edit.

The manifest `.ekstf/manifest.json` records the sha256 of every file ekstf wrote. Outcomes per file, like copier:
create, identical (left alone, mtime kept), update (unchanged by the user since last time), conflict (the user edited
it: nothing at all is written), overwrite (a conflict with `force`), remove (no longer generated and unedited).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import __version__
from generator.errors import ConflictError, Problem, UserInputError
from generator.fsutil import atomic_write_bytes, sha256_bytes

MANIFEST = ".ekstf/manifest.json"
MANIFEST_FORMAT = 1
OUTCOMES = ("create", "update", "overwrite", "remove", "identical", "conflict", "keep")


@dataclass
class FileOutcome:
    path: str
    action: str
    detail: str = ""


@dataclass
class WriteReport:
    """What happened (or, with check, what would happen) to each file."""

    out_dir: Path
    outcomes: list[FileOutcome] = field(default_factory=list)
    checked: bool = False
    written: bool = False
    warnings: list[Problem] = field(default_factory=list)

    def by_action(self, action: str) -> list[str]:
        return [o.path for o in self.outcomes if o.action == action]

    @property
    def changes(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.action not in ("identical", "keep")]

    @property
    def up_to_date(self) -> bool:
        return not self.changes

    @property
    def conflicts(self) -> list[str]:
        return self.by_action("conflict")


def _read_manifest(out_dir: Path) -> dict[str, str]:
    path = out_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError
        return {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError) as error:
        raise UserInputError(
            f"{path}: not a valid ekstf manifest ({error.__class__.__name__}); "
            "remove it to treat every existing file as hand-written"
        ) from None


def manifest_bytes(files: dict[str, bytes], spec_hash: str) -> bytes:
    data: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "generator": "ekstf",
        "ekstf_version": __version__,
        "spec_sha256": spec_hash,
        "files": {path: sha256_bytes(content) for path, content in sorted(files.items())},
    }
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _safe_path(out_dir: Path, relative: str) -> Path:
    target = (out_dir / relative).resolve()
    if not target.is_relative_to(out_dir.resolve()):
        raise UserInputError(f"refusing to write outside the output directory: {relative}")
    return target


def plan_writes(files: dict[str, bytes], out_dir: Path, *, force: bool = False) -> WriteReport:
    """Decide every file's outcome without touching the disk."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UserInputError(f"{out_dir} exists and is not a directory; choose another output directory (-o)")
    previous = _read_manifest(out_dir)
    report = WriteReport(out_dir=out_dir)
    for relative, content in sorted(files.items()):
        path = _safe_path(out_dir, relative)
        if not path.exists():
            report.outcomes.append(FileOutcome(relative, "create"))
            continue
        if path.is_dir():
            report.outcomes.append(FileOutcome(relative, "conflict", "a directory is in the way"))
            continue
        current = sha256_bytes(path.read_bytes())
        if current == sha256_bytes(content):
            report.outcomes.append(FileOutcome(relative, "identical"))
        elif previous.get(relative) == current:
            report.outcomes.append(FileOutcome(relative, "update"))
        else:
            why = "edited since ekstf wrote it" if relative in previous else "exists and was not written by ekstf"
            report.outcomes.append(FileOutcome(relative, "overwrite" if force else "conflict", why))
    for relative in sorted(set(previous) - set(files)):
        path = _safe_path(out_dir, relative)
        if not path.is_file():
            continue
        if sha256_bytes(path.read_bytes()) == previous[relative]:
            report.outcomes.append(FileOutcome(relative, "remove", "no longer generated"))
        else:
            report.outcomes.append(FileOutcome(relative, "keep", "no longer generated, but edited: kept"))
    return report


def write_repo(
    files: dict[str, bytes],
    out_dir: Path,
    *,
    force: bool = False,
    check: bool = False,
    spec_hash: str = "",
) -> WriteReport:
    """Write `files` under `out_dir` (or, with `check`, only compare). Raises ConflictError on hand edits."""
    report = plan_writes(files, out_dir, force=force)
    if check:
        report.checked = True
        return report
    if report.conflicts:
        raise ConflictError(_conflict_message(report))
    for outcome in report.outcomes:
        if outcome.action in ("create", "update", "overwrite"):
            atomic_write_bytes(_safe_path(out_dir, outcome.path), files[outcome.path])
        elif outcome.action == "remove":
            target = _safe_path(out_dir, outcome.path)
            target.unlink()
            _remove_empty_parents(target.parent, out_dir)
    manifest = manifest_bytes(files, spec_hash)
    manifest_path = out_dir / MANIFEST
    if not manifest_path.is_file() or manifest_path.read_bytes() != manifest:
        atomic_write_bytes(manifest_path, manifest)
    report.written = True
    return report


def _remove_empty_parents(directory: Path, root: Path) -> None:
    root = root.resolve()
    current = directory.resolve()
    while current != root and current.is_relative_to(root):
        with contextlib.suppress(OSError):
            current.rmdir()
        current = current.parent


def _conflict_message(report: WriteReport) -> str:
    lines = [f"refusing to overwrite {len(report.conflicts)} file(s) in {report.out_dir} (nothing was written):"]
    for outcome in report.outcomes:
        if outcome.action == "conflict":
            lines.append(f"  {outcome.path}: {outcome.detail}")
    lines.append("Move your changes into ekstf.yaml, or re-run with --force to replace the edited files.")
    return "\n".join(lines)
