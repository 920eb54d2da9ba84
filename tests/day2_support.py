"""Helpers of the day-2 tests: specs from the examples at a chosen version, and plan JSON documents.

The plans are built in Terraform's plan JSON format (format_version 1.2, as `terraform show -json` writes it) with
the addresses the generated repositories really have: the AWS provider cannot be downloaded on these machines, so
no real plan of an EKS repository can be made here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from conftest import EXAMPLES

CLUSTER = "module.eks.aws_eks_cluster.this[0]"
WAIT = "module.eks.time_sleep.this[0]"


def example_at(name: str, version: str, tmp_path: Path) -> Path:
    """examples/NAME/ekstf.yaml with `cluster.version` set (a comment on the line, to see it kept)."""
    text = (EXAMPLES / name / "ekstf.yaml").read_text(encoding="utf-8")
    text, count = re.subn(
        r"^(  region: .*)$", rf'\1\n  version: "{version}"  # the minor of the cluster', text, count=1, flags=re.M
    )
    assert count == 1
    path = tmp_path / "ekstf.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def node_group(name: str) -> str:
    return f'module.eks.module.eks_managed_node_group["{name}"].aws_eks_node_group.this[0]'


def addon(name: str) -> str:
    return f'module.eks.aws_eks_addon.this["{name}"]'


def change(
    address: str,
    actions: list[str],
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    after_unknown: dict[str, Any] | None = None,
) -> dict[str, Any]:
    match = re.match(r"^(?:(?P<module>.*)\.)?(?P<type>[a-z0-9_]+)\.(?P<name>[a-z0-9_]+)(?:\[.*\])?$", address)
    assert match is not None, address
    return {
        "address": address,
        "module_address": match.group("module") or None,
        "mode": "managed",
        "type": match.group("type"),
        "name": match.group("name"),
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": actions,
            "before": before,
            "after": after,
            "after_unknown": after_unknown or {},
            "before_sensitive": {},
            "after_sensitive": {},
        },
    }


def cluster_update(source: str, target: str) -> dict[str, Any]:
    base = {"name": "mixed", "version": source, "role_arn": "arn:aws:iam::111122223333:role/mixed"}
    return change(CLUSTER, ["update"], base, {**base, "version": target}, {"platform_version": True})


def wait_replace(source: str, target: str) -> dict[str, Any]:
    return change(
        WAIT,
        ["delete", "create"],
        {"triggers": {"kubernetes_version": source, "name": "mixed"}},
        {"triggers": {"kubernetes_version": target, "name": "mixed"}},
        {"id": True},
    )


def group_update(name: str, source: str, target: str) -> dict[str, Any]:
    base = {"cluster_name": "mixed", "version": source, "release_version": f"{source}.0-20261101"}
    return change(
        node_group(name), ["update"], base, {**base, "version": target, "release_version": f"{target}.2-20261120"}
    )


def addon_update(name: str, source: str, target: str) -> dict[str, Any]:
    base = {"addon_name": name, "addon_version": source, "cluster_name": "mixed"}
    return change(addon(name), ["update"], base, {**base, "addon_version": target})


def write_plan(path: Path, changes: list[dict[str, Any]]) -> Path:
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.15.5",
        "planned_values": {"root_module": {}},
        "resource_changes": changes,
        "configuration": {"root_module": {}},
        "applyable": bool(changes),
        "complete": True,
        "errored": False,
    }
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def spec_lines_kept(original: str, edited: str) -> list[str]:
    """Lines of `original` missing from `edited` (comments and keys the edit should have kept)."""
    remaining = edited.splitlines()
    return [line for line in original.splitlines() if line not in remaining]


class SimulatedAws:
    """Real Terraform with the real modules against the sandbox's simulated AWS, kept across several plans and
    applies (the sandbox's own API runs one cycle in a scratch copy; an upgrade needs one state through stages)."""

    def __init__(self, scratch: Path, repo: Path, module_cache: Path) -> None:
        from contextlib import ExitStack

        from generator.engine import select_engine
        from generator.sandbox import workspace

        self.repo = repo
        self.engine = select_engine("embedded", None)
        self._stack = ExitStack()
        registry = self._stack.enter_context(workspace.ModuleRegistry(module_cache))
        space = workspace.prepare(scratch, repo, registry.url)
        variables = space.environment()
        residents = self._stack.enter_context(workspace.ResidentProviders(variables))
        variables.update(residents.variables())
        self._stack.enter_context(workspace.environment(variables))

    def close(self) -> None:
        self._stack.close()

    def _ok(self, result: Any, what: str) -> None:
        assert result.returncode in (0, 2), f"{what} failed:\n{result.diagnostics_text()[-4000:]}"

    def plan(self, out: Path) -> dict[str, Any]:
        """init (idempotent) + plan; the plan JSON is also written to `out` for `--check-plan`."""
        self._ok(self.engine.init(self.repo), "init")
        plan_file = self.repo / "stage.tfplan"
        self._ok(self.engine.plan(self.repo, out=plan_file), "plan")
        plan: dict[str, Any] = self.engine.show_json(self.repo, plan_file)
        out.write_text(json.dumps(plan), encoding="utf-8")
        return plan

    def apply(self) -> None:
        result = self.engine.apply(self.repo, self.repo / "stage.tfplan")
        assert result.returncode == 0, f"apply failed:\n{result.diagnostics_text()[-4000:]}"
