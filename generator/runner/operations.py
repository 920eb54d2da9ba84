"""plan → review → apply on one Terraform directory, with the saved-plan safety checks.

`plan` runs `init`, `plan -out`, `show -json` and records hashes of the plan inputs; `apply` applies only
that saved plan, and only when nothing changed since; afterwards the outputs are saved as JSON.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from generator.engine.base import CommandResult, Engine, OutputLine
from generator.errors import ConflictError, Interrupted, Problem, ToolError, UserInputError, display_path
from generator.runner.progress import OperationProgress
from generator.runner.summary import summarize_plan
from generator.runner.workdir import PRIVATE, PlanRecord, RunPaths, changed_inputs, hash_inputs, write_private_json

EXIT_NO_CHANGES = 0
EXIT_CHANGES = 2

Confirm = Callable[[dict[str, Any]], bool]
"""Shown the plan JSON; True to go ahead."""


def check_workdir(workdir: Path) -> Path:
    if not workdir.is_dir():
        raise UserInputError(Problem(f"{workdir} is not a directory", key_path="-C/--dir"))
    if not any(workdir.glob("*.tf")) and not any(workdir.glob("*.tf.json")):
        raise UserInputError(
            Problem(
                f"{display_path(workdir)} holds no Terraform files (*.tf)",
                key_path="-C/--dir",
                hint="point -C at the directory with your root module",
            )
        )
    return workdir.resolve()


_DURATION = re.compile(r"^\d+(ms|s|m|h)$")


def check_lock_timeout(lock_timeout: str | None) -> None:
    if lock_timeout is not None and not _DURATION.match(lock_timeout):
        raise UserInputError(
            Problem(
                f"{lock_timeout!r} is not a duration",
                key_path="--lock-timeout",
                expected="a number with a unit: ms, s, m or h (e.g. 90s, 5m)",
            )
        )


def _raise_if_interrupted(result: CommandResult, what: str) -> None:
    if result.interrupts > 1:
        raise Interrupted(
            f"interrupted twice: Terraform was terminated while {what}. The state may lack the last changes and a "
            "state lock may remain: check with `terraform state list`, and release a stale lock with "
            "`terraform force-unlock LOCK_ID`."
        )
    if result.interrupted:
        raise Interrupted(
            f"interrupted: Terraform stopped {what} gracefully (state saved, lock released where it was held)"
        )


def init(engine: Engine, workdir: Path, console: Console, *, backend_config: Sequence[str] = ()) -> None:
    """`terraform init`, quietly unless it fails; its output is then shown verbatim."""
    console.print(f"Initializing {display_path(workdir)} with {engine.describe()} …", markup=False, highlight=False)
    lines: list[OutputLine] = []
    result = engine.init(workdir, backend_config=backend_config, on_output=lines.append)
    _raise_if_interrupted(result, "initializing")
    if result.returncode != 0:
        raise ToolError("terraform init failed:", result.argv, "\n".join(line.text for line in lines))


@dataclass
class PlanOutcome:
    exit_code: int
    plan: dict[str, Any]
    record: PlanRecord
    paths: RunPaths


def make_plan(
    engine: Engine,
    workdir: Path,
    console: Console,
    *,
    destroy: bool = False,
    targets: Sequence[str] = (),
    var_files: Sequence[Path] = (),
    refresh_only: bool = False,
    backend_config: Sequence[str] = (),
    lock_timeout: str | None = None,
) -> PlanOutcome:
    """init + plan -out + show -json, recording what the plan was made from. Exit code 0/2; errors raise."""
    paths = RunPaths(workdir)
    check_lock_timeout(lock_timeout)
    var_paths = [Path(v).resolve() for v in var_files]
    for var_path in var_paths:
        if not var_path.is_file():
            raise UserInputError(Problem(f"var file {var_path} does not exist", key_path="--var-file"))
    init(engine, workdir, console, backend_config=backend_config)
    paths.ensure_state_dir()
    for stale in (paths.plan_file(destroy), paths.plan_json(destroy), paths.plan_record(destroy)):
        stale.unlink(missing_ok=True)
    record = PlanRecord(
        status="errored",
        exit_code=1,
        engine=engine.describe(),
        terraform_version="",
        created_at=PlanRecord.now(),
        destroy=destroy,
        refresh_only=refresh_only,
        targets=list(targets),
        var_files=[str(v) for v in var_paths],
        hashes=hash_inputs(workdir, var_paths),
    )
    with OperationProgress(console, "Planning") as progress:
        result = engine.plan(
            workdir,
            out=paths.plan_file(destroy),
            destroy=destroy,
            targets=targets,
            var_files=var_paths,
            refresh_only=refresh_only,
            lock_timeout=lock_timeout,
            on_output=progress,
        )
    if result.returncode not in (EXIT_NO_CHANGES, EXIT_CHANGES) or result.interrupted:
        record.save(paths.plan_record(destroy))
        paths.plan_file(destroy).unlink(missing_ok=True)
        _raise_if_interrupted(result, "planning")
        shown = "" if progress.diagnostics else result.diagnostics_text()
        raise ToolError(f"terraform plan failed (exit code {result.returncode}); nothing can be applied.", output=shown)
    os.chmod(paths.plan_file(destroy), PRIVATE)
    plan = engine.show_json(workdir, paths.plan_file(destroy))
    write_private_json(paths.plan_json(destroy), plan, compact=True)
    record.exit_code = result.returncode
    record.status = "changes" if result.returncode == EXIT_CHANGES else "no-changes"
    record.terraform_version = str(plan.get("terraform_version", ""))
    record.save(paths.plan_record(destroy))
    return PlanOutcome(result.returncode, plan, record, paths)


def check_saved_plan(workdir: Path, *, destroy: bool = False) -> tuple[PlanRecord, dict[str, Any]]:
    """The saved plan and its JSON, if it may be applied; otherwise a ConflictError saying why."""
    import json

    paths = RunPaths(workdir)
    command = "ekstf destroy" if destroy else f"ekstf plan -C {display_path(workdir)}"
    record = PlanRecord.load(paths.plan_record(destroy))
    if record is not None and record.status == "applied":
        raise ConflictError(f"the saved plan was already applied; run `{command}` to make a new one.")
    if record is not None and record.status == "errored":
        raise ConflictError(f"the last plan failed (exit code {record.exit_code}); fix the errors and run `{command}`.")
    if record is None or not paths.plan_file(destroy).is_file():
        raise ConflictError(f"no saved plan in {display_path(paths.state_dir)}; run `{command}` first.")
    changes = changed_inputs(record.hashes, hash_inputs(workdir, [Path(v) for v in record.var_files]))
    if changes:
        listing = "\n".join(f"  - {c}" for c in changes)
        raise ConflictError(
            f"the saved plan is stale: these files changed since it was made ({record.created_at}):\n{listing}\n"
            f"Run `{command}` again and review the new plan."
        )
    try:
        plan = json.loads(paths.plan_json(destroy).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ConflictError(f"the saved plan's JSON is missing or unreadable; run `{command}` again.") from None
    return record, plan


def apply_saved_plan(
    engine: Engine,
    workdir: Path,
    console: Console,
    *,
    confirm: Confirm | None,
    destroy: bool = False,
    lock_timeout: str | None = None,
) -> dict[str, Any]:
    """Apply the saved plan (after `confirm(plan)` unless None); returns and saves the outputs."""
    check_lock_timeout(lock_timeout)
    record, plan = check_saved_plan(workdir, destroy=destroy)
    paths = RunPaths(workdir)
    if confirm is not None and not confirm(plan):
        raise ConflictError("not applied: the plan was not approved.")
    if not (workdir / ".terraform").is_dir():
        init(engine, workdir, console)
    with OperationProgress(console, "Destroying" if destroy else "Applying", total=summarize_plan(plan).total) as p:
        result = engine.apply(workdir, paths.plan_file(destroy), lock_timeout=lock_timeout, on_output=p)
    paths.plan_file(destroy).unlink(missing_ok=True)
    record.status = "applied" if result.returncode == 0 else "errored"
    record.exit_code = result.returncode
    record.save(paths.plan_record(destroy))
    _raise_if_interrupted(result, "applying")
    if result.returncode != 0:
        shown = "" if p.diagnostics else result.diagnostics_text()
        raise ToolError(f"terraform apply failed (exit code {result.returncode}).", output=shown)
    with contextlib.suppress(FileNotFoundError):
        paths.plan_json(destroy).unlink()
    return save_outputs(engine, workdir)


def save_outputs(engine: Engine, workdir: Path) -> dict[str, Any]:
    """`output -json`, written to `.ekstf/outputs.json` (mode 0600: sensitive values are in clear there)."""
    outputs = engine.output_json(workdir)
    paths = RunPaths(workdir)
    paths.ensure_state_dir()
    write_private_json(paths.outputs_json, outputs)
    return outputs


def read_outputs(engine: Engine, workdir: Path, console: Console) -> dict[str, Any]:
    """The current outputs from the state (initializing first when needed), also saved to outputs.json."""
    if not (workdir / ".terraform").is_dir():
        init(engine, workdir, console)
    return save_outputs(engine, workdir)
