"""`ekstf upgrade --stage S --check-plan PLAN`: a stage's plan must show exactly that stage's changes.

The plans are Terraform plan JSON documents built with the generated repositories' real addresses (see
day2_support: no real AWS plan can be made offline); they are read through the review's model, as `ekstf plan` is.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_ekstf
from day2_support import (
    addon_update,
    change,
    cluster_update,
    example_at,
    group_update,
    node_group,
    wait_replace,
    write_plan,
)

GROUPS = ("system", "spot", "graviton", "gpu", "bottlerocket")


def _after_stage_one(tmp_path: Path) -> Path:
    spec = example_at("mixed-compute", "1.34", tmp_path)
    assert run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "control-plane").returncode == 0
    return spec


def _check(spec: Path, stage: str, plan: Path) -> tuple[int, dict[str, object]]:
    result = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", stage, "--check-plan", plan, "--json")
    assert "Traceback" not in result.output
    return result.returncode, json.loads(result.stdout)


def test_stage_one_plan_with_only_the_control_plane_is_accepted(tmp_path: Path) -> None:
    spec = _after_stage_one(tmp_path)
    plan = write_plan(
        tmp_path / "plan.json",
        [
            cluster_update("1.34", "1.35"),
            wait_replace("1.34", "1.35"),
            addon_update("coredns", "v1.13.2-eksbuild.4", "v1.13.2-eksbuild.5"),
        ],
    )
    code, report = _check(spec, "control-plane", plan)
    assert code == 0, report
    assert report["ok"] is True and len(report["accepted"]) == 3  # type: ignore[arg-type]


def test_stage_one_plan_that_rolls_nodes_is_refused(tmp_path: Path) -> None:
    spec = _after_stage_one(tmp_path)
    plan = write_plan(
        tmp_path / "plan.json",
        [cluster_update("1.34", "1.35"), wait_replace("1.34", "1.35"), group_update("spot", "1.34", "1.35")],
    )
    code, report = _check(spec, "control-plane", plan)
    assert code == 1
    refused = report["refused"]
    assert [r["address"] for r in refused] == [node_group("spot")]  # type: ignore[index,union-attr]
    assert "nodes would roll" in refused[0]["message"]  # type: ignore[index]
    text = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "control-plane", "--check-plan", plan)
    assert text.returncode == 1 and "REFUSED" in text.stdout and "do not apply it" in text.stderr


def test_a_replacement_is_refused_in_every_stage(tmp_path: Path) -> None:
    spec = _after_stage_one(tmp_path)
    base = {"name": "mixed", "version": "1.34"}
    replace = change("module.eks.aws_eks_cluster.this[0]", ["delete", "create"], base, {**base, "version": "1.35"})
    plan = write_plan(tmp_path / "plan.json", [replace])
    for stage in ("control-plane", "nodes", "addons", "all"):
        code, report = _check(spec, stage, plan)
        assert code == 1, stage
        assert any("REPLACED" in r["message"] for r in report["refused"])  # type: ignore[union-attr,index]


def test_cluster_update_with_other_attributes_or_wrong_version_is_refused(tmp_path: Path) -> None:
    spec = _after_stage_one(tmp_path)
    extra = cluster_update("1.34", "1.35")
    extra["change"]["after"]["role_arn"] = "arn:aws:iam::111122223333:role/other"
    code, report = _check(spec, "control-plane", write_plan(tmp_path / "a.json", [extra]))
    assert code == 1 and "more than its version: role_arn, version" in json.dumps(report)
    code, report = _check(spec, "control-plane", write_plan(tmp_path / "b.json", [cluster_update("1.34", "1.36")]))
    assert code == 1 and "would go to 1.36, not 1.35" in json.dumps(report)
    code, report = _check(spec, "control-plane", write_plan(tmp_path / "c.json", []))
    assert code == 1 and "does not move the control plane" in json.dumps(report)


def test_nodes_and_addons_stage_plans(tmp_path: Path) -> None:
    spec = _after_stage_one(tmp_path)
    assert run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "nodes").returncode == 0
    rolling = [group_update(name, "1.34", "1.35") for name in GROUPS]
    code, report = _check(spec, "nodes", write_plan(tmp_path / "nodes.json", rolling))
    assert code == 0, report
    with_addon = [*rolling, addon_update("coredns", "v1.13.2-eksbuild.4", "v1.13.2-eksbuild.5")]
    code, report = _check(spec, "nodes", write_plan(tmp_path / "mixed.json", with_addon))
    assert code == 1 and "outside the addons stage" in json.dumps(report)
    code, report = _check(spec, "nodes", write_plan(tmp_path / "none.json", []))
    assert code == 1 and "changes no node group" in json.dumps(report)
    addons = [addon_update("coredns", "v1.13.2-eksbuild.4", "v1.13.2-eksbuild.5")]
    code, report = _check(spec, "addons", write_plan(tmp_path / "addons.json", addons))
    assert code == 0, report
    code, report = _check(spec, "addons", write_plan(tmp_path / "rolls.json", [*addons, rolling[0]]))
    assert code == 1


def test_check_plan_needs_a_stage_and_a_plan(tmp_path: Path) -> None:
    spec = _after_stage_one(tmp_path)
    plan = write_plan(tmp_path / "plan.json", [])
    result = run_ekstf("upgrade", spec, "--to", "1.35", "--check-plan", plan)
    assert result.returncode == 2 and "--check-plan needs --stage" in result.stderr
    missing = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "nodes", "--check-plan", tmp_path / "no.json")
    assert missing.returncode == 2 and "Traceback" not in missing.output


def test_oidc_thumbprint_reread_is_accepted_only_when_unknown(tmp_path: Path) -> None:
    """Real Terraform defers data.tls_certificate while the cluster changes (seen in the sandbox stage-1 plan)."""
    spec = _after_stage_one(tmp_path)
    address = "module.eks.aws_iam_openid_connect_provider.oidc_provider[0]"
    before = {"url": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "thumbprint_list": ["9e99a48a"]}
    deferred = change(address, ["update"], before, {"url": before["url"]}, {"thumbprint_list": True})
    plan = write_plan(tmp_path / "deferred.json", [cluster_update("1.34", "1.35"), deferred])
    assert _check(spec, "control-plane", plan)[0] == 0
    changed = change(address, ["update"], before, {**before, "thumbprint_list": ["0000"]})
    code, report = _check(
        spec, "control-plane", write_plan(tmp_path / "changed.json", [cluster_update("1.34", "1.35"), changed])
    )
    assert code == 1 and address in json.dumps(report["refused"])
