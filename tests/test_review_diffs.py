"""Diffs a reviewer can read: lists by value, JSON/YAML strings by structure, unknown-only attributes as a count,
and terminal output as wide as the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import run_ekstf

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {
                "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:kube-system:ebs-csi"
                }
            },
        }
    ],
}
MAP_ROLES = """- rolearn: arn:aws:iam::111122223333:role/nodes
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: arn:aws:iam::111122223333:role/ci
  username: ci
  groups: [ci-deployers]
"""


def _change(
    address: str, type_: str, actions: list[str], before: Any, after: Any, unknown: Any = None
) -> dict[str, Any]:
    change = {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {}}
    return {"address": address, "mode": "managed", "type": type_, "name": "x", "change": change}


def diff_plan() -> dict[str, Any]:
    policy_after = json.loads(json.dumps(POLICY))
    policy_after["Statement"][0]["Condition"]["StringEquals"]["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"] = (
        "system:serviceaccount:kube-system:ebs-csi-controller"
    )
    map_roles_after = MAP_ROLES.split("- rolearn: arn:aws:iam::111122223333:role/ci")[0]
    unknown = {f"computed_{i:02d}": True for i in range(40)}
    return {
        "format_version": "1.2",
        "resource_changes": [
            _change(
                "aws_eks_cluster.this",
                "aws_eks_cluster",
                ["update"],
                {"vpc_config": [{"subnet_ids": ["subnet-a", "subnet-b", "subnet-c"]}], "tags": {"a": "1"}},
                {"vpc_config": [{"subnet_ids": ["subnet-a", "subnet-c"]}], "tags": {"a": "1"}},
            ),
            _change(
                "aws_iam_role.ebs_csi",
                "aws_iam_role",
                ["update"],
                {"assume_role_policy": json.dumps(POLICY), "name": "ebs-csi"},
                {"assume_role_policy": json.dumps(policy_after, indent=2), "name": "ebs-csi"},
            ),
            _change(
                "kubernetes_config_map_v1_data.aws_auth",
                "kubernetes_config_map_v1_data",
                ["update"],
                {"metadata": [{"name": "aws-auth", "namespace": "kube-system"}], "data": {"mapRoles": MAP_ROLES}},
                {"metadata": [{"name": "aws-auth", "namespace": "kube-system"}], "data": {"mapRoles": map_roles_after}},
            ),
            _change(
                "aws_instance.new",
                "aws_instance",
                ["create"],
                None,
                {"instance_type": "m7i.large", "ami": "ami-1", "subnet_id": "subnet-a"},
                unknown,
            ),
        ],
    }


def _review(tmp_path: Path, fmt: str, env: dict[str, str] | None = None) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(diff_plan()), encoding="utf-8")
    result = run_ekstf("review", path, "--format", fmt, env=env)
    assert result.returncode == 0, result.output
    return result.stdout


def test_lists_are_diffed_by_value(tmp_path: Path) -> None:
    document = json.loads(_review(tmp_path, "json"))
    cluster = next(r for r in document["resources"] if r["address"] == "aws_eks_cluster.this")
    assert [(c["path"], c["before"], c["after"]) for c in cluster["changes"]] == [
        ("vpc_config[0].subnet_ids[1]", "subnet-b", None)
    ]
    assert '  - vpc_config[0].subnet_ids[1]: "subnet-b"' in _review(tmp_path, "markdown")
    assert '    - vpc_config[0].subnet_ids[1]: "subnet-b"\n' in _review(tmp_path, "terminal", env={"NO_COLOR": "1"})


def test_json_and_yaml_strings_are_diffed_by_structure(tmp_path: Path) -> None:
    document = json.loads(_review(tmp_path, "json"))
    changes = {r["address"]: r["changes"] for r in document["resources"]}
    role = changes["aws_iam_role.ebs_csi"]
    assert len(role) == 1  # re-indenting the document is not a change; only the condition value is
    assert role[0]["path"] == (
        'assume_role_policy (json).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"]'
    )
    assert role[0]["after"] == "system:serviceaccount:kube-system:ebs-csi-controller"
    auth = changes["kubernetes_config_map_v1_data.aws_auth"]
    assert [c["path"] for c in auth] == ["data.mapRoles (yaml)[1]"]
    assert auth[0]["before"]["rolearn"] == "arn:aws:iam::111122223333:role/ci" and auth[0]["after"] is None
    markdown = _review(tmp_path, "markdown")
    assert "ebs-csi-controller" in markdown  # not cut off inside a 300-character escaped line


def test_unknown_only_attributes_collapse_into_a_count(tmp_path: Path) -> None:
    markdown = _review(tmp_path, "markdown")
    block = markdown.split("**create** `aws_instance.new`")[1].split("</details>")[0]
    assert "+ 40 attribute(s) known after apply: computed_00, computed_01" in block
    assert '+ instance_type: "m7i.large"' in block and '+ ami: "ami-1"' in block
    assert block.count("(known after apply)") == 0
    terminal = _review(tmp_path, "terminal")
    assert "40 attribute(s) known after apply" in terminal and terminal.count("(known after apply)") == 0
    document = json.loads(_review(tmp_path, "json"))  # the JSON keeps every attribute
    created = next(r for r in document["resources"] if r["address"] == "aws_instance.new")
    assert sum(c["after_unknown"] for c in created["changes"]) == 40


def test_terminal_output_fits_the_terminal_width(tmp_path: Path) -> None:
    for columns in (80, 100, 160):
        text = _review(tmp_path, "terminal", env={"COLUMNS": str(columns)})
        widths = [len(line) for line in text.splitlines()]
        assert max(widths) <= columns, (columns, max(widths))
        assert max(widths) > columns - 20  # tables use the width they are given


def test_colour_only_adds_sgr_codes_to_the_plain_text() -> None:
    import re

    from generator.review import render_review, review_plan
    from generator.review.plan_input import parse_plan_bytes

    review = review_plan(parse_plan_bytes(json.dumps(diff_plan()).encode()))
    coloured = render_review(review, "terminal", color=True, width=100)
    plain = render_review(review, "terminal", color=False, width=100)
    assert "\x1b[" in coloured and "\x1b" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
