"""CLI of the run area: plan, apply, outputs, kubeconfig, destroy, bootstrap-state, doctor (flags → generator.runner)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from generator.cli.output import console, console_err

if TYPE_CHECKING:
    from generator.engine import Engine
    from generator.runner.operations import Confirm

DIR_OPTION = typer.Option(Path("."), "-C", "--dir", help="The Terraform directory (root module).")
ENGINE_OPTION = typer.Option(
    "auto", "--engine", help="auto (terraform, then tofu on PATH, else embedded) | terraform | tofu | embedded."
)
BIN_OPTION = typer.Option(None, "--terraform-bin", help="Path of the terraform/tofu executable to use.")
AUTO_APPROVE_OPTION = typer.Option(False, "--auto-approve", help="Do not ask for approval (CI).")
LOCK_TIMEOUT_OPTION = typer.Option(
    None, "--lock-timeout", help="Wait this long for a held state lock (e.g. 5m) instead of failing at once."
)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("plan")(plan_command)
    app.command("apply")(apply_command)
    app.command("outputs")(outputs_command)
    app.command("kubeconfig")(kubeconfig_command)
    app.command("destroy")(destroy_command)
    app.command("bootstrap-state")(bootstrap_state_command)
    app.command("doctor")(doctor_command)


def _engine(kind: str, terraform_bin: str | None) -> Engine:
    from generator.engine import select_engine

    return select_engine(kind, terraform_bin, color=console_err.is_terminal and not os.environ.get("NO_COLOR"))


def _print_review(plan: dict[str, Any], *, json_path: Path | None = None, markdown_path: Path | None = None) -> None:
    from rich.text import Text

    from generator.runner.summary import render_plan

    color = console.is_terminal and not os.environ.get("NO_COLOR")
    rendered = render_plan(plan, json_path=json_path, markdown_path=markdown_path, color=color, width=console.width)
    console.print(Text.from_ansi(rendered) if color else rendered, markup=False, highlight=False)


def _confirmer(auto_approve: bool, verb: str, *, show_review: bool = True) -> Confirm | None:
    """None with --auto-approve; else a prompt showing the plan (refusing when there is no terminal)."""
    from generator.errors import ConflictError

    if auto_approve:
        return None

    def confirm(plan: dict[str, Any]) -> bool:
        if not sys.stdin.isatty():
            raise ConflictError(
                f"refusing to {verb} without approval: there is no terminal to ask on. "
                "Review the plan (ekstf plan) and pass --auto-approve."
            )
        if show_review:
            _print_review(plan)
        answer: str = typer.prompt(f"Do you want to {verb} these changes? Only 'yes' will be accepted")
        return answer.strip() == "yes"

    return confirm


def plan_command(
    workdir: Path = DIR_OPTION,
    var_file: list[Path] = typer.Option([], "--var-file", help="A .tfvars file (repeatable)."),
    target: list[str] = typer.Option([], "--target", help="Plan only this resource address (repeatable)."),
    refresh_only: bool = typer.Option(False, "--refresh-only", help="Only reconcile the state with reality."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the review as JSON to this file."),
    markdown_path: Path | None = typer.Option(None, "--markdown", help="Also write the review as Markdown (PRs)."),
    backend_config: list[str] = typer.Option(
        [], "--backend-config", help="Passed to `terraform init -backend-config` (KEY=VALUE or a file; repeatable)."
    ),
    lock_timeout: str | None = LOCK_TIMEOUT_OPTION,
    engine: str = ENGINE_OPTION,
    terraform_bin: str | None = BIN_OPTION,
) -> None:
    """init + plan into DIR/.ekstf/plan.tfplan (+ plan.json), then a review. Exit 0 no changes, 2 changes, 1 error."""
    from generator.runner.operations import check_workdir, make_plan
    from generator.runner.summary import preload_review

    directory = check_workdir(workdir)
    preload_review()
    outcome = make_plan(
        _engine(engine, terraform_bin),
        directory,
        console_err,
        targets=target,
        var_files=var_file,
        refresh_only=refresh_only,
        backend_config=backend_config,
        lock_timeout=lock_timeout,
    )
    _print_review(outcome.plan, json_path=json_path, markdown_path=markdown_path)
    if outcome.exit_code == 2:
        console_err.print(
            f"Saved plan: {outcome.paths.plan_file()}; apply it with: ekstf apply -C {workdir}", markup=False
        )
    raise typer.Exit(outcome.exit_code)


def apply_command(
    workdir: Path = DIR_OPTION,
    auto_approve: bool = AUTO_APPROVE_OPTION,
    lock_timeout: str | None = LOCK_TIMEOUT_OPTION,
    engine: str = ENGINE_OPTION,
    terraform_bin: str | None = BIN_OPTION,
) -> None:
    """Apply exactly the saved plan of `ekstf plan` (refused when missing, stale or errored); save the outputs."""
    from generator.runner.operations import apply_saved_plan, check_workdir

    directory = check_workdir(workdir)
    selected = _engine(engine, terraform_bin)
    applied = apply_saved_plan(
        selected,
        directory,
        console_err,
        confirm=_confirmer(auto_approve, "apply"),
        lock_timeout=lock_timeout,
    )
    console_err.print(
        f"Applied. {len(applied.values)} output(s) saved to {directory / '.ekstf' / 'outputs.json'} (mode 0600).",
        markup=False,
    )
    if applied.values:
        from generator.runner.outputs import outputs_table

        console.print(outputs_table(applied.values, secrets=applied.secrets))  # sensitive values masked


def destroy_command(
    workdir: Path = DIR_OPTION,
    auto_approve: bool = AUTO_APPROVE_OPTION,
    var_file: list[Path] = typer.Option([], "--var-file", help="A .tfvars file (repeatable)."),
    target: list[str] = typer.Option([], "--target", help="Destroy only this resource address (repeatable)."),
    lock_timeout: str | None = LOCK_TIMEOUT_OPTION,
    clean_up: bool = typer.Option(
        False, "--clean-up", help="Delete what Kubernetes controllers left (load balancers, ENIs, nodes, volumes)."
    ),
    ignore_leftovers: bool = typer.Option(False, "--ignore-leftovers", help="Destroy even with leftovers found."),
    engine: str = ENGINE_OPTION,
    terraform_bin: str | None = BIN_OPTION,
) -> None:
    """plan -destroy, show what goes, confirm (or --auto-approve), apply.

    Refused (exit 1) while Kubernetes controllers' leftovers exist, unless --clean-up or --ignore-leftovers.
    """
    from generator.day2.destroy_guard import LeftoversGuard
    from generator.runner.operations import apply_saved_plan, check_workdir, make_plan

    directory = check_workdir(workdir)
    selected = _engine(engine, terraform_bin)
    guard = LeftoversGuard(  # first what Kubernetes controllers created outside Terraform
        _confirmer(auto_approve, "destroy", show_review=False),
        clean=clean_up,
        ignore=ignore_leftovers,
        targeted=bool(target),
        say=lambda text: console_err.print(text, markup=False, highlight=False),
    )
    outcome = make_plan(
        selected, directory, console_err, destroy=True, targets=target, var_files=var_file, lock_timeout=lock_timeout
    )
    _print_review(outcome.plan)
    if outcome.exit_code == 0:
        console_err.print("Nothing to destroy.")
        return
    apply_saved_plan(
        selected,
        directory,
        console_err,
        confirm=guard.confirm,
        destroy=True,
        lock_timeout=lock_timeout,
        pre_apply_check=guard.check,
    )
    console_err.print("Destroyed.")


def outputs_command(
    name: str | None = typer.Argument(None, help="Print only this output."),
    workdir: Path = DIR_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    show_sensitive: bool = typer.Option(False, "--show-sensitive", help="Print sensitive values in clear."),
    engine: str = ENGINE_OPTION,
    terraform_bin: str | None = BIN_OPTION,
) -> None:
    """The root module's outputs (sensitive values masked unless --show-sensitive)."""
    from generator.engine.jsondoc import dumps_json
    from generator.runner.operations import check_workdir, read_outputs
    from generator.runner.outputs import format_value, output_value, output_values, outputs_table

    state = read_outputs(_engine(engine, terraform_bin), check_workdir(workdir), console_err)
    outputs = state.values
    secrets = None if show_sensitive or not outputs else state.secrets
    if name is not None:
        value = output_value(outputs, name, show_sensitive=show_sensitive, secrets=secrets)
        text = dumps_json(value) if as_json else format_value(value)
        console.print(text, markup=False, highlight=False)
    elif as_json:
        console.print(dumps_json(output_values(outputs, show_sensitive=show_sensitive, secrets=secrets)), markup=False)
    elif not outputs:
        console_err.print("No outputs (has the configuration been applied?).")
    else:
        console.print(outputs_table(outputs, show_sensitive=show_sensitive, secrets=secrets))


