"""The `.ekstf/` directory inside a Terraform directory: the saved plan, its JSON, its record, the outputs.

The plan record holds a hash of every file that shapes a plan (`*.tf`, `*.tf.json`, `*.tfvars`,
`*.tfvars.json`, `.terraform.lock.hcl`, in the directory and its local module folders, plus the var files
given) so `apply` can prove it applies exactly what was reviewed.
"""

from __future__ import annotations

import json
import os
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from generator.errors import Problem, SourceLocation, UserInputError, display_path
from generator.fsutil import atomic_write_text, sha256_file

STATE_DIR = ".ekstf"
PLAN_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
LOCK_FILE = ".terraform.lock.hcl"
SKIPPED_DIRS = {".terraform", STATE_DIR, ".git"}
PRIVATE = 0o600


@dataclass(frozen=True)
class RunPaths:
    """Where ekstf keeps its files for one Terraform directory."""

    workdir: Path

    @property
    def state_dir(self) -> Path:
        return self.workdir / STATE_DIR

    def ensure_state_dir(self) -> None:
        """Create `.ekstf/`, owner-only, with a .gitignore so plans and outputs (secrets) are never committed."""
        try:
            self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:  # e.g. `.ekstf` is a file, or the directory is read-only
            raise UserInputError(
                Problem(
                    f"cannot create {display_path(self.state_dir)}: {error.strerror or error}",
                    key_path="-C/--dir",
                    hint=f"ekstf keeps its plans in {STATE_DIR}/ inside the Terraform directory: make room for it",
                )
            ) from None
        ignore = self.state_dir / ".gitignore"
        if not ignore.exists():
            # The generator's manifest is the one file here that belongs in version control.
            atomic_write_text(
                ignore,
                "# written by ekstf: plans and outputs may hold secrets\n*\n!.gitignore\n!manifest.json\n",
            )

    def plan_file(self, destroy: bool = False) -> Path:
        return self.state_dir / ("destroy.tfplan" if destroy else "plan.tfplan")

    def plan_json(self, destroy: bool = False) -> Path:
        return self.state_dir / ("destroy.json" if destroy else "plan.json")

    def plan_record(self, destroy: bool = False) -> Path:
        return self.state_dir / ("destroy-record.json" if destroy else "plan-record.json")

    def applying_file(self, destroy: bool = False) -> Path:
        """The private copy of the checked plan file that Terraform shows and applies."""
        return self.state_dir / ("applying-destroy.tfplan" if destroy else "applying.tfplan")

    @property
    def outputs_json(self) -> Path:
        return self.state_dir / "outputs.json"

    @property
    def init_record(self) -> Path:
        """The digest of what the last successful `terraform init` depended on (runner/init_record.py)."""
        return self.state_dir / "init-record"


def _is_plan_input(path: Path) -> bool:
    return path.name == LOCK_FILE or path.name.endswith(PLAN_SUFFIXES)


def plan_inputs(workdir: Path) -> list[Path]:
    """Every file under `workdir` that changes what Terraform plans, sorted."""
    found: list[Path] = []
    for root, dirs, files in os.walk(workdir):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        found.extend(Path(root) / name for name in files if _is_plan_input(Path(name)))
    return sorted(found)


def hash_inputs(workdir: Path, var_files: list[Path]) -> dict[str, str]:
    """{path (relative to workdir when inside it): sha256} for the plan inputs and the given var files."""
    hashes: dict[str, str] = {}
    for path in [*plan_inputs(workdir), *var_files]:
        resolved = path.resolve()
        try:
            key = str(resolved.relative_to(workdir.resolve()))
        except ValueError:
            key = str(resolved)
        hashes[key] = _hash_regular_file(resolved)
    return hashes


RecordStatus = Literal["changes", "no-changes", "errored", "applied"]
RECORD_STATUSES: tuple[RecordStatus, ...] = get_args(RecordStatus)

