"""`aws_iam_policy_document` rendered the way hashicorp/aws 6.x renders it (facts from its policy document data source).

What the provider does, and this module mirrors:
- `version` defaults to "2012-10-17"; `policy_id` becomes `Id`; a statement's `effect` defaults to "Allow"; an empty
  `sid` is left out (provider 5.0 and later).
- Actions, resources, principal identifiers (sets in the schema): one element renders as a string, more as a list
  sorted in reverse order. Condition values keep their order; one value renders as a string.
- `&{` in resources, principals and condition values becomes `${` (IAM policy variables); document version
  "2008-10-17" refuses `&{`.
- Principals of one type are grouped under that type; `type = "*"` with the one identifier "*" renders as "*".
- Documents merge in this order: `source_policy_documents` (a Sid may appear once across them), the statements of
  the data source itself, then `override_policy_documents`; a statement with the Sid of an earlier one replaces it,
  a statement without Sid is appended. A merged document adopts a later `Id` and the higher `Version`.
- `json` is Go's `json.MarshalIndent(doc, "", "  ")`, `minified_json` is `json.Marshal(doc)` (Go escapes <, > and &),
  and the data source id is the CRC-32 of `json`.
Where a schema set holds several `principals` or `condition` blocks of one kind, the provider walks them in its set
hash order; this module walks them in configuration order.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.sandbox.contracts import UNKNOWN

DEFAULT_VERSION = "2012-10-17"
_LEGACY_VERSION = "2008-10-17"

# Go marshals struct fields in declaration order and leaves empty ones out (`omitempty`).
_STATEMENT_FIELDS = (
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
    ("principals", "Principal"),
    ("not_principals", "NotPrincipal"),
    ("conditions", "Condition"),
)


class PolicyDocumentError(ValueError):
    """What the provider answers for a policy document it cannot render."""


@dataclass
class _Principal:
    type: str
    identifiers: str | list[str]


@dataclass
class _Condition:
    test: str
    variable: str
    values: str | list[str]


@dataclass
class _Statement:
    sid: str = ""
    effect: str = ""
    actions: Any = None
    not_actions: Any = None
    resources: Any = None
    not_resources: Any = None
    principals: list[_Principal] = field(default_factory=list)
    not_principals: list[_Principal] = field(default_factory=list)
    conditions: list[_Condition] = field(default_factory=list)


@dataclass
class _Document:
    version: str = ""
    id: str = ""
    statements: list[_Statement] = field(default_factory=list)

    def merge(self, other: _Document) -> None:
        if other.id:
            self.id = other.id
        if other.version > self.version:
            self.version = other.version
        for statement in other.statements:
            if statement.sid:
                for index, existing in enumerate(self.statements):
                    if existing.sid == statement.sid:
                        self.statements[index] = statement
                        break
                else:
                    self.statements.append(statement)
            else:
                self.statements.append(statement)


# --- from the data source's configuration ----------------------------------------------------------------------


def _known(value: Any, where: str) -> Any:
    if value is UNKNOWN:
        raise PolicyDocumentError(f"{where} is not known yet; a data source reads only known configuration")
    return value


def _strings(value: Any, where: str) -> list[str]:
    value = _known(value, where)
    if value is None:
        return []
    items = [_known(item, where) for item in value]
    return [item for item in items if isinstance(item, str)]


def _decode_set(values: list[str]) -> str | list[str]:
    """policyDecodeConfigStrings: the one element, or the elements sorted in reverse."""
    if len(values) == 1:
        return values[0]
    return sorted(values, reverse=True)


def _replace_vars(value: str | list[str], version: str) -> str | list[str]:
    items = [value] if isinstance(value, str) else value
    for item in items:
        if version == _LEGACY_VERSION and "&{" in item:
            raise PolicyDocumentError(
                f"found &{{ sequence in ({item}), which is not supported in document version {_LEGACY_VERSION}"
            )
    if isinstance(value, str):
        return value.replace("&{", "${")
    return [item.replace("&{", "${") for item in value]


def _config_principals(blocks: Any, version: str, where: str) -> list[_Principal]:
    principals = []
    for block in _known(blocks, where) or []:
        identifiers = _strings(block.get("identifiers"), f"{where}.identifiers")
        principals.append(_Principal(str(block.get("type")), _replace_vars(_decode_set(identifiers), version)))
    return principals


def _config_conditions(blocks: Any, version: str, where: str) -> list[_Condition]:
    conditions = []
    for block in _known(blocks, where) or []:
        values = _replace_vars(_strings(block.get("values"), f"{where}.values"), version)
        single: str | list[str] = values[0] if len(values) == 1 else values
        conditions.append(_Condition(str(block.get("test")), str(block.get("variable")), single))
    return conditions


def _config_statement(block: Mapping[str, Any], version: str, index: int) -> _Statement:
    where = f"statement[{index}]"
    effect = _known(block.get("effect"), f"{where}.effect")
    statement = _Statement(sid=_known(block.get("sid"), f"{where}.sid") or "", effect=effect or "Allow")
    if actions := _strings(block.get("actions"), f"{where}.actions"):
        statement.actions = _decode_set(actions)
    if not_actions := _strings(block.get("not_actions"), f"{where}.not_actions"):
        statement.not_actions = _decode_set(not_actions)
    if resources := _strings(block.get("resources"), f"{where}.resources"):
        statement.resources = _replace_vars(_decode_set(resources), version)
    if not_resources := _strings(block.get("not_resources"), f"{where}.not_resources"):
        statement.not_resources = _replace_vars(_decode_set(not_resources), version)
    statement.principals = _config_principals(block.get("principals"), version, f"{where}.principals")
    statement.not_principals = _config_principals(block.get("not_principals"), version, f"{where}.not_principals")
    statement.conditions = _config_conditions(block.get("condition"), version, f"{where}.condition")
    return statement


def _config_document(config: Mapping[str, Any]) -> _Document:
    version = _known(config.get("version"), "version") or DEFAULT_VERSION
    document = _Document(version=version, id=_known(config.get("policy_id"), "policy_id") or "")
    seen: set[str] = set()
    for index, block in enumerate(_known(config.get("statement"), "statement") or []):
        statement = _config_statement(block, version, index)
        if statement.sid in seen:
            raise PolicyDocumentError(
                f"writing IAM Policy Document: duplicate Sid ({statement.sid}). "
                "Remove the Sid or ensure the Sid is unique."
            )
        if statement.sid:
            seen.add(statement.sid)
        document.statements.append(statement)
    return document


# --- from JSON documents (source_policy_documents, override_policy_documents) -----------------------------------


def _field(data: Mapping[str, Any], name: str) -> Any:
    """Go's encoding/json field match: the exact key first, then any key equal ignoring case."""
    for key, value in data.items():
        if key == name:
            return value
    for key, value in data.items():
        if key.lower() == name.lower():
            return value
    return None


