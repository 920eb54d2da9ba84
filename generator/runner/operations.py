"""plan → review → apply on one Terraform directory, with the saved-plan safety checks.

`plan` runs `init`, `plan -out`, `show -json` and records hashes of the plan inputs; `apply` applies only
that saved plan, and only when nothing changed since; afterwards the outputs are saved as JSON.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from generator.engine.base import CommandResult, Engine, OutputLine
from generator.engine.jsondoc import BadJson, parse_json_object
from generator.errors import ConflictError, Interrupted, Problem, ToolError, UserInputError, display_path
from generator.fsutil import atomic_write_bytes, atomic_write_text, sha256_bytes, sha256_file
from generator.runner.credentials import credentials_error_in_terraform_output
from generator.runner.init_record import init_digest, init_is_current, record_init
from generator.runner.progress import OperationProgress
from generator.runner.secrets import KnownSecrets, secrets_in_state
from generator.runner.summary import changing_resources
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
    if not result.interrupted:
        return
    name = signal_name(result.first_signal)
    if result.interrupts > 1:
        error = Interrupted(
            f"interrupted twice ({name} first): Terraform was terminated while {what}. The state may lack the last "
            "changes and a state lock may remain: check with `terraform state list`, and release a stale lock with "
            "`terraform force-unlock LOCK_ID`."
        )
    else:
        error = Interrupted(
            f"interrupted ({name}): Terraform stopped {what} gracefully (state saved, lock released where it was held)"
        )
    error.exit_code = interrupted_exit_code(result.first_signal)
    raise error


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return "SIGINT"


def interrupted_exit_code(signum: int) -> int:
    """128 + the signal number, as a shell reports a command a signal ended: 130 Ctrl-C, 129 hang-up, 143 kill."""
    return 128 + (signum or signal.SIGINT)


def init(engine: Engine, workdir: Path, console: Console, *, backend_config: Sequence[str] = ()) -> None:
    """`terraform init`, quietly unless it fails; its output is then shown verbatim."""
    console.print(f"Initializing {display_path(workdir)} with {engine.describe()} …", markup=False, highlight=False)
    lines: list[OutputLine] = []
    result = engine.init(workdir, backend_config=backend_config, on_output=lines.append)
    _raise_if_interrupted(result, "initializing")
    if result.returncode != 0:
        output = "\n".join(line.text for line in lines)
        raise credentials_error_in_terraform_output("init", output) or ToolError(
            "terraform init failed:", result.argv, output
        )


def init_unless_current(engine: Engine, workdir: Path, console: Console, *, backend_config: Sequence[str] = ()) -> None:
    """`init`, unless nothing it depends on changed since the last successful one (runner/init_record.py)."""
    record = RunPaths(workdir).init_record
    if init_is_current(record, init_digest(workdir, engine.describe(), backend_config)):
        console.print(
            f"{display_path(workdir)} is initialized (its configuration, lock file and backend settings are unchanged).",
            markup=False,
            highlight=False,
        )
        return
    record.unlink(missing_ok=True)
    init(engine, workdir, console, backend_config=backend_config)
    record_init(record, init_digest(workdir, engine.describe(), backend_config))


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
    """init (when needed) + plan -out + show -json, recording what the plan was made from. Exit code 0/2; errors
    raise."""
    paths = RunPaths(workdir)
    check_lock_timeout(lock_timeout)
    var_paths = [Path(v).resolve() for v in var_files]
    for var_path in var_paths:
        if not var_path.is_file():
            raise UserInputError(Problem(f"var file {var_path} does not exist", key_path="--var-file"))
    paths.ensure_state_dir()
    init_unless_current(engine, workdir, console, backend_config=backend_config)
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
        raise credentials_error_in_terraform_output("plan", result.diagnostics_text()) or ToolError(
            f"terraform plan failed (exit code {result.returncode}); nothing can be applied.", output=shown
        )
    os.chmod(paths.plan_file(destroy), PRIVATE)
    plan_text = engine.show_json_text(workdir, paths.plan_file(destroy))
    plan = _parse_plan_text(plan_text)
    atomic_write_text(paths.plan_json(destroy), plan_text + "\n", mode=PRIVATE)
    record.exit_code = result.returncode
    record.status = "changes" if result.returncode == EXIT_CHANGES else "no-changes"
    record.terraform_version = str(plan.get("terraform_version", ""))
    record.plan_sha256 = sha256_file(paths.plan_file(destroy))
    record.plan_json_sha256 = sha256_file(paths.plan_json(destroy))
    record.save(paths.plan_record(destroy))
    return PlanOutcome(result.returncode, plan, record, paths)


def _parse_plan_text(text: str) -> dict[str, Any]:
    try:
        return parse_json_object(text)
    except BadJson as error:
        raise ToolError(f"`terraform show -json` printed a plan that cannot be read: {error}") from None


@dataclass(frozen=True)
class SavedPlan:
    """A saved plan that may be applied: its record and the plan file's bytes, checked against the record."""

    record: PlanRecord
    plan_bytes: bytes


