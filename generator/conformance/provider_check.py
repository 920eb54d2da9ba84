"""Check `resource "aws_*"` and `data "aws_*"` blocks against the bundled AWS provider schema subset."""

from __future__ import annotations

from typing import Any

from generator import resources
from generator.conformance.hcl_reader import Attribute, Block, Literal, ObjectValue, TupleValue, Unknown, Value
from generator.conformance.repo import ParsedRepo
from generator.conformance.report import Finding
from generator.suggest import did_you_mean

CHECK_ID = "provider-schema"
RESOURCE_META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on"})
RESOURCE_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
DATA_META_BLOCKS = frozenset({"lifecycle"})
# Optional+Computed in the schema data, but set by the provider: writing them in a resource is a mistake.
COMPUTED_RESOURCE_ATTRIBUTES = frozenset({"id", "tags_all"})
BLOCK_TYPES = frozenset({"block", "block_list"})
DYNAMIC_ARGUMENTS = frozenset({"for_each", "iterator", "labels"})

Schema = dict[str, Any]


def check_provider_blocks(parsed: ParsedRepo) -> list[Finding]:
    schema = resources.aws_provider_schema()
    findings: list[Finding] = []
    for name, hcl_file in sorted(parsed.files.items()):
        for block in hcl_file.walk_blocks("resource", "data"):
            if len(block.labels) < 2 or not block.labels[0].startswith("aws_"):
                continue
            findings += _check_top_block(name, block, schema)
    return findings


def _check_top_block(file_name: str, block: Block, schema: Schema) -> list[Finding]:
    is_resource = block.type == "resource"
    kind = "resources" if is_resource else "data_sources"
    type_name = block.labels[0]
    address = f"{'' if is_resource else 'data.'}{type_name}.{block.labels[1]}"
    arguments: Schema | None = schema[kind].get(type_name)
    if arguments is None:
        what = "resource type" if is_resource else "data source"
        return [
            Finding(
                CHECK_ID,
                file_name,
                block.line,
                f"{address}: {what} `{type_name}` is not in the bundled schema subset; its arguments were not checked",
                "warning",
            )
        ]
    checker = _BodyChecker(file_name, address, is_resource)
    checker.body(block, arguments, top_level=True)
    return checker.findings


