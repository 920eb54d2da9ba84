"""Helpers of the generate tests: example discovery, tree snapshots, reading HCL string values back."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path

from conftest import EXAMPLES, REPO_ROOT

GOLDEN = REPO_ROOT / "tests" / "golden"
EXAMPLE_NAMES = ("quickstart", "existing-vpc-private", "mixed-compute", "fargate-only", "irsa-addons", "self-managed")
MANIFEST = ".ekstf/manifest.json"


def example_spec(name: str) -> Path:
    return EXAMPLES / name / "ekstf.yaml"


def tree(root: Path) -> dict[str, bytes]:
    """Relative path → bytes of every file under root (the manifest excluded)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).as_posix() != MANIFEST
    }


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def update_golden() -> bool:
    """The one switch that rewrites golden files instead of comparing with them: EKSTF_UPDATE_GOLDEN=1."""
    return os.environ.get("EKSTF_UPDATE_GOLDEN") == "1"


def assert_matches_golden(actual: dict[str, bytes], golden_dir: Path) -> None:
    """`actual` (relative path → bytes) is exactly the tree in golden_dir; with the switch, golden_dir is rewritten."""
    if update_golden():
        shutil.rmtree(golden_dir, ignore_errors=True)
        for relative, content in actual.items():
            (golden_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / relative).write_bytes(content)
    expected = tree(golden_dir)
    assert sorted(actual) == sorted(expected), f"file set differs from {golden_dir} (EKSTF_UPDATE_GOLDEN=1 regenerates)"
    for relative in expected:
        assert actual[relative].decode() == expected[relative].decode(), f"{golden_dir / relative} differs"


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def hcl_string(raw: str) -> str:
    """The value Terraform reads from a string literal as python-hcl2 returns it (quotes and escapes kept)."""
    assert raw.startswith('"') and raw.endswith('"'), raw
    body = raw[1:-1]
    heredoc = re.match(r"<<(-?)([A-Za-z_]+)\n(.*)\n\s*\2$", body, re.DOTALL)
    if heredoc:
        text = heredoc.group(3) + "\n"
        if heredoc.group(1):
            text = textwrap.dedent(text)
        return text.replace("$${", "${").replace("%%{", "%{")
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith(("$${", "%%{"), i):
            out.append(body[i] + "{")
            i += 3
        elif body[i] == "\\":
            nxt = body[i + 1]
            if nxt == "u":
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
            else:
                out.append(_ESCAPES[nxt])
                i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)
