"""`ekstf review` inputs: banners, stdin, bad input (exit 2), big plans within the comment limit, the Python API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_ekstf
from review_support import CRITICAL_ADDRESSES, synthetic_plan, write_synthetic_plan

from generator.errors import UserInputError
from generator.review import build_review, load_plan, render_review

PLANS = Path(__file__).parent / "fixtures" / "plans"
UPGRADE_PLAN = PLANS / "eks-upgrade.json"


def test_text_before_the_json_and_stdin_are_accepted(tmp_path: Path) -> None:
    banner = tmp_path / "wrapped.json"
    banner.write_text(
        "Running terraform show {wrapper v1.2}\n[info] plan loaded\n"
        + UPGRADE_PLAN.read_text(encoding="utf-8")
        + "\nDone.\n",
        encoding="utf-8",
    )
    from_file = run_ekstf("review", banner, "--format", "json")
    from_stdin = run_ekstf("review", "-", "--format", "json", input_text=UPGRADE_PLAN.read_text(encoding="utf-8"))
    assert from_file.returncode == 0, from_file.output
    assert from_stdin.returncode == 0, from_stdin.output
    assert json.loads(from_file.stdout)["summary"] == json.loads(from_stdin.stdout)["summary"]
    assert json.loads(from_file.stdout)["summary"]["update"] == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not json at all\n", "no JSON object found"),
        ('{"resource_changes": ', "plan is not valid JSON"),
        ('{"format_version": "1.2",\n "resource_changes": [}', "plan.json:2:23: error: plan is not valid JSON"),
        ('{"hello": "world"}', "not a Terraform plan"),
        ('{"format_version": "1.0", "values": {"root_module": {}}}', "Terraform state, not a plan"),
        ('{"format_version": "2.0", "resource_changes": [], "planned_values": {}}', "unsupported plan format_version"),
        ('{"format_version": "1.2", "resource_changes": {"a": 1}}', "does not have the shape of a Terraform plan"),
        ("[1, 2, 3]", "no JSON object found"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(tmp_path: Path, content: str, message: str) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(content, encoding="utf-8")
    result = run_ekstf("review", plan, "--format", "json")
    assert result.returncode == 2, result.output
    assert message in result.stderr
    assert "plan.json" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_bad_flags_and_missing_files_exit_2(tmp_path: Path) -> None:
    for args, message in [
        ((tmp_path / "missing.json",), "cannot read plan"),
        ((UPGRADE_PLAN, "--mask", "([unclosed"), "invalid --mask regular expression"),
        ((UPGRADE_PLAN, "--fail-on", "everything"), "unknown --fail-on value"),
        ((UPGRADE_PLAN, "--format", "html"), "unknown format"),
    ]:
        result = run_ekstf("review", *args)
        assert result.returncode == 2, result.output
        assert message in result.stderr
        assert "Traceback" not in result.output


def test_five_thousand_resources_fit_the_comment_limit(tmp_path: Path) -> None:
    plan = write_synthetic_plan(tmp_path / "big.json", 5_000)
    summary = tmp_path / "summary.md"
    result = run_ekstf("review", plan, "--format", "markdown", "--github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.output
    text = result.stdout
    assert len(text) <= 65_000
    assert summary.read_text(encoding="utf-8") == text
    counts = json.loads(run_ekstf("review", plan, "--format", "json").stdout)["summary"]
    row = "| " + " | ".join(str(counts[a]) for a in counts) + " |"
    assert row in text
    assert text.index(row) < text.index("<details>")
    for address in CRITICAL_ADDRESSES:
        assert address in text.split("#### Changes by module")[0]
    assert "`eks-cluster-destroyed`" in text and "`oidc-provider-removed`" in text
    assert "_Folded to fit the 65,000-character comment limit" in text
    assert "not listed" in text

    small = run_ekstf("review", plan, "--format", "markdown", "--max-chars", "12000")
    assert len(small.stdout) <= 12_000
    assert "`eks-cluster-destroyed`" in small.stdout and row in small.stdout


def test_python_api_for_the_runner(tmp_path: Path) -> None:
    wrapped = tmp_path / "plan.txt"
    wrapped.write_text("banner\n" + json.dumps(synthetic_plan(40)), encoding="utf-8")
    plan = load_plan(wrapped)
    review = build_review(plan, mask_patterns=[r"worker-\d+"])
    assert review.counts["replace"] >= 1
    assert [d.rule for d in review.dangers[:2]] == ["eks-cluster-destroyed", "oidc-provider-removed"]
    markdown = render_review(review, "markdown", max_chars=5_000)
    assert len(markdown) <= 5_000
    terminal = render_review(review, "terminal")
    assert "\x1b[" in terminal  # ANSI colours by default
    assert "\x1b[" not in render_review(review, "terminal", color=False)
    document = json.loads(render_review(review, "json"))
    assert document["summary"] == review.counts
    for text in (markdown, terminal, json.dumps(document)):
        assert "worker-1" not in text  # --mask applies to tags the provider does not mark
    assert plan["resource_changes"][0]["change"]["before"]["name"] == "prod"  # the caller's plan is untouched
    with pytest.raises(UserInputError, match="unsupported plan format_version"):
        build_review({"format_version": "3.1", "resource_changes": []})


def test_nested_sensitivity_marks_mask_whole_subtrees() -> None:
    before = {"settings": [{"user": "admin", "password": "NESTED-SECRET-1"}], "block": {"token": "SUBTREE-SECRET-2"}}
    after = {"settings": [{"user": "admin2", "password": "NESTED-SECRET-3"}], "block": {"token": "SUBTREE-SECRET-4"}}
    marks = {"settings": [{"password": True}], "block": True}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_db_instance.main",
                "mode": "managed",
                "type": "aws_db_instance",
                "name": "main",
                "change": {
                    "actions": ["update"],
                    "before": before,
                    "after": after,
                    "after_unknown": {},
                    "before_sensitive": marks,
                    "after_sensitive": marks,
                },
            }
        ],
        "resource_drift": [
            {
                "address": "aws_db_instance.main",
                "mode": "managed",
                "type": "aws_db_instance",
                "name": "main",
                "change": {
                    "actions": ["update"],
                    "before": before,
                    "after": before,
                    "before_sensitive": marks,
                    "after_sensitive": marks,
                },
            }
        ],
    }
    review = build_review(plan)
    diff = {d.path: d for d in review.resources[0].diff()}
    assert (diff["settings[0].user"].before, diff["settings[0].user"].after) == ("admin", "admin2")
    assert diff["settings[0].password"].sensitive and diff["block"].sensitive
    for fmt in ("terminal", "markdown", "json"):
        text = render_review(review, fmt)
        assert "admin2" in text
        for secret in ("NESTED-SECRET-1", "SUBTREE-SECRET-2", "NESTED-SECRET-3", "SUBTREE-SECRET-4"):
            assert secret not in text, (fmt, secret)
