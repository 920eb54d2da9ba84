"""The richest generate fixtures as golden repositories, like the examples (tests/golden/fixtures/<name>/).

kitchen-sink (every feature at once), ipv6-windows-al2, outposts (local cluster) and existing-resources (adoption).
Rendered in-process (what `ekstf generate` writes, the manifest aside); the shipped modules are checked elsewhere.
Regenerate with EKSTF_UPDATE_GOLDEN=1 when a change to the output is intended.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from generate_support import GOLDEN, assert_matches_golden

from generator.generate import render_repo
from generator.spec.loader import load_spec

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "generate"
NAMES = ("kitchen-sink", "ipv6-windows-al2", "outposts", "existing-resources")


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_golden_repo(name: str) -> None:
    files = render_repo(load_spec(FIXTURES / f"{name}.yaml").spec)
    actual = {path: content for path, content in files.items() if not path.startswith("modules/")}
    assert_matches_golden(actual, GOLDEN / "fixtures" / name)


def test_every_generate_fixture_has_a_golden_repo() -> None:
    assert sorted(p.stem for p in FIXTURES.glob("*.yaml")) == sorted(NAMES)
