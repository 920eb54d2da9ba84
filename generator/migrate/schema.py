"""Navigation of eksctl's ClusterConfig schema (generator/data/eksctl-schema.json): which keys a struct accepts.

Used to tell unknown keys from known ones and to fix the case of keys written in the wrong case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from generator.resources import eksctl_schema

# Kinds of node in a ClusterConfig document.
STRUCT = "struct"
LIST = "list"
MAP = "map"
FREE = "free"  # InlineDocument and friends: arbitrary content, never normalised
SCALAR = "scalar"


@dataclass(frozen=True)
class TypeRef:
    kind: str
    name: str = ""  # struct name for STRUCT
    item: TypeRef | None = None  # element type for LIST and MAP


@cache
def _struct_keys(name: str) -> dict[str, str]:
    """YAML key → Go type of a struct, with embedded structs flattened."""
    struct = eksctl_schema()["structs"].get(name)
    if struct is None:
        return {}
    effective = struct.get("effective_yaml_keys")
    if effective:
        return {entry["key"]: entry["go_type"] for entry in effective if entry.get("key")}
    keys: dict[str, str] = {}
    for field in struct["fields"]:
        key = field.get("key")
        if field.get("embedded"):
            keys.update(_struct_keys(_bare(field["go_type"])))
        elif key and key != "-":
            keys[key] = field["go_type"]
    return keys


def _bare(go_type: str) -> str:
    return go_type.lstrip("*").split(".")[-1] if go_type.startswith("*") else go_type


def resolve(go_type: str) -> TypeRef:
    """A Go type expression from the schema → what shape of YAML it accepts."""
    go_type = go_type.lstrip("*")
    if go_type.startswith("[]"):
        return TypeRef(LIST, item=resolve(go_type[2:]))
    match = re.fullmatch(r"map\[string\](.+)", go_type)
    if match:
        return TypeRef(MAP, item=resolve(match.group(1)))
    schema = eksctl_schema()
    if go_type == "InlineDocument" or go_type.startswith("interface"):
        return TypeRef(FREE)
    if go_type == "taintsWrapper":
        return TypeRef(FREE)  # a list of taints or a map key → "value:Effect"; handled by the mapper
    if go_type in schema["structs"]:
        return TypeRef(STRUCT, name=go_type)
    named = schema["named_types"].get(go_type)
    if named is not None:
        return resolve(named["underlying"])
    return TypeRef(SCALAR)


ROOT = TypeRef(STRUCT, name="ClusterConfig")


def struct_keys(name: str) -> dict[str, str]:
    return dict(_struct_keys(name))


def child_type(parent: TypeRef, key: str | int) -> TypeRef | None:
    """The type of `parent[key]`; None when the key is unknown."""
    if parent.kind == STRUCT:
        go_type = _struct_keys(parent.name).get(str(key))
        return resolve(go_type) if go_type is not None else None
    if parent.kind in (LIST, MAP):
        return parent.item
    if parent.kind == FREE:
        return TypeRef(FREE)
    return None
