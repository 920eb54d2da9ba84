"""Load `ekstf.yaml`: YAML with positions → strict models → completed defaults → checks of the completed spec.

Every problem names the file, line and column, the key path, what was expected and a hint; all problems
are collected before failing.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator import suggest
from generator.errors import Problem, ProblemCollector, SourceLocation, UserInputError
from generator.spec.constraints import constraint_problems
from generator.spec.defaults import complete
from generator.spec.models import Spec
from generator.spec.positions import KeyPath, LoadedYaml, did_you_mean, format_key_path, load_yaml, load_yaml_file
from generator.spec.validation import find_placeholders, validate_spec


@dataclass
class LoadedSpec:
    """A valid, completed spec, the warnings found on the way, and the YAML it came from."""

    spec: Spec
    warnings: list[Problem]
    source: LoadedYaml


def load_spec(path: Path) -> LoadedSpec:
    return _load(load_yaml_file(path))


def load_spec_text(text: str, file: str = "ekstf.yaml") -> LoadedSpec:
    return _load(load_yaml(text, file))


def _load(loaded: LoadedYaml) -> LoadedSpec:
    if not isinstance(loaded.data, dict):
        kind = "an empty file" if loaded.data is None else f"a {type(loaded.data).__name__}"
        raise UserInputError(
            Problem(
                f"expected a mapping at the top level, found {kind}",
                SourceLocation(loaded.file, 1, 1),
                expected="`cluster: {name: ..., region: ...}` and optional sections",
                hint="run `ekstf init` for a commented starter spec",
            )
        )
    try:
        spec = Spec.model_validate(loaded.data)
    except ValidationError as error:
        raise UserInputError(pydantic_problems(error, loaded, Spec)) from None
    # Defaults first, then validation of what will be generated (as eksctl and kops do); checks of what the user
    # wrote explicitly read `loaded`, which also gives every problem its position.
    completed = complete(spec)
    collector = ProblemCollector()
    collector.extend(validate_spec(completed, loaded))
    collector.extend(constraint_problems(completed, loaded))
    collector.raise_if_errors()
    return LoadedSpec(spec=completed, warnings=collector.warnings, source=loaded)


def pydantic_problems(error: ValidationError, loaded: LoadedYaml, root: type[BaseModel]) -> list[Problem]:
    problems = []
    by_path: dict[KeyPath, list[Any]] = {}
    for item in error.errors(include_url=False):
        path = _data_path(loaded.data, item["loc"])
        location = loaded.location(path)
        key_path = format_key_path(path)
        kind = item["type"]
        if kind == "extra_forbidden":
            unknown = str(path[-1]) if path else ""
            candidates = _field_names_at(root, path[:-1])
            problems.append(
                Problem(
                    f"unknown key `{unknown}`",
                    location,
                    key_path,
                    expected="one of: " + ", ".join(sorted(candidates)) if candidates else "",
                    hint=did_you_mean(unknown, candidates) or "remove it or check the spec reference (docs/spec.md)",
                )
            )
        elif kind == "missing":
            parent = format_key_path(path[:-1])
            problems.append(
                Problem(
                    f"required key `{path[-1]}` is missing" + (f" in `{parent}`" if parent else " at the top level"),
                    location,
                    key_path,
                    hint=f"add `{path[-1]}: ...`" + (f" under `{parent}`" if parent else ""),
                )
            )
        else:
            by_path.setdefault(path, []).append(item)
    placeholders = dict(find_placeholders(loaded.data))
    for path, items in by_path.items():
        if path in placeholders:
            problems.append(placeholder_problem(path, placeholders[path], loaded))
        else:
            problems.append(_value_problem(path, items, loaded))
    return problems


def placeholder_problem(path: KeyPath, placeholder: str, loaded: LoadedYaml) -> Problem:
    """A `${VAR}` left in the spec says so, rather than that it is not a region or an id."""
    name = placeholder.strip("${}<>_ ")
    return Problem(
        f"unresolved placeholder {placeholder}",
        loaded.location(path),
        format_key_path(path),
        hint=f"ekstf does not read environment variables in a spec: write the real value here, or render the file "
        f"first (`envsubst < ekstf.yaml.in > ekstf.yaml`; for an eksctl file, `ekstf migrate --set {name or 'VAR'}=VALUE`)",
    )


def _value_problem(path: KeyPath, items: list[Any], loaded: LoadedYaml) -> Problem:
    """One problem for a value pydantic rejected (several items when each member of a union refused it)."""
    value = items[0].get("input")
    expected = " or ".join(dict.fromkeys(e for e in (_expected(item) for item in items) if e))
    if len(items) == 1:
        item = items[0]
        kind = item["type"]
        if kind == "string_pattern_mismatch":
            message = f"{_shown(value)} is not {_pattern_text(item)}"
        elif kind.endswith("_type") or kind.endswith("_parsing") or kind == "model_attributes_type":
            message = f"expected {expected or 'another type'}, got {_got(value)}"
        elif kind == "literal_error":
            message = f"{_shown(value)} is not an allowed value"
        elif kind == "string_too_short" and value == "":
            message = "must not be empty"
        elif kind == "value_error" and isinstance(value, dict | list | bool):
            message = item["msg"].removeprefix("Value error, ")
        else:
            message = f"{item['msg'].removeprefix('Value error, ')} (got {_shown(value)})"
        hint = _hint(kind, path)
        if isinstance(value, bool) and kind == "value_error":
            hint = "write a number, or remove the key to use the default"
        if value is None and kind.endswith("_type"):
            hint = "write a value after the colon, or remove the key to use the default"
        if kind == "literal_error" and isinstance(value, str):
            allowed = re.findall(r"'([^']*)'", str((item.get("ctx") or {}).get("expected", "")))
            hint = suggest.did_you_mean(value, allowed, what="values") or hint
    else:
        message = f"expected {expected or 'another value'}, got {_got(value)}"
        hint = ""
    return Problem(message, loaded.location(path), format_key_path(path), expected=expected, hint=hint)


def _got(value: Any) -> str:
    return _kind_of(value) if value is None else f"{_kind_of(value)} {_shown(value)}"


def _kind_of(value: Any) -> str:
    """How a value reads in a message; followed by the value itself (empty for None)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "the string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "an empty value"
    return "the value"


