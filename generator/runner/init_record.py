"""When `ekstf plan` may skip `terraform init`: nothing init depends on changed since the last successful one.

`terraform init` reads the configuration's module calls, provider requirements and backend block (all in
`*.tf` / `*.tf.json`; variables cannot be used there, so `*.tfvars` do not matter), the dependency lock file and
the `-backend-config` arguments, and installs into `.terraform/`. ekstf records a digest of all of that, and of
what init left in `.terraform/` (the module manifest, the backend settings, the installed provider files), after
each successful init; the next plan runs init again only when the digest differs. Deleting `.terraform/` or the
record forces it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from generator.fsutil import atomic_write_text
from generator.runner.workdir import LOCK_FILE, plan_inputs

_DATA_DIR = ".terraform"
_INIT_INPUT_SUFFIXES = (".tf", ".tf.json")


def init_digest(workdir: Path, engine_identity: str, backend_config: Sequence[str]) -> str | None:
    """The digest of what `terraform init` in `workdir` depends on and installed; None without `.terraform/`."""
    data_dir = workdir / _DATA_DIR
    if not data_dir.is_dir():
        return None
    digest = hashlib.sha256()

    def add(label: str, value: bytes) -> None:
        digest.update(f"{label}\0{len(value)}\0".encode())
        digest.update(value)

    add("engine", engine_identity.encode())
    for argument in backend_config:
        add("backend-config", argument.encode())
        candidate = Path(argument)
        if "=" not in argument and candidate.is_file():
            add("backend-config-file", candidate.read_bytes())
    for path in plan_inputs(workdir):
        if path.name == LOCK_FILE or path.name.endswith(_INIT_INPUT_SUFFIXES):
            add(path.relative_to(workdir).as_posix(), path.read_bytes())
    for installed in (data_dir / "modules" / "modules.json", data_dir / "terraform.tfstate"):
        if installed.is_file():
            add(installed.relative_to(workdir).as_posix(), installed.read_bytes())
    for root, dirs, files in os.walk(data_dir / "providers"):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            add(path.relative_to(workdir).as_posix(), str(path.lstat().st_size).encode())
    return digest.hexdigest()


def init_is_current(record: Path, digest: str | None) -> bool:
    """Whether the record of the last successful init holds `digest` (an unreadable record is not current)."""
    if digest is None:
        return False
    try:
        return record.read_text(encoding="utf-8").strip() == digest
    except (OSError, UnicodeDecodeError):
        return False


def record_init(record: Path, digest: str | None) -> None:
    if digest is not None:
        atomic_write_text(record, digest + "\n")
