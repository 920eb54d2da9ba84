"""Attribute-level diff of one resource change: nested paths, before → after, unknowns, masked sensitive values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from generator.review.masking import SENSITIVE, Masker

KNOWN_AFTER_APPLY = "(known after apply)"


@dataclass(frozen=True, slots=True)
class AttributeDiff:
    """One changed leaf. `before`/`after` are already masked; `unknown` means the new value is known after apply."""

    path: str
    before: Any
    after: Any
    unknown: bool = False
    sensitive: bool = False


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key.isidentifier():
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
        if not unknown and before == after:  # the common case: compared in C, nothing to report below here
            return
        if before_sens is True or after_sens is True:
            if before != after or unknown is True or (before_sens is True) != (after_sens is True):
                shown_before = self._mask(before, before_sens)
                shown_after = KNOWN_AFTER_APPLY if unknown is True else self._mask(after, after_sens)
                self.out.append(AttributeDiff(path, shown_before, shown_after, unknown is True, True))
            return
        if unknown is True:
            self.out.append(AttributeDiff(path, self._mask(before, before_sens), KNOWN_AFTER_APPLY, True))
            return
        if isinstance(before, dict | None) and isinstance(after, dict | None) and (before or after) is not None:
            b = before or {}
            a = after or {}
            u = unknown if isinstance(unknown, dict) else {}
            bs = before_sens if isinstance(before_sens, dict) else {}
            as_ = after_sens if isinstance(after_sens, dict) else {}
            for key in sorted(b.keys() | a.keys() | u.keys()):
                bv, av, uv = b.get(key), a.get(key), u.get(key)
                if not uv and bv == av:
                    continue
                bsv, asv = bs.get(key), as_.get(key)
                if not (uv or bsv or asv or isinstance(bv, dict | list) or isinstance(av, dict | list)):
                    self._leaf(bv, av, _join(path, key))  # inlined common case: a plain scalar changed
                    if self.full():
                        return
                    continue
                self.walk(bv, av, uv, bsv, asv, _join(path, key))
            return
        if isinstance(before, list | None) and isinstance(after, list | None) and (before or after) is not None:
            bl = before or []
            al = after or []
            ul = unknown if isinstance(unknown, list) else []
            bsl = before_sens if isinstance(before_sens, list) else []
            asl = after_sens if isinstance(after_sens, list) else []
            if bl and al and not (ul or any(bsl) or any(asl)) and (len(bl) != len(al) or _all_scalars(bl, al)):
                self._list_by_value(bl, al, path)
                return
            for index in range(max(len(bl), len(al), len(ul))):
                bv = bl[index] if index < len(bl) else None
                av = al[index] if index < len(al) else None
                uv = ul[index] if index < len(ul) else None
                if not uv and bv == av:
                    continue
                self.walk(
                    bv,
                    av,
                    uv,
                    bsl[index] if index < len(bsl) else None,
                    asl[index] if index < len(asl) else None,
                    _join(path, index),
                )
            return
        if before != after:
            if before_sens is None and after_sens is None and self._documents(before, after, path):
                return
            self.out.append(AttributeDiff(path, self._mask(before, before_sens), self._mask(after, after_sens)))

    def _list_by_value(self, before: list[Any], after: list[Any], path: str) -> None:
        """Lists (and sets) compared by value: removing `b` from `[a, b, c]` is one removal, not two changes.
        Elements replaced one for one that are objects are diffed attribute by attribute."""
        from difflib import SequenceMatcher

        matcher = SequenceMatcher(None, [_key(v) for v in before], [_key(v) for v in after], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if (
                tag == "replace" and i2 - i1 == j2 - j1
            ):  # replaced one for one: each element changed (objects attribute by attribute)
                for offset in range(i2 - i1):
                    self.walk(before[i1 + offset], after[j1 + offset], None, None, None, _join(path, j1 + offset))
                continue
            for index in range(i1, i2):
                self.out.append(AttributeDiff(_join(path, index), self._mask(before[index], None), None))
            for index in range(j1, j2):
                self.out.append(AttributeDiff(_join(path, index), None, self._mask(after[index], None)))
            if self.full():
                return

    def _documents(self, before: Any, after: Any, path: str) -> bool:
        """JSON or YAML documents held in strings (policies, addon configuration, aws-auth mapRoles) are diffed by
        structure, like Terraform's own renderer does for JSON. False when they are not both documents."""
        if not isinstance(before, str) or not isinstance(after, str):
            return False
        from generator.review.structured import parse_json_document, parse_yaml_document

        kind = "json"
        old, new = parse_json_document(before), parse_json_document(after)
        if old is None or new is None:
            kind = "yaml"
            old = parse_yaml_document(before) if "\n" in before else None
            new = parse_yaml_document(after) if old is not None and "\n" in after else None
        if old is None or new is None or type(old) is not type(new):
            return False
        if old == new:  # the same document, formatted differently
            return True
        self.walk(old, new, None, None, None, f"{path} ({kind})")
        return True

    def _leaf(self, before: Any, after: Any, path: str) -> None:
        if isinstance(before, str) and isinstance(after, str) and self._documents(before, after, path):
            return
        masker = self.masker
        if masker.active:  # values only: attribute paths are never rewritten
            before, after = masker.value(before), masker.value(after)
        self.out.append(AttributeDiff(path, before, after))

    def _mask(self, val: Any, sensitive: Any) -> Any:
        return self.masker.value(val, sensitive)


def _all_scalars(*lists: list[Any]) -> bool:
    return all(not isinstance(v, dict | list) for items in lists for v in items)


def _key(val: Any) -> Any:
    return json.dumps(val, sort_keys=True, default=str) if isinstance(val, dict | list) else (type(val).__name__, val)


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


def collapse_unknown(entries: list[AttributeDiff]) -> tuple[list[AttributeDiff], list[str]]:
    """Split off the attributes that are only "(known after apply)" (new, nothing known yet): the entries to show,
    and the paths of the collapsed ones (renderers print them as one count)."""
    shown: list[AttributeDiff] = []
    collapsed: list[str] = []
    for entry in entries:
        if entry.unknown and entry.before is None and not entry.sensitive:
            collapsed.append(entry.path)
        else:
            shown.append(entry)
    return shown, collapsed


MAX_COLLAPSED_NAMES = 6


def unknown_summary(paths: list[str]) -> str:
    """`12 attributes known after apply: arn, id, …` for the collapsed entries."""
    names = ", ".join(paths[:MAX_COLLAPSED_NAMES]) + (", …" if len(paths) > MAX_COLLAPSED_NAMES else "")
    return f"{len(paths)} attribute(s) known after apply: {names}"


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