class _BodyChecker:
    def __init__(self, file_name: str, address: str, is_resource: bool) -> None:
        self.file_name = file_name
        self.address = address
        self.is_resource = is_resource
        self.findings: list[Finding] = []

    def add(self, line: int, path: str, message: str) -> None:
        self.findings.append(Finding(CHECK_ID, self.file_name, line, f"{self.address}: `{path}` {message}"))

    def body(self, block: Block, arguments: Schema, *, top_level: bool, path: str = "") -> None:
        present: set[str] = set()
        for attribute in block.attributes:
            present.add(attribute.name)
            if top_level and attribute.name in RESOURCE_META_ARGUMENTS:
                continue
            self.attribute(attribute, arguments, top_level=top_level, path=_join(path, attribute.name))
        meta_blocks = (RESOURCE_META_BLOCKS if self.is_resource else DATA_META_BLOCKS) if top_level else frozenset()
        for nested in block.blocks:
            if nested.type in meta_blocks:
                continue
            if nested.type == "dynamic":
                present.add(nested.labels[0] if nested.labels else "")
                self.dynamic(nested, arguments, path)
                continue
            present.add(nested.type)
            self.nested_block(nested, arguments, _join(path, nested.type))
        for name, spec in sorted(arguments.items()):
            if not spec.get("optional", True) and name not in present:
                noun = "block" if spec.get("type") in BLOCK_TYPES else "argument"
                self.add(block.line, _join(path, name), f"is a required {noun} and is missing")

    def attribute(self, attribute: Attribute, arguments: Schema, *, top_level: bool, path: str) -> None:
        name = attribute.name
        if top_level and self.is_resource and name in COMPUTED_RESOURCE_ATTRIBUTES:
            self.add(attribute.line, path, "is computed by the provider and cannot be set in configuration")
            return
        spec = arguments.get(name)
        if spec is None:
            hint = did_you_mean(name, arguments)
            self.add(
                attribute.line,
                path,
                "is not an argument (unknown, or computed-only)" + (f"; {hint}" if hint else ""),
            )
            return
        if spec.get("type") in BLOCK_TYPES and spec.get("is_block", True):
            self.add(attribute.line, path, f"is a nested block: write `{name} {{ ... }}`, not `{name} = ...`")
            return
        self.value(attribute.value, spec, path)

    def nested_block(self, nested: Block, arguments: Schema, path: str) -> None:
        spec = arguments.get(nested.type)
        if spec is None:
            hint = did_you_mean(nested.type, [n for n, s in arguments.items() if s.get("type") in BLOCK_TYPES])
            self.add(nested.line, path, "is not a nested block here" + (f"; {hint}" if hint else ""))
            return
        if spec.get("type") not in BLOCK_TYPES:
            self.add(nested.line, path, f"is an argument, not a block: write `{nested.type} = ...`")
            return
        self.body(nested, spec.get("args", {}), top_level=False, path=path)

    def dynamic(self, dynamic: Block, arguments: Schema, path: str) -> None:
        name = dynamic.labels[0] if dynamic.labels else ""
        block_path = _join(path, name)
        spec = arguments.get(name)
        if spec is None or spec.get("type") not in BLOCK_TYPES:
            hint = did_you_mean(name, [n for n, s in arguments.items() if s.get("type") in BLOCK_TYPES])
            self.add(dynamic.line, block_path, "is not a nested block here" + (f"; {hint}" if hint else ""))
            return
        for attribute in dynamic.attributes:
            if attribute.name not in DYNAMIC_ARGUMENTS:
                self.add(attribute.line, f"dynamic.{attribute.name}", "is not an argument of a dynamic block")
        contents = [b for b in dynamic.blocks if b.type == "content"]
        for other in dynamic.blocks:
            if other.type != "content":
                self.add(other.line, f"dynamic.{other.type}", "is not allowed in a dynamic block (only `content`)")
        if len(contents) != 1:
            self.add(dynamic.line, block_path, "dynamic block needs exactly one `content` block")
            return
        self.body(contents[0], spec.get("args", {}), top_level=False, path=block_path)

    def value(self, value: Value, spec: Schema, path: str) -> None:
        """Literal shape of an argument value: list/set, map, nested objects (attributes-as-blocks), primitives."""
        if isinstance(value, Unknown) or (isinstance(value, Literal) and value.kind == "null"):
            return
        kind = spec.get("type")
        if kind in ("list", "set"):
            if not isinstance(value, TupleValue):
                self.add(value.line, path, f"expects a {kind}, got {_shown(value)}")
        elif kind == "map":
            if not isinstance(value, ObjectValue):
                self.add(value.line, path, f"expects a map, got {_shown(value)}")
        elif kind in BLOCK_TYPES:  # attribute-as-block (is_block=false), e.g. aws_security_group ingress = [...]
            items = value.items if isinstance(value, TupleValue) else (value,)
            for index, item in enumerate(items):
                self.object_value(item, spec.get("args", {}), f"{path}[{index}]")
        elif kind in ("string", "number", "bool") and isinstance(value, TupleValue | ObjectValue):
            self.add(value.line, path, f"expects a {kind}, got {_shown(value)}")

    def object_value(self, value: Value, arguments: Schema, path: str) -> None:
        if isinstance(value, Unknown) or (isinstance(value, Literal) and value.kind == "null"):
            return
        if not isinstance(value, ObjectValue):
            self.add(value.line, path, f"expects an object, got {_shown(value)}")
            return
        for item in value.items:
            if item.key is None:
                continue
            spec = arguments.get(item.key)
            if spec is None:
                hint = did_you_mean(item.key, arguments)
                self.add(item.line, _join(path, item.key), "is not an argument" + (f"; {hint}" if hint else ""))
                continue
            self.value(item.value, spec, _join(path, item.key))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _shown(value: Value) -> str:
    if isinstance(value, TupleValue):
        return "a list"
    if isinstance(value, ObjectValue):
        return "a map/object"
    if isinstance(value, Literal):
        return f"a {value.kind}"
    return "an expression"