def kubeconfig_command(
    workdir: Path = DIR_OPTION,
    kubeconfig: Path | None = typer.Option(None, "--kubeconfig", help="File to merge into (default: $KUBECONFIG)."),
    alias: str | None = typer.Option(None, "--alias", help="Context name (default: the cluster name)."),
    region: str | None = typer.Option(None, "--region", help="Region, when no output gives it."),
    cluster_name_output: str | None = typer.Option(None, "--cluster-name-output", help="Output with the name."),
    endpoint_output: str | None = typer.Option(None, "--endpoint-output", help="Output with the API endpoint."),
    ca_data_output: str | None = typer.Option(None, "--ca-data-output", help="Output with the CA data (base64)."),
    set_current: bool = typer.Option(True, "--set-current/--no-set-current", help="Make it the current context."),
    engine: str = ENGINE_OPTION,
    terraform_bin: str | None = BIN_OPTION,
) -> None:
    """Write or merge a kubeconfig context for the cluster (auth: `aws eks get-token`), keeping all others."""
    from generator.runner.kubeconfig import cluster_access, default_kubeconfig_path, write_kubeconfig
    from generator.runner.operations import check_workdir, read_outputs

    outputs = read_outputs(_engine(engine, terraform_bin), check_workdir(workdir), console_err).values
    overrides = {"cluster_name": cluster_name_output, "endpoint": endpoint_output, "ca_data": ca_data_output}
    access = cluster_access(outputs, overrides={k: v for k, v in overrides.items() if v}, region=region)
    path = kubeconfig or default_kubeconfig_path()
    context = write_kubeconfig(path, access, alias=alias, set_current=set_current)
    console_err.print(f"Context {context!r} for cluster {access.cluster_name} ({access.region}) written to {path}.")


