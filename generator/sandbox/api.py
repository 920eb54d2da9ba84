"""`ekstf sandbox`: plan (and apply) a generated repository with real Terraform and the real modules against the
simulated AWS of the provider double, in a scratch copy that is removed afterwards.

from generator.sandbox.api import SandboxOptions, run_sandbox
result = run_sandbox(SandboxOptions(Path("ekstf.yaml"), apply=True, module_cache=Path("tf-modules")))
result.ok, result.verdict, result.review
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import resources
from generator.engine.base import CommandResult, Engine, OutputLine
from generator.errors import Interrupted, Problem, UserInputError
from generator.review.model import Review
from generator.sandbox import workspace

Progress = Callable[[str], None]


def _no_progress(message: str) -> None:
    pass


@dataclass
class SandboxOptions:
    target: Path
    """A spec (generated first) or a Terraform repository directory (copied)."""
    apply: bool = False
    module_cache: Path | None = None
    engine: str = "auto"
    terraform_bin: str | None = None
    spawn_providers: bool = False
    """Let Terraform start a double per provider instance (as it starts real plugins) instead of resident ones."""


@dataclass
class SandboxResult:
    ok: bool
    stage: str
    """The last stage that ran: generate, init, plan, apply, replan."""
    verdict: str
    review: Review | None = None
    plan: dict[str, Any] | None = None
    second_plan_changes: int | None = None
    errors: str = ""
    engine: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def _check_options(options: SandboxOptions) -> None:
    target = options.target
    if not target.exists():
        raise UserInputError(
            Problem(
                f"{target} does not exist",
                key_path="SPEC_OR_DIR",
                hint="give a spec file (ekstf.yaml) or a generated repository directory",
            )
        )
    if target.is_dir() and not any(target.glob("*.tf")):
        raise UserInputError(
            Problem(
                f"{target} holds no .tf files",
                key_path="SPEC_OR_DIR",
                hint="give a spec file or a Terraform repository",
            )
        )
    cache = options.module_cache
    if cache is not None:
        if not cache.is_dir():
            raise UserInputError(Problem(f"{cache} is not a directory", key_path="--module-cache"))
        if not workspace.module_packages(cache):
            raise UserInputError(
                Problem(
                    f"{cache} holds no registry module packages",
                    key_path="--module-cache",
                    expected=f"directories named NAME-VERSION, e.g. terraform-aws-eks-{resources.EKS_MODULE_VERSION}/",
                    hint="unpack each registry module's release archive there",
                )
            )


def _materialise(target: Path, repo: Path) -> None:
    if target.is_dir():
        workspace.copy_repository(target, repo)
    else:
        from generator.generate.api import generate

        generate(target, repo)
    if workspace.uses_remote_backend(repo):
        workspace.force_local_backend(repo)


def _change_count(review: Review) -> int:
    return sum(count for action, count in review.counts.items() if action not in ("no-op", "read"))


def _summary(review: Review) -> str:
    counts = review.counts
    parts = [
        f"{counts.get(a, 0)} to {v}"
        for a, v in (("create", "add"), ("update", "change"), ("replace", "replace"), ("delete", "destroy"))
    ]
    if counts.get("import"):
        parts.append(f"{counts['import']} to import")
    return ", ".join(parts)


class _Run:
    def __init__(self, engine: Engine, repo: Path, progress: Progress) -> None:
        self.engine = engine
        self.repo = repo
        self.progress = progress

    def _watch(self, stage: str) -> Callable[[OutputLine], None]:
        done = [0]

        def on_output(line: OutputLine) -> None:
            kind = line.event_type
            if kind in ("apply_complete", "planned_change", "refresh_complete"):
                done[0] += 1
                if done[0] % 10 == 0:
                    self.progress(f"{stage}: {done[0]} resources")

        return on_output

    def checked(self, result: CommandResult) -> CommandResult:
        if result.interrupted:
            raise Interrupted("interrupted; Terraform stopped and the scratch copy was removed")
        return result


def run_sandbox(options: SandboxOptions, progress: Progress = _no_progress) -> SandboxResult:
    """Plan (and with `apply`, apply and re-plan) `options.target` against the simulated AWS."""
    import time

    from generator.engine import select_engine
    from generator.review import review_plan
    from generator.review.plan_input import plan_from_dict

    _check_options(options)
    engine = select_engine(options.engine, options.terraform_bin)
    scratch = Path(tempfile.mkdtemp(prefix="ekstf-sandbox-"))
    timings: dict[str, float] = {}
    try:
        repo = scratch / "repo"
        started = time.monotonic()
        progress("preparing the scratch copy")
        _materialise(options.target.resolve(), repo)
        timings["generate"] = time.monotonic() - started
        registry = workspace.ModuleRegistry(options.module_cache) if options.module_cache else None
        with registry if registry is not None else _nothing():
            space = workspace.prepare(scratch, repo, registry.url if registry else None)
            variables = space.environment()
            residents = None if options.spawn_providers else workspace.ResidentProviders(variables)
            with residents if residents is not None else _nothing():
                if residents is not None:
                    variables.update(residents.variables())
                with workspace.environment(variables):
                    run = _Run(engine, repo, progress)
                    return _stages(run, options, timings, review_plan, plan_from_dict)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _stages(
    run: _Run, options: SandboxOptions, timings: dict[str, float], review_plan: Any, plan_from_dict: Any
) -> SandboxResult:
    import time

    engine, repo, progress = run.engine, run.repo, run.progress
    describe = engine.describe()

    def failed(stage: str, result: CommandResult, what: str) -> SandboxResult:
        text = result.diagnostics_text()
        refused = "Refused by the ekstf sandbox's simulated AWS" in text
        who = "the simulated AWS refused" if refused else "Terraform failed"
        return SandboxResult(
            False, stage, f"sandbox: FAILED at {what} — {who}", errors=text, engine=describe, timings=timings
        )

    progress("terraform init")
    started = time.monotonic()
    result = run.checked(engine.init(repo, on_output=run._watch("init")))
    timings["init"] = time.monotonic() - started
    if result.returncode != 0:
        return failed("init", result, "init")
    progress("terraform plan")
    plan_file = repo / "sandbox.tfplan"
    started = time.monotonic()
    result = run.checked(engine.plan(repo, out=plan_file, on_output=run._watch("plan")))
    timings["plan"] = time.monotonic() - started
    if result.returncode not in (0, 2):
        return failed("plan", result, "plan")
    plan = engine.show_json(repo, plan_file)
    review = review_plan(plan_from_dict(plan, "sandbox plan"))
    summary = _summary(review)
    if not options.apply:
        return SandboxResult(
            True, "plan", f"sandbox: plan OK ({summary})", review, plan, engine=describe, timings=timings
        )
    progress("terraform apply")
    started = time.monotonic()
    result = run.checked(engine.apply(repo, plan_file, on_output=run._watch("apply")))
    timings["apply"] = time.monotonic() - started
    if result.returncode != 0:
        outcome = failed("apply", result, "apply")
        outcome.review, outcome.plan = review, plan
        return outcome
    progress("terraform plan (after apply)")
    second_file = repo / "sandbox-second.tfplan"
    started = time.monotonic()
    result = run.checked(engine.plan(repo, out=second_file, on_output=run._watch("second plan")))
    timings["replan"] = time.monotonic() - started
    if result.returncode not in (0, 2):
        outcome = failed("replan", result, "the plan after apply")
        outcome.review, outcome.plan = review, plan
        return outcome
    second = review_plan(plan_from_dict(engine.show_json(repo, second_file), "second sandbox plan"))
    changes = _change_count(second)
    if changes:
        return SandboxResult(
            False,
            "replan",
            f"sandbox: plan and apply OK ({summary}), but the plan after apply is not empty ({_summary(second)})",
            review,
            plan,
            changes,
            errors="\n".join(f"{change.address}: {change.action}" for change in second.resources if change.is_change),
            engine=describe,
            timings=timings,
        )
    return SandboxResult(
        True,
        "replan",
        f"sandbox: plan, apply OK ({summary}); the plan after apply shows no changes",
        review,
        plan,
        0,
        engine=describe,
        timings=timings,
    )
