"""`ekstf upgrade`: the path one minor at a time, preflight per step, and the stage edits (+ generate).

plan_upgrade() only reads; run_stage() edits the spec for the next step's stage, validates the result, generates
the repository from it (when asked) and only then replaces the spec file; a blocked stage writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.day2.findings import STAGES, Finding
from generator.day2.preflight import LiveFacts, check_step, pinned_addons, spec_groups
from generator.day2.roundtrip import SpecDocument
from generator.day2.stages import StageEdit, edit_addons, edit_control_plane, edit_nodes
from generator.day2.versions import Step, addon_compatible, check_target, minor_of, upgrade_path
from generator.errors import EkstfError, display_path
from generator.fsutil import atomic_write_text
from generator.spec.loader import load_spec
from generator.spec.models import Spec

STAGE_CHOICES = (*STAGES, "all")
UPGRADE_DOC = "UPGRADE.md"


class UpgradeBlocked(EkstfError):
    """A preflight error blocks the stage (exit 1); nothing was written."""

    def __init__(self, stage: str, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        body = "\n".join(f.render() for f in self.findings)
        super().__init__(f"the {stage} stage is blocked by {len(self.findings)} preflight error(s):\n{body}")


@dataclass
class UpgradePlan:
    spec_path: Path
    spec: Spec
    current: str
    target: str
    steps: list[Step]
    findings: list[Finding]
    pending: list[str]  # stages left at the current version: "nodes", "addons"
    notes: list[Finding] = field(default_factory=list)

    def blockers(self, stage: str) -> list[Finding]:
        step = self.stage_step(stage)
        return [f for f in self.findings if f.step == step.label and f.blocks_stage(stage)] if step else []

    def stage_step(self, stage: str) -> Step | None:
        """The step a stage works on: the next minor for the control plane, the current one for the others."""
        if stage in ("control-plane", "all"):
            return self.steps[0] if self.steps else None
        return Step(f"1.{minor_of(self.current) - 1}", self.current)

    @property
    def blocked(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "spec": display_path(self.spec_path),
            "cluster": self.spec.cluster.name,
            "region": self.spec.cluster.region,
            "from": self.current,
            "to": self.target,
            "pending": self.pending,
            "steps": [
                {
                    "from": step.source,
                    "to": step.target,
                    "findings": [f.to_json() for f in self.findings if f.step == step.label],
                }
                for step in self.steps
            ],
            "findings": [f.to_json() for f in self.findings if f.step not in {s.label for s in self.steps}],
            "notes": [f.to_json() for f in self.notes],
            "blocked": self.blocked,
        }


def _group_versions(spec: Spec) -> dict[str, str]:
    return {key: spec.node_version(group) for key, group in spec_groups(spec)}


def pending_stages(spec: Spec) -> list[str]:
    """What is left to do at the spec's current control-plane version."""
    pending = []
    current = minor_of(spec.cluster.version)
    if any(minor_of(v) < current for v in _group_versions(spec).values()):
        pending.append("nodes")
    if any(addon_compatible(n, v, spec.cluster.version) is False for n, v in pinned_addons(spec).items()):
        pending.append("addons")
    return pending


def plan_upgrade(
    spec_path: Path,
    target_text: str,
    *,
    live: LiveFacts | None = None,
    today: date | None = None,
    ignored_insights: Sequence[str] = (),
) -> UpgradePlan:
    target = check_target(target_text)
    spec = load_spec(spec_path).spec
    current = spec.cluster.version
    steps = upgrade_path(current, target)
    today = today or date.today()
    findings: list[Finding] = []
    versions = _group_versions(spec)
    for index, step in enumerate(steps):
        findings += check_step(
            spec, step, versions, first=index == 0, live=live, today=today, ignored_insights=ignored_insights
        )
        versions = dict.fromkeys(versions, step.target)  # the nodes stage of this step moves every group
    pending = pending_stages(spec)
    if "nodes" in pending:
        completion = Step(f"1.{minor_of(current) - 1}", current)
        findings += [
            f
            for f in check_step(spec, completion, _group_versions(spec), first=False, live=None, today=today)
            if f.code in ("ami-family-not-offered", "custom-ami")
        ]
    return UpgradePlan(spec_path, spec, current, target, steps, findings, pending, list(live.notes) if live else [])


@dataclass
class StageResult:
    stage: str
    changes: list[str]
    findings: list[Finding]
    generated: list[str]  # files written under the output directory
    upgrade_doc: Path | None

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "changes": self.changes,
            "findings": [f.to_json() for f in self.findings],
            "generated": self.generated,
            "upgrade_doc": display_path(self.upgrade_doc) if self.upgrade_doc else None,
        }


def run_stage(
    plan: UpgradePlan, stage: str, *, out_dir: Path | None, live: LiveFacts | None, force: bool = False
) -> StageResult:
    """Edit the spec for `stage` (refused when blocked), generate into `out_dir`, then replace the spec file."""
    blockers = plan.blockers(stage)
    if stage == "all":  # every error of the step's three stages
        step = plan.stage_step(stage)
        blockers = [f for f in plan.findings if f.severity == "error" and (step is None or f.step == step.label)]
    if blockers:
        raise UpgradeBlocked(stage, blockers)
    document = SpecDocument.load(plan.spec_path)
    original = document.original
    edits = _edit(document, plan, stage, live)
    final = edits[-1].document
    changes = [line for edit in edits for line in edit.changes]
    findings = [f for edit in edits for f in edit.findings]
    text = final.dump()
    if text == original:
        return StageResult(stage, [], findings, [], None)
    final.validated()  # an invalid result is the user's to see (exit 2), before anything is written
    generated: list[str] = []
    if out_dir is not None:
        generated = _generate(plan.spec_path, text, out_dir, force=force)
    atomic_write_text(plan.spec_path, text)
    doc_path = write_upgrade_doc(plan, out_dir)
    return StageResult(stage, changes, findings, generated, doc_path)


def _edit(document: SpecDocument, plan: UpgradePlan, stage: str, live: LiveFacts | None) -> list[StageEdit]:
    if stage == "control-plane":
        return [edit_control_plane(document, plan.spec)] if plan.steps else [StageEdit(stage, document)]
    if stage == "nodes":
        return [edit_nodes(document, plan.spec)]
    if stage == "addons":
        return [edit_addons(document, plan.spec, live)]
    edits: list[StageEdit] = []
    spec = plan.spec
    if plan.steps:
        edits.append(edit_control_plane(document, spec))
        document = SpecDocument.from_text(document.path, edits[-1].document.dump())
        spec = document.validated().spec
    edits.append(edit_nodes(document, spec))
    document = SpecDocument.from_text(document.path, edits[-1].document.dump())
    edits.append(edit_addons(document, spec, live))
    return edits


def _generate(spec_path: Path, text: str, out_dir: Path, *, force: bool) -> list[str]:
    """Generate from the edited text (a temporary file beside the spec) before the spec itself is replaced."""
    from generator.generate import generate

    temporary = spec_path.with_name(f".{spec_path.name}.ekstf-upgrade")
    try:
        temporary.write_text(text, encoding="utf-8")
        report = generate(temporary, out_dir, force=force)
    finally:
        if temporary.exists():
            os.unlink(temporary)
    return [outcome.path for outcome in report.changes]


def write_upgrade_doc(plan: UpgradePlan, out_dir: Path | None) -> Path:
    from generator.day2.upgrade_doc import render_upgrade_doc

    folder = out_dir if out_dir is not None else plan.spec_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / UPGRADE_DOC
    atomic_write_text(path, render_upgrade_doc(plan, out_dir))
    return path
