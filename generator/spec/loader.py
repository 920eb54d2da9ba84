"""Load `ekstf.yaml`: YAML with positions → strict models → cross-field checks → completed defaults.

Every problem names the file, line and column, the key path, what was expected and a hint; all problems
are collected before failing.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import Problem, ProblemCollector, SourceLocation, UserInputError
from generator.spec.defaults import complete
from generator.spec.models import Spec
from generator.spec.positions import KeyPath, LoadedYaml, did_you_mean, format_key_path, load_yaml, load_yaml_file
from generator.spec.validation import validate_spec


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
    collector = ProblemCollector()
    collector.extend(validate_spec(spec, loaded))
    collector.raise_if_errors()
    return LoadedSpec(spec=complete(spec), warnings=collector.warnings, source=loaded)


def pydantic_problems(error: ValidationError, loaded: LoadedYaml, root: type[BaseModel]) -> list[Problem]:
    problems = []
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
            problems.append(Problem("required key is missing", location, key_path, hint=f"add `{path[-1]}`"))
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(
                Problem(
                    f"{message} (got {_shown(item.get('input'))})",
                    location,
                    key_path,
                    expected=_expected(item),
                    hint=_hint(kind, path),
                )
            )
    return problems


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
        return f"a string matching {ctx['pattern']}"
    kind = item["type"]
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
    for bound in ("ge", "le", "gt", "lt", "min_length", "max_length"):
        if bound in ctx:
            return f"{bound.replace('_', ' ')} {ctx[bound]}"
    return ""


def _hint(kind: str, path: KeyPath) -> str:
    last = str(path[-1]) if path else ""
    if kind == "string_pattern_mismatch" and last == "version":
        return 'use a Kubernetes minor version such as "1.34"'
    if last == "version" and kind.startswith("string"):
        return 'quote the version so YAML keeps it as text: version: "1.34"'
    if kind == "literal_error":
        return "values are case-sensitive"
    return ""
