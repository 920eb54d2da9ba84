"""The installed package carries everything it needs: templates, modules and interface data."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest
from conftest import REPO_ROOT, run_ekstf


def test_installed_package_carries_its_data() -> None:
    import generator
    from generator import resources

    package_dir = Path(generator.__file__).resolve().parent
    assert resources.templates_dir().is_dir()
    assert (resources.modules_dir() / "node-user-data" / "main.tf").is_file()
    for name in ("tf-aws-eks-v21.19.0.json", "tf-aws-vpc-v6.6.0.json", "tf-aws-iam-v6.5.0.json"):
        assert (resources.DATA_DIR / name).is_file()
    if os.environ.get("EKSTF_TEST_WHEEL"):
        # `make test` installs the wheel: nothing may come from the checkout.
        site = Path(sysconfig.get_paths()["purelib"]).resolve()
        assert package_dir.is_relative_to(site), package_dir
        assert resources.templates_dir().is_relative_to(package_dir)
        assert resources.modules_dir().is_relative_to(package_dir)


@pytest.mark.skipif(not os.environ.get("EKSTF_TEST_WHEEL"), reason="only meaningful against the installed wheel")
def test_cli_from_wheel_generates_outside_the_checkout(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(
        (REPO_ROOT / "examples" / "quickstart" / "ekstf.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = run_ekstf("generate", spec, "-o", tmp_path / "infra", cwd=tmp_path)
    assert result.returncode == 0, result.output
    assert (tmp_path / "infra" / "eks.tf").is_file()


def test_state_dir_ignores_plans_but_keeps_the_generator_manifest(tmp_path: Path) -> None:
    import subprocess

    from generator.runner.workdir import RunPaths

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    workdir = RunPaths(tmp_path)
    workdir.ensure_state_dir()
    for name in ("manifest.json", "plan.tfplan", "outputs.json"):
        (workdir.state_dir / name).write_text("{}", encoding="utf-8")

    def ignored(name: str) -> bool:
        result = subprocess.run(["git", "check-ignore", "-q", f".ekstf/{name}"], cwd=tmp_path, check=False)
        return result.returncode == 0

    assert not ignored("manifest.json")
    assert ignored("plan.tfplan")
    assert ignored("outputs.json")
