"""Change plans made with real Terraform: a spec is generated, applied against the sandbox's simulated AWS, then
edited as a user would and planned again against the applied state, so `ekstf review` reads the plan Terraform
really writes for that edit (not hand-written plan JSON).

`ekstf sandbox` runs one cycle in a scratch copy that it removes; a change plan needs one Terraform state and one
simulated account kept across a plan, an apply and further plans. `AppliedBase` builds that from the sandbox's own
primitives (workspace, module registry, resident provider doubles) without changing the sandbox. `AppliedConfig`
does the same for a hand-written configuration (no modules), and `derive_kubernetes` turns the `terraform_data`
changes of such a plan into kubernetes resources (no kubernetes provider runs offline).
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


class _Applied:
    """A Terraform working directory applied once against the sandbox's doubles (embedded Terraform, never a
    terraform binary); `plan_edit` rewrites it from edited text and plans (no apply), so every edit is planned
    against the same applied state. Subclasses say how text becomes the working directory (`_write`)."""

    def __init__(self, root: Path, text: str, *, modules: bool) -> None:
        from generator.engine import select_engine
        from generator.sandbox import workspace

        self.root = root
        self.base_text = text
        self.repo = root / "repo"
        self.timings: dict[str, float] = {}
        self._plans: dict[str, tuple[str, Path, dict[str, Any]]] = {}
        self.engine = select_engine("embedded", None)
        self._stack = ExitStack()
        try:
            registry_url = None
            if modules:
                registry_url = self._stack.enter_context(workspace.ModuleRegistry(module_cache())).url
            space = workspace.prepare(root / "sandbox", self.repo, registry_url)
            variables = space.environment()
            residents = self._stack.enter_context(workspace.ResidentProviders(variables))
            variables.update(residents.variables())
            self._stack.enter_context(workspace.environment(variables))
            started = time.monotonic()
            self._write(text)
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

    def _write(self, text: str) -> None:
        raise NotImplementedError

    def _plan(self, plan_file: Path) -> str:
        """Init and plan; the plan JSON as the text `show -json` printed."""
        self._ok(self.engine.init(self.repo), "init")
        self._ok(self.engine.plan(self.repo, out=plan_file), "plan")
        return self.engine.show_json_text(self.repo, plan_file)

    def plan_edit(self, name: str, text: str, files: dict[str, str] | None = None) -> tuple[Path, dict[str, Any]]:
        """Rewrite the working directory from `text`, plan it against the applied base; the plan JSON is written
        to ROOT/NAME.json (the file `ekstf review` reads). `files` (name → content) are added to the working
        directory for this plan only, as a user adds a file of their own (e.g. a Terraform override file). A
        second call with the same name and text reuses the plan."""
        if name in self._plans and self._plans[name][0] == text:
            return self._plans[name][1], self._plans[name][2]
        started = time.monotonic()
        self._write(text)
        added = [self.repo / file_name for file_name in files or {}]
        for path, content in zip(added, (files or {}).values(), strict=True):
            path.write_text(content, encoding="utf-8")
        try:
            plan_text = self._plan(self.root / f"{name}.tfplan")
        finally:
            for path in added:
                path.unlink()
        path = self.root / f"{name}.json"
        path.write_text(plan_text, encoding="utf-8")
        plan: dict[str, Any] = json.loads(plan_text)
        self.timings[name] = time.monotonic() - started
        self._plans[name] = (text, path, plan)
        return path, plan


class AppliedBase(_Applied):
    """A repository generated from a spec (the real terraform-aws-modules code, from ../shared/tf-modules) and
    applied once; `plan_edit` regenerates it from an edited spec."""

    def __init__(self, root: Path, spec_text: str) -> None:
        self.spec = root / "ekstf.yaml"
        super().__init__(root, spec_text, modules=True)

    def _write(self, text: str) -> None:
        self.spec.write_text(text, encoding="utf-8")
        generated = run_ekstf("generate", self.spec, "-o", self.repo)
        assert generated.returncode == 0, generated.stderr


class AppliedConfig(_Applied):
    """A hand-written Terraform configuration (one `main.tf`, no modules: needs nothing from ../shared) applied
    once; `plan_edit` replaces `main.tf` with an edited one."""

    def __init__(self, root: Path, main_tf: str) -> None:
        super().__init__(root, main_tf, modules=False)

    def _write(self, text: str) -> None:
        self.repo.mkdir(parents=True, exist_ok=True)
        (self.repo / "main.tf").write_text(text, encoding="utf-8")


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


# --- kubernetes resources derived from terraform_data ------------------------------------------------------------

KUBERNETES_PROVIDER = "registry.terraform.io/hashicorp/kubernetes"


def _input_of(value: Any) -> Any:
    """The `input` part of a terraform_data value or mark object (`{}` when absent, as Terraform writes no marks)."""
    return value.get("input", {}) if isinstance(value, dict) else value


def _kubernetes_values(values: Any) -> Any:
    """terraform_data `{id, input, output, triggers_replace}` → the kubernetes resource's attributes: `input` plus
    the provider's `id` (`NAMESPACE/NAME`, or `NAME` for a namespace)."""
    if not isinstance(values, dict) or not isinstance(values.get("input"), dict):
        return values
    attributes = dict(values["input"])
    metadata = (attributes.get("metadata") or [{}])[0]
    attributes["id"] = "/".join(str(part) for part in (metadata.get("namespace"), metadata.get("name")) if part)
    return attributes


