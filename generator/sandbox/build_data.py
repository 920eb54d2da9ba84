"""Build the double's schema data: `terraform providers schema -json` documents → serialized GetProviderSchema answers.

`python -m generator.sandbox.build_data SOURCE_DIR` (or `make sandbox-data`) reads `aws-6.47.0.json.gz`,
`tls.json`, `time.json`, `cloudinit.json` and `null.json` from SOURCE_DIR and writes
generator/data/sandbox/<provider>.schema.pb.gz: the protobuf answer the double sends as is, and reads its per-type
schemas from (protobuf decodes it lazily, so a provider process pays for the types it touches only).
Descriptions are dropped: Terraform does not need them to plan.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from generator.sandbox import tfplugin6_pb2 as pb

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "sandbox"

SOURCES = {
    "aws": "aws-6.47.0.json.gz",
    "tls": "tls.json",
    "time": "time.json",
    "cloudinit": "cloudinit.json",
    "null": "null.json",
}

_NESTING = {"single": 1, "list": 2, "set": 3, "map": 4, "group": 5}


def _fill_block(target: pb.Schema.Block, block: dict[str, Any]) -> None:
    for name in sorted(block.get("attributes", {})):
        attribute = block["attributes"][name]
        if "nested_type" in attribute:
            raise ValueError(f"attribute {name}: nested attribute types are not supported by the double")
        target.attributes.add(
            name=name,
            type=json.dumps(attribute["type"], separators=(",", ":")).encode(),
            required=bool(attribute.get("required")),
            optional=bool(attribute.get("optional")),
            computed=bool(attribute.get("computed")),
            sensitive=bool(attribute.get("sensitive")),
            deprecated=bool(attribute.get("deprecated")),
            write_only=bool(attribute.get("write_only")),
        )
    for name in sorted(block.get("block_types", {})):
        nested = block["block_types"][name]
        entry = target.block_types.add(
            type_name=name,
            nesting=_NESTING[nested["nesting_mode"]],
            min_items=int(nested.get("min_items", 0)),
            max_items=int(nested.get("max_items", 0)),
        )
        entry.block.SetInParent()  # an empty block must still be present: Terraform dereferences it
        _fill_block(entry.block, nested["block"])


def _fill_schema(target: pb.Schema, schema: dict[str, Any]) -> None:
    target.version = int(schema.get("version", 0))
    target.block.SetInParent()
    _fill_block(target.block, schema.get("block", {}))


def build_answer(document: dict[str, Any]) -> pb.GetProviderSchemaResponse:
    answer = pb.GetProviderSchemaResponse()
    _fill_schema(answer.provider, document.get("provider", {}))
    if document.get("provider_meta"):
        _fill_schema(answer.provider_meta, document["provider_meta"])
    for name, schema in sorted(document.get("resource_schemas", {}).items()):
        _fill_schema(answer.resource_schemas[name], schema)
    for name, schema in sorted(document.get("data_source_schemas", {}).items()):
        _fill_schema(answer.data_source_schemas[name], schema)
    answer.server_capabilities.get_provider_schema_optional = True
    return answer


def _read(path: Path) -> dict[str, Any]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    document = json.loads(raw)
    if not isinstance(document, dict):
        raise ValueError(f"{path}: not a schema document")
    return document


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m generator.sandbox.build_data SOURCE_DIR", file=sys.stderr)
        return 2
    source = Path(args[0])
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for provider, filename in SOURCES.items():
        answer = build_answer(_read(source / filename))
        target = DATA_DIR / f"{provider}.schema.pb.gz"
        target.write_bytes(gzip.compress(answer.SerializeToString(deterministic=True), compresslevel=9, mtime=0))
        print(f"{target}: {len(answer.resource_schemas)} resources, {len(answer.data_source_schemas)} data sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
