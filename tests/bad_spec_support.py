"""Bad-spec tables: a spec that `ekstf generate` must refuse with file:line:column, the key path and a hint.

The tables run in-process through `generate()` (what `ekstf generate` calls, and what the CLI prints is
`UserInputError.render()`); each table keeps a few cases that go through the real CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.errors import UserInputError
from generator.generate import generate


@dataclass(frozen=True)
class BadSpec:
    id: str
    spec: str
    line: int
    column: int
    key_path: str  # "" when the error has no key path
    text: str  # a part of the message, expected or hint that must appear


def rejection(spec_file: Path, out_dir: Path) -> str:
    """`ekstf generate` in-process, as the CLI runs it: the spec must be refused with nothing written.
    Returns the text the CLI prints for the error."""
    with pytest.raises(UserInputError) as caught:
        generate(spec_file, out_dir)
    assert caught.value.exit_code == 2
    assert not out_dir.exists()
    return caught.value.render()


def assert_rejected_where_expected(case: BadSpec, tmp_path: Path) -> None:
    """`case.spec` is refused with an error at its line and column, under its key path, saying `case.text`."""
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(case.spec, encoding="utf-8")

    text = rejection(spec_file, tmp_path / "infra")

    where = f"{spec_file}:{case.line}:{case.column}: error: "
    lines = [line for line in text.splitlines() if line.startswith(where)]
    assert lines, f"no error at {case.line}:{case.column}:\n{text}"
    if case.key_path:
        assert any(line.startswith(f"{where}{case.key_path}: ") for line in lines), text
    assert case.text in text
