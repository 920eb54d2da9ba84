"""The process layer under both engines: a second Ctrl-C terminates a child that ignores the first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

from runner_support import processes_with_env

from generator.engine import OutputLine

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


def _event(kind: str, message: str, **extra: object) -> OutputLine:
    import json

    event = {"@message": message, "type": kind, **extra}
    return OutputLine("stdout", json.dumps(event), event)


def test_plain_progress_counts_resources_and_shows_diagnostics_verbatim() -> None:
    import io

    from rich.console import Console

    from generator.runner.progress import OperationProgress

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=200)
    hook = {"resource": {"addr": "null_resource.a"}}
    diagnostic = {
        "severity": "error",
        "summary": "Invalid reference",
        "detail": "A reference to a resource type must be followed by at least one attribute access.",
        "range": {"filename": "main.tf", "start": {"line": 4, "column": 11}},
        "snippet": {"context": 'output "bad"', "code": "  value = null_resource", "start_line": 4},
    }
    with OperationProgress(console, "Applying", total=2) as progress:
        for line in (
            _event("apply_start", "null_resource.a: Creating...", hook=hook),
            _event("apply_complete", "null_resource.a: Creation complete after 0s [id=1]", hook=hook),
            _event("apply_errored", "null_resource.b: Creation errored after 0s", hook=hook),
            _event("diagnostic", "Error: Invalid reference", diagnostic=diagnostic),
            OutputLine("stderr", "a plain line Terraform wrote"),
        ):
            progress(line)
    text = buffer.getvalue()
    assert "[1/2] null_resource.a: Creation complete after 0s [id=1]" in text
    assert "[2/2] null_resource.b: Creation errored after 0s" in text
    assert 'Error: Invalid reference\n\n  on main.tf line 4, in output "bad":\n    4:   value = null_resource' in text
    assert "at least one attribute access." in text
    assert "a plain line Terraform wrote" in text
    assert len(progress.diagnostics) == 1
