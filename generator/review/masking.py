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


MIN_SECRET_LENGTH = 6  # shorter sensitive strings ("admin", "on") are masked where marked, not everywhere
MIN_SUBSTRING_SECRET = 8  # masked inside longer text only from this length on
MIN_SECRET_DIGITS = 4  # a sensitive number is masked where it is copied only from 4 digits on (not 1, 80, 443)
MAX_SUBSTRING_SECRETS = 200  # beyond this, known secrets are masked by equality only (a regex of them gets slow)
COMMON_VALUES = frozenset(
    {"true", "false", "null", "none", "enabled", "disabled", "default", "password", "secret", "private", "public"}
)
# Attribute names that hold secrets, for plans written before Terraform 0.15 (they carry no sensitivity marks).
SECRET_NAME = re.compile(
    r"(^|_)(password|passwd|secret|token|private_key|api_key|access_key|secret_key|credentials?|passphrase)s?($|_)"
    r"|_key$|^key$",
    re.IGNORECASE,
)
NOT_SECRET_NAMES = frozenset({"public_key", "kms_key", "key_name", "ssh_key", "partition_key", "sort_key", "hash_key"})


class Masker:
    """Applies sensitivity marks, the user's `--mask` regexes and known secrets to values and free text.

    Known secrets are the strings (and numbers) Terraform marked sensitive anywhere in the plan: the same value is
    masked wherever else it appears (Terraform does not always carry the mark, e.g. to `terraform_data.output`).
    Masking changes values only: addresses, keys and attribute names are never rewritten, and short or common
    strings (or ones that are part of an address) are masked only where they are marked.
    """

    __slots__ = ("numbers", "patterns", "secrets")

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
        self.numbers: frozenset[int | float] = frozenset()

    def add_secrets(self, secrets: set[str], numbers: set[int | float] | None = None, names: str = "") -> None:
        """Mask these values wherever they appear from now on; text containing long ones too, unless very many.

        `names` is every address and attribute name of the plan joined: a secret that is part of one is not
        masked inside text, so masking never rewrites an address or a name (and never hints at the secret).
        """
        usable = {s for s in secrets if len(s) >= MIN_SECRET_LENGTH and s.lower() not in COMMON_VALUES}
        self.secrets = self.secrets | usable
        self.numbers = self.numbers | {n for n in numbers or () if len(str(abs(n))) >= MIN_SECRET_DIGITS}
        in_text = {s for s in usable if len(s) >= MIN_SUBSTRING_SECRET and s not in names}
        if in_text and len(in_text) <= MAX_SUBSTRING_SECRETS:
            alternatives = "|".join(re.escape(s) for s in sorted(in_text, key=len, reverse=True))
            self.patterns = (*self.patterns, re.compile(alternatives))

    @property
    def active(self) -> bool:
        return bool(self.patterns or self.secrets or self.numbers)

    def matches(self, text: str) -> bool:
        return text in self.secrets or any(pattern.search(text) for pattern in self.patterns)

    def text(self, text: str) -> str:
        """Free text holding values (messages, problems, reasons) with every match replaced by ***."""
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
        if isinstance(val, int | float) and not isinstance(val, bool):
            return MASKED if val in self.numbers else val
        if isinstance(val, dict):
            marks = sensitive if isinstance(sensitive, dict) else {}
            if not marks and not self.active:
                return val
            return {k: self.value(v, marks.get(k)) for k, v in val.items()}
        if isinstance(val, list):
            marks_list = sensitive if isinstance(sensitive, list) else []
            if not marks_list and not self.active:
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


def sensitive_strings(val: Any, sensitive: Any, found: set[str], numbers: set[int | float] | None = None) -> None:
    """Collect the strings (and numbers, into `numbers`) of `val` that `sensitive` marks (`true`: the subtree)."""
    if sensitive is True:
        _all_leaves(val, found, numbers)
    elif isinstance(sensitive, dict) and isinstance(val, dict):
        for key, mark in sensitive.items():
            if mark is not False and key in val:
                sensitive_strings(val[key], mark, found, numbers)
    elif isinstance(sensitive, list) and isinstance(val, list):
        for item, mark in zip(val, sensitive, strict=False):
            sensitive_strings(item, mark, found, numbers)


def _all_leaves(val: Any, found: set[str], numbers: set[int | float] | None) -> None:
    if isinstance(val, str):
        found.add(val)
    elif isinstance(val, bool):
        return
    elif isinstance(val, int | float):
        if numbers is not None:
            numbers.add(val)
    elif isinstance(val, dict):
        for item in val.values():
            _all_leaves(item, found, numbers)
    elif isinstance(val, list):
        for item in val:
            _all_leaves(item, found, numbers)


def is_secret_name(name: str) -> bool:
    """Whether an attribute name says it holds a secret (used when a plan carries no sensitivity marks)."""
    return name.lower() not in NOT_SECRET_NAMES and SECRET_NAME.search(name) is not None


def marks_by_name(val: Any) -> Any:
    """A sensitivity structure for `val` marking attributes whose names hold secrets (None when nothing is)."""
    if isinstance(val, dict):
        marks = {}
        for key, item in val.items():
            if isinstance(key, str) and is_secret_name(key) and item is not None:
                marks[key] = True
            elif (inner := marks_by_name(item)) is not None:
                marks[key] = inner
        return marks or None
    if isinstance(val, list):
        items = [marks_by_name(item) for item in val]
        return items if any(m is not None for m in items) else None
    return None
