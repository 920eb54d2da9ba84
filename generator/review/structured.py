"""Strings that hold documents: JSON (policy documents, addon configuration values) and YAML (aws-auth mapRoles).
Parsed only when a rule or the diff needs them; the YAML library is imported on first use."""

from __future__ import annotations

import json
from typing import Any

MAX_DOCUMENT = 200_000  # longer strings are compared as text


def parse_json_document(text: str) -> dict[str, Any] | list[Any] | None:
    """`text` as a JSON object or array, or None when it is not one."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")) or len(stripped) > MAX_DOCUMENT:
        return None
    try:
        parsed = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict | list) else None


def parse_yaml(text: str) -> Any:
    """`text` as YAML (safe loader), or None when it does not parse."""
    if len(text) > MAX_DOCUMENT:
        return None
    from ruamel.yaml import YAML

    try:
        return YAML(typ="safe", pure=True).load(text)
    except Exception:  # a third-party parser on text from the plan: anything it raises means "not a document"
        return None


def parse_yaml_document(text: str) -> dict[str, Any] | list[Any] | None:
    """`text` as a YAML mapping or sequence spanning several lines (`- rolearn: …`), or None."""
    if "\n" not in text.strip() or ":" not in text:
        return None
    parsed = parse_yaml(text)
    return parsed if isinstance(parsed, dict | list) else None
