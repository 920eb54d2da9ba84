"""`ekstf review`: an EKS-aware summary of a Terraform plan, with CI gates."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from generator.cli.output import console_err

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
    from generator.errors import Problem, SourceLocation, UserInputError

    try:
        _review_plan(plan, fmt, output, fail_on, mask, max_chars, github)
    except RecursionError:  # a value nested thousands of levels deep: too deep to diff or print
        raise UserInputError(
            Problem(
                "plan values are nested too deeply to review",
                location=SourceLocation("<stdin>" if plan == "-" else plan),
                hint="pass the unmodified output of `terraform show -json PLANFILE`",
            )
        ) from None


def _review_plan(
    plan: str, fmt: str, output: Path | None, fail_on: list[str], mask: list[str], max_chars: int, github: bool
) -> None:
    from generator.errors import Problem, UserInputError
    from generator.fsutil import atomic_write_text
    from generator.review import (
        FORMATS,
        check_gate_names,
        enforce_gates,
        iter_review,
        load_plan_fast,
        render_review,
        review_plan,
    )

    if fmt not in FORMATS:
        raise UserInputError(Problem(f"unknown format {fmt!r}", key_path="--format", expected=" | ".join(FORMATS)))
    check_gate_names(fail_on)
    review = review_plan(load_plan_fast(plan), mask_patterns=mask)
    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    text = ""
    if output is not None:
        text = render_review(review, fmt, max_chars=max_chars, color=False)
        atomic_write_text(output, text)
        console_err.print(f"review written to {output}", markup=False)
    else:
        for piece in iter_review(review, fmt, max_chars=max_chars, color=color):
            sys.stdout.write(piece)
            text = piece if fmt == "markdown" else ""
        sys.stdout.flush()
    if github:
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            markdown = text if fmt == "markdown" else render_review(review, "markdown", max_chars=max_chars)
            path = Path(summary)
            existing = path.read_text(encoding="utf-8") if path.exists() else ""
            atomic_write_text(path, existing + markdown)
        else:
            console_err.print("--github: GITHUB_STEP_SUMMARY is not set; no step summary written", markup=False)
    enforce_gates(review, fail_on)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("review")(review_command)
