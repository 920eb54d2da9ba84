"""`ekstf review` on hand-written EKS plans (format_version 1.2): dangers, severities, rendered text, masking."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_ekstf

PLANS = Path(__file__).parent / "fixtures" / "plans"
REPLACE_PLAN = PLANS / "eks-replace.json"
UPGRADE_PLAN = PLANS / "eks-upgrade.json"
ERRORED_PLAN = PLANS / "eks-errored.json"
NG = 'module.eks.module.eks_managed_node_group["{}"].aws_eks_node_group.this[0]'
PLANTED = ("PLANTED-SECRET-VALUE-1", "PLANTED-OUTPUT-SECRET-2")
UNMARKED_SECRET = "AKIAIOSFODNN7EXAMPLE"


def review_json(plan: Path, *args: str) -> dict[str, Any]:
    result = run_ekstf("review", plan, "--format", "json", *args)
    assert result.returncode == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def dangers_by_rule(review: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for danger in review["dangers"]:
        found.setdefault(danger["rule"], []).append(danger)
    return found


def test_replacements_and_deletions_are_flagged_with_severities() -> None:
    review = review_json(REPLACE_PLAN)
    dangers = dangers_by_rule(review)

    cluster = dangers["eks-cluster-destroyed"][0]
    assert cluster["severity"] == "critical"
    assert cluster["addresses"] == ["module.eks.aws_eks_cluster.this[0]"]
    assert 'forced by `name` "prod" → "prod-2"' in cluster["message"]

    node_group = dangers["node-group-replaced"][0]
    assert node_group["severity"] == "high"
    assert node_group["addresses"] == [NG.format("default")]
    assert '`instance_types` (`instance_types[0]`) "m5.large" → "m6i.large"' in node_group["message"]

    assert dangers["oidc-provider-removed"][0]["severity"] == "critical"
    assert dangers["oidc-provider-removed"][0]["addresses"] == [
        "module.eks.aws_iam_openid_connect_provider.oidc_provider[0]"
    ]
    kms = dangers["kms-key-deleted"][0]
    assert (kms["severity"], kms["addresses"]) == ("critical", ["module.eks.module.kms.aws_kms_key.this[0]"])
    assert "30 days" in kms["message"]


def test_kms_key_without_a_window_names_the_aws_default(tmp_path: Path) -> None:
    plan = json.loads(REPLACE_PLAN.read_text())
    keys = [r for r in plan["resource_changes"] if r["type"] == "aws_kms_key"]
    assert keys
    for key in keys:
        key["change"]["before"].pop("deletion_window_in_days", None)
    edited = tmp_path / "plan.json"
    edited.write_text(json.dumps(plan))
    kms = dangers_by_rule(review_json(edited))["kms-key-deleted"][0]
    assert "deletion window 30 days (AWS default)" in kms["message"]


def test_launch_template_changes_report_the_node_groups_that_roll() -> None:
    dangers = dangers_by_rule(review_json(REPLACE_PLAN))["launch-template-rollout"]
    by_template = {d["addresses"][0]: d for d in dangers}
    module_template = 'module.eks.module.eks_managed_node_group["default"].aws_launch_template.this[0]'
    assert set(by_template) == {module_template, "aws_launch_template.gpu"}
    # the root template is wired to the gpu group only (by its id), not to every group the eks module passes it to
    assert by_template["aws_launch_template.gpu"]["addresses"][1:] == [NG.format("gpu")]
    assert by_template[module_template]["addresses"][1:] == [NG.format("default")]
    assert all(d["severity"] == "medium" for d in dangers)
    assert NG.format("spot") not in json.dumps(dangers)


def test_counts_imports_moves_replace_split_drift_outputs_and_notes() -> None:
    review = review_json(REPLACE_PLAN)
    assert review["version"] == 1
    assert review["summary"] == {
        "create": 1,
        "update": 4,
        "replace": 2,
        "delete": 3,
        "read": 1,
        "import": 1,
        "move": 1,
        "forget": 0,
        "no-op": 4,
    }
    assert review["replace_orders"]["delete-before-create"] == 2
    resources = {r["address"]: r for r in review["resources"]}
    assert resources['module.eks.aws_eks_addon.this["vpc-cni"]']["importing"] == {"id": "prod:vpc-cni"}
    assert (
        resources["module.eks.aws_security_group.node[0]"]["moved_from"] == "module.eks.aws_security_group.workers[0]"
    )
    cluster = resources["module.eks.aws_eks_cluster.this[0]"]
    assert cluster["action"] == "replace"
    assert cluster["reasons"] == ["replace_because_cannot_update"]
    assert cluster["replace_paths"] == ["name"]
    changes = {c["path"]: c for c in cluster["changes"]}
    assert (changes["name"]["before"], changes["name"]["after"]) == ("prod", "prod-2")
    assert changes["endpoint"]["after_unknown"] is True
    assert [d["address"] for d in review["drift"]] == ['module.eks.aws_eks_addon.this["coredns"]']
    assert review["drift"][0]["changes"][0]["path"] == "configuration_values (json).replicaCount"  # diffed as JSON
    outputs = {o["name"]: o for o in review["outputs"]}
    assert outputs["db_password"]["sensitive"] is True
    assert outputs["cluster_endpoint"]["after_unknown"] is True
    assert review["deferred"] == [{"address": "module.irsa.aws_iam_role.this[0]", "reason": "provider_config_unknown"}]
    assert review["checks"][0]["status"] == "fail"


def test_upgrade_plan_flags_version_jump_skew_downgrade_trust_and_access() -> None:
    dangers = dangers_by_rule(review_json(UPGRADE_PLAN))
    jump = dangers["kubernetes-version-jump"][0]
    assert jump["severity"] == "high" and "1.31 → 1.33" in jump["message"]
    skew = {d["addresses"][0]: d["severity"] for d in dangers["node-version-skew"]}
    assert skew == {NG.format("legacy"): "high", NG.format("main"): "medium"}
    downgrade = dangers["addon-downgraded"]
    assert [d["addresses"] for d in downgrade] == [['module.eks.aws_eks_addon.this["coredns"]']]  # kube-proxy went up
    trust = dangers["irsa-trust-changed"][0]
    assert trust["severity"] == "high"
    assert "kube-system:ebs-csi-node-sa" in trust["message"]
    assert "ebs-csi-controller-sa" not in trust["message"]
    access = dangers["access-removed"][0]
    assert "AmazonEKSClusterAdminPolicy" in access["message"] and "role/ops-admin" in access["message"]
    role = dangers["iam-role-removed"][0]
    assert role["addresses"] == ["module.karpenter_irsa.aws_iam_role.this[0]"]
    assert "IRSA role of `karpenter:karpenter`" in role["message"]


def test_markdown_has_verdict_and_counts_outside_details_then_dangers_then_modules() -> None:
    result = run_ekstf("review", REPLACE_PLAN, "--format", "markdown")
    assert result.returncode == 0, result.output
    text = result.stdout
    first_details = text.index("<details>")
    assert text.splitlines()[0].startswith("### ekstf review: 🔴")
    assert "3 critical" in text.splitlines()[0]
    counts_row = "| 1 | 4 | 2 | 3 | 1 | 1 | 1 | 0 | 4 |"
    assert text.index("| create | update | replace | delete |") < text.index(counts_row) < first_details
    assert text.index("#### Dangers") < first_details
    assert text.index("`eks-cluster-destroyed`") < text.index("`node-group-replaced`") < text.index("`launch-template")
    assert "<summary><code>module.eks.module.kms</code> — 1 delete</summary>" in text
    assert '! name: "prod" → "prod-2"' in text
    assert "forces replacement: `name`" in text
    assert "#### Drift: 1 resource(s) changed outside Terraform" in text
    assert "moved from `module.eks.aws_security_group.workers[0]`" in text
    assert "import id `prod:vpc-cni`" in text
    assert text.count("<details>") == text.count("</details>")


def test_terminal_lists_dangers_before_changes() -> None:
    result = run_ekstf("review", REPLACE_PLAN)
    assert result.returncode == 0, result.output
    text = result.stdout
    assert "\x1b[" not in text  # not a terminal: no colour codes
    assert text.index("eks-cluster-destroyed") < text.index("Changes")
    assert "module.eks.aws_eks_cluster.this[0]" in text
    assert "Drift: 1 resource(s)" in text


def test_errored_plan_is_reported_as_such() -> None:
    review = review_json(ERRORED_PLAN)
    assert review["errored"] is True
    markdown = run_ekstf("review", ERRORED_PLAN, "--format", "markdown").stdout
    assert markdown.startswith("### ekstf review: ⛔ **Terraform could not finish this plan**")
    assert run_ekstf("review", ERRORED_PLAN).stdout.startswith("⛔ Terraform could not finish this plan")


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_planted_secrets_never_appear(fmt: str, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    written = tmp_path / f"review.{fmt}"
    args = ("review", REPLACE_PLAN, "--format", fmt, "--mask", "AKIA[0-9A-Z]{16}", "--github")
    result = run_ekstf(*args, env={"GITHUB_STEP_SUMMARY": str(summary)})
    to_file = run_ekstf(*args, "--output", written, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0 and to_file.returncode == 0, result.output + to_file.output
    everything = result.output + to_file.output + written.read_text(encoding="utf-8")
    everything += summary.read_text(encoding="utf-8")
    for secret in (*PLANTED, UNMARKED_SECRET):
        assert secret not in everything
    assert "(sensitive value)" in result.stdout
    assert "(masked)" in result.stdout
    assert summary.read_text(encoding="utf-8").startswith("previous step\n### ekstf review:")


def test_unmarked_value_shows_without_mask() -> None:
    result = run_ekstf("review", REPLACE_PLAN, "--format", "markdown")
    assert UNMARKED_SECRET in result.stdout  # proves the --mask test above masks something real


@pytest.mark.parametrize(
    ("plan", "gate", "code"),
    [
        (REPLACE_PLAN, "critical", 3),
        (UPGRADE_PLAN, "critical", 0),
        (UPGRADE_PLAN, "high", 3),
        (UPGRADE_PLAN, "medium", 3),
        (ERRORED_PLAN, "medium", 3),  # an errored plan fails every gate
        (UPGRADE_PLAN, "destroy", 3),
        (UPGRADE_PLAN, "replace", 0),
        (REPLACE_PLAN, "replace", 3),
        (ERRORED_PLAN, "destroy", 3),
        (ERRORED_PLAN, "changes", 3),
        (UPGRADE_PLAN, "low", 3),
        (ERRORED_PLAN, "low", 3),
        (UPGRADE_PLAN, "drift", 0),
    ],
)
def test_fail_on_gates(plan: Path, gate: str, code: int) -> None:
    result = run_ekstf("review", plan, "--format", "json", "--fail-on", gate)
    assert result.returncode == code, result.output
    json.loads(result.stdout)  # the review is printed whether or not the gate triggers
    if code == 3:
        assert f"--fail-on {gate}" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_rule_is_documented() -> None:
    from generator.review.rules import GENERIC_RULES, RULES

    docs = (Path(__file__).parent.parent / "docs" / "review.md").read_text(encoding="utf-8")
    for rule_id in [rule.id for rule in RULES] + [rule_id for rule_id, _, _ in GENERIC_RULES]:
        assert f"| `{rule_id}` |" in docs, rule_id


def _change(address: str, type_: str, name: str, actions: list[str], before: Any, after: Any, module: str = "") -> Any:
    entry: dict[str, Any] = {"address": address, "mode": "managed", "type": type_, "name": name}
    if module:
        entry["module_address"] = module
    entry["change"] = {"actions": actions, "before": before, "after": after, "after_unknown": {}}
    return entry


def test_launch_template_wiring_follows_configuration_references(tmp_path: Path) -> None:
    template = {"name": "custom", "image_id": "ami-1"}
    group = {"cluster_name": "prod", "version": "1.31", "launch_template": []}  # ids not in the plan values
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            _change(
                "aws_launch_template.custom",
                "aws_launch_template",
                "custom",
                ["update"],
                template,
                {**template, "image_id": "ami-2"},
            ),
            _change("aws_eks_node_group.direct", "aws_eks_node_group", "direct", ["no-op"], group, group),
            _change("aws_eks_node_group.other", "aws_eks_node_group", "other", ["no-op"], group, group),
            _change(
                'module.pools["a"].aws_eks_node_group.this',
                "aws_eks_node_group",
                "this",
                ["no-op"],
                group,
                group,
                'module.pools["a"]',
            ),
            _change(
                "module.unrelated.aws_eks_node_group.this",
                "aws_eks_node_group",
                "this",
                ["no-op"],
                group,
                group,
                "module.unrelated",
            ),
        ],
        "configuration": {
            "root_module": {
                "resources": [
                    {
                        "type": "aws_eks_node_group",
                        "name": "direct",
                        "expressions": {
                            "launch_template": [
                                {"id": {"references": ["aws_launch_template.custom.id", "aws_launch_template.custom"]}}
                            ]
                        },
                    },
                    {"type": "aws_eks_node_group", "name": "other", "expressions": {}},
                ],
                "module_calls": {
                    "pools": {
                        "expressions": {"template_id": {"references": ["aws_launch_template.custom.id"]}},
                        "module": {"resources": []},
                    },
                    "unrelated": {"expressions": {}, "module": {"resources": []}},
                },
            }
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    direct = dangers_by_rule(review_json(path))["launch-template-rollout"][0]
    assert direct["addresses"] == ["aws_launch_template.custom", "aws_eks_node_group.direct"]

    del plan["configuration"]["root_module"]["resources"][0]["expressions"]["launch_template"]  # type: ignore[index]
    path.write_text(json.dumps(plan), encoding="utf-8")
    via_module = dangers_by_rule(review_json(path))["launch-template-rollout"][0]
    assert via_module["addresses"] == ["aws_launch_template.custom", 'module.pools["a"].aws_eks_node_group.this']
    assert "module inputs" in via_module["message"]


def test_forgotten_objects_are_not_destroyed_and_deleted_node_groups_are(tmp_path: Path) -> None:
    group = {"cluster_name": "prod", "node_group_name": "old"}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            _change(
                "aws_eks_cluster.this", "aws_eks_cluster", "this", ["create", "forget"], {"name": "a"}, {"name": "a"}
            ),
            _change("aws_eks_node_group.old", "aws_eks_node_group", "old", ["delete"], group, None),
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    review = review_json(path)
    assert review["replace_orders"]["create-then-forget"] == 1
    assert [(d["rule"], d["severity"], d["addresses"]) for d in review["dangers"]] == [
        ("node-group-deleted", "high", ["aws_eks_node_group.old"])
    ]