def bootstrap_state_command(
    bucket: str = typer.Option(..., "--bucket", help="S3 bucket for Terraform state."),
    region: str = typer.Option(..., "--region", help="AWS region of the bucket."),
    key_prefix: str = typer.Option("", "--key-prefix", help="Prefix of the state key in the backend snippet."),
    kms_key_id: str | None = typer.Option(None, "--kms-key-id", help="Encrypt with this KMS key (default SSE-S3)."),
    insecure_transport: bool = typer.Option(
        False, "--insecure-transport", help="Skip the TLS-only policy (only for S3 emulators over plain HTTP)."
    ),
) -> None:
    """Create (if missing) and harden the S3 state bucket: versioning, encryption, no public access, TLS only."""
    from generator.runner.state_bucket import backend_snippet, bootstrap_state_bucket

    report = bootstrap_state_bucket(bucket, region, kms_key_id=kms_key_id, tls_policy=not insecure_transport)
    for action in report.actions:
        console_err.print(f"  - {action}", markup=False)
    key = f"{key_prefix.strip('/')}/terraform.tfstate" if key_prefix.strip("/") else "terraform.tfstate"
    console_err.print("Backend configuration using it (S3-native locking):", markup=False)
    console.print(backend_snippet(bucket, region, key), markup=False, highlight=False)


def doctor_command(engine: str = ENGINE_OPTION, terraform_bin: str | None = BIN_OPTION) -> None:
    """Which engine would run, its Terraform version, the CLI config and provider mirror. Exit 1 if no engine works."""
    from generator.runner.doctor import diagnose

    report = diagnose(engine, terraform_bin)
    for label, value in report.lines():
        console.print(f"{label + ':':<20} {value}", markup=False, highlight=False)
    for warning in report.warnings:
        console_err.print(f"warning: {warning}", markup=False, highlight=False)
    for problem in report.problems:
        console_err.print(f"problem: {problem}", markup=False, highlight=False)
    raise typer.Exit(0 if report.ok else 1)
