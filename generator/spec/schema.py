"""The JSON Schema of `ekstf.yaml`, built from the pydantic models (YAML keys, i.e. camelCase aliases).

Editors use it through a `# yaml-language-server: $schema=...` comment; `docs/ekstf.schema.json` is a
committed copy that a test keeps equal to `schema_text()`.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://ekstf.io/schemas/ekstf.schema.json"


def spec_json_schema() -> dict[str, Any]:
    """The schema as a dict: `$schema`, `$id`, title and description first, then pydantic's schema."""
    from generator.spec.models import API_VERSION, Spec

    generated = Spec.model_json_schema(by_alias=True, mode="validation")
    _drop_property_titles(generated)
    _add_factory_defaults(generated, Spec)
    _allow_addon_shorthand(generated)
    _allow_numeric_version(generated)
    _allow_capacity_spellings(generated)
    head: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "ekstf cluster spec",
        "description": (
            f"An ekstf spec ({API_VERSION}): a compact description of an Amazon EKS cluster that "
            "`ekstf generate` turns into a Terraform repository. Keys are camelCase; unknown keys are errors."
        ),
    }
    generated.pop("title", None)
    generated.pop("description", None)
    return {**head, **generated}


def schema_text() -> str:
    """The schema as the exact text `ekstf schema` prints and docs/ekstf.schema.json holds."""
    return json.dumps(spec_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _drop_property_titles(node: Any) -> None:
    """pydantic titles properties after the Python name ("Minsize"); the key itself says more."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for value in properties.values():
                if isinstance(value, dict):
                    value.pop("title", None)
        for value in node.values():
            _drop_property_titles(value)
    elif isinstance(node, list):
        for value in node:
            _drop_property_titles(value)


def _add_factory_defaults(schema: dict[str, Any], root: type[BaseModel]) -> None:
    """pydantic leaves out defaults made by a default_factory; editors and docs want them too."""
    from pydantic_core import to_jsonable_python

    models = {model.__name__: model for model in _models_under(root)}
    targets = [(root, schema)] + [(models[n], d) for n, d in schema.get("$defs", {}).items() if n in models]
    for model, definition in targets:
        properties = definition.get("properties", {})
        for name, info in model.model_fields.items():
            key = info.alias or name
            if info.default_factory is None or key not in properties or "default" in properties[key]:
                continue
            value = info.get_default(call_default_factory=True, validated_data={})
            properties[key]["default"] = to_jsonable_python(value, by_alias=True, exclude_none=True)


def _models_under(root: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    pending: list[Any] = [root]
    while pending:
        annotation = pending.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in found:
                continue
            found.append(annotation)
            pending.extend(f.annotation for f in annotation.model_fields.values())
        else:
            pending.extend(typing.get_args(annotation))
    return found


def _allow_addon_shorthand(schema: dict[str, Any]) -> None:
    """`addons: {coredns: latest}` and `{vpc-cni: }` are accepted by the model's before-validator."""
    addons = schema["properties"]["addons"]
    for option in addons.get("anyOf", []):
        if option.get("type") == "object" and "additionalProperties" in option:
            option["additionalProperties"] = {
                "anyOf": [
                    option["additionalProperties"],
                    {"type": "string", "description": "Shorthand for `{version: ...}`."},
                    {"type": "null", "description": "Shorthand for the addon with its defaults."},
                ]
            }


def _allow_capacity_spellings(schema: dict[str, Any]) -> None:
    """capacityType also accepts eksctl-style spellings (`spot`, `on-demand`), normalised by the model."""
    capacity = schema["$defs"]["ManagedNodeGroup"]["properties"]["capacityType"]
    values = list(capacity["enum"])
    capacity["enum"] = values + [v.lower().replace("_", "-") for v in values]


def _allow_numeric_version(schema: dict[str, Any]) -> None:
    """`version: 1.34` (a YAML number) is read as written, so the schema should not flag it."""
    version = schema["$defs"]["Cluster"]["properties"]["version"]
    string_form = {k: version.pop(k) for k in ("type", "pattern") if k in version}
    version["anyOf"] = [string_form, {"type": "number"}]
