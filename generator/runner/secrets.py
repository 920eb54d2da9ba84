"""Values the state marks sensitive, so that copies of them in unmarked outputs are masked too.

Terraform does not carry every sensitivity mark along: `terraform_data.output` of a sensitive input, or a
string built from it, reaches an output that is not marked sensitive. The state still marks the source
(`sensitive_values` of each resource, and the sensitive outputs), so every marked scalar is known, and an
output value that equals one (numbers and bools included), or a string containing a known string, is masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

MIN_SECRET_TEXT = 3  # shorter sensitive strings ("", "on") are masked by equality only, not inside other text


def _scalar_key(value: Any) -> tuple[str, str] | None:
    """A comparable key for a JSON scalar: bools apart from numbers, 5 equal to 5.0."""
    if isinstance(value, bool):
        return ("bool", str(value))
    if isinstance(value, int | float | Decimal):
        try:
            return ("number", str(Decimal(str(value)).normalize()))
        except InvalidOperation:
            return ("number", str(value))
    if isinstance(value, str):
        return ("string", value)
    return None


@dataclass
class KnownSecrets:
    """Every scalar the state marks sensitive."""

    keys: set[tuple[str, str]] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)

    def add(self, value: Any) -> None:
        """Add every scalar in `value` (a whole sensitive value)."""
        if isinstance(value, dict):
            for item in value.values():
                self.add(item)
        elif isinstance(value, list):
            for item in value:
                self.add(item)
        else:
            key = _scalar_key(value)
            if key is not None:
                self.keys.add(key)
            if isinstance(value, str) and len(value) >= MIN_SECRET_TEXT:
                self.texts.add(value)

    def add_marked(self, value: Any, marks: Any) -> None:
        """Add the parts of `value` that `marks` (Terraform's `sensitive_values` shape) marks `true`."""
        if marks is True:
            self.add(value)
        elif isinstance(marks, dict) and isinstance(value, dict):
            for name, mark in marks.items():
                if name in value:
                    self.add_marked(value[name], mark)
        elif isinstance(marks, list) and isinstance(value, list):
            for item, mark in zip(value, marks, strict=False):
                self.add_marked(item, mark)

    def reveals(self, value: Any) -> bool:
        """Whether `value` holds a known secret anywhere: an equal scalar, or a string containing a secret."""
        if isinstance(value, dict):
            return any(self.reveals(item) for item in value.values())
        if isinstance(value, list):
            return any(self.reveals(item) for item in value)
        key = _scalar_key(value)
        if key is not None and key in self.keys:
            return True
        return isinstance(value, str) and any(secret in value for secret in self.texts)


def _module_resources(module: Any) -> list[dict[str, Any]]:
    if not isinstance(module, dict):
        return []
    found = [r for r in module.get("resources") or [] if isinstance(r, dict)]
    for child in module.get("child_modules") or []:
        found.extend(_module_resources(child))
    return found


def secrets_in_state(state: dict[str, Any]) -> KnownSecrets:
    """The sensitive scalars of a state (`terraform show -json` without a plan file)."""
    secrets = KnownSecrets()
    values = state.get("values")
    if not isinstance(values, dict):
        return secrets
    for resource in _module_resources(values.get("root_module")):
        secrets.add_marked(resource.get("values"), resource.get("sensitive_values"))
    outputs = values.get("outputs")
    for entry in (outputs or {}).values() if isinstance(outputs, dict) else ():
        if isinstance(entry, dict) and entry.get("sensitive"):
            secrets.add(entry.get("value"))
    return secrets
