"""generate(): load the spec, render the repository, write it (or check it)."""

from __future__ import annotations

from pathlib import Path

from generator.fsutil import sha256_file
from generator.generate.render import render_repo
from generator.generate.writer import WriteReport, write_repo
from generator.spec.loader import load_spec


def generate(spec_path: Path, out_dir: Path, *, force: bool = False, check: bool = False) -> WriteReport:
    """`ekstf generate`: raises UserInputError for a bad spec (nothing written), ConflictError on hand edits."""
    loaded = load_spec(spec_path)
    files = render_repo(loaded.spec)
    report = write_repo(files, out_dir, force=force, check=check, spec_hash=sha256_file(spec_path))
    report.warnings = loaded.warnings
    return report
