"""`ekstf review`: an EKS-aware summary of a Terraform plan, with CI gates."""

from __future__ import annotations

from pathlib import Path

import typer

FORMAT_HELP = "terminal (coloured tables), markdown (PR comment) or json (stable schema, see docs/review.md)."


def review_command(
    plan: str = typer.Argument(
        ..., help="Plan JSON (`terraform show -json PLANFILE`), a binary plan file, or - for stdin.", metavar="PLAN"
    ),
    fmt: str = typer.Option("terminal", "--format", "-f", help=FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the review to FILE instead of stdout."),
    fail_on: list[str] = typer.Option(
        [],
        "--fail-on",
        help="Exit 3 when triggered: critical|high|medium|low|destroy|replace|changes|drift (repeatable; an errored plan fails any gate).",
    ),
    mask: list[str] = typer.Option([], "--mask", help="Mask values matching this regex (repeatable).", metavar="REGEX"),
    max_chars: int = typer.Option(65_000, "--max-chars", help="Markdown size limit (GitHub allows 65,536).", min=1000),
    github: bool = typer.Option(
        False, "--github", help="Also append the markdown review to $GITHUB_STEP_SUMMARY when it is set."
    ),
) -> None:
    """Summarise what a plan does to an EKS cluster: counts, dangers, diffs, drift, outputs."""
    _review(plan, fmt, output, fail_on, mask, max_chars, github)


def _review(
    plan: str, fmt: str, output: Path | None, fail_on: list[str], mask: list[str], max_chars: int, github: bool
) -> None:
    from generator.cli.review_run import ReviewArgs, run_review

    run_review(ReviewArgs(plan, fmt, output, list(fail_on), list(mask), max_chars, github))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("review")(review_command)
