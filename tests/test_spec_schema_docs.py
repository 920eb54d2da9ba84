"""`ekstf schema`, the committed schema and spec reference, and the examples against the schema."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from conftest import EXAMPLES, REPO_ROOT, run_ekstf
from ruamel.yaml import YAML

from generator.spec.reference_docs import spec_reference, write_docs
from generator.spec.schema import SCHEMA_DIALECT, schema_text
from generator.spec.starter import starter_spec

DOCS = REPO_ROOT / "docs"
EXAMPLE_SPECS = sorted(EXAMPLES.glob("*/ekstf.yaml"))


def _yaml_data(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(run_ekstf("schema").stdout)  # type: ignore[no-any-return]


def test_schema_command_prints_a_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["$id"].endswith("ekstf.schema.json")
    assert schema["title"] and schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["cluster"]
    cluster = schema["$defs"]["Cluster"]["properties"]
    assert "publicCidrs" in schema["$defs"]["Endpoint"]["properties"]  # YAML keys, not Python names
    assert cluster["name"]["description"]


def test_every_key_in_the_schema_has_a_description(schema: dict[str, Any]) -> None:
    missing = [
        f"{name}.{key}"
        for name, definition in [("(top)", schema), *schema["$defs"].items()]
        for key, prop in definition.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert missing == []


def test_schema_output_file_matches_stdout(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    result = run_ekstf("schema", "-o", target)
    assert result.returncode == 0
    assert target.read_text(encoding="utf-8") == schema_text()


def test_committed_schema_and_reference_are_in_step_with_the_models(tmp_path: Path) -> None:
    if os.environ.get("EKSTF_UPDATE_DOCS"):
        write_docs(DOCS)
    fresh = tmp_path / "docs"
    write_docs(fresh)
    for name in ("ekstf.schema.json", "spec.md"):
        committed = DOCS / name
        assert committed.read_text(encoding="utf-8") == (fresh / name).read_text(encoding="utf-8"), (
            f"docs/{name} is stale: run `python -m generator.spec.reference_docs` (or EKSTF_UPDATE_DOCS=1 pytest)"
        )


def test_reference_documents_every_key_with_type_and_default(schema: dict[str, Any]) -> None:
    reference = spec_reference()
    for definition in [schema, *schema["$defs"].values()]:
        for key in definition.get("properties", {}):
            assert f"| `{key}` |" in reference, key
    assert "| `instanceTypes` | list of string |" in reference
    assert "| `retentionDays` | integer (≥ 1, ≤ 3653) | `90` |" in reference


def test_the_validator_accepts_what_the_loader_accepts(schema: dict[str, Any]) -> None:
    """The starter, the examples and the reference's own snippets pass the JSON Schema (editors agree with us)."""
    validator = jsonschema.Draft202012Validator(schema)
    texts = [starter_spec(), *(p.read_text(encoding="utf-8") for p in EXAMPLE_SPECS)]
    reference = spec_reference()
    texts += [block.split("```", 1)[0] for block in reference.split("```yaml\n")[1:]]
    assert len(texts) >= 3
    for text in texts:
        errors = [e.message for e in validator.iter_errors(_yaml_data(text))]
        assert errors == [], text[:200]


def test_the_schema_rejects_what_the_loader_rejects(schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    base = {"cluster": {"name": "demo", "region": "eu-west-1"}}
    assert not list(validator.iter_errors(base))
    for bad in (
        {**base, "clutser": {}},
        {"cluster": {"name": "demo", "region": "eu-west-1", "version": "1.3.4"}},
        {**base, "managedNodeGroups": [{"name": "ng", "capacityType": "SOMETIMES"}]},
        {**base, "fargateProfiles": [{"name": "fp", "selectors": [{"labels": {"a": "b"}}]}]},
    ):
        assert list(validator.iter_errors(bad)), bad


@pytest.mark.parametrize("example", EXAMPLE_SPECS, ids=[p.parent.name for p in EXAMPLE_SPECS])
def test_examples_point_editors_at_the_committed_schema(example: Path) -> None:
    first_line = example.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../docs/ekstf.schema.json"
    assert (example.parent / "../../docs/ekstf.schema.json").resolve().is_file()
