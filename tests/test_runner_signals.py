"""A hang-up, `kill` or Ctrl-\\ during apply stops Terraform like the first Ctrl-C: state saved, lock released."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import TerraformEnv, ekstf_executable, run_ekstf
from runner_support import commands_with_env, copy_fixture, engine_flags, processes_with_env, read_json, wait_for

pytestmark = pytest.mark.slow

LOCK_INFO = ".terraform.tfstate.lock.info"


def _start_apply(
    workdir: Path, flags: list[str], marker: str, *, on_terminal: bool
) -> tuple[subprocess.Popen[str], int]:
    """`ekstf apply` in its own session, its output on a pseudo-terminal (returned) or on pipes (fd -1)."""
    master = -1
    output: int = subprocess.PIPE
    if on_terminal:
        master, slave = pty.openpty()
        output = slave
    proc = subprocess.Popen(
        [*ekstf_executable(), "apply", "-C", str(workdir), "--auto-approve", *flags],
        env={**os.environ, "NO_COLOR": "1", marker: "1"},
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=output,
        text=True,
        start_new_session=True,
    )
    if on_terminal:
        os.close(output)
    return proc, master


def _side_effects(workdir: Path) -> list[str]:
    log = workdir / "side-effects.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.mark.parametrize(
    ("engine", "signum"),
    [
        ("embedded", signal.SIGHUP),
        ("binary", signal.SIGHUP),
        ("embedded", signal.SIGTERM),
        ("binary", signal.SIGQUIT),
    ],
    ids=["embedded-SIGHUP", "binary-SIGHUP", "embedded-SIGTERM", "binary-SIGQUIT"],
)
def test_stop_signal_during_apply_stops_terraform_gracefully(
    engine: str, signum: signal.Signals, terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    workdir = copy_fixture("side_effects", tmp_path)
    flags = engine_flags(engine, tmp_path)
    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2

    marker = f"EKSTF_TEST_MARKER_{uuid.uuid4().hex}"
    hang_up = signum == signal.SIGHUP
    proc, master = _start_apply(workdir, flags, marker, on_terminal=hang_up)
    stderr = ""
    try:
        wait_for(lambda: any(c.startswith("sleep ") for c in commands_with_env(marker)), 90, "the slow step to start")
        assert _side_effects(workdir) == ["ran"]
        assert (workdir / LOCK_INFO).exists(), "Terraform holds the state lock while applying"
        if hang_up:  # the terminal goes away first: every write ekstf makes to it now fails
            os.close(master)
            master = -1
        proc.send_signal(signum)
        if hang_up:
            proc.wait(timeout=90)
        else:
            _, stderr = proc.communicate(timeout=90)
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 128 + signum, stderr
    if not hang_up:
        assert f"interrupted ({signum.name})" in stderr and "gracefully" in stderr
        assert "Traceback" not in stderr and "internal error" not in stderr
    wait_for(lambda: not processes_with_env(marker), 10, "every child process to be gone")
    assert not (workdir / LOCK_INFO).exists(), "the state lock is released"
    state = read_json(workdir / "terraform.tfstate")
    saved = {f"{r['type']}.{r['name']}" for r in state["resources"]}
    assert "terraform_data.side_effect" in saved, "what was done before the stop is in the state"

    if not hang_up:
        return
    # Finishing the job does not repeat what already happened (what a hang-up broke before).
    (workdir / "terraform.tfvars").write_text("sleep_seconds = 0\n", encoding="utf-8")
    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 0, result.stderr
    assert _side_effects(workdir) == ["ran"], "the side effect ran exactly once"
