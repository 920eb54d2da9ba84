"""Masking of sensitive values: Terraform's sensitivity marks at any depth, plus user regexes (`--mask`).

Every value the review model hands out passes through a `Masker`, so renderers only ever see masked values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from generator.errors import Problem, UserInputError

SENSITIVE = "(sensitive value)"
MASKED = "(masked)"
MASK_TEXT = "***"


MIN_SECRET_LENGTH = 3  # shorter sensitive strings ("1", "on") are masked where marked, not everywhere
MAX_SUBSTRING_SECRETS = 200  # beyond this, known secrets are masked by equality only (a regex of them gets slow)


class Masker:
    """Applies sensitivity marks, the user's `--mask` regexes and known secrets to values and free text.

    Known secrets are the strings Terraform marked sensitive anywhere in the plan: the same string is masked
    wherever else it appears (Terraform does not always carry the mark, e.g. to `terraform_data.output`).
    """

    __slots__ = ("patterns", "secrets")

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        compiled = []
        for pattern in patterns:
            try:
                compiled.append(re.compile(pattern))
            except re.error as error:
                raise UserInputError(
                    Problem(
                        f"invalid --mask regular expression {pattern!r}: {error}",
                        key_path="--mask",
                        expected="a Python regular expression, e.g. 'AKIA[0-9A-Z]{16}'",
                    )
                ) from None
        self.patterns: tuple[re.Pattern[str], ...] = tuple(compiled)
        self.secrets: frozenset[str] = frozenset()

    def add_secrets(self, secrets: set[str]) -> None:
        """Mask these strings everywhere from now on; text containing them too, unless there are very many."""
        usable = {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}
        self.secrets = self.secrets | usable
        if usable and len(usable) <= MAX_SUBSTRING_SECRETS:
            alternatives = "|".join(re.escape(s) for s in sorted(usable, key=len, reverse=True))
            self.patterns = (*self.patterns, re.compile(alternatives))

    def matches(self, text: str) -> bool:
        return text in self.secrets or any(pattern.search(text) for pattern in self.patterns)

    def text(self, text: str) -> str:
        """Free text (addresses, messages, keys) with every regex match replaced by ***."""
        for pattern in self.patterns:
            text = pattern.sub(MASK_TEXT, text)
        return text

    def value(self, val: Any, sensitive: Any = None) -> Any:
        """`val` with parts marked sensitive replaced by SENSITIVE and regex-matched strings by MASKED.

        `sensitive` mirrors the value's shape; `true` at any node masks its whole subtree. Returns new containers
        only where something was masked.
        """
        if sensitive is True:
            return SENSITIVE if val is not None else None
        if isinstance(val, str):
            return MASKED if (self.patterns or self.secrets) and self.matches(val) else val
        if isinstance(val, dict):
            marks = sensitive if isinstance(sensitive, dict) else {}
            if not marks and not self.patterns and not self.secrets:
                return val
            return {self.text(k) if self.patterns else k: self.value(v, marks.get(k)) for k, v in val.items()}
        if isinstance(val, list):
            marks_list = sensitive if isinstance(sensitive, list) else []
            if not marks_list and not self.patterns and not self.secrets:
                return val
            return [self.value(item, marks_list[i] if i < len(marks_list) else None) for i, item in enumerate(val)]
        return val


def any_sensitive(sensitive: Any) -> bool:
    """Whether a sensitivity structure marks anything at all."""
    if sensitive is True:
        return True
    if isinstance(sensitive, dict):
        return any(any_sensitive(v) for v in sensitive.values())
    if isinstance(sensitive, list):
        return any(any_sensitive(v) for v in sensitive)
    return False


def sensitive_strings(val: Any, sensitive: Any, found: set[str]) -> None:
    """Collect the strings of `val` that `sensitive` marks (a `true` marks the whole subtree)."""
    if sensitive is True:
        _all_strings(val, found)
    elif isinstance(sensitive, dict) and isinstance(val, dict):
        for key, mark in sensitive.items():
            if mark is not False and key in val:
                sensitive_strings(val[key], mark, found)
    elif isinstance(sensitive, list) and isinstance(val, list):
        for item, mark in zip(val, sensitive, strict=False):
            sensitive_strings(item, mark, found)


def _all_strings(val: Any, found: set[str]) -> None:
    if isinstance(val, str):
        found.add(val)
    elif isinstance(val, dict):
        for item in val.values():
            _all_strings(item, found)
    elif isinstance(val, list):
        for item in val:
            _all_strings(item, found)
