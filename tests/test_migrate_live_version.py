"""`ekstf migrate --from-cluster … --kubernetes-version X` against the moto_server cluster of test_migrate_live.

The flag writes X into the spec (the first apply upgrades the control plane), as it does for a file; a version EKS
cannot reach from the running one in one update (a downgrade, a jump of two minors) is bad input, nothing written."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from conftest import MotoServer, run_ekstf
from migrate_support import CLUSTER, REGION, seed_eksctl_cluster

from generator.spec.loader import load_spec


@pytest.fixture
def running(aws: MotoServer) -> str:
    """The seeded cluster's Kubernetes version."""
    seed_eksctl_cluster(boto3.session.Session(region_name=REGION))
    return str(boto3.client("eks", region_name=REGION).describe_cluster(name=CLUSTER)["cluster"]["version"])


def _migrate(tmp_path: Path, *flags: str) -> tuple[int, str]:
    result = run_ekstf(
        "migrate", "--from-cluster", CLUSTER, "--region", REGION, *flags,
        "-o", tmp_path / "ekstf.yaml", "--imports", tmp_path / "repo" / "imports.tf", "--report", tmp_path / "r.md",
    )  # fmt: skip
    assert "Traceback" not in result.output
    return result.returncode, result.output


def _minor(version: str, step: int) -> str:
    return f"1.{int(version.split('.')[1]) + step}"


def test_the_flag_overrides_the_running_version_through_the_cli(running: str, tmp_path: Path) -> None:
    target = _minor(running, 1)
    code, output = _migrate(tmp_path, "--kubernetes-version", target)
    assert code == 0, output
    assert load_spec(tmp_path / "ekstf.yaml").spec.cluster.version == target
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"--kubernetes-version {target} (the cluster runs {running})" in report


def test_without_the_flag_or_with_the_running_version_the_spec_keeps_it(running: str, tmp_path: Path) -> None:
    for flags in ((), ("--kubernetes-version", running)):
        code, output = _migrate(tmp_path, *flags, "--force")
        assert code == 0, output
        assert load_spec(tmp_path / "ekstf.yaml").spec.cluster.version == running


@pytest.mark.parametrize(("step", "reason"), [(-1, "cannot downgrade"), (2, "one minor version at a time")])
def test_a_version_eks_cannot_reach_in_one_update_is_bad_input(
    running: str, tmp_path: Path, step: int, reason: str
) -> None:
    code, output = _migrate(tmp_path, "--kubernetes-version", _minor(running, step))
    assert code == 2, output
    assert reason in output and f"the cluster runs {running}" in output
    assert not (tmp_path / "ekstf.yaml").exists() and not (tmp_path / "repo").exists()
