"""Atomic file writes: a temp file in the same directory, fsync, then rename."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


TEMP_SUFFIX = ".tmp"


def stage_bytes(path: Path, data: bytes, mode: int | None = None) -> Path:
    """Write `data` to a new temp file beside `path` (synced to disk) and return its path; `path` is untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        elif path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp_name, 0o644)
    except BaseException:
        discard(Path(tmp_name))
        raise
    return Path(tmp_name)


def discard(tmp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `path` so readers see the old file or the new one, never a partial one."""
    tmp = stage_bytes(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def atomic_write_text(path: Path, text: str, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def stale_temp_files(path: Path) -> list[Path]:
    """Temp files `stage_bytes` made for `path` and nobody renamed (a run killed with SIGKILL leaves them).

    Only names of exactly our pattern (`.NAME.` + mkstemp's 8 characters + `.tmp`) are matched.
    """
    pattern = re.compile(re.escape(_temp_prefix(path)) + r"[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
    try:
        entries = list(path.parent.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [entry for entry in entries if pattern.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink()]
