"""The contract between the provider double's protocol layer and its knowledge of AWS.

The protocol layer (gRPC, msgpack, schemas, fabricated values) decodes every value into plain Python — dict, list,
str, int, float, bool, None — with `UNKNOWN` where Terraform does not know the value yet. The AWS layer (rules,
policy documents, resource behaviour) sees only those plain values and a `World` of what exists so far.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol


class Unknown:
    """A value Terraform will only know after apply ("(known after apply)")."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("an unknown value has no truth value; test `value is UNKNOWN` first")


UNKNOWN: Final = Unknown()

AttributePath = tuple[str | int, ...]


@dataclass(frozen=True)
class Refusal:
    """What AWS would answer when asked to create or update a resource with these values."""

    rule_id: str  # stable id, listed in docs/sandbox.md with its source
    error: str  # AWS's own error text, e.g. "InvalidParameterException: ..."
    attribute: AttributePath = ()  # where in the resource's values the offending setting is


class World(Protocol):
    """What the simulated account holds: applied resources and the data sources read so far."""

    def resources(self, type_name: str) -> Iterable[Mapping[str, Any]]:
        """Every known object of `type_name` (resources and data sources share the type namespace)."""
        ...

    def by_id(self, type_name: str, object_id: str) -> Mapping[str, Any] | None:
        """The object of `type_name` whose `id` is `object_id`, if the world knows it."""
        ...