def _json_principals(data: Any) -> list[_Principal]:
    if data is None:
        return []
    if isinstance(data, str):
        return [_Principal("*", ["*"])]
    if not isinstance(data, dict):
        raise PolicyDocumentError(f"Unsupported data type {type(data).__name__} for IAMPolicyStatementPrincipalSet")
    principals = []
    for key, value in data.items():
        if isinstance(value, str):
            principals.append(_Principal(key, value))
        elif isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise PolicyDocumentError(f"principal identifiers of type {key!r} must be strings")
            principals.append(_Principal(key, sorted(value)))
        else:
            raise PolicyDocumentError("Unsupported data type for IAMPolicyStatementPrincipalSet.Identifiers")
    return principals


def _json_conditions(data: Any) -> list[_Condition]:
    if data is None:
        return []
    if not isinstance(data, dict):
        raise PolicyDocumentError("json: cannot unmarshal the Condition element of a statement")
    conditions = []
    for test, variables in data.items():
        if not isinstance(variables, dict):
            raise PolicyDocumentError("json: cannot unmarshal the Condition element of a statement")
        for variable, values in variables.items():
            if isinstance(values, bool):  # before str/int: Go formats a bool as "true" / "false"
                conditions.append(_Condition(test, variable, "true" if values else "false"))
            elif isinstance(values, str):
                conditions.append(_Condition(test, variable, [values]))
            elif isinstance(values, list):
                conditions.append(_Condition(test, variable, [str(item) for item in values]))
            # any other JSON type is dropped, as the provider drops it
    return conditions


def _json_document(text: Any, what: str, index: int) -> _Document:
    try:
        data = json.loads(_known(text, f"{what}[{index}]"))
    except (TypeError, ValueError) as broken:
        raise PolicyDocumentError(f"writing IAM Policy Document: merging {what} {index}: {broken}") from None
    if not isinstance(data, dict):
        raise PolicyDocumentError(f"writing IAM Policy Document: merging {what} {index}: not a JSON object")
    statements = _field(data, "Statement")
    if statements is not None and not isinstance(statements, list):
        raise PolicyDocumentError(
            f"writing IAM Policy Document: merging {what} {index}: json: cannot unmarshal "
            f"{type(statements).__name__} into Go struct field IAMPolicyDoc.Statement"
        )
    document = _Document(version=str(_field(data, "Version") or ""), id=str(_field(data, "Id") or ""))
    for raw in statements or []:
        if not isinstance(raw, dict):
            continue
        document.statements.append(
            _Statement(
                sid=str(_field(raw, "Sid") or ""),
                effect=str(_field(raw, "Effect") or ""),
                actions=_field(raw, "Action"),
                not_actions=_field(raw, "NotAction"),
                resources=_field(raw, "Resource"),
                not_resources=_field(raw, "NotResource"),
                principals=_json_principals(_field(raw, "Principal")),
                not_principals=_json_principals(_field(raw, "NotPrincipal")),
                conditions=_json_conditions(_field(raw, "Condition")),
            )
        )
    return document


