"""`ekstf --help` and each command's help read like a Terraform-style CLI: panels, plain labels, exit codes."""

from __future__ import annotations

import re

import pytest
from conftest import run_ekstf

from generator.cli.help import OTHER_PANEL, panel_of
from generator.cli.main import build_command

COMMANDS = sorted(build_command().commands)
PYTHON_TYPE_LABEL = re.compile(r"<(?:bool|str|int|float|path|list\[[^\]]*\]|int range|float range)>")


def test_every_command_sits_in_a_named_panel() -> None:
    assert COMMANDS
    assert [name for name in COMMANDS if panel_of(name) == OTHER_PANEL] == []


def test_top_level_help_groups_commands_and_lists_exit_codes() -> None:
    result = run_ekstf("--help")
    assert result.returncode == 0, result.output
    for panel in ("Generate", "Run", "Review", "Migrate"):
        assert f"─ {panel} ─" in result.stdout
    words = " ".join(result.stdout.split())  # the epilog wraps at the terminal's width
    assert "Exit codes: 0 ok" in words and "130 interrupted" in words
    assert not PYTHON_TYPE_LABEL.search(result.stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_has_no_python_type_labels(command: str) -> None:
    result = run_ekstf(command, "--help")
    assert result.returncode == 0, result.output
    assert not PYTHON_TYPE_LABEL.search(result.stdout), result.stdout
    assert "{" not in result.stdout.splitlines()[1]  # the usage line names arguments plainly
