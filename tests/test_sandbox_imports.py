"""A live-migrated cluster in the sandbox: its repository with imports.tf plans as imports, nothing replaced or
deleted (the moto-seeded eksctl cluster of the migrate tests)."""

from __future__ import annotations

import re
from pathlib import Path

import boto3
import pytest
from conftest import MotoServer, run_ekstf
from migrate_support import CLUSTER, REGION, seed_eksctl_cluster
from sandbox_support import plan_action_counts, sandbox

pytestmark = pytest.mark.slow

_IMPORT_BLOCK = re.compile(r"^import\s*\{", re.MULTILINE)


def test_live_migrated_cluster_plans_its_imports_without_replacements(aws: MotoServer, tmp_path: Path) -> None:
    seed_eksctl_cluster(boto3.session.Session(region_name=REGION))
    # The seeded cluster runs 1.33; migrating with the next minor makes the plan upgrade it in place.
    migrated = run_ekstf(
        "migrate", "--from-cluster", CLUSTER, "--region", REGION, "--kubernetes-version", "1.34",
        "-o", tmp_path / "ekstf.yaml", "--imports", tmp_path / "repo" / "imports.tf",
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.output
    assert "version: '1.34'" in (tmp_path / "ekstf.yaml").read_text(encoding="utf-8")
    generated = run_ekstf("generate", tmp_path / "ekstf.yaml", "-o", tmp_path / "repo")
    assert generated.returncode == 0, generated.output
    expected_imports = len(_IMPORT_BLOCK.findall((tmp_path / "repo" / "imports.tf").read_text(encoding="utf-8")))
    assert expected_imports > 0

    result = sandbox(tmp_path / "repo", apply=False)
    assert result.ok, f"{result.verdict}\n{result.errors[-6000:]}"
    assert result.review is not None and result.plan is not None
    counts = result.review.counts
    assert counts["import"] == expected_imports
    assert counts["replace"] == 0 and counts["delete"] == 0
    assert plan_action_counts(result.plan)["import"] == expected_imports
