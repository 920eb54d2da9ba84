"""Remote state on a real moto_server: bootstrap-state, apply into S3, S3-native locking, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import CliResult, MotoServer, TerraformEnv, ekstf_executable, free_port, run_ekstf
from runner_support import ENGINES, commands_with_env, copy_fixture, engine_flags, processes_with_env, wait_for

pytestmark = pytest.mark.slow

BUCKET = "ekstf-test-state"
REGION = "us-east-1"


def _bootstrap_for_http_endpoint() -> CliResult:
    # moto enforces the TLS-only bucket policy, and moto_server speaks plain HTTP: leave the policy out here.
    return run_ekstf("bootstrap-state", "--bucket", BUCKET, "--region", REGION, "--insecure-transport")


def _s3() -> Any:
    return boto3.client("s3", region_name=REGION)


def _with_backend(workdir: Path, endpoint: str, key: str) -> Path:
    (workdir / "backend.tf").write_text(
        "terraform {\n"
        '  backend "s3" {\n'
        f'    bucket                      = "{BUCKET}"\n'
        f'    key                         = "{key}"\n'
        f'    region                      = "{REGION}"\n'
        "    use_lockfile                = true\n"
        "    use_path_style              = true\n"
        f'    endpoints                   = {{ s3 = "{endpoint}" }}\n'
        "    skip_credentials_validation = true\n"
        "    skip_requesting_account_id  = true\n"
        "    skip_metadata_api_check     = true\n"
        "    skip_region_validation      = true\n"
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    return workdir


def _lock_attempts(terraform_log: Path) -> int:
    if not terraform_log.exists():
        return 0
    return terraform_log.read_text(encoding="utf-8", errors="replace").count("Attempting to lock remote state")


def _object_exists(key: str) -> bool:
    return "Contents" in _s3().list_objects_v2(Bucket=BUCKET, Prefix=key)


def _state(key: str) -> dict[str, Any]:
    body = _s3().get_object(Bucket=BUCKET, Key=key)["Body"].read()
    state: dict[str, Any] = json.loads(body)
    return state


def _managed(state: dict[str, Any]) -> set[str]:
    return {f"{r['type']}.{r['name']}" for r in state.get("resources", []) if r["mode"] == "managed"}


def _start_ekstf(*args: str | os.PathLike[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*ekstf_executable(), *map(str, args)],
        env={**os.environ, "NO_COLOR": "1", **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_bootstrap_state_creates_a_hardened_bucket_idempotently(aws: MotoServer) -> None:
    result = run_ekstf("bootstrap-state", "--bucket", BUCKET, "--region", "eu-west-1", "--key-prefix", "team/app")
    assert result.returncode == 0, result.stderr
    assert "created bucket" in result.stderr
    assert "use_lockfile = true" in result.stdout and 'key          = "team/app/terraform.tfstate"' in result.stdout
    s3 = boto3.client("s3", region_name="eu-west-1")
    assert s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"] == "eu-west-1"
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    with pytest.raises(ClientError, match="Forbidden"):  # moto_server speaks plain HTTP: the policy bites
        s3.put_object(Bucket=BUCKET, Key="probe", Body=b"x")

    again = run_ekstf("bootstrap-state", "--bucket", BUCKET, "--region", "eu-west-1")
    assert again.returncode == 0, again.stderr
    assert "already exists" in again.stderr and "created" not in again.stderr
    assert len(json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"]) == 1

    bad = run_ekstf("bootstrap-state", "--bucket", "Not_A_Valid_Bucket", "--region", "us-east-1")
    assert bad.returncode == 2
    assert "not a valid S3 bucket name" in bad.stderr and "Traceback" not in bad.output

    unreachable = run_ekstf(
        "bootstrap-state",
        "--bucket",
        "other-bucket",
        "--region",
        "us-east-1",
        env={"AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}", "AWS_MAX_ATTEMPTS": "1"},
    )
    assert unreachable.returncode == 1
    assert "could not reach S3" in unreachable.stderr and "Traceback" not in unreachable.output


@pytest.mark.parametrize("engine", ENGINES)
def test_remote_state_and_concurrent_applies(
    engine: str, aws: MotoServer, terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    assert _bootstrap_for_http_endpoint().returncode == 0
    key = f"{engine}/terraform.tfstate"
    first, second, patient = (
        _with_backend(copy_fixture("slow", tmp_path / name), aws.endpoint, key) for name in ("a", "b", "c")
    )
    # The first apply holds the lock until the test lets it go: once the blocked apply has failed and the patient
    # one has found the lock held and is trying again.
    release = tmp_path / "release"
    (first / "terraform.tfvars").write_text(f'sleep_seconds = 120\nrelease_file = "{release}"\n', encoding="utf-8")
    for workdir in (second, patient):
        (workdir / "terraform.tfvars").write_text("sleep_seconds = 1\n", encoding="utf-8")
    flags = engine_flags(engine, tmp_path)
    for workdir in (first, second, patient):
        result = run_ekstf("plan", "-C", workdir, *flags)
        assert result.returncode == 2, result.stderr

    # Terraform's own log shows the patient apply's lock attempts: a second one means it waits.
    patient_log = tmp_path / "patient-terraform.log"
    patient_log_env = {"TF_LOG": "INFO", "TF_LOG_PATH": str(patient_log)}
    running = _start_ekstf("apply", "-C", first, "--auto-approve", *flags, env={})
    waiting: subprocess.Popen[str] | None = None
    try:
        wait_for(lambda: _object_exists(f"{key}.tflock"), 60, "the first apply to take the lock")
        waiting = _start_ekstf(
            "apply", "-C", patient, "--auto-approve", "--lock-timeout", "90s", *flags, env=patient_log_env
        )
        blocked = run_ekstf("apply", "-C", second, "--auto-approve", *flags)
        assert blocked.returncode == 1
        assert "Error acquiring the state lock" in blocked.stderr
        wait_for(lambda: _lock_attempts(patient_log) >= 2, 60, "the patient apply to retry the held lock")
        assert waiting.poll() is None, "the patient apply is still waiting for the lock"
        assert running.poll() is None, "the first apply still holds the lock"
        release.touch()
        _, stderr = running.communicate(timeout=120)
        _, waited_stderr = waiting.communicate(timeout=120)
    finally:
        for proc in (running, waiting):
            if proc is not None and proc.poll() is None:
                proc.kill()
    assert running.returncode == 0, stderr
    # The patient apply waited for the lock instead of failing, then Terraform refused its plan: made
    # before the first apply changed the state.
    assert waiting.returncode == 1
    assert "Error acquiring the state lock" not in waited_stderr
    assert "Saved plan is stale" in waited_stderr
    assert not _object_exists(f"{key}.tflock"), "the lock object is removed after the apply"
    assert _managed(_state(key)) == {"null_resource.fast", "terraform_data.slow"}
    assert not (first / "terraform.tfstate").exists(), "state lives in S3, not on disk"


@pytest.mark.parametrize("engine", ENGINES)
def test_ctrl_c_stops_gracefully(engine: str, aws: MotoServer, terraform_env: TerraformEnv, tmp_path: Path) -> None:
    assert _bootstrap_for_http_endpoint().returncode == 0
    key = f"interrupt-{engine}/terraform.tfstate"
    workdir = _with_backend(copy_fixture("slow", tmp_path), aws.endpoint, key)
    flags = engine_flags(engine, tmp_path)
    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2

    marker = f"EKSTF_TEST_MARKER_{uuid.uuid4().hex}"
    proc = _start_ekstf("apply", "-C", workdir, "--auto-approve", *flags, env={marker: "1"})
    try:
        wait_for(lambda: _object_exists(f"{key}.tflock"), 60, "apply to start")
        wait_for(
            lambda: any(c.startswith("sleep ") for c in commands_with_env(marker)), 30, "the local-exec sleep to start"
        )
        proc.send_signal(signal.SIGINT)  # to ekstf only, as a terminal's Ctrl-C would reach it
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "Interrupt received" in stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    wait_for(lambda: not processes_with_env(marker), 5, "every child process to be gone")
    assert not _object_exists(f"{key}.tflock"), "the lock is released"
    state = _state(key)
    assert "null_resource.fast" in _managed(state)
    outputs = run_ekstf("outputs", "-C", workdir, "--json", *flags)
    assert outputs.returncode == 0, outputs.stderr
