"""The process layer under both engines: a second Ctrl-C terminates a child that ignores the first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

from runner_support import processes_with_env

# A stand-in for a Terraform that does not stop on SIGINT (its children ignore it too).
DRIVER = """
from pathlib import Path
from generator.engine.process import ProcessSpec, run_process

spec = ProcessSpec(command=["sh", "-c", "trap '' INT; echo ready; sleep 60 & wait"], terraform_argv=[])
result = run_process(spec, Path("."), on_output=lambda line: print(line.text, flush=True))
print("interrupts", result.interrupts, flush=True)
"""


def test_second_interrupt_terminates_the_whole_group() -> None:
    marker = f"EKSTF_TEST_MARKER_{uuid.uuid4().hex}"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER],
        env={**os.environ, marker: "1"},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGINT)
        time.sleep(1.0)
        assert proc.poll() is None, "the first Ctrl-C is forwarded; the child may keep running to stop cleanly"
        assert len(processes_with_env(marker)) >= 3  # driver, sh, sleep
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "interrupts 2" in output
    deadline = time.monotonic() + 5
    while processes_with_env(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes_with_env(marker), "no orphan left behind"
