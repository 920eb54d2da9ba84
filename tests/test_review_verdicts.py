"""`ekstf review` verdicts a team can gate on, and every plan file people have: errored and drift-only plans,
grouped findings, Terraform 0.12-1.0 plans (format_version 0.1/0.2), UTF-16 files, imports by identity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_ekstf

PLANS = Path(__file__).parent / "fixtures" / "plans"
REPLACE_PLAN = PLANS / "eks-replace.json"
ERRORED_PLAN = PLANS / "eks-errored.json"
FORMAT_02_PLAN = PLANS / "tf-1.0.3-format-0.2.json"  # real: Terraform 1.0.3, see fixtures/plans/README.md
FORMAT_01_PLAN = PLANS / "format-0.1-derived.json"  # derived from the 1.0.3 plan, marks removed
PLANTED_02 = ("PLANTED-0.2-SECRET-PW", "PLANTED-0.2-SECRET-NEW")


def _write(tmp_path: Path, plan: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_errored_plan_leads_with_the_failure_shows_diagnostics_and_fails_every_gate(tmp_path: Path) -> None:
    plan = _load(ERRORED_PLAN)
    plan["diagnostics"] = [
        {
            "severity": "error",
            "summary": "Invalid count argument",
            "detail": "The count value depends on resource attributes that cannot be determined until apply",
            "address": "module.eks.aws_iam_role.this",
        }
    ]
    path = _write(tmp_path, plan)
    markdown = run_ekstf("review", path, "--format", "markdown")
    assert markdown.stdout.startswith("### ekstf review: ⛔ **Terraform could not finish this plan**")
    assert "Invalid count argument" in markdown.stdout and "`module.eks.aws_iam_role.this`" in markdown.stdout
    terminal = run_ekstf("review", path)
    assert terminal.stdout.startswith("⛔ Terraform could not finish this plan")
    assert "Invalid count argument" in terminal.stdout
    for gate in ("critical", "high", "medium", "low", "destroy", "replace", "changes", "drift"):
        result = run_ekstf("review", path, "--format", "json", "--fail-on", gate)
        assert result.returncode == 3, (gate, result.output)
        assert "the plan errored" in result.stderr
    document = json.loads(run_ekstf("review", path, "--format", "json").stdout)
    assert document["diagnostics"][0]["summary"] == "Invalid count argument"
    no_diagnostics = run_ekstf("review", ERRORED_PLAN, "--format", "markdown").stdout
    assert "holds no diagnostics" in no_diagnostics


def test_drift_only_plan_says_what_drifted_and_can_gate_on_drift(tmp_path: Path) -> None:
    plan = _load(REPLACE_PLAN)
    for entry in plan["resource_changes"]:
        entry["change"]["actions"] = ["no-op"]
        entry["change"]["after"] = entry["change"]["before"]
        entry.pop("previous_address", None)
        entry["change"].pop("importing", None)
    plan["output_changes"] = {}
    path = _write(tmp_path, plan)
    markdown = run_ekstf("review", path, "--format", "markdown").stdout
    headline = markdown.splitlines()[0]
    assert "No changes to apply, but 1 resource(s) changed outside Terraform" in headline
    assert "1 `aws_eks_addon`" in headline
    assert "Infrastructure matches the configuration" not in markdown
    assert run_ekstf("review", path, "--fail-on", "changes").returncode == 0
    gated = run_ekstf("review", path, "--fail-on", "drift")
    assert gated.returncode == 3 and "--fail-on drift: 1 resource(s) changed outside Terraform" in gated.stderr
    assert run_ekstf("review", PLANS / "eks-upgrade.json", "--fail-on", "drift").returncode == 0


def _delete(address: str, type_: str, before: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"address": address, "mode": "managed", "type": type_, "name": "x"}
    entry["change"] = {"actions": ["delete"], "before": before, "after": None, "after_unknown": {}}
    if reason:
        entry["action_reason"] = reason
    return entry


def test_repeated_findings_are_one_row_with_every_address_and_addons_are_named(tmp_path: Path) -> None:
    attachments = [
        _delete(f"aws_iam_role_policy_attachment.p[{i}]", "aws_iam_role_policy_attachment", {"role": "r"})
        for i in range(12)
    ]
    addons = [
        _delete(f'aws_eks_addon.this["{name}"]', "aws_eks_addon", {"addon_name": name, "addon_version": "v1.0.0"})
        for name in ("coredns", "vpc-cni")
    ]
    path = _write(tmp_path, {"format_version": "1.2", "resource_changes": attachments + addons})
    document = json.loads(run_ekstf("review", path, "--format", "json").stdout)
    detached = [d for d in document["dangers"] if d["rule"] == "node-policy-detached"]
    assert len(detached) == 1 and len(detached[0]["addresses"]) == 12
    removed = {d["addresses"][0]: d["message"] for d in document["dangers"] if d["rule"] == "addon-removed"}
    assert "addon `coredns` v1.0.0" in removed['aws_eks_addon.this["coredns"]']
    assert "addon `vpc-cni`" in removed['aws_eks_addon.this["vpc-cni"]']
    markdown = run_ekstf("review", path, "--format", "markdown").stdout
    assert sum(1 for line in markdown.splitlines() if "`node-policy-detached`" in line) == 1
    assert "and 7 more" in markdown


def test_terraform_1_0_plans_format_0_2_are_read_and_masked(tmp_path: Path) -> None:
    result = run_ekstf("review", FORMAT_02_PLAN, "--format", "json")
    assert result.returncode == 0, result.output
    document = json.loads(result.stdout)
    assert document["format_version"] == "0.2" and document["terraform_version"] == "1.0.3"
    assert document["marks_missing"] is False
    assert {k: v for k, v in document["summary"].items() if v} == {"create": 1, "replace": 1, "delete": 1, "no-op": 1}
    for fmt in ("terminal", "markdown", "json"):
        shown = run_ekstf("review", FORMAT_02_PLAN, "--format", fmt).stdout
        assert not any(secret in shown for secret in PLANTED_02)
        assert "predates Terraform 0.15" not in shown  # 0.2 carries marks
    outputs = {o["name"]: o for o in document["outputs"]}
    assert outputs["db_password"]["after"] == "(sensitive value)" and outputs["stage"]["after"] == 2


def test_terraform_0_14_plans_format_0_1_are_masked_by_attribute_name(tmp_path: Path) -> None:
    planted = (*PLANTED_02, "PLANTED-0.1-ACCESS-KEY")
    for fmt in ("terminal", "markdown", "json"):
        result = run_ekstf("review", FORMAT_01_PLAN, "--format", fmt)
        assert result.returncode == 0, result.output
        assert not any(secret in result.stdout for secret in planted), fmt
        if fmt != "json":
            assert "predates Terraform 0.15" in result.stdout
    document = json.loads(run_ekstf("review", FORMAT_01_PLAN, "--format", "json").stdout)
    assert document["marks_missing"] is True
    changes = {c["path"]: c for r in document["resources"] for c in r["changes"]}
    assert changes["triggers.password"]["after"] == "(sensitive value)"
    assert changes["triggers.secret_access_key"]["after"] == "(sensitive value)"
    assert changes["triggers.version"]["after"] == "1.32"  # not a secret name: shown
    plan = _load(FORMAT_01_PLAN)
    plan["format_version"] = "3.0"
    refused = run_ekstf("review", _write(tmp_path, plan), "--format", "json")
    assert refused.returncode == 2 and "a major version this ekstf does not know" in refused.stderr
    plan["format_version"] = "1.9"  # a newer minor is read
    assert run_ekstf("review", _write(tmp_path, plan), "--format", "json").returncode == 0


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-le", b""),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-be", b""),
        ("utf-8", b"\xef\xbb\xbf"),
    ],
)
def test_utf16_and_bom_files_are_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = FORMAT_02_PLAN.read_text(encoding="utf-8")
    path = tmp_path / "plan.json"
    path.write_bytes(bom + text.encode(encoding))
    result = run_ekstf("review", path, "--format", "json")
    assert result.returncode == 0, result.output
    expected = json.loads(run_ekstf("review", FORMAT_02_PLAN, "--format", "json").stdout)
    assert json.loads(result.stdout) == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Error: No configuration files\n", "this file is not JSON: no JSON object found"),
        (bytes(range(256)) * 4, "this file is not JSON (it looks binary)"),
    ],
)
def test_a_file_that_is_not_json_says_so(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    result = run_ekstf("review", path)
    assert result.returncode == 2 and message in result.stderr, result.output


def test_import_by_identity_is_rendered_like_terraform(tmp_path: Path) -> None:
    plan = _load(FORMAT_02_PLAN)
    plan["format_version"] = "1.2"
    entry = plan["resource_changes"][0]
    entry["change"]["importing"] = {"identity": {"account_id": "111122223333", "region": "eu-west-1", "id": "i-1"}}
    path = _write(tmp_path, plan)
    shown = 'import id { account_id = "111122223333", region = "eu-west-1", id = "i-1" }'
    markdown = run_ekstf("review", path, "--format", "markdown").stdout
    assert f"import id `{shown.removeprefix('import id ')}`" in markdown
    assert shown in run_ekstf("review", path).stdout
    document = json.loads(run_ekstf("review", path, "--format", "json").stdout)
    assert document["resources"][0]["importing"] == {"id": shown.removeprefix("import id ")}
    assert "{'account_id'" not in markdown
