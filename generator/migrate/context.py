"""Shared state of one file migration: the eksctl document, the report, and typed reads that never raise."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.errors import Problem, UserInputError
from generator.migrate.document import EksctlDocument
from generator.migrate.report import SAMPLE_ID_NOTE, Report
from generator.spec.positions import KeyPath, format_key_path
from generator.spec.validation import PLACEHOLDER, looks_real_id

# Larger than any count, size or rate eksctl takes; also keeps int() away from Python's digit limit.
MAX_WHOLE_NUMBER = 10**9
_DIGITS = re.compile(r"[-+]?[0-9]{1,12}")
_ID_NAMES = {"vpc": "VPC", "subnet": "subnet", "sg": "security group", "ami": "AMI", "lt": "launch template"}


@dataclass(frozen=True)
class SubnetAlias:
    """One subnet under eksctl's vpc.subnets.<kind>: an alias (or AZ key) with what the file says about it."""

    kind: Literal["private", "public"]
    alias: str
    id: str | None = None
    az: str | None = None
    cidr: str | None = None
    # Set while mapping an existing VPC: the id the spec uses, or (no id given) how eksctl would look it up.
    resolved: str | None = None
    lookup: str | None = None


@dataclass
class Context:
    doc: EksctlDocument
    kubernetes_version_override: str | None = None
    # Filled while mapping, read by later mappers.
    version: str = ""
    minor: int = 34
    region: str = ""
    cluster_name: str = ""
    existing_vpc: bool = False
    # "private/eu-west-1a" → its alias record: eksctl may use one alias in both kinds.
    subnet_aliases: dict[str, SubnetAlias] = field(default_factory=dict)
    vpc_azs: list[str] | None = None
    # (namespace, name) of each iam.serviceAccounts entry → where it was written.
    service_account_paths: dict[tuple[str, str], KeyPath] = field(default_factory=dict)
    # Values eksctl would refuse to parse: the migration stops with all of them (exit 2).
    problems: list[Problem] = field(default_factory=list)

    def alias(self, name: str, kind: str | None = None) -> SubnetAlias | None:
        """The subnet eksctl calls `name` (an alias or AZ key under vpc.subnets), preferring the given kind."""
        matches = [a for a in self.subnet_aliases.values() if a.alias == name]
        preferred = [a for a in matches if a.kind == kind]
        found = preferred or matches
        return found[0] if found else None

    @property
    def report(self) -> Report:
        return self.doc.report

    def get(self, path: KeyPath) -> Any:
        return self.doc.get(path)

    def has(self, path: KeyPath) -> bool:
        return self.doc.get(path) is not None

    def _bad(self, path: KeyPath, expected: str) -> None:
        self.report.unsupported(path, f"invalid value {self.get(path)!r}: expected {expected}; not carried over")

    def str_(self, path: KeyPath) -> str | None:
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, (bool, dict | list)):
            self._bad(path, "a string")
            return None
        return str(value)

    def int_(self, path: KeyPath) -> int | None:
        """A whole number; anything eksctl's own parser refuses (NaN, inf, `true`, 2.5, text) is a problem (exit 2)."""
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, str) and PLACEHOLDER.search(value):
            # Unresolved (listed with the placeholders): like any placeholder it is not fatal to the migration.
            self.report.unsupported(
                path,
                f"unresolved placeholder {value!r} where a whole number belongs: eksctl's default written; "
                "give its value with --set or --env",
            )
            return None
        number = _whole_number(value)
        if number is None:
            self._refuse(path, value, "a whole number", "eksctl reads this field as an integer")
            return None
        if abs(number) > MAX_WHOLE_NUMBER:
            self._refuse(path, value, f"a whole number up to {MAX_WHOLE_NUMBER}", "no EKS setting is that large")
            return None
        return number

    def _refuse(self, path: KeyPath, value: Any, expected: str, hint: str) -> None:
        shown = _shown(value)
        self.problems.append(
            Problem(
                f"invalid value {shown}",
                self.doc.loaded.location(path),
                format_key_path(path),
                expected=expected,
                hint=hint,
            )
        )

    def raise_problems(self) -> None:
        """Bad values found while mapping, all at once; nothing is written."""
        if self.problems:
            raise UserInputError(self.problems)

    def bool_(self, path: KeyPath) -> bool | None:
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        self._bad(path, "true or false")
        return None

    def strs(self, path: KeyPath) -> list[str] | None:
        """A list of strings (eksctl also accepts a single string in a few places)."""
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or any(isinstance(v, dict | list) or v is None for v in value):
            self._bad(path, "a list of strings")
            return None
        return [str(v).lower() if isinstance(v, bool) else str(v) for v in value]

    def str_map(self, path: KeyPath) -> dict[str, str] | None:
        value = self.get(path)
        if value is None:
            return None
        if not isinstance(value, dict) or any(isinstance(v, dict | list) for v in value.values()):
            self._bad(path, "a mapping of strings")
            return None
        return {str(k): _text(v) for k, v in value.items()}

    def dict_(self, path: KeyPath) -> dict[str, Any] | None:
        value = self.get(path)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._bad(path, "a mapping")
            return None
        return value

    def list_(self, path: KeyPath) -> list[Any]:
        value = self.get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self._bad(path, "a list")
            return []
        return value

    def aws_id(self, path: KeyPath, value: str, kind: str) -> str:
        """The id as written; one that does not look like a real AWS id (eksctl's examples say `sg-1`) is reported.

        It is kept verbatim rather than turned into a placeholder: `ekstf validate` warns about its shape, and
        `ekstf validate --aws` checks that it exists.
        """
        if looks_real_id(value, kind + "-") or PLACEHOLDER.search(value):
            return value  # an unresolved placeholder stays as written (and is listed in the report)
        where = self.doc.loaded.location(path)
        if not value.startswith(kind + "-"):
            self.report.warn(f"{where}: {value!r} is not a {_ID_NAMES[kind]} id ({kind}-...): set the id in the spec")
            return value  # kept; `ekstf validate` names it as an error
        self.report.sample_id(path, value)
        self.report.warn(f"{where}: {_ID_NAMES[kind]} id {value!r} {SAMPLE_ID_NOTE}")
        return value


def _whole_number(value: Any) -> int | None:
    """3, 3.0 and "3" (e.g. from a substituted placeholder) are 3; bools, non-finite and fractional numbers are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) <= MAX_WHOLE_NUMBER else MAX_WHOLE_NUMBER + 1
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            return None
        return int(value) if abs(value) <= MAX_WHOLE_NUMBER else MAX_WHOLE_NUMBER + 1
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _shown(value: Any) -> str:
    """The value as the user wrote it, short and on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, int) and abs(value) >= 10**30:
        return "a very large number"  # str() of a 5000-digit int raises in Python 3.11
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
