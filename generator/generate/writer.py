"""write_repo: put generated files on disk without ever clobbering a hand edit.

The manifest `.ekstf/manifest.json` records the sha256 of every file ekstf wrote. Outcomes per file, like copier:
create, identical (left alone, mtime kept), update (unchanged by the user since last time), conflict (the user edited
it: nothing at all is written), overwrite (a conflict with `force`), remove (no longer generated and unedited).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator import __version__
from generator.errors import ConflictError, FileSystemError, Problem, UserInputError, terminal_safe
from generator.fsutil import discard, sha256_bytes, stage_bytes, stale_temp_files

MANIFEST = ".ekstf/manifest.json"
MANIFEST_FORMAT = 1
Action = Literal["create", "update", "overwrite", "remove", "identical", "conflict", "keep"]


@dataclass
class FileOutcome:
    path: str
    action: Action
    detail: str = ""


@dataclass
class WriteReport:
    """What happened (or, with check, what would happen) to each file."""

    out_dir: Path
    outcomes: list[FileOutcome] = field(default_factory=list)
    checked: bool = False
    written: bool = False
    warnings: list[Problem] = field(default_factory=list)

    def by_action(self, action: Action) -> list[str]:
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
    for part in (path.parent, path):
        if part.is_symlink() or (part.exists() and part.is_dir() != (part == path.parent)):
            kind = (
                "a symbolic link"
                if part.is_symlink()
                else "a directory"
                if part.is_dir()
                else "a file"
                if part.is_file()
                else "not a plain file or directory"
            )
            raise UserInputError(
                Problem(
                    f"{part} is {kind}, where ekstf keeps its manifest ({MANIFEST})",
                    hint=f"move it away; ekstf then treats every existing file in {out_dir} as hand-written",
                )
            )
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError
        return {str(k): str(v) for k, v in files.items()}
    except OSError as error:
        raise FileSystemError(f"cannot read {path}", error) from None
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


# Kernel pseudo-file systems: writing a repository there fails half-way with confusing errors.
_PSEUDO_FILE_SYSTEMS = (Path("/proc"), Path("/sys"), Path("/dev"))


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UserInputError(f"{out_dir} exists and is not a directory; choose another output directory (-o)")
    resolved = out_dir.resolve()
    for root in _PSEUDO_FILE_SYSTEMS:
        if resolved.is_relative_to(root):
            raise UserInputError(
                Problem(
                    f"refusing to write a repository into {out_dir} ({root} is a kernel pseudo-file system)",
                    hint="choose a normal directory with -o",
                )
            )


def _blocking_file(out_dir: Path, relative: str) -> str | None:
    """The part of `relative`'s directory that exists but is not a directory (so the file cannot be written)."""
    current = out_dir
    for part in Path(relative).parts[:-1]:
        current = current / part
        if current.exists() and not current.is_dir():
            return current.relative_to(out_dir).as_posix()
    return None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise FileSystemError(f"cannot read {path}", error) from None


def plan_writes(files: dict[str, bytes], out_dir: Path, *, force: bool = False) -> WriteReport:
    """Decide every file's outcome without touching the disk."""
    _check_out_dir(out_dir)
    previous = _read_manifest(out_dir)
    report = WriteReport(out_dir=out_dir)
    for relative, content in sorted(files.items()):
        path = _safe_path(out_dir, relative)
        blocking = _blocking_file(out_dir, relative)
        if blocking is not None:
            report.outcomes.append(FileOutcome(relative, "conflict", f"`{blocking}` is a file, not a directory"))
            continue
        if not path.exists():
            report.outcomes.append(FileOutcome(relative, "create"))
            continue
        if path.is_dir():
            report.outcomes.append(FileOutcome(relative, "conflict", "a directory is in the way"))
            continue
        current = sha256_bytes(_read(path))
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
        if sha256_bytes(_read(path)) == previous[relative]:
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
    """Write `files` under `out_dir` (or, with `check`, only compare). Raises ConflictError on hand edits.

    Every new file is first written in full beside its target; only when all of them are on disk are they renamed
    into place (the manifest last). A full disk or a read-only directory therefore changes nothing, and raises
    FileSystemError.
    """
    report = plan_writes(files, out_dir, force=force)
    if check:
        report.checked = True
        return report
    if report.conflicts:
        raise ConflictError(_conflict_message(report))
    writes = {o.path: files[o.path] for o in report.outcomes if o.action in ("create", "update", "overwrite")}
    manifest = manifest_bytes(files, spec_hash)
    manifest_path = out_dir / MANIFEST
    if not manifest_path.is_file() or _read(manifest_path) != manifest:
        writes[MANIFEST] = manifest
    _remove_stale_temp_files(out_dir, [*files, MANIFEST])
    created = _missing_directories(out_dir, writes)
    staged: list[tuple[Path, Path]] = []
    try:
        for relative, content in writes.items():
            target = _safe_path(out_dir, relative) if relative != MANIFEST else manifest_path
            staged.append((stage_bytes(target, content), target))
    except OSError as error:
        for tmp, _ in staged:
            discard(tmp)
        _remove_created(created)
        raise FileSystemError(f"cannot write into {out_dir} (nothing was changed)", error) from None
    replaced = 0
    try:
        for tmp, target in staged:
            os.replace(tmp, target)
            replaced += 1
        for outcome in report.outcomes:
            if outcome.action == "remove":
                target = _safe_path(out_dir, outcome.path)
                target.unlink()
                _remove_empty_parents(target.parent, out_dir)
    except OSError as error:
        for tmp, _ in staged[replaced:]:
            discard(tmp)
        raise FileSystemError(
            f"cannot finish writing {out_dir} ({replaced} of {len(staged)} files were replaced)",
            error,
            hint="fix the cause and run `ekstf generate` again: it completes the repository",
        ) from None
    report.written = True
    return report


def _remove_stale_temp_files(out_dir: Path, relatives: list[str]) -> None:
    """Temp files of ours left by a killed run (`kill -9` between writing and renaming)."""
    for relative in relatives:
        for stale in stale_temp_files(out_dir / relative):
            with contextlib.suppress(OSError):
                stale.unlink()


def _missing_directories(out_dir: Path, writes: dict[str, bytes]) -> list[Path]:
    """Directories that writing will create, outermost first (removed again if writing fails)."""
    missing: list[Path] = []
    for relative in writes:
        absent = [d for d in (out_dir / relative).absolute().parents if not d.exists()]
        missing += [d for d in reversed(absent) if d not in missing]
    return missing


def _remove_created(directories: list[Path]) -> None:
    for directory in reversed(directories):
        with contextlib.suppress(OSError):
            directory.rmdir()


def _remove_empty_parents(directory: Path, root: Path) -> None:
    root = root.resolve()
    current = directory.resolve()
    while current != root and current.is_relative_to(root):
        with contextlib.suppress(OSError):
            current.rmdir()
        current = current.parent


def _conflict_message(report: WriteReport) -> str:
    where = terminal_safe(str(report.out_dir))
    lines = [f"refusing to overwrite {len(report.conflicts)} file(s) in {where} (nothing was written):"]
    for outcome in report.outcomes:
        if outcome.action == "conflict":
            lines.append(f"  {outcome.path}: {outcome.detail}")
    lines.append("Move your changes into ekstf.yaml, or re-run with --force to replace the edited files.")
    return "\n".join(lines)
