"""`ekstf sandbox`: plan (and apply) a repository with real Terraform against a simulated AWS (thin over sandbox.api)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from generator import resources
from generator.cli.output import console_err

FORMATS = ("terminal", "markdown", "json")


def sandbox_command(
    target: Path = typer.Argument(
        ...,
        help="A spec (ekstf.yaml, generated first) or a Terraform repository.",
        metavar="SPEC_OR_DIR",
        show_default=False,
    ),
    apply: bool = typer.Option(
        False, "--apply", help="Also apply, then plan again: the second plan must show no changes."
    ),
    module_cache: Path | None = typer.Option(
        None,
        "--module-cache",
        help=f"Registry modules unpacked as NAME-VERSION/ (e.g. terraform-aws-eks-{resources.EKS_MODULE_VERSION}/): "
        "no network needed.",
        metavar="DIR",
    ),
    fmt: str = typer.Option("terminal", "--format", "-f", help="terminal, markdown or json."),
    engine: str = typer.Option("auto", "--engine", help="auto | terraform | tofu | embedded"),
    terraform_bin: str | None = typer.Option(
        None, "--terraform-bin", help="A terraform or tofu executable.", metavar="PATH"
    ),
    spawn_providers: bool = typer.Option(
        False,
        "--spawn-providers",
        help="Let Terraform start a provider double per provider instance (slower) instead of reattaching to resident ones.",
    ),
) -> None:
    """Run real `terraform init/plan` (and `apply`) with the real modules against a simulated AWS: no account needed."""
    run_sandbox_cli(
        target,
        apply=apply,
        module_cache=module_cache,
        fmt=fmt,
        engine=engine,
        terraform_bin=terraform_bin,
        spawn_providers=spawn_providers,
    )


def run_sandbox_cli(
    target: Path,
    *,
    apply: bool = False,
    module_cache: Path | None = None,
    fmt: str = "terminal",
    engine: str = "auto",
    terraform_bin: str | None = None,
    spawn_providers: bool = False,
) -> None:
    """The sandbox run behind `ekstf sandbox` and `ekstf validate --plan`; exits 1 when Terraform or AWS refused."""
    from generator.errors import Problem, UserInputError
    from generator.review import render_review
    from generator.sandbox.api import SandboxOptions, run_sandbox

    if fmt not in FORMATS:
        raise UserInputError(Problem(f"unknown format {fmt!r}", key_path="--format", expected=" | ".join(FORMATS)))
    options = SandboxOptions(
        target,
        apply=apply,
        module_cache=module_cache,
        engine=engine,
        terraform_bin=terraform_bin,
        spawn_providers=spawn_providers,
    )
    with console_err.status("sandbox: starting") as status:
        result = run_sandbox(options, progress=lambda message: status.update(f"sandbox: {message}"))
    if fmt == "json":
        document: dict[str, Any] = {
            "ok": result.ok,
            "stage": result.stage,
            "verdict": result.verdict,
            "engine": result.engine,
            "second_plan_changes": result.second_plan_changes,
            "errors": result.errors,
            "review": json.loads(render_review(result.review, "json")) if result.review else None,
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        if result.review is not None:
            color = sys.stdout.isatty()
            sys.stdout.write(render_review(result.review, fmt, max_chars=65_000, color=color))
            sys.stdout.write("\n")
        if result.errors:
            console_err.print(result.errors, markup=False, highlight=False)
        line = f"**{result.verdict}**" if fmt == "markdown" else result.verdict
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    if not result.ok:
        raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("sandbox")(sandbox_command)
