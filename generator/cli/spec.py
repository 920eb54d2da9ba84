"""CLI commands about the spec itself: `init`, `schema`, `validate` (thin: flags → generator.spec API)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import typer

from generator.cli.output import console, console_err


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("init")(init_command)
    app.command("schema")(schema_command)
    app.command("validate")(validate_command)


def init_command(
    output: Path = typer.Option(
        Path("ekstf.yaml"), "-o", "--output", metavar="FILE", help="Where to write the starter spec."
    ),
    name: str | None = typer.Option(None, "--name", help="Cluster name (asked on a terminal; default my-cluster)."),
    region: str | None = typer.Option(None, "--region", help="AWS region (asked on a terminal; default us-east-1)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
) -> None:
    """Write a commented starter spec that is valid as it stands."""
    from generator.spec.starter import DEFAULT_NAME, DEFAULT_REGION, write_starter

    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if name is None:
        name = typer.prompt("Cluster name", default=DEFAULT_NAME) if interactive else DEFAULT_NAME
    if region is None:
        region = typer.prompt("AWS region", default=DEFAULT_REGION) if interactive else DEFAULT_REGION
    write_starter(output, name, region, force=force)
    console_err.print(f"wrote {output} (cluster {name} in {region}); next: ekstf validate {output}", markup=False)


def schema_command(
    output: Path | None = typer.Option(None, "-o", "--output", metavar="FILE", help="Write the schema to this file."),
) -> None:
    """Print the JSON Schema of the spec (for editors: yaml-language-server, VS Code, IntelliJ)."""
    from generator.spec.schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    from generator.errors import UserInputError
    from generator.fsutil import atomic_write_text

    try:
        atomic_write_text(output, text)
    except OSError as error:
        raise UserInputError(f"cannot write {output}: {error.strerror or error}") from None
    console_err.print(f"wrote {output}", markup=False)


def validate_command(
    spec: Path = typer.Argument(..., help="The spec file (ekstf.yaml).", show_default=False),
    aws: bool = typer.Option(
        False, "--aws", help="Also check against the AWS account (AZs, VPC, subnets, KMS, types)."
    ),
    scan: bool = typer.Option(
        False, "--scan", help="Also run checkov on the generated repo (needs checkov: pipx install checkov)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
    show_completed: bool = typer.Option(False, "--show-completed", help="Print the spec with every default filled."),
    spec_only: bool = typer.Option(False, "--spec-only", help="Check the spec only; skip generation and conformance."),
    plan: bool = typer.Option(
        False,
        "--plan",
        help="Then plan the generated repo with real Terraform against a simulated AWS (ekstf sandbox).",
    ),
    module_cache: Path | None = typer.Option(
        None,
        "--module-cache",
        help="With --plan: registry modules unpacked as NAME-VERSION/ (no network).",
        metavar="DIR",
    ),
) -> None:
    """Check a spec, generate it into a temporary directory and run the offline conformance checks."""
    from generator.errors import EXIT_BAD_INPUT, EXIT_FAILURE, UserInputError, terminal_safe
    from generator.spec.defaults import completed_data
    from generator.validate import problem_as_dict, validate_file

    if plan and as_json:
        raise UserInputError(
            "--plan prints the sandbox review; it cannot be combined with --json (use `ekstf sandbox --format json`)"
        )
    if module_cache is not None and not plan:
        raise UserInputError("--module-cache is for --plan")
    try:
        outcome = validate_file(spec, aws=aws, scan=scan, conformance=not spec_only)
    except UserInputError as error:
        if not as_json:
            raise
        _print_json({"spec": str(spec), "ok": False, "problems": [problem_as_dict(p) for p in error.problems]})
        raise typer.Exit(EXIT_BAD_INPUT) from None
    completed = completed_data(outcome.loaded.spec)
    conformance = outcome.conformance
    if as_json:
        result: dict[str, Any] = {
            "spec": str(spec),
            "ok": outcome.ok,
            "problems": [problem_as_dict(p) for p in outcome.warnings],
            "conformance": conformance.data if conformance is not None else None,
        }
        if show_completed:
            result["completed"] = completed
        _print_json(result)
    else:
        for warning in outcome.warnings:
            console_err.print(warning.render(), markup=False)
        if show_completed:
            sys.stdout.write(_yaml_text(completed))
        if conformance is not None:
            # With --show-completed, stdout is the completed spec alone (valid YAML, for a pipe or a file).
            (console_err if show_completed else console).print(conformance.text, markup=False)
        what = "spec is valid" if conformance is None else "spec is valid and the generated repository"
        verdict = "" if conformance is None else (" passes the conformance checks" if conformance.ok else " FAILS")
        console_err.print(f"{terminal_safe(str(spec))}: {what}{verdict}", markup=False)
    if not outcome.ok:
        raise typer.Exit(EXIT_FAILURE)
    if plan:
        from generator.cli.sandbox import run_sandbox_cli

        run_sandbox_cli(spec, module_cache=module_cache)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")


def _yaml_text(data: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
