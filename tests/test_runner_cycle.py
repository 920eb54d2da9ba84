"""plan → apply → plan → replace → delete → outputs → destroy through the CLI, on both engines."""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import pytest
from conftest import TerraformEnv, run_ekstf
from runner_support import ENGINES, copy_fixture, engine_flags, planned_actions, read_json

pytestmark = pytest.mark.slow

SECRET_ONE = "s3cr3t-one-value"
SECRET_TWO = "s3cr3t-two-value"


def _tfvars(workdir: Path, instances: int, trigger: str) -> None:
    (workdir / "terraform.tfvars").write_text(f'instances = {instances}\ntrigger   = "{trigger}"\n', encoding="utf-8")


@pytest.mark.parametrize("engine", ENGINES)
def test_full_cycle(engine: str, terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    flags = engine_flags(engine, tmp_path)
    printed: list[str] = []

    def ekstf(*args: str) -> tuple[int, str, str]:
        result = run_ekstf(*args, "-C", workdir, *flags)
        printed.append(result.output)
        return result.returncode, result.stdout, result.stderr

    code, out, err = ekstf("plan")
    assert code == 2, err
    assert (workdir / ".ekstf" / "plan.tfplan").is_file()
    assert set(planned_actions(workdir)) == {
        "null_resource.node[0]",
        "null_resource.node[1]",
        "null_resource.node[2]",
        "terraform_data.marker",
    }
    assert stat.S_IMODE((workdir / ".ekstf").stat().st_mode) == 0o700
    assert "*" in (workdir / ".ekstf" / ".gitignore").read_text(encoding="utf-8").splitlines()
    record = read_json(workdir / ".ekstf" / "plan-record.json")
    assert {"main.tf", "terraform.tfvars", ".terraform.lock.hcl"} <= set(record["hashes"])

    code, out, err = ekstf("apply", "--auto-approve")
    assert code == 0, err
    assert "admin_password" in out and "(sensitive)" in out  # outputs shown after apply, masked
    assert "[4/4]" in err  # plain progress: resources done / total
    outputs_file = workdir / ".ekstf" / "outputs.json"
    assert stat.S_IMODE(outputs_file.stat().st_mode) == 0o600
    assert read_json(outputs_file)["admin_password"]["value"] == SECRET_ONE  # stored, owner-only
    assert len(read_json(outputs_file)["node_ids"]["value"]) == 3

    code, out, err = ekstf("plan")
    assert code == 0, err

    _tfvars(workdir, 3, "two")
    code, out, err = ekstf("plan")
    assert code == 2, err
    actions = planned_actions(workdir)
    assert all(actions[f"null_resource.node[{i}]"] in (["delete", "create"], ["create", "delete"]) for i in range(3))
    assert "null_resource.node[0]" in out  # replaced addresses are listed in the summary
    code, out, err = ekstf("apply", "--auto-approve")
    assert code == 0, err

    _tfvars(workdir, 1, "two")
    code, out, err = ekstf("plan")
    assert code == 2, err
    actions = planned_actions(workdir)
    assert actions["null_resource.node[1]"] == ["delete"]
    assert actions["null_resource.node[2]"] == ["delete"]
    assert "null_resource.node[0]" not in actions
    assert "null_resource.node[2]" in out  # destroyed addresses are listed in the summary
    code, out, err = ekstf("apply", "--auto-approve")
    assert code == 0, err

    code, out, err = ekstf("outputs", "--json")
    assert code == 0, err
    import json

    values = json.loads(out)
    assert len(values["node_ids"]) == 1
    assert values["marker"] == "instances-1"
    assert values["admin_password"] == "(sensitive)"
    code, out, err = ekstf("outputs")
    assert code == 0 and "admin_password" in out and "(sensitive)" in out
    assert all(SECRET_ONE not in text and SECRET_TWO not in text for text in printed)

    code, out, err = ekstf("outputs", "admin_password", "--show-sensitive")
    assert code == 0 and out.strip() == SECRET_TWO

    code, out, err = ekstf("destroy", "--auto-approve")
    assert code == 0, err
    assert "null_resource.node[0]" in out
    code, out, err = ekstf("outputs", "--json")
    assert code == 0 and json.loads(out) == {}
    code, out, err = ekstf("plan")
    assert code == 2, "after destroy everything is to be created again"


def test_plan_runs_init_only_when_what_it_depends_on_changed(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    log = tmp_path / "terraform.log"

    def terraform_commands_of_a_plan() -> list[str]:
        log.unlink(missing_ok=True)
        env = {"TF_LOG": "INFO", "TF_LOG_PATH": str(log)}
        result = run_ekstf("plan", "-C", workdir, "--engine", "embedded", env=env)
        assert result.returncode == 2, result.stderr
        return re.findall(r'CLI command args: \[\]string\{"(\w+)"', log.read_text(encoding="utf-8"))

    assert terraform_commands_of_a_plan() == ["init", "plan", "show"]
    assert terraform_commands_of_a_plan() == ["plan", "show"]
    _tfvars(workdir, 2, "changed")  # variables cannot reach module sources, providers or the backend
    assert terraform_commands_of_a_plan() == ["plan", "show"]
    (workdir / "extra.tf").write_text('resource "null_resource" "extra" {}\n', encoding="utf-8")
    assert terraform_commands_of_a_plan() == ["init", "plan", "show"]
    shutil.rmtree(workdir / ".terraform")
    assert terraform_commands_of_a_plan() == ["init", "plan", "show"]
    (workdir / ".ekstf" / "init-record").write_text("not a digest\n", encoding="utf-8")
    assert terraform_commands_of_a_plan() == ["init", "plan", "show"]


@pytest.mark.parametrize("engine", ENGINES)
def test_apply_refuses_missing_stale_and_errored_plans(
    engine: str, terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    flags = engine_flags(engine, tmp_path)

    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 1
    assert "no saved plan" in result.stderr
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", "--lock-timeout", "soon", *flags)
    assert result.returncode == 2 and "not a duration" in result.stderr

    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2
    _tfvars(workdir, 5, "one")
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 1
    assert "stale" in result.stderr and "terraform.tfvars (changed)" in result.stderr
    assert not (workdir / "terraform.tfstate").exists(), "a stale plan must not be applied"

    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2
    (workdir / "extra.tf").write_text('resource "null_resource" "extra" {}\n', encoding="utf-8")
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 1 and "extra.tf (added)" in result.stderr

    (workdir / "extra.tf").unlink()
    result = run_ekstf("apply", "-C", workdir, *flags)  # no TTY, no --auto-approve
    assert result.returncode == 1
    assert "--auto-approve" in result.stderr
    assert not (workdir / "terraform.tfstate").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_errored_config_exits_1_with_terraform_message(
    engine: str, terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    workdir = copy_fixture("broken", tmp_path)
    flags = engine_flags(engine, tmp_path)
    result = run_ekstf("plan", "-C", workdir, *flags)
    assert result.returncode == 1
    assert "Reference to undeclared resource" in result.stderr
    assert "null_resource.missing" in result.stderr
    assert "Traceback" not in result.output
    assert not (workdir / ".ekstf" / "plan.tfplan").exists()

    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 1
    assert "last plan failed" in result.stderr


def test_plan_writes_review_files(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    markdown = tmp_path / "review.md"
    as_json = tmp_path / "review.json"
    result = run_ekstf("plan", "-C", workdir, "--engine", "embedded", "--markdown", markdown, "--json", as_json)
    assert result.returncode == 2, result.stderr
    assert "null_resource.node[0]" in markdown.read_text(encoding="utf-8")
    assert read_json(as_json)
    assert "ekstf review" in markdown.read_text(encoding="utf-8")  # the EKS-aware review, never a fallback
    assert read_json(as_json)["summary"]["create"] == 4  # three nodes and the marker
    assert "No EKS dangers" in result.stdout
    assert SECRET_ONE not in markdown.read_text(encoding="utf-8") + as_json.read_text(encoding="utf-8")


def test_bad_directory_is_bad_input(tmp_path: Path) -> None:
    result = run_ekstf("plan", "-C", tmp_path, "--engine", "embedded")
    assert result.returncode == 2
    assert "no Terraform files" in result.stderr
    (tmp_path / "main.tf").write_text("", encoding="utf-8")
    result = run_ekstf("plan", "-C", tmp_path, "--engine", "nope")
    assert result.returncode == 2
    assert "unknown engine" in result.stderr


def _apply_on_a_terminal(workdir: Path, answer: str) -> tuple[int, str]:
    """`ekstf apply` with a pseudo-terminal as stdin, answering the approval prompt."""
    import os
    import pty
    import subprocess

    from conftest import ekstf_executable

    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [*ekstf_executable(), "apply", "-C", str(workdir), "--engine", "embedded"],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
            text=True,
        )
        os.write(master, f"{answer}\n".encode())
        output, _ = proc.communicate(timeout=300)
    finally:
        os.close(master)
        os.close(slave)
    return proc.returncode, output


@pytest.mark.slow
def test_apply_asks_for_approval_on_a_terminal(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    assert run_ekstf("plan", "-C", workdir, "--engine", "embedded").returncode == 2

    code, output = _apply_on_a_terminal(workdir, "no")
    assert code == 1 and "not approved" in output
    assert "null_resource.node[0]" in output  # the summary was shown before asking
    assert not (workdir / "terraform.tfstate").exists()

    code, output = _apply_on_a_terminal(workdir, "yes")
    assert code == 0, output
    assert len(read_json(workdir / "terraform.tfstate")["resources"]) == 2  # node (3 instances) and marker


@pytest.mark.slow
def test_var_files_targets_and_refresh_only(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    var_file = tmp_path / "prod.tfvars"  # outside the directory: hashed with the plan all the same
    var_file.write_text("instances = 2\n", encoding="utf-8")
    flags = ["--engine", "embedded"]

    result = run_ekstf("plan", "-C", workdir, "--var-file", var_file, "--target", "null_resource.node", *flags)
    assert result.returncode == 2, result.stderr
    assert set(planned_actions(workdir)) == {"null_resource.node[0]", "null_resource.node[1]"}
    assert str(var_file) in read_json(workdir / ".ekstf" / "plan-record.json")["hashes"]

    var_file.write_text("instances = 4\n", encoding="utf-8")
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 1 and f"{var_file} (changed)" in result.stderr

    assert run_ekstf("plan", "-C", workdir, "--var-file", var_file, *flags).returncode == 2
    assert run_ekstf("apply", "-C", workdir, "--auto-approve", *flags).returncode == 0
    assert len(read_json(workdir / ".ekstf" / "outputs.json")["node_ids"]["value"]) == 4

    result = run_ekstf("plan", "-C", workdir, "--var-file", var_file, "--refresh-only", *flags)
    # Terraform itself exits 2 for refresh-only plans even without drift; ekstf mirrors its exit code.
    assert result.returncode in (0, 2), result.stderr
    assert planned_actions(workdir) == {}
    assert read_json(workdir / ".ekstf" / "plan-record.json")["refresh_only"] is True

    missing = run_ekstf("plan", "-C", workdir, "--var-file", tmp_path / "nope.tfvars", *flags)
    assert missing.returncode == 2 and "nope.tfvars does not exist" in missing.stderr


@pytest.mark.slow
def test_live_progress_on_a_terminal(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    import os
    import pty
    import subprocess

    from conftest import ekstf_executable

    workdir = copy_fixture("cycle", tmp_path)
    assert run_ekstf("plan", "-C", workdir, "--engine", "embedded").returncode == 2
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.Popen(
        [*ekstf_executable(), "apply", "-C", str(workdir), "--engine", "embedded", "--auto-approve"],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env={**env, "COLUMNS": "200", "TERM": "xterm"},
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    screen = b"".join(chunks).decode("utf-8", errors="replace")
    assert "Applying: " in screen and "resources done" in screen  # the live status line
    assert "Apply complete! Resources: 4 added" in screen
    assert SECRET_ONE not in screen