def _pattern_descriptions() -> dict[str, str]:
    from generator.spec import models

    described = {
        models.Name: "a name of letters, digits, `-` and `_` that starts with a letter or digit (e.g. system-ng)",
        models.ClusterName: "a cluster name of letters, digits, `-` and `_` that starts with a letter or digit",
        models.Region: "an AWS region name such as eu-west-1 or us-gov-west-1",
        models.KubernetesVersion: 'a Kubernetes minor version such as "1.34"',
        models.Arn: "an ARN such as arn:aws:iam::123456789012:role/NAME",
    }
    texts: dict[str, str] = {}
    for annotated, text in described.items():
        for meta in getattr(annotated, "__metadata__", ()):
            pattern = getattr(meta, "pattern", None)
            if pattern:
                texts[str(pattern)] = text
    texts[r"^vpc-[0-9A-Za-z]+$"] = "a VPC id such as vpc-0123456789abcdef0"
    texts[r"^ami-[0-9A-Za-z]+$"] = "an AMI id such as ami-0123456789abcdef0"
    texts[r"^lt-[0-9A-Za-z]+$"] = "a launch template id such as lt-0123456789abcdef0"
    return texts


def _pattern_text(item: Any) -> str:
    pattern = str((item.get("ctx") or {}).get("pattern", ""))
    return _pattern_descriptions().get(pattern, f"a string matching {pattern}")


def _data_path(data: Any, loc: tuple[Any, ...]) -> KeyPath:
    """Pydantic's `loc` minus the parts that name union members or validators, not data keys."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and not path_is_union_tag(part):
            path.append(part)  # a missing or unknown key
            current = None
    return tuple(path)


def path_is_union_tag(part: str) -> bool:
    return any(ch in part for ch in "[](),") or part in {"str", "int", "float", "bool", "list", "dict"}


def _field_names_at(model: type[BaseModel], path: KeyPath) -> list[str]:
    """The YAML keys accepted at `path`, for "did you mean" suggestions."""
    annotation: Any = model
    for part in path:
        target = _model_in(annotation)
        if isinstance(part, int):
            annotation = _item_type(annotation)
            continue
        if target is not None:
            field = next((f for n, f in target.model_fields.items() if (f.alias or n) == part), None)
            if field is None:
                return []
            annotation = field.annotation
        else:
            annotation = _item_type(annotation)
    target = _model_in(annotation)
    if target is None:
        return []
    return [f.alias or n for n, f in target.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _item_type(annotation: Any) -> Any:
    """The element type of list[...] / dict[..., X] (through Optional)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _item_type(arg)
    args = typing.get_args(annotation)
    return args[-1] if args else annotation


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(item: Any) -> str:
    ctx = item.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    if "pattern" in ctx:
        return _pattern_text(item)
    kind = item["type"]
    if kind == "model_type" or kind == "dict_type":
        return "a mapping (`key: value` lines)"
    words = {
        "ge": "at least",
        "le": "at most",
        "gt": "more than",
        "lt": "less than",
        "min_length": "length at least",
        "max_length": "length at most",
    }
    for bound, text in words.items():
        if bound in ctx:
            return f"{text} {ctx[bound]}"
    for prefix, text in (
        ("int", "a whole number"),
        ("bool", "true or false"),
        ("string", "a string"),
        ("list", "a list"),
        ("dict", "a mapping"),
        ("model", "a mapping"),
        ("float", "a number"),
    ):
        if kind.startswith(prefix):
            return text
    return ""


def _hint(kind: str, path: KeyPath) -> str:
    last = str(path[-1]) if path else ""
    if kind == "string_pattern_mismatch" and last == "version":
        return 'use a Kubernetes minor version such as "1.34"'
    if kind == "string_pattern_mismatch" and last == "id":
        return "give the resource's id (vpc-..., ami-..., lt-...), not its name"
    if last == "version" and kind.startswith("string"):
        return 'quote the version so YAML keeps it as text: version: "1.34"'
    if kind == "literal_error":
        return "write one of the expected values exactly (values are case-sensitive)"
    if kind == "list_type":
        return "write each item on its own line starting with `- `, or as [a, b]"
    if kind in ("string_type", "str_type") and last not in ("version",):
        return "quote the value if YAML reads it as a number, boolean or date"
    return ""
