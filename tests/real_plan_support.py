"""Change plans made with real Terraform: a spec is generated, applied against the sandbox's simulated AWS, then
edited as a user would and planned again against the applied state, so `ekstf review` reads the plan Terraform
really writes for that edit (not hand-written plan JSON).

`ekstf sandbox` runs one cycle in a scratch copy that it removes; a change plan needs one Terraform state and one
simulated account kept across a plan, an apply and further plans. `AppliedBase` builds that from the sandbox's own
primitives (workspace, module registry, resident provider doubles) without changing the sandbox.
"""

from __future__ import annotations

import json
import re
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from conftest import run_ekstf, shared_path

from generator.engine.base import CommandResult


def module_cache() -> Path:
    return shared_path("tf-modules")


class AppliedBase:
    """A generated repository applied once; `plan_edit` regenerates it from an edited spec and plans (no apply), so
    every edit is planned against the same applied state."""

    def __init__(self, root: Path, spec_text: str) -> None:
        from generator.engine import select_engine
        from generator.sandbox import workspace

        self.root = root
        self.base_text = spec_text
        self.spec = root / "ekstf.yaml"
        self.repo = root / "repo"
        self.timings: dict[str, float] = {}
        self._plans: dict[str, tuple[str, Path, dict[str, Any]]] = {}
        self.engine = select_engine("embedded", None)
        self._stack = ExitStack()
        try:
            registry = self._stack.enter_context(workspace.ModuleRegistry(module_cache()))
            space = workspace.prepare(root / "sandbox", self.repo, registry.url)
            variables = space.environment()
            residents = self._stack.enter_context(workspace.ResidentProviders(variables))
            variables.update(residents.variables())
            self._stack.enter_context(workspace.environment(variables))
            started = time.monotonic()
            self._generate(spec_text)
            self._plan(root / "base.tfplan")
            self._ok(self.engine.apply(self.repo, root / "base.tfplan"), "apply", codes=(0,))
            self.timings["base"] = time.monotonic() - started
        except BaseException:
            self._stack.close()
            raise

    def close(self) -> None:
        self._stack.close()

    @staticmethod
    def _ok(result: CommandResult, what: str, codes: tuple[int, ...] = (0, 2)) -> None:
        assert result.returncode in codes, f"{what} failed:\n{result.diagnostics_text()[-4000:]}"

    def _generate(self, spec_text: str) -> None:
        self.spec.write_text(spec_text, encoding="utf-8")
        generated = run_ekstf("generate", self.spec, "-o", self.repo)
        assert generated.returncode == 0, generated.stderr

    def _plan(self, plan_file: Path) -> dict[str, Any]:
        self._ok(self.engine.init(self.repo), "init")
        self._ok(self.engine.plan(self.repo, out=plan_file), "plan")
        plan: dict[str, Any] = self.engine.show_json(self.repo, plan_file)
        return plan

    def plan_edit(self, name: str, spec_text: str) -> tuple[Path, dict[str, Any]]:
        """Regenerate the repository from `spec_text`, plan it against the applied base; the plan JSON is written
        to ROOT/NAME.json (the file `ekstf review` reads). A second call with the same name and text reuses it."""
        if name in self._plans and self._plans[name][0] == spec_text:
            return self._plans[name][1], self._plans[name][2]
        started = time.monotonic()
        self._generate(spec_text)
        plan = self._plan(self.root / f"{name}.tfplan")
        path = self.root / f"{name}.json"
        path.write_text(json.dumps(plan), encoding="utf-8")
        self.timings[name] = time.monotonic() - started
        self._plans[name] = (spec_text, path, plan)
        return path, plan


def edited(text: str, old: str, new: str) -> str:
    """`text` with `old` (a regex, exactly one match, multi-line mode) replaced by `new`, as a user edits a spec."""
    result, count = re.subn(old, new, text, count=1, flags=re.M)
    assert count == 1, f"{old!r} not found in the spec"
    return result


def review_json(plan_path: Path, *extra: str) -> dict[str, Any]:
    result = run_ekstf("review", plan_path, "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document
