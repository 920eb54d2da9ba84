"""The Python API of `ekstf migrate` for eksctl files: file → spec text + report; writing them atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import UserInputError, display_path
from generator.migrate.context import Context
from generator.migrate.document import EksctlDocument, load_document
from generator.migrate.map_cluster import map_cluster, map_vpc
from generator.migrate.map_nodes import map_node_groups
from generator.migrate.map_workloads import map_workloads
from generator.migrate.report import Report
from generator.migrate.spec_paths import check_value
from generator.migrate.spec_yaml_writer import spec_yaml
from generator.spec.models import API_VERSION


@dataclass
class Migration:
    """The result of a migration: the spec (data and YAML text) and the report on every field."""

    spec: dict[str, Any]
    spec_text: str
    report: Report


def migrate_file(
    path: Path,
    sets: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    kubernetes_version: str | None = None,
    spec_file: str = "ekstf.yaml",
    allow_secret_env: frozenset[str] = frozenset(),
) -> Migration:
    """`env`: only the variables the user named (see `placeholders.named_environment`), never `os.environ`."""
    document = load_document(path=path, sets=sets, env=env or {}, allow_secret_env=allow_secret_env)
    return migrate_document(document, kubernetes_version, source_name=display_path(path), spec_file=spec_file)


def migrate_text(
    text: str,
    file: str = "cluster.yaml",
    sets: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    kubernetes_version: str | None = None,
    allow_secret_env: frozenset[str] = frozenset(),
) -> Migration:
    document = load_document(text=text, file=file, sets=sets, env=env or {}, allow_secret_env=allow_secret_env)
    return migrate_document(document, kubernetes_version, source_name=file)


def migrate_document(
    document: EksctlDocument, kubernetes_version: str | None, source_name: str, spec_file: str = "ekstf.yaml"
) -> Migration:
    ctx = Context(doc=document, kubernetes_version_override=kubernetes_version)
    _require(ctx)
    spec: dict[str, Any] = {"apiVersion": API_VERSION}
    map_cluster(ctx, spec)
    map_vpc(ctx, spec)
    needs = map_node_groups(ctx, spec)
    map_workloads(ctx, spec, needs)
    check_value((), spec)  # what the node group and workload mappers wrote as plain data
    ctx.raise_problems()
    ctx.report.note_sample_ids()
    ctx.report.cover(document.data)
    header = [
        f"ekstf spec migrated by `ekstf migrate` from the eksctl ClusterConfig {source_name}.",
        "Every eksctl field's outcome (mapped, defaulted, approximated, unsupported) is in the migration report.",
        "Check it, then run `ekstf validate` and `ekstf generate`.",
    ]
    text = spec_yaml(spec, header)
    check_spec_text(text, ctx.report, spec_file)
    return Migration(spec=spec, spec_text=text, report=ctx.report)


def _require(ctx: Context) -> None:
    from generator.errors import Problem

    problems = []
    for key in ("name", "region"):
        value = ctx.get(("metadata", key))
        if not isinstance(value, str) or not value.strip():
            problems.append(
                Problem(
                    f"metadata.{key} is required in an eksctl ClusterConfig",
                    ctx.doc.loaded.location(("metadata", key)),
                    f"metadata.{key}",
                    expected="a string",
                )
            )
    if problems:
        raise UserInputError(problems)


def check_spec_text(text: str, report: Report, spec_file: str = "ekstf.yaml") -> None:
    """Load the written spec as `ekstf validate` would; what it rejects goes to the report, not to a crash."""
    from generator.errors import EkstfError
    from generator.generate.render import render_repo
    from generator.spec.loader import load_spec_text

    try:
        loaded = load_spec_text(text, spec_file)
    except UserInputError as error:
        report.spec_problems.extend(p.render() for p in error.errors)
        return
    for warning in loaded.warnings:
        report.warn(f"spec: {warning.key_path}: {warning.message}")
    try:
        render_repo(loaded.spec)
    except UserInputError as error:
        report.spec_problems.extend(f"ekstf generate: {p.render()}" for p in error.errors)
    except EkstfError as error:
        report.spec_problems.append(f"ekstf generate: {error.render()}")
    except Exception as error:  # a generator bug must not lose the migration; it is reported instead
        report.spec_problems.append(f"ekstf generate failed unexpectedly ({type(error).__name__}: {error})")


def write_migration(migration: Migration, output: Path, report_path: Path | None, *, force: bool = False) -> list[Path]:
    """Write the spec and the report (Markdown, or JSON when the name ends in .json); returns what was written."""
    texts = [(output, migration.spec_text)]
    if report_path is not None:
        text = migration.report.to_json() if report_path.suffix.lower() == ".json" else migration.report.to_markdown()
        texts.append((report_path, text))
    write_texts(texts, force=force)
    return [path for path, _ in texts]


def check_outputs(paths: list[Path], *, force: bool = False) -> None:
    """Refuse before any work: two outputs on one path, a directory, or (without `force`) an existing file."""
    from generator.errors import ConflictError, Problem

    seen: dict[Path, Path] = {}
    for path in paths:
        key = Path(os.path.abspath(path))
        if key in seen:
            raise UserInputError(Problem(f"{seen[key]} and {path} are the same file", hint="give each output its own"))
        seen[key] = path
        if path.is_dir():
            raise UserInputError(Problem(f"{path} is a directory", hint="give a file name, e.g. ekstf.yaml"))
    existing = [str(path) for path in paths if path.exists() or path.is_symlink()]
    if existing and not force:
        one = len(existing) == 1
        raise ConflictError(
            f"{', '.join(existing)} already exist{'s' if one else ''}; nothing was written "
            f"(use --force to replace {'it' if one else 'them'})"
        )


def write_texts(texts: list[tuple[Path, str]], *, force: bool = False) -> None:
    """Write every file or none: all are staged as temporary files beside their targets, then renamed.

    An existing file is replaced only with `force`; an unwritable path is the user's to fix (exit 2).
    """
    from generator.errors import Problem

    check_outputs([path for path, _ in texts], force=force)
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in texts:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                staged.append((_stage(path, text), path))
            except OSError as error:
                raise UserInputError(Problem(f"cannot write {path}: {error.strerror or error}")) from None
        for temporary, path in staged:
            os.replace(temporary, path)
        staged.clear()
    finally:
        for temporary, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _stage(path: Path, text: str) -> str:
    """`text` in a synced temporary file next to `path` (same file system, so the rename is atomic)."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
        os.chmod(temporary, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary
