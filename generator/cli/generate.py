"""CLI of the generate area: `ekstf generate SPEC -o DIR [--force] [--check]` (flags → generator.generate)."""

from __future__ import annotations

from pathlib import Path

import typer

from generator.cli.output import console, console_err
from generator.errors import EXIT_FAILURE


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("generate")(generate_command)


def generate_command(
    spec: Path = typer.Argument(..., help="The spec file (ekstf.yaml).", show_default=False),
    output: Path = typer.Option(..., "-o", "--output", help="Directory of the generated Terraform repository."),
    force: bool = typer.Option(False, "--force", help="Overwrite files you edited since ekstf generated them."),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 if the directory differs from what the spec generates."
    ),
) -> None:
    """Generate a Terraform repository for the cluster described by SPEC.

    Files you edited since ekstf wrote them are never overwritten (exit 1, nothing written) unless --force.
    --check only compares: exit 0 when DIR is what SPEC generates, 1 otherwise. A bad spec exits 2.
    """
    from generator.errors import display_path
    from generator.generate import generate

    report = generate(spec, output, force=force, check=check)
    for warning in report.warnings:
        console_err.print(warning.render(), markup=False, highlight=False)
    where = display_path(output)
    if check:
        if report.up_to_date:
            console.print(f"{where} is up to date with {display_path(spec)}", markup=False)
            return
        console.print(f"{where} differs from what {display_path(spec)} generates:", markup=False)
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


def _describe_check(action: str) -> str:
    return {
        "create": "missing:   ",
        "update": "outdated:  ",
        "overwrite": "edited:    ",
        "conflict": "edited:    ",
        "remove": "extra:     ",
    }.get(action, action)