# --- marshalling ---------------------------------------------------------------------------------------------------


def _principals_value(principals: Sequence[_Principal]) -> Any:
    if len(principals) == 1 and principals[0].type == "*" and principals[0].identifiers in ("*", ["*"]):
        return "*"
    grouped: dict[str, str | list[str]] = {}
    for principal in principals:
        existing = grouped.get(principal.type)
        if isinstance(principal.identifiers, list):
            ordered = sorted(principal.identifiers, reverse=True)
            head = [] if existing is None else ([existing] if isinstance(existing, str) else list(existing))
            grouped[principal.type] = head + ordered
        elif existing is None:
            grouped[principal.type] = principal.identifiers
        elif isinstance(existing, str):
            grouped[principal.type] = [existing, principal.identifiers]
        else:
            grouped[principal.type] = [*existing, principal.identifiers]
    return {key: grouped[key] for key in sorted(grouped)}


def _conditions_value(conditions: Sequence[_Condition]) -> dict[str, dict[str, Any]]:
    raw: dict[str, dict[str, list[str]]] = {}
    for condition in conditions:
        values = raw.setdefault(condition.test, {}).setdefault(condition.variable, [])
        values.extend([condition.values] if isinstance(condition.values, str) else condition.values)
    return {
        test: {var: (vals[0] if len(vals) == 1 else vals) for var, vals in sorted(variables.items())}
        for test, variables in sorted(raw.items())
    }


def _statement_value(statement: _Statement) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    for attribute, key in _STATEMENT_FIELDS:
        value = getattr(statement, attribute)
        if attribute in ("principals", "not_principals"):
            value = _principals_value(value) if value else None  # an empty slice is left out
        elif attribute == "conditions":
            value = _conditions_value(value) if value else None
        if value is None or value == "":  # `any` fields are left out only when nil, strings when empty
            continue
        rendered[key] = value
    return rendered


def _document_value(document: _Document) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    if document.version:
        rendered["Version"] = document.version
    if document.id:
        rendered["Id"] = document.id
    if document.statements:
        rendered["Statement"] = [_statement_value(statement) for statement in document.statements]
    return rendered


def _go_json(value: Any, *, indent: bool) -> str:
    text = json.dumps(
        value, ensure_ascii=False, indent=2 if indent else None, separators=None if indent else (",", ":")
    )
    # Go's encoder escapes HTML characters and the two JavaScript line terminators.
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _merged(config: Mapping[str, Any]) -> _Document:
    merged = _Document()
    seen: set[str] = set()
    for index, text in enumerate(_known(config.get("source_policy_documents"), "source_policy_documents") or []):
        if text is None:
            continue
        source = _json_document(text, "source document", index)
        for position, statement in enumerate(source.statements):
            if statement.sid:
                if statement.sid in seen:
                    raise PolicyDocumentError(
                        f"writing IAM Policy Document: merging source document {index}: duplicate Sid "
                        f"({statement.sid}) in source_policy_documents (statement {position}). "
                        "Remove the Sid or ensure Sids are unique."
                    )
                seen.add(statement.sid)
        merged.merge(source)
    merged.merge(_config_document(config))
    for index, text in enumerate(_known(config.get("override_policy_documents"), "override_policy_documents") or []):
        if text is not None:
            merged.merge(_json_document(text, "override document", index))
    return merged


def policy_document_attributes(config: Mapping[str, Any]) -> dict[str, str]:
    """The computed attributes of an aws_iam_policy_document: `json`, `minified_json` and `id`."""
    value = _document_value(_merged(config))
    text = _go_json(value, indent=True)
    return {"json": text, "minified_json": _go_json(value, indent=False), "id": str(zlib.crc32(text.encode()))}


def render_policy_document(config: Mapping[str, Any]) -> str:
    """The `json` attribute of an aws_iam_policy_document with this configuration."""
    return policy_document_attributes(config)["json"]
