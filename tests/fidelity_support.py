"""Helpers of the fidelity tests: write a spec, run `ekstf generate` through the CLI, read the repo back as data."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import hcl2
from adoption_support import _plain
from conftest import CliResult, run_ekstf

HEAD = "cluster:\n  name: fid\n  region: eu-west-1\n"
ONE_GROUP = "managedNodeGroups:\n  - name: general\n"


def write_spec(tmp_path: Path, body: str, head: str = HEAD) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return spec


def generate(tmp_path: Path, body: str, head: str = HEAD) -> Path:
    """Generate the repo of a spec through the CLI; fails the test when ekstf refuses."""
    spec = write_spec(tmp_path, body, head)
    out = tmp_path / "infra"
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    return out


def refused(tmp_path: Path, body: str, head: str = HEAD, command: str = "generate") -> CliResult:
    """Run generate (or validate) on a spec that must be refused: exit 2, nothing written, no traceback."""
    spec = write_spec(tmp_path, body, head)
    out = tmp_path / "infra"
    args = ("generate", spec, "-o", out) if command == "generate" else ("validate", "--spec-only", spec)
    result = run_ekstf(*args)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    return result


def hcl_file(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = _plain(hcl2.load(handle))
    return data


def module_args(repo: Path, file: str, module: str) -> dict[str, Any]:
    for block in hcl_file(repo / file).get("module", []):
        if module in block:
            args: dict[str, Any] = block[module]
            return args
    raise AssertionError(f"no module {module!r} in {file}")


def eks_args(repo: Path) -> dict[str, Any]:
    return module_args(repo, "eks.tf", "eks")


def resources(repo: Path, file: str, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for block in hcl_file(repo / file).get("resource", []):
        found.update(block.get(kind, {}))
    return found