def check_saved_plan(workdir: Path, *, destroy: bool = False) -> SavedPlan:
    """The saved plan, if it may be applied; otherwise a ConflictError saying why.

    Refused: no plan, an applied or errored one, changed inputs (stale), and a plan file or plan.json whose
    SHA-256 is not the one recorded when the plan was made (replaced, or copied from elsewhere).
    """
    paths = RunPaths(workdir)
    command = "ekstf destroy" if destroy else f"ekstf plan -C {display_path(workdir)}"
    record = PlanRecord.load(paths.plan_record(destroy))
    if record is not None and record.status == "applied":
        raise ConflictError(f"the saved plan was already applied; run `{command}` to make a new one.")
    if record is not None and record.status == "errored":
        raise ConflictError(f"the last plan failed (exit code {record.exit_code}); fix the errors and run `{command}`.")
    if record is None or not paths.plan_file(destroy).is_file():
        raise ConflictError(f"no saved plan in {display_path(paths.state_dir)}; run `{command}` first.")
    if not record.plan_sha256 or not record.plan_json_sha256:
        raise ConflictError(
            f"{display_path(paths.plan_record(destroy))} records no hash of the plan file (made by an older ekstf); "
            f"run `{command}` again and review the new plan."
        )
    changes = changed_inputs(record.hashes, hash_inputs(workdir, [Path(v) for v in record.var_files]))
    if changes:
        listing = "\n".join(f"  - {c}" for c in changes)
        raise ConflictError(
            f"the saved plan is stale: these files changed since it was made ({record.created_at}):\n{listing}\n"
            f"Run `{command}` again and review the new plan."
        )
    plan_bytes = _read_saved(paths.plan_file(destroy), command)
    if sha256_bytes(plan_bytes) != record.plan_sha256:
        raise ConflictError(_not_the_reviewed_plan(paths.plan_file(destroy), record, command))
    try:
        plan_json_hash = sha256_file(paths.plan_json(destroy))
    except OSError:
        plan_json_hash = "missing"
    if plan_json_hash != record.plan_json_sha256:
        raise ConflictError(_not_the_reviewed_plan(paths.plan_json(destroy), record, command))
    return SavedPlan(record, plan_bytes)


