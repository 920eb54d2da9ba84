"""Preflight findings: what may stop an upgrade stage, with a severity and the fix."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STAGES = ("control-plane", "nodes", "addons")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One preflight result. An `error` blocks the stages in `blocks` (all three when empty)."""

    severity: str
    code: str
    message: str
    fix: str = ""
    subject: str = ""  # spec key path or AWS object the finding is about
    step: str = ""  # "1.32 → 1.33"
    blocks: tuple[str, ...] = field(default_factory=tuple)

    def blocks_stage(self, stage: str) -> bool:
        return self.severity == "error" and (not self.blocks or stage in self.blocks)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["blocks"] = list(self.blocks or STAGES) if self.severity == "error" else []
        return data

    def render(self) -> str:
        subject = f"{self.subject}: " if self.subject else ""
        text = f"{self.severity}: {subject}{self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text
