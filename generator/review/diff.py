"""Attribute-level diff of one resource change: nested paths, before → after, unknowns, masked sensitive values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from generator.review.masking import SENSITIVE, Masker

KNOWN_AFTER_APPLY = "(known after apply)"
ABSENT: Any = None


@dataclass(frozen=True, slots=True)
class AttributeDiff:
    """One changed leaf. `before`/`after` are already masked; `unknown` means the new value is known after apply."""

    path: str
    before: Any
    after: Any
    unknown: bool = False
    sensitive: bool = False


def _child(structure: Any, key: str | int) -> Any:
    if isinstance(structure, dict):
        return structure.get(key)
    if isinstance(structure, list) and isinstance(key, int) and key < len(structure):
        return structure[key]
    return None


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key.replace("_", "").replace("-", "").isalnum() and not key[:1].isdigit():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


class _Differ:
    __slots__ = ("limit", "masker", "out")

    def __init__(self, masker: Masker, limit: int | None) -> None:
        self.masker = masker
        self.limit = limit
        self.out: list[AttributeDiff] = []

    def full(self) -> bool:
        return self.limit is not None and len(self.out) >= self.limit

    def walk(self, before: Any, after: Any, unknown: Any, before_sens: Any, after_sens: Any, path: str) -> None:
        if self.full():
            return
        if before_sens is True or after_sens is True:
            if before != after or unknown is True or (before_sens is True) != (after_sens is True):
                shown_before = self._mask(before, before_sens)
                shown_after = KNOWN_AFTER_APPLY if unknown is True else self._mask(after, after_sens)
                self.out.append(AttributeDiff(self.masker.text(path), shown_before, shown_after, unknown is True, True))
            return
        if unknown is True:
            self.out.append(
                AttributeDiff(self.masker.text(path), self._mask(before, before_sens), KNOWN_AFTER_APPLY, True)
            )
            return
        if (isinstance(before, dict) and isinstance(after, dict | None)) or (
            isinstance(after, dict) and before is None
        ):
            keys = list(before or {})
            keys.extend(k for k in (after or {}) if k not in (before or {}))
            for key in sorted(keys):
                self.walk(
                    _child(before, key),
                    _child(after, key),
                    _child(unknown, key),
                    _child(before_sens, key),
                    _child(after_sens, key),
                    _join(path, key),
                )
            if isinstance(unknown, dict):
                for key in sorted(k for k in unknown if k not in keys):
                    self.walk(None, None, unknown[key], None, _child(after_sens, key), _join(path, key))
            return
        if (isinstance(before, list) and isinstance(after, list | None)) or (
            isinstance(after, list) and before is None
        ):
            length = max(len(before or ()), len(after or ()), len(unknown) if isinstance(unknown, list) else 0)
            for index in range(length):
                self.walk(
                    _child(before, index),
                    _child(after, index),
                    _child(unknown, index),
                    _child(before_sens, index),
                    _child(after_sens, index),
                    _join(path, index),
                )
            return
        if before != after:
            self.out.append(
                AttributeDiff(self.masker.text(path), self._mask(before, before_sens), self._mask(after, after_sens))
            )

    def _mask(self, val: Any, sensitive: Any) -> Any:
        return self.masker.value(val, sensitive)


def compute_diff(
    before: Any,
    after: Any,
    after_unknown: Any,
    before_sensitive: Any,
    after_sensitive: Any,
    masker: Masker,
    limit: int | None = None,
) -> list[AttributeDiff]:
    """Changed leaves between `before` and `after`, masked; at most `limit` entries when given."""
    differ = _Differ(masker, limit)
    differ.walk(before, after, after_unknown, before_sensitive, after_sensitive, "")
    return differ.out


def format_value(val: Any, max_len: int = 200) -> str:
    """A short one-line rendering of an (already masked) value."""
    if val is None:
        return "null"
    if val in (KNOWN_AFTER_APPLY, SENSITIVE) or (isinstance(val, str) and val == "(masked)"):
        return str(val)
    text = json.dumps(val, separators=(",", ":"), ensure_ascii=False, default=str)
    if len(text) > max_len:
        text = text[: max_len - 1] + "…"
    return text