# The type each record field must have when read back (a tampered record is refused, never half-trusted).
FieldType = Literal["str", "int", "bool", "list[str]", "dict[str, str]"]
_RECORD_FIELD_TYPES: dict[str, FieldType] = {
    "status": "str",
    "exit_code": "int",
    "engine": "str",
    "terraform_version": "str",
    "created_at": "str",
    "destroy": "bool",
    "refresh_only": "bool",
    "targets": "list[str]",
    "var_files": "list[str]",
    "hashes": "dict[str, str]",
    "plan_sha256": "str",
    "plan_json_sha256": "str",
}


def _has_type(value: Any, expected: FieldType) -> bool:
    if expected == "str":
        return isinstance(value, str)
    if expected == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "bool":
        return isinstance(value, bool)
    if expected == "list[str]":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _hash_regular_file(path: Path) -> str:
    """sha256 of a regular file; 'missing' for anything else (a device such as /dev/zero is never read)."""
    if not path.is_file():
        return "missing"
    try:
        return sha256_file(path)
    except OSError:
        return "unreadable"


@dataclass
class PlanRecord:
    """What `plan` saw and produced; `apply` checks it before touching anything.

    `plan_sha256` is the SHA-256 of the saved plan file and `plan_json_sha256` that of `plan.json` (the text
    `terraform show -json` printed for it): `apply` applies a plan file only if both still match.
    """

    status: RecordStatus
    exit_code: int
    engine: str
    terraform_version: str
    created_at: str
    destroy: bool = False
    refresh_only: bool = False
    targets: list[str] = field(default_factory=list)
    var_files: list[str] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    plan_sha256: str = ""
    plan_json_sha256: str = ""

    @staticmethod
    def now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    def save(self, path: Path) -> None:
        atomic_write_text(path, json.dumps(asdict(self), indent=2, sort_keys=True) + "\n", mode=PRIVATE)

    @classmethod
    def load(cls, path: Path) -> PlanRecord | None:
        """The record at `path`; None when there is none; UserInputError when it is not a record we wrote."""
        from generator.engine.jsondoc import BadJson, parse_json_object

        try:
            data = parse_json_object(path.read_bytes())
        except FileNotFoundError:
            return None
        except OSError as error:
            raise _bad_record(path, f"cannot be read: {error.strerror or error}") from None
        except BadJson as error:
            raise _bad_record(path, str(error)) from None
        optional = {f.name for f in fields(cls) if f.default is not MISSING or f.default_factory is not MISSING}
        for name, expected in _RECORD_FIELD_TYPES.items():
            if name not in data:
                if name in optional:  # an older ekstf wrote fewer keys: the defaults stand in
                    continue
                raise _bad_record(path, f"the key {name!r} is missing")
            if not _has_type(data[name], expected):
                raise _bad_record(path, f"{name!r} is {type(data[name]).__name__}, expected {expected}")
        unknown = sorted(set(data) - set(_RECORD_FIELD_TYPES))
        if unknown:
            raise _bad_record(path, f"unknown key(s): {', '.join(unknown)}")
        if data["status"] not in RECORD_STATUSES:
            raise _bad_record(path, f"status {data['status']!r} is not one of {', '.join(RECORD_STATUSES)}")
        return cls(**data)


def _bad_record(path: Path, why: str) -> UserInputError:
    return UserInputError(
        Problem(
            f"not a plan record written by ekstf: {why}",
            location=SourceLocation(display_path(path)),
            hint="it was edited or damaged; nothing was applied. Run `ekstf plan` again to make a new plan",
        )
    )


def changed_inputs(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """Files whose content differs between two hash sets, with how: 'changed', 'added', 'removed'."""
    changes: list[str] = []
    for name in sorted(set(recorded) | set(current)):
        before, after = recorded.get(name), current.get(name)
        if before == after:
            continue
        how = "added" if before is None else "removed" if after is None or after == "missing" else "changed"
        changes.append(f"{name} ({how})")
    return changes


def write_private_json(path: Path, value: Any, *, compact: bool = False) -> None:
    """JSON that may hold secrets (plans, outputs): written atomically, readable by the owner only.

    `compact` (for big documents such as plans) skips indentation. Numbers kept as Decimal are written exactly.
    """
    from generator.engine.jsondoc import dumps_json

    atomic_write_text(path, dumps_json(value, compact=compact) + "\n", mode=PRIVATE)
