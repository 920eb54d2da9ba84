"""`ekstf validate`: spec checks, then generate into a temp dir and run the offline conformance checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, require_checkov, run_ekstf
from ruamel.yaml import YAML

from generator.spec import load_spec, load_spec_text
from generator.spec.defaults import completed_data

QUICKSTART = EXAMPLES / "quickstart" / "ekstf.yaml"


def test_validate_generates_and_checks_the_quickstart(tmp_path: Path) -> None:
    result = run_ekstf("validate", QUICKSTART, cwd=tmp_path)
    assert result.returncode == 0, result.output
    assert "conformance ok" in result.stdout
    assert "checks run: fmt, load, module-interface, provider-schema" in result.stdout
    assert "passes the conformance checks" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written where it ran


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*/ekstf.yaml")), ids=lambda p: p.parent.name)
def test_every_example_validates_end_to_end(example: Path) -> None:
    result = run_ekstf("validate", example)
    assert result.returncode == 0, result.output
    assert "conformance ok: 0 error(s)" in result.stdout


def test_validate_json_reports_the_conformance_result() -> None:
    result = run_ekstf("validate", QUICKSTART, "--json")
    assert result.returncode == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert data["conformance"]["ok"] is True
    assert data["conformance"]["findings"] == []
    assert {"fmt", "load", "module-interface", "provider-schema"} <= set(data["conformance"]["checks_run"])


def test_validate_json_reports_spec_errors_with_positions(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text("cluster:\n  name: demo\n  region: eu-west-1\n  endpont: {}\n", encoding="utf-8")
    result = run_ekstf("validate", spec, "--json")
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False
    [problem] = data["problems"]
    assert (problem["line"], problem["column"], problem["keyPath"]) == (4, 3, "cluster.endpont")
    assert problem["hint"] == "did you mean `endpoint`?"


@pytest.mark.parametrize("spec_only", [True, False], ids=["spec-only", "with-conformance"])
def test_show_completed_prints_a_spec_with_every_default_filled(tmp_path: Path, spec_only: bool) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(
        "cluster:\n  name: demo\n  region: eu-west-1\nmanagedNodeGroups:\n  - name: arm\n    instanceTypes: [m7g.large]\n",
        encoding="utf-8",
    )
    result = run_ekstf("validate", spec, "--show-completed", *(["--spec-only"] if spec_only else []))
    assert result.returncode == 0, result.output
    # stdout is the completed spec alone; the verdict (and the conformance report) go to stderr
    assert f"{spec}: spec is valid" in result.stderr
    assert ("conformance ok" in result.stderr) != spec_only
    assert "spec is valid" not in result.stdout and "conformance" not in result.stdout
    completed = YAML(typ="safe", pure=True).load(result.stdout)
    group = completed["managedNodeGroups"][0]
    assert group["amiType"] == "AL2023_ARM_64_STANDARD"
    assert group["desiredSize"] == 1
    assert completed["vpc"]["subnetPrefixLength"] == 19
    assert sorted(completed["addons"]) == ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]
    # the completed spec is itself a valid spec that completes to the same thing
    assert load_spec_text(result.stdout).spec == load_spec(spec).spec


def test_validate_spec_only_skips_generation(tmp_path: Path) -> None:
    result = run_ekstf("validate", QUICKSTART, "--spec-only")
    assert result.returncode == 0, result.output
    assert "conformance" not in result.stdout
    assert "spec is valid" in result.stderr


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*/ekstf.yaml")), ids=lambda p: p.parent.name)
def test_completed_spec_of_every_example_loads_back_to_itself(example: Path) -> None:
    import io

    spec = load_spec(example).spec
    buffer = io.StringIO()
    YAML(typ="safe", pure=True).dump(completed_data(spec), buffer)
    assert load_spec_text(buffer.getvalue()).spec == spec


@pytest.mark.slow
def test_validate_scan_runs_checkov_on_the_generated_repo() -> None:
    checkov = require_checkov()
    result = run_ekstf("validate", QUICKSTART, "--scan", env={"EKSTF_CHECKOV": checkov})
    assert result.returncode == 0, result.output
    assert "checks run: fmt, load, module-interface, provider-schema, checkov" in result.stdout


def test_validate_scan_without_checkov_says_how_to_install_it(tmp_path: Path) -> None:
    result = run_ekstf("validate", QUICKSTART, "--scan", env={"EKSTF_CHECKOV": str(tmp_path / "no-checkov")})
    assert result.returncode == 1
    assert "checkov is needed for --scan" in result.stderr
    assert "Traceback" not in result.output