def _read_saved(path: Path, command: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConflictError(f"cannot read {display_path(path)} ({error.strerror}); run `{command}` again.") from None


def _not_the_reviewed_plan(path: Path, record: PlanRecord, command: str) -> str:
    return (
        f"{display_path(path)} is not the plan that `ekstf plan` made and showed ({record.created_at}): its SHA-256 "
        f"differs from the one in {RunPaths(path.parent.parent).plan_record(record.destroy).name}. It was replaced or "
        f"copied from elsewhere; refusing to apply it. Run `{command}` again and review the new plan."
    )


PreApplyCheck = Callable[[Path, dict[str, Any]], None]
"""Called with the workdir and the exact plan about to be applied, before approval; raises to stop."""


def apply_saved_plan(
    engine: Engine,
    workdir: Path,
    console: Console,
    *,
    confirm: Confirm | None,
    destroy: bool = False,
    lock_timeout: str | None = None,
    pre_apply_check: PreApplyCheck | None = None,
) -> RootOutputs:
    """Apply the saved plan (after `confirm(plan)` unless None); returns and saves the outputs.

    The plan file's bytes are read once, checked against the record, and copied to a private file; what
    `confirm` is shown is `terraform show -json` of that copy (which must equal the reviewed plan.json), and
    that copy is what Terraform applies, so what was approved and what is applied cannot diverge.
    `pre_apply_check` (e.g. a pre-destroy check for leftovers) runs on that same plan before approval.
    """
    check_lock_timeout(lock_timeout)
    saved = check_saved_plan(workdir, destroy=destroy)
    record = saved.record
    paths = RunPaths(workdir)
    command = "ekstf destroy" if destroy else f"ekstf plan -C {display_path(workdir)}"
    frozen = paths.applying_file(destroy)
    atomic_write_bytes(frozen, saved.plan_bytes, mode=PRIVATE)
    try:
        if not (workdir / ".terraform").is_dir():
            init(engine, workdir, console)
        plan_text = engine.show_json_text(workdir, frozen)
        if sha256_bytes((plan_text + "\n").encode("utf-8")) != record.plan_json_sha256:
            raise ConflictError(
                f"`terraform show -json` of {display_path(paths.plan_file(destroy))} no longer gives the reviewed "
                f"{paths.plan_json(destroy).name} (another Terraform version?); refusing to apply. Run `{command}` again."
            )
        plan = _parse_plan_text(plan_text)
        if pre_apply_check is not None:
            pre_apply_check(workdir, plan)
        if confirm is not None and not confirm(plan):
            raise ConflictError("not applied: the plan was not approved.")
        with OperationProgress(console, "Destroying" if destroy else "Applying", total=changing_resources(plan)) as p:
            result = engine.apply(workdir, frozen, lock_timeout=lock_timeout, on_output=p)
    finally:
        frozen.unlink(missing_ok=True)
    paths.plan_file(destroy).unlink(missing_ok=True)
    record.status = "applied" if result.returncode == 0 else "errored"
    record.exit_code = result.returncode
    record.save(paths.plan_record(destroy))
    _raise_if_interrupted(result, "applying")
    if result.returncode != 0:
        shown = "" if p.diagnostics else result.diagnostics_text()
        raise credentials_error_in_terraform_output("apply", result.diagnostics_text()) or ToolError(
            f"terraform apply failed (exit code {result.returncode}).", output=shown
        )
    with contextlib.suppress(FileNotFoundError):
        paths.plan_json(destroy).unlink()
    return save_outputs(engine, workdir)


@dataclass(frozen=True)
class RootOutputs:
    """The root module's outputs and the values the state marks sensitive, read with one `show -json` of the state
    (every Terraform run costs a process start; the state holds both)."""

    values: dict[str, Any]  # {name: {"sensitive", "type", "value"}}, as `terraform output -json` prints them
    secrets: KnownSecrets  # to mask unmarked copies of sensitive values wherever outputs are printed


def save_outputs(engine: Engine, workdir: Path) -> RootOutputs:
    """The outputs of the current state, written to `.ekstf/outputs.json` (mode 0600: sensitive values are in
    clear there)."""
    state = engine.show_state_json(workdir)
    outputs = RootOutputs(outputs_in_state(state), secrets_in_state(state))
    paths = RunPaths(workdir)
    paths.ensure_state_dir()
    write_private_json(paths.outputs_json, outputs.values)
    return outputs


def outputs_in_state(state: dict[str, Any]) -> dict[str, Any]:
    """`values.outputs` of `show -json` in the shape of `output -json` (the same fields: sensitive, type, value)."""
    values = state.get("values")
    outputs = values.get("outputs") if isinstance(values, dict) else None
    if not isinstance(outputs, dict):
        return {}
    return {
        name: {"sensitive": bool(entry.get("sensitive")), "type": entry.get("type"), "value": entry.get("value")}
        for name, entry in outputs.items()
        if isinstance(entry, dict)
    }


def read_outputs(engine: Engine, workdir: Path, console: Console) -> RootOutputs:
    """The current outputs from the state (initializing first when needed), also saved to outputs.json."""
    if not (workdir / ".terraform").is_dir():
        init(engine, workdir, console)
    return save_outputs(engine, workdir)
