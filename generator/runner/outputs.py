"""Terraform outputs as data, with sensitive values masked unless the user asks for them.

Masked: outputs marked sensitive, and outputs whose value holds a value the state marks sensitive elsewhere
(`KnownSecrets`: an unmarked copy of a sensitive variable, a string built from one).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from generator.engine.jsondoc import dumps_json
from generator.errors import Problem, UserInputError
from generator.runner.secrets import KnownSecrets

MASK = "(sensitive)"


def _masked(entry: dict[str, Any], secrets: KnownSecrets | None) -> bool:
    return bool(entry.get("sensitive")) or (secrets is not None and secrets.reveals(entry.get("value")))


def output_values(
    outputs: dict[str, Any], *, show_sensitive: bool = False, secrets: KnownSecrets | None = None
) -> dict[str, Any]:
    """{name: value}, masked unless `show_sensitive`: sensitive outputs, and values revealing a known secret."""
    return {
        name: (MASK if not show_sensitive and _masked(entry, secrets) else entry.get("value"))
        for name, entry in sorted(outputs.items())
    }


def output_value(
    outputs: dict[str, Any], name: str, *, show_sensitive: bool = False, secrets: KnownSecrets | None = None
) -> Any:
    if name not in outputs:
        known = ", ".join(sorted(outputs)) or "none"
        raise UserInputError(Problem(f"no output named {name!r}", key_path="NAME", expected=f"one of: {known}"))
    return output_values({name: outputs[name]}, show_sensitive=show_sensitive, secrets=secrets)[name]


def format_value(value: Any) -> str:
    """Strings as they are; everything else as compact JSON."""
    return value if isinstance(value, str) else dumps_json(value, indent=None)


def outputs_table(
    outputs: dict[str, Any], *, show_sensitive: bool = False, secrets: KnownSecrets | None = None
) -> Table:
    table = Table("name", "value", "sensitive", box=None, header_style="bold")
    for name, value in output_values(outputs, show_sensitive=show_sensitive, secrets=secrets).items():
        entry = outputs[name]
        marked = "yes" if entry.get("sensitive") else "derived" if _masked(entry, secrets) else ""
        table.add_row(Text(name), Text(format_value(value)), marked)
    return table
