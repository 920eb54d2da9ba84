"""CLI of the generate area: `ekstf generate SPEC -o DIR [--force] [--check]` (flags → generator.generate)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from generator.cli.output import console, console_err
from generator.errors import EXIT_FAILURE

if TYPE_CHECKING:  # the generate package is imported only when the command runs
    from generator.generate.writer import Action


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("generate")(generate_command)


def generate_command(
    spec: Path = typer.Argument(..., help="The spec file (ekstf.yaml).", show_default=False),
    output: str = typer.Option(
        ..., "-o", "--output", metavar="DIR", help="Directory of the generated Terraform repository."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite files you edited since ekstf generated them."),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 if the directory differs from what the spec generates."
    ),
) -> None:
    """Generate a Terraform repository for the cluster described by SPEC.

    Files you edited since ekstf wrote them are never overwritten (exit 1, nothing written) unless --force.
    --check only compares: exit 0 when DIR is what SPEC generates, 1 otherwise. A bad spec exits 2.
    """
    from generator.errors import Problem, UserInputError, display_path, terminal_safe
    from generator.generate import generate

    if not output.strip():
        # Path("") is the current directory: an empty -o (an unset shell variable) must not write there.
        raise UserInputError(Problem("-o/--output is empty", hint="give the output directory, e.g. -o infra"))
    out_dir = Path(output)
    report = generate(spec, out_dir, force=force, check=check)
    for warning in report.warnings:
        console_err.print(warning.render(), markup=False, highlight=False)
    where = terminal_safe(display_path(out_dir))
    spec_name = terminal_safe(display_path(spec))
    if check:
        if report.up_to_date:
            console.print(f"{where} is up to date with {spec_name}", markup=False)
            return
        console.print(f"{where} differs from what {spec_name} generates:", markup=False)
        for outcome in report.changes:
            console.print(f"  {_describe_check(outcome.action)} {outcome.path}", markup=False)
        raise typer.Exit(EXIT_FAILURE)
    for outcome in report.outcomes:
        if outcome.action != "identical":
            detail = f" ({outcome.detail})" if outcome.detail else ""
            console.print(f"{outcome.action:>10}  {outcome.path}{detail}", markup=False)
    identical = len(report.by_action("identical"))
    changed = len(report.changes)
    summary = f"{where}: {changed} file(s) changed, {identical} identical"
    console_err.print(summary, markup=False)


def _describe_check(action: Action) -> str:
    return {
        "create": "missing:   ",
        "update": "outdated:  ",
        "overwrite": "edited:    ",
        "conflict": "edited:    ",
        "remove": "extra:     ",
    }.get(action, action)
