"""How the AWS provider plans each resource type, as facts read from its source (data/sandbox/aws-resource-behaviour.json).

`providers schema -json` carries neither ForceNew nor the computed flag of nested blocks nor SDKv2 defaults; the
double needs all three to plan like the real provider (replacements, "(known after apply)" blocks, default values).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

from generator.sandbox.contracts import AttributePath

_DATA = ("generator.data", "sandbox/aws-resource-behaviour.json")


@dataclass(frozen=True)
class ResourceBehaviour:
    force_new: tuple[AttributePath, ...] = ()  # a change here asks for replacement
    computed_blocks: tuple[str, ...] = ()  # top-level Optional+Computed blocks: unknown on create, kept when absent
    nested_computed_blocks: tuple[str, ...] = ()  # the same inside a block, as dotted paths ("a.b")
    defaults: Mapping[str, Any] = field(default_factory=dict)  # SDKv2 Default values by dotted path
    source: str | None = None  # provider source file the facts come from; None: type not reviewed yet


_NOT_REVIEWED = ResourceBehaviour()


@functools.cache
def _table() -> dict[str, Any]:
    package, name = _DATA
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


@functools.cache
def behaviour_for(type_name: str) -> ResourceBehaviour:
    """What the provider does for `type_name`; an empty behaviour for types whose source was not reviewed."""
    entry = _table()["resources"].get(type_name)
    if entry is None:
        return _NOT_REVIEWED
    return ResourceBehaviour(
        force_new=tuple(tuple(path) for path in entry.get("force_new", ())),
        computed_blocks=tuple(entry.get("computed_blocks", ())),
        nested_computed_blocks=tuple(entry.get("nested_computed_blocks", ())),
        defaults=MappingProxyType(dict(entry.get("defaults", {}))),
        source=entry["source"],
    )


def reviewed_types() -> frozenset[str]:
    return frozenset(_table()["resources"])


def not_yet_reviewed_types() -> frozenset[str]:
    return frozenset(_table()["not_yet_reviewed"])
