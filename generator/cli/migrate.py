"""CLI of the migrate area: `ekstf migrate` (an eksctl ClusterConfig file, or a live eksctl cluster)."""

from __future__ import annotations

from pathlib import Path

import typer

from generator.cli.output import console, console_err


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("migrate")(migrate)


def migrate(
    config: Path | None = typer.Argument(None, help="The eksctl ClusterConfig file (eksctl.io/v1alpha5)."),
    output: Path = typer.Option(Path("ekstf.yaml"), "--output", "-o", help="Where to write the ekstf spec."),
    report: Path | None = typer.Option(
        None, "--report", help="Write the field-by-field report here (Markdown, or JSON when it ends in .json)."
    ),
    sets: list[str] = typer.Option([], "--set", help="VAR=VALUE for ${VAR} placeholders (repeatable)."),
    env_names: list[str] = typer.Option(
        [],
        "--env",
        help="Substitute ${VAR} with this environment variable (repeatable); no other variable is ever read.",
    ),
    allow_secret_env: list[str] = typer.Option(
        [],
        "--allow-secret-env",
        help="Like --env for a credential-like name (…SECRET…, …TOKEN…, …_KEY): its value is written in clear.",
    ),
    kubernetes_version: str | None = typer.Option(
        None, "--kubernetes-version", help="Use this Kubernetes version instead of the file's (e.g. 1.34)."
    ),
    from_cluster: str | None = typer.Option(
        None, "--from-cluster", help="Migrate this live eksctl cluster instead of a file (reads AWS with boto3)."
    ),
    region: str | None = typer.Option(None, "--region", help="Region of --from-cluster."),
    imports: Path | None = typer.Option(
        None, "--imports", help="--from-cluster: write Terraform import blocks here (e.g. DIR/imports.tf)."
    ),
    runbook: Path | None = typer.Option(
        None, "--runbook", help="--from-cluster: write the migration runbook here (default MIGRATION.md next to -o)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace output files that already exist."),
) -> None:
    """Convert an eksctl ClusterConfig, or a live eksctl cluster, into an ekstf spec and a report."""
    import os
    import re

    from generator.errors import UserInputError
    from generator.migrate.placeholders import named_environment, parse_sets

    try:
        values = parse_sets(sets)
    except ValueError as error:
        raise UserInputError(f"--set {error.args[0]!r}: expected VAR=VALUE with VAR a shell variable name") from None
    try:
        env = named_environment(env_names, allow_secret_env, os.environ)
    except ValueError as error:
        raise UserInputError(str(error)) from None
    if kubernetes_version is not None and not re.fullmatch(r"1\.\d{1,2}", kubernetes_version):
        raise UserInputError(f"--kubernetes-version {kubernetes_version!r}: expected a minor version such as 1.34")
    if from_cluster is not None:
        if config is not None:
            raise UserInputError("give either a ClusterConfig file or --from-cluster, not both")
        if values or env_names or allow_secret_env:
            raise UserInputError(
                "--set/--env substitute placeholders in a ClusterConfig file; they have no use with --from-cluster"
            )
        _live(from_cluster, region, output, report, imports, runbook, kubernetes_version, force)
        return
    if config is None:
        raise UserInputError("give a ClusterConfig file, or --from-cluster NAME --region REGION")
    for flag, value in (("--region", region), ("--imports", imports), ("--runbook", runbook)):
        if value is not None:
            raise UserInputError(f"{flag} is for --from-cluster only")
    from generator.migrate.api import check_outputs, migrate_file, write_migration

    check_outputs([output, *([report] if report else [])], force=force)
    migration = migrate_file(
        config,
        sets=values,
        env=env,
        kubernetes_version=kubernetes_version,
        spec_file=str(output),
        allow_secret_env=frozenset(allow_secret_env),
    )
    written = write_migration(migration, output, report, force=force)
    _summary(migration.report, written)


def _live(
    name: str,
    region: str | None,
    output: Path,
    report: Path | None,
    imports: Path | None,
    runbook: Path | None,
    kubernetes_version: str | None,
    force: bool,
) -> None:
    from generator.errors import UserInputError
    from generator.migrate.api import check_outputs
    from generator.migrate.live import migrate_live, write_live

    if not region:
        raise UserInputError("--from-cluster needs --region")
    imports_path = imports or output.parent / "imports.tf"
    runbook_path = runbook or output.parent / "MIGRATION.md"
    check_outputs([output, imports_path, runbook_path, *([report] if report else [])], force=force)
    console_err.print(f"reading cluster {name} in {region} ...", markup=False)
    migration = migrate_live(name, region, kubernetes_version=kubernetes_version)
    written = write_live(migration, output, report, imports_path, runbook_path, force=force)
    _summary(migration.report, written)
    console.print(f"{len(migration.imports)} import block(s); follow {runbook_path} step by step", markup=False)


def _summary(report: object, written: list[Path]) -> None:
    """What was written and what to check; every text from the user's file is shown with its controls made visible."""
    from generator.migrate.report import Report, visible

    assert isinstance(report, Report)
    counts = report.counts()
    console.print("wrote " + ", ".join(visible(str(p)) for p in written), markup=False)
    console.print(", ".join(f"{counts[k]} {k}" for k in counts), markup=False)
    substituted = sorted({(p.text, p.note) for p in report.placeholders if p.resolved})
    if substituted:
        console_err.print("substituted " + ", ".join(f"{text} ({note})" for text, note in substituted), markup=False)
    for placeholder in (p for p in report.placeholders if not p.resolved):
        note = f": {placeholder.note}" if placeholder.note else ""
        console_err.print(
            visible(f"warning: unresolved placeholder {placeholder.text} (line {placeholder.line}) kept as written")
            + visible(note),
            markup=False,
        )
    for warning in report.warnings:
        console_err.print(visible(f"warning: {warning}"), markup=False)
    if report.spec_problems:
        console_err.print(
            f"{len(report.spec_problems)} problem(s) to fix in the spec before `ekstf generate`:", markup=False
        )
        for problem in report.spec_problems:
            console_err.print("  " + "\n  ".join(visible(line) for line in problem.split("\n")), markup=False)
