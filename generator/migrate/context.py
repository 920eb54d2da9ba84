"""Shared state of one file migration: the eksctl document, the report, and typed reads that never raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.migrate.document import EksctlDocument
from generator.migrate.report import SAMPLE_ID_NOTE, Report
from generator.spec.positions import KeyPath
from generator.spec.validation import PLACEHOLDER, looks_real_id

_ID_NAMES = {"vpc": "VPC", "subnet": "subnet", "sg": "security group", "ami": "AMI", "lt": "launch template"}


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
    # "private/eu-west-1a" → {alias, kind, id, az, cidr, resolved}: eksctl may use one alias in both kinds.
    subnet_aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    vpc_azs: list[str] | None = None

    def alias(self, name: str, kind: str | None = None) -> dict[str, str] | None:
        """The subnet eksctl calls `name` (an alias or AZ key under vpc.subnets), preferring the given kind."""
        matches = [a for a in self.subnet_aliases.values() if a["alias"] == name]
        preferred = [a for a in matches if a["kind"] == kind]
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
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self._bad(path, "a whole number")
            return None
        try:
            number = float(value)
        except ValueError:
            self._bad(path, "a whole number")
            return None
        if number != int(number) or abs(number) > 10**9:
            self._bad(path, "a whole number")
            return None
        return int(number)

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


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
