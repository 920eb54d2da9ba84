"""`generate` on a hostile file system: read-only, full, odd things in the way, killed runs, empty or special -o.

Each case ends in a clear message (exit 2 for something the user must change, 1 for the machine refusing), never
"internal error", and leaves the output directory as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CliResult, run_ekstf
from generate_support import tree

from generator.errors import FileSystemError
from generator.generate import generate

SPEC = (
    "cluster:\n  name: demo\n  region: eu-west-1\nmanagedNodeGroups:\n  - name: ng\n    userData: {shell: 'echo\\n'}\n"
)


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "ekstf.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def _clean(result: CliResult, code: int) -> None:
    assert result.returncode == code, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


@contextlib.contextmanager
def _tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A tiny tmpfs (needs root and a kernel that allows it; the test is skipped otherwise)."""
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


def test_full_disk_is_a_clear_failure_and_changes_nothing(spec: Path, tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "small", "size=16k") as small:
        result = run_ekstf("generate", spec, "-o", small / "repo")
        _clean(result, 1)
        assert "no space left on the device" in result.stderr
        assert "nothing was changed" in result.stderr
        assert list(small.iterdir()) == []  # no temp files, no half-made directories


def test_read_only_directory_is_a_clear_failure(spec: Path, tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "ro", "ro,size=64k") as read_only:
        result = run_ekstf("generate", spec, "-o", read_only)
        _clean(result, 1)
        assert "read-only" in result.stderr


def test_disk_full_half_way_leaves_every_file_as_it_was(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process: the 5th file to be written hits ENOSPC; the repo from the previous run is untouched."""
    out = tmp_path / "infra"
    generate(spec, out)
    before = tree(out)
    manifest = (out / ".ekstf" / "manifest.json").read_bytes()
    spec.write_text(SPEC.replace("demo", "renamed"), encoding="utf-8")
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(FileSystemError, match="no space left on the device"):
        generate(spec, out)
    monkeypatch.undo()
    assert tree(out) == before
    assert (out / ".ekstf" / "manifest.json").read_bytes() == manifest
    assert not [p for p in out.rglob("*.tmp")]
    assert generate(spec, out).written  # and the next run completes


@pytest.mark.parametrize(
    ("setup", "code", "text"),
    [
        (lambda out: (out / ".ekstf").write_text("x"), 2, ".ekstf is a file"),
        (lambda out: (out / ".ekstf" / "manifest.json").mkdir(parents=True), 2, "manifest.json is a directory"),
        (lambda out: (out / "modules").write_text("x"), 1, "`modules` is a file, not a directory"),
        (lambda out: (out / "eks.tf").mkdir(), 1, "a directory is in the way"),
        (lambda out: (out / ".ekstf").symlink_to(out.parent), 2, ".ekstf is a symbolic link"),
    ],
    ids=[
        "ekstf-dir-is-a-file",
        "manifest-is-a-directory",
        "module-dir-is-a-file",
        "file-is-a-directory",
        "ekstf-dir-is-a-symlink-out",
    ],
)
def test_things_in_the_way_are_reported_and_nothing_is_written(
    spec: Path, tmp_path: Path, setup: object, code: int, text: str
) -> None:
    out = tmp_path / "infra"
    out.mkdir()
    setup(out)  # type: ignore[operator]
    before = tree(out)
    result = run_ekstf("generate", spec, "-o", out)
    _clean(result, code)
    assert text in result.stderr
    assert tree(out) == before


@pytest.mark.parametrize("output", ["", "  "])
def test_empty_output_option_is_refused_not_the_current_directory(spec: Path, tmp_path: Path, output: str) -> None:
    result = run_ekstf("generate", spec, "-o", output, cwd=tmp_path)
    _clean(result, 2)
    assert "-o/--output is empty" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ekstf.yaml"]


def test_pseudo_file_system_is_refused(spec: Path) -> None:
    result = run_ekstf("generate", spec, "-o", "/proc/self")
    _clean(result, 2)
    assert "kernel pseudo-file system" in result.stderr


def test_temp_files_of_a_killed_run_are_cleaned_up_and_only_ours(spec: Path, tmp_path: Path) -> None:
    """`kill -9` between writing a temp file and renaming it leaves `.NAME.XXXXXXXX.tmp`; the next run removes it."""
    out = tmp_path / "infra"
    ours = [out / ".eks.tf.ab_cd123.tmp", out / ".ekstf" / ".manifest.json.zzzzzzzz.tmp"]
    ours.append(out / "modules" / "node-user-data" / ".main.tf.k2j3h4g5.tmp")
    not_ours = [out / ".eks.tf.backup.tmp", out / ".notes.txt.ab_cd123.tmp", out / "eks.tf.ab_cd123.tmp"]
    for path in ours + not_ours:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("left over")
    result = run_ekstf("generate", spec, "-o", out)
    _clean(result, 0)
    assert [p for p in ours if p.exists()] == []
    assert [p for p in not_ours if p.exists()] == not_ours


def test_killed_generate_leaves_no_partial_file_and_the_next_run_completes(spec: Path, tmp_path: Path) -> None:
    """A real SIGKILL at a random moment: every file present is whole, and a second run finishes the repo."""
    import signal
    import time

    from conftest import ekstf_executable

    out = tmp_path / "infra"
    for delay in (0.3, 0.6, 0.9):
        proc = subprocess.Popen([*ekstf_executable(), "generate", str(spec), "-o", str(out)], stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    result = run_ekstf("generate", spec, "-o", out)
    _clean(result, 0)
    assert not [p for p in out.rglob("*.tmp")]
    assert run_ekstf("generate", spec, "-o", out, "--check").returncode == 0
