"""`ekstf migrate` never loses the user's files, never writes a secret from the environment, and answers bad
numbers with a clear error (exit 2 with line:column) — all through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_ekstf

HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: eu-west-1\n"


def _config(tmp_path: Path, body: str = "") -> Path:
    config = tmp_path / "cluster.yaml"
    config.write_text(HEAD + body, encoding="utf-8")
    return config


# --- existing outputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("existing", ["keep.yaml", "report.md"])
def test_an_existing_output_is_refused_without_force_and_nothing_is_written(tmp_path: Path, existing: str) -> None:
    config = _config(tmp_path)
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    result = run_ekstf("migrate", config, "-o", tmp_path / "keep.yaml", "--report", tmp_path / "report.md")
    assert result.returncode == 1, result.output
    assert existing in result.stderr and "--force" in result.stderr
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
    others = {p.name for p in tmp_path.iterdir()} - {"cluster.yaml", existing}
    assert others == set(), f"written despite the refusal: {others}"


def test_force_replaces_existing_outputs(tmp_path: Path) -> None:
    config = _config(tmp_path)
    for name in ("keep.yaml", "report.json"):
        (tmp_path / name).write_text("mine\n", encoding="utf-8")
    result = run_ekstf("migrate", config, "-o", tmp_path / "keep.yaml", "--report", tmp_path / "report.json", "--force")
    assert result.returncode == 0, result.output
    assert (tmp_path / "keep.yaml").read_text(encoding="utf-8").startswith("# ekstf spec migrated")
    assert (tmp_path / "report.json").read_text(encoding="utf-8").startswith("{")
    assert not list(tmp_path.glob(".*.tmp"))


def test_two_outputs_on_one_path_are_refused(tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = run_ekstf("migrate", config, "-o", tmp_path / "same.yaml", "--report", tmp_path / "same.yaml")
    assert result.returncode == 2, result.output
    assert "same file" in result.stderr
    assert not (tmp_path / "same.yaml").exists()


@pytest.mark.parametrize("existing", ["imports.tf", "MIGRATION.md"])
def test_live_migration_refuses_existing_imports_or_runbook_before_reading_aws(tmp_path: Path, existing: str) -> None:
    """The check comes first: with no credentials at all, the answer is still the refusal naming the file."""
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    result = run_ekstf(
        "migrate", "--from-cluster", "demo", "--region", "us-east-1", "-o", tmp_path / "ekstf.yaml",
        env={
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_EC2_METADATA_DISABLED": "true",
        },
    )  # fmt: skip
    assert result.returncode == 1, result.output
    assert existing in result.stderr and "--force" in result.stderr
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "ekstf.yaml").exists()