def derive_kubernetes(plan: dict[str, Any], kinds: dict[str, str]) -> dict[str, Any]:
    """A copy of a real plan in which each `terraform_data.NAME` named in `kinds` becomes the kubernetes resource
    `kinds[NAME].NAME` (e.g. `kubernetes_config_map_v1_data.aws_auth`).

    No kubernetes provider runs offline. terraform_data is built into Terraform and takes any value as `input`, so a
    configuration gives it the kubernetes resource's attributes (`metadata` as a one-element list of objects, `data`
    as a map of strings) and real Terraform decides the actions, `action_reason`, the JSON encoding and the
    unknown/sensitive marks of that object. The derivation only renames (type, address, provider) and lifts `input`
    to the top level of `before`/`after`/`after_unknown`/`*_sensitive` (and of `planned_values`/`prior_state`),
    dropping terraform_data's own `output` and `triggers_replace` and adding the provider's `id`; the configuration
    entry keeps its address but not terraform_data's `input` expression."""
    derived: dict[str, Any] = json.loads(json.dumps(plan))

    def rename(entry: dict[str, Any]) -> bool:
        kind = kinds.get(str(entry.get("name")))
        if entry.get("type") != "terraform_data" or kind is None:
            return False
        entry["type"] = kind
        entry["address"] = str(entry["address"]).replace("terraform_data.", f"{kind}.", 1)
        if "provider_name" in entry:
            entry["provider_name"] = KUBERNETES_PROVIDER
        return True

    for change in derived.get("resource_changes", []):
        if rename(change):
            body = change["change"]
            for key in ("before", "after"):
                body[key] = _kubernetes_values(body.get(key))
            for key in ("after_unknown", "before_sensitive", "after_sensitive"):
                body[key] = _input_of(body.get(key))
    modules = [derived.get("planned_values", {}).get("root_module", {})]
    modules.append(derived.get("prior_state", {}).get("values", {}).get("root_module", {}))
    for module in modules:
        for resource in module.get("resources", []):
            if rename(resource):
                resource["values"] = _kubernetes_values(resource.get("values"))
                resource["sensitive_values"] = _input_of(resource.get("sensitive_values"))
    for resource in derived.get("configuration", {}).get("root_module", {}).get("resources", []):
        if rename(resource):
            resource["expressions"] = {}
            resource.pop("provider_config_key", None)
    return derived
