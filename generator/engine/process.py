"""Run one Terraform process in its own process group: stream its output, forward Ctrl-C, leave no orphans.

The child gets its own process group so a terminal's Ctrl-C (or hang-up) reaches only us; we then decide what
the child sees. First SIGINT, SIGHUP, SIGTERM or SIGQUIT: forwarded as SIGINT, Terraform stops gracefully
(state saved, lock released). Second: the whole group is terminated (SIGTERM; SIGKILL after a grace period or
on a third). If our own output fails meanwhile (the terminal is gone), Terraform is still waited for.
When the child exits, whatever it left behind in its group (provider plugins, `local-exec` commands) is
killed too.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

from generator.engine.base import CommandResult, OutputCallback, OutputLine, StreamName, ignore_output
from generator.engine.jsondoc import BadJson, parse_json

_GRACE_AFTER_TERMINATE = 10.0


@dataclass(frozen=True)
class ProcessSpec:
    """How to start one Terraform invocation: the command line, what to feed on stdin, extra environment."""

    command: list[str]
    terraform_argv: list[str]
    stdin_payload: bytes | None = None
    env: Mapping[str, str] | None = None


# Signals that mean "stop": Ctrl-C, a hang-up (terminal closed, SSH dropped), `kill`, Ctrl-\\.
STOP_SIGNALS = (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT)


class _InterruptState:
    def __init__(self) -> None:
        self.count = 0
        self.first_signal = 0


@contextlib.contextmanager
def _forward_interrupts(proc: subprocess.Popen[bytes], state: _InterruptState) -> Iterator[None]:
    """While the child runs, a stop signal to us is forwarded to it (only in the main thread).

    The first one, whichever it is, becomes a SIGINT for Terraform: a graceful stop. A second one terminates
    the child's whole group, except a repeated SIGHUP: a hang-up often arrives twice (the shell passes it
    on, then the kernel sends it when the session leader exits), and that is not someone insisting.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        if state.count and signum == signal.SIGHUP and state.first_signal == signal.SIGHUP:
            return
        state.count += 1
        state.first_signal = state.first_signal or signum
        if _has_exited(proc.pid):
            return
        with contextlib.suppress(ProcessLookupError):
            if state.count == 1:
                os.kill(proc.pid, signal.SIGINT)
            else:  # a third one does not wait for the grace period
                os.killpg(proc.pid, signal.SIGTERM if state.count == 2 else signal.SIGKILL)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _reader(stream: IO[bytes], name: StreamName, sink: queue.Queue[tuple[StreamName, bytes | None]]) -> None:
    for raw in iter(stream.readline, b""):
        sink.put((name, raw))
    sink.put((name, None))


def _parse_line(name: StreamName, raw: bytes, *, events: bool) -> OutputLine:
    text = raw.decode("utf-8", errors="replace").rstrip("\n")
    event: dict[str, Any] | None = None
    if events and name == "stdout" and text.startswith("{"):
        with contextlib.suppress(BadJson):
            parsed = parse_json(text)
            if isinstance(parsed, dict) and "@message" in parsed:
                event = parsed
    return OutputLine(name, text, event)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _has_exited(pid: int) -> bool:
    """Whether the child exited, without reaping it: while it is an unreaped zombie, its process group id
    cannot be reused, so killing that group can only hit what the child left behind."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _wait_unreaped(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)


def run_process(
    spec: ProcessSpec,
    workdir: Path,
    *,
    on_output: OutputCallback = ignore_output,
    capture: bool = False,
) -> CommandResult:
    """Run `spec` in `workdir`; every line goes to `on_output` (and into the result when `capture`)."""
    env = {**os.environ, **(spec.env or {})}
    proc = subprocess.Popen(
        spec.command,
        cwd=workdir,
        env=env,
        stdin=subprocess.PIPE if spec.stdin_payload is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        process_group=0,
    )
    state = _InterruptState()
    finished = False
    output_lost = False
    lines: list[OutputLine] = []
    stdout_parts: list[str] = []
    stderr_parts: list[str] = []
    try:
        with _forward_interrupts(proc, state):
            if spec.stdin_payload is not None:
                assert proc.stdin is not None
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.write(spec.stdin_payload)
                proc.stdin.close()
            sink: queue.Queue[tuple[StreamName, bytes | None]] = queue.Queue()
            assert proc.stdout is not None and proc.stderr is not None
            readers = [
                threading.Thread(target=_reader, args=(proc.stdout, "stdout", sink), daemon=True),
                threading.Thread(target=_reader, args=(proc.stderr, "stderr", sink), daemon=True),
            ]
            for reader in readers:
                reader.start()
            open_streams = 2
            terminated_at: float | None = None
            while open_streams:
                try:
                    name, raw = sink.get(timeout=0.2)
                except queue.Empty:
                    if _has_exited(proc.pid):
                        _kill_group(proc.pid)  # leftovers of an exited Terraform may still hold our pipes
                    if state.count >= 2 and terminated_at is None:
                        terminated_at = time.monotonic()
                    if terminated_at and time.monotonic() - terminated_at > _GRACE_AFTER_TERMINATE:
                        _kill_group(proc.pid)
                    continue
                if raw is None:
                    open_streams -= 1
                    continue
                line = _parse_line(name, raw, events=not capture)  # captured output is parsed by the caller
                if capture:
                    (stdout_parts if name == "stdout" else stderr_parts).append(line.text)
                    lines.append(line)
                elif line.event is None or line.event_type == "diagnostic":
                    lines.append(line)
                if not output_lost:
                    try:
                        on_output(line)
                    except OSError:  # our terminal is gone (hang-up): Terraform must still finish, unwatched
                        output_lost = True
            _wait_unreaped(proc.pid)  # its pipes are closed; Ctrl-C is still forwarded while it exits
            finished = True
    finally:
        if not finished and not _has_exited(proc.pid):  # leaving early (an exception): stop Terraform
            _kill_group(proc.pid)
        _wait_unreaped(proc.pid)
        _kill_group(proc.pid)  # whatever Terraform left in its group: provider plugins, local-exec commands
        returncode = proc.wait()
    return CommandResult(
        argv=spec.terraform_argv,
        returncode=returncode,
        stdout="\n".join(stdout_parts),
        stderr="\n".join(stderr_parts),
        interrupts=state.count,
        first_signal=state.first_signal,
        lines=lines,
    )
