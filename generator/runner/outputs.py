"""Terraform outputs as data, with sensitive values masked unless the user asks for them."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table

from generator.errors import Problem, UserInputError

MASK = "(sensitive)"


def output_values(outputs: dict[str, Any], *, show_sensitive: bool = False) -> dict[str, Any]:
    """{name: value}, sensitive values replaced by a mask unless `show_sensitive`."""
    return {
        name: (MASK if entry.get("sensitive") and not show_sensitive else entry.get("value"))
        for name, entry in sorted(outputs.items())
    }


def output_value(outputs: dict[str, Any], name: str, *, show_sensitive: bool = False) -> Any:
    if name not in outputs:
        known = ", ".join(sorted(outputs)) or "none"
        raise UserInputError(Problem(f"no output named {name!r}", key_path="NAME", expected=f"one of: {known}"))
    return output_values({name: outputs[name]}, show_sensitive=show_sensitive)[name]


def format_value(value: Any) -> str:
    """Strings as they are; everything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def outputs_table(outputs: dict[str, Any], *, show_sensitive: bool = False) -> Table:
    table = Table("name", "value", "sensitive", box=None, header_style="bold")
    for name, value in output_values(outputs, show_sensitive=show_sensitive).items():
        table.add_row(name, format_value(value), "yes" if outputs[name].get("sensitive") else "")
    return table
