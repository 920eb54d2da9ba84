"""Generate: a completed spec → a Terraform repository (render_repo), written safely (write_repo)."""

from __future__ import annotations

from generator.generate.api import generate
from generator.generate.render import render_repo
from generator.generate.writer import FileOutcome, WriteReport, write_repo

__all__ = ["FileOutcome", "WriteReport", "generate", "render_repo", "write_repo"]
