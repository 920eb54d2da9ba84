"""The upgrade stages of an example planned with real Terraform and the real terraform-aws-eks module against the
sandbox's simulated AWS: each stage's plan holds exactly that stage's changes, and ekstf's plan check agrees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import run_ekstf, shared_path
from day2_support import CLUSTER, SimulatedAws, example_at

pytestmark = pytest.mark.slow


def _changes(plan: dict[str, Any]) -> dict[str, list[str]]:
    return {
        c["address"]: c["change"]["actions"]
        for c in plan["resource_changes"]
        if c["change"]["actions"] not in (["no-op"], ["read"])
    }


def _check(spec: Path, stage: str, plan: Path) -> int:
    result = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", stage, "--check-plan", plan)
    return result.returncode


def test_quickstart_stages_plan_only_their_own_changes(tmp_path: Path) -> None:
    cache = shared_path("tf-modules")
    spec = example_at("quickstart", "1.34", tmp_path)
    repo = tmp_path / "repo"
    assert run_ekstf("generate", spec, "-o", repo).returncode == 0
    aws = SimulatedAws(tmp_path / "sandbox", repo, cache)
    try:
        aws.plan(tmp_path / "initial.json")
        aws.apply()

        assert run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "control-plane", "-o", repo).returncode == 0
        one = aws.plan(tmp_path / "one.json")
        changes = _changes(one)
        assert changes[CLUSTER] == ["update"]
        cluster = next(c for c in one["resource_changes"] if c["address"] == CLUSTER)["change"]
        assert (cluster["before"]["version"], cluster["after"]["version"]) == ("1.34", "1.35")
        assert not [a for a in changes if "node_group" in a or "launch_template" in a]  # no node roll
        assert not [a for a, actions in changes.items() if "delete" in actions and "time_sleep" not in a]
        assert _check(spec, "control-plane", tmp_path / "one.json") == 0
        assert _check(spec, "nodes", tmp_path / "one.json") == 1  # not the nodes stage's plan
        aws.apply()

        assert run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "nodes", "-o", repo).returncode == 0
        two = aws.plan(tmp_path / "two.json")
        changes = _changes(two)
        group = 'module.eks.module.eks_managed_node_group["general"].aws_eks_node_group.this[0]'
        assert changes.get(group) == ["update"], changes
        assert CLUSTER not in changes
        assert _check(spec, "nodes", tmp_path / "two.json") == 0
        assert _check(spec, "control-plane", tmp_path / "two.json") == 1
        aws.apply()

        three = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "addons", "-o", repo)
        assert three.returncode == 0 and "Nothing to do" in three.stderr  # the example's addons are `latest`
        assert _changes(aws.plan(tmp_path / "three.json")) == {}
    finally:
        aws.close()
