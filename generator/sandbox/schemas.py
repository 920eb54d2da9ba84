"""The schemas the double serves, from its package data (see build_data.py), and the shapes it plans with."""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.sandbox import tfplugin6_pb2 as pb

CtyType = Any  # see values.py
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "sandbox"
PROVIDERS = ("aws", "tls", "time", "cloudinit", "null")
NESTING_SINGLE, NESTING_LIST, NESTING_SET, NESTING_MAP, NESTING_GROUP = 1, 2, 3, 4, 5


@functools.cache
def schema_bytes(provider: str) -> bytes:
    """The serialized GetProviderSchema answer of `provider`."""
    if provider not in PROVIDERS:
        raise ValueError(f"the sandbox has no provider {provider!r}")
    data = (DATA_DIR / f"{provider}.schema.pb.gz").read_bytes()
    return gzip.decompress(data)


@functools.cache
def schema_answer(provider: str) -> pb.GetProviderSchemaResponse:
    return pb.GetProviderSchemaResponse.FromString(schema_bytes(provider))


@dataclass(frozen=True)
class AttributeShape:
    name: str
    type: CtyType
    required: bool
    optional: bool
    computed: bool
    sensitive: bool


@dataclass(frozen=True)
class BlockShape:
    """A configuration block: its attributes and nested blocks (the shape of one object value)."""

    attributes: dict[str, AttributeShape] = field(default_factory=dict)
    blocks: dict[str, NestedShape] = field(default_factory=dict)

    def cty_type(self) -> CtyType:
        attributes: dict[str, Any] = {name: attr.type for name, attr in self.attributes.items()}
        for name, nested in self.blocks.items():
            attributes[name] = nested.cty_type()
        return ["object", attributes]


@dataclass(frozen=True)
class NestedShape:
    nesting: int
    block: BlockShape
    min_items: int
    max_items: int

    def cty_type(self) -> CtyType:
        inner = self.block.cty_type()
        if self.nesting in (NESTING_SINGLE, NESTING_GROUP):
            return inner
        return [{NESTING_LIST: "list", NESTING_SET: "set", NESTING_MAP: "map"}[self.nesting], inner]


def _block_shape(block: pb.Schema.Block) -> BlockShape:
    attributes = {
        a.name: AttributeShape(a.name, json.loads(a.type), a.required, a.optional, a.computed, a.sensitive)
        for a in block.attributes
    }
    blocks = {
        b.type_name: NestedShape(b.nesting, _block_shape(b.block), int(b.min_items), int(b.max_items))
        for b in block.block_types
    }
    return BlockShape(attributes, blocks)


@dataclass(frozen=True)
class TypeSchema:
    version: int
    shape: BlockShape
    cty_type: CtyType


def _type_schema(schema: pb.Schema) -> TypeSchema:
    shape = _block_shape(schema.block)
    return TypeSchema(int(schema.version), shape, shape.cty_type())


@functools.cache
def resource_schema(provider: str, type_name: str) -> TypeSchema | None:
    answer = schema_answer(provider)
    return _type_schema(answer.resource_schemas[type_name]) if type_name in answer.resource_schemas else None


@functools.cache
def data_source_schema(provider: str, type_name: str) -> TypeSchema | None:
    answer = schema_answer(provider)
    return _type_schema(answer.data_source_schemas[type_name]) if type_name in answer.data_source_schemas else None
