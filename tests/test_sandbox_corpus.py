"""The corpus through the sandbox: every example, the `ekstf init` starter and every eksctl example (migrate →
generate → sandbox --apply) plans and applies with the real module code, and the plan after apply is empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO_ROOT, shared_files
from sandbox_support import assert_clean_cycle, sandbox

from generator.migrate.api import migrate_file
from generator.spec.catalog import DEFAULT_KUBERNETES_VERSION, OFFERED_KUBERNETES_VERSIONS
from generator.spec.starter import write_starter

pytestmark = pytest.mark.slow

EXAMPLE_SPECS = sorted(p for p in EXAMPLES.glob("*/ekstf.yaml"))
ESKCTL_EXAMPLES = shared_files("eksctl-examples")
GENERATE_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "generate"

# Cases that fail because of a generator defect being fixed elsewhere: strict, so they flip when fixed.
KNOWN_DEFECTS: dict[str, str] = {}


def _mark(name: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN_DEFECTS.get(name)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.mark.parametrize("spec", [pytest.param(p, id=p.parent.name, marks=_mark(p.parent.name)) for p in EXAMPLE_SPECS])
def test_example_plans_applies_and_replans_clean(spec: Path) -> None:
    assert_clean_cycle(sandbox(spec))


def test_the_init_starter_plans_applies_and_replans_clean(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    write_starter(spec)
    assert_clean_cycle(sandbox(spec))


@pytest.mark.parametrize(
    "example",
    [pytest.param(p, id=p.name, marks=_mark(p.name)) if isinstance(p, Path) else p for p in ESKCTL_EXAMPLES],
)
def test_eksctl_example_migrates_and_plans_applies_and_replans_clean(example: Path, tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    migration = migrate_file(example, env={})
    if (
        str(migration.spec["cluster"].get("version")) not in OFFERED_KUBERNETES_VERSIONS
    ):  # what --kubernetes-version is for
        migration = migrate_file(example, env={}, kubernetes_version=DEFAULT_KUBERNETES_VERSION)
    spec.write_text(migration.spec_text, encoding="utf-8")
    assert_clean_cycle(sandbox(spec))


def test_windows_managed_and_self_managed_node_groups_plan_apply_and_replan_clean() -> None:
    """The eks module jsondecodes the Windows SSM parameter (its value is a JSON document in AWS)."""
    assert_clean_cycle(sandbox(GENERATE_FIXTURES / "ipv6-windows-al2.yaml"))
