"""Writing the migrated spec through the spec model: every key path is checked against `spec.models` when written.

The mappers build the spec as plain data (the YAML writer keeps their key order). A `SpecNode` is one mapping of
that data at a known path, e.g. `cluster.endpoint` or `managedNodeGroups[]`; writing a key the model does not have
there (a renamed or misspelt field) raises `SpecPathError` at once, naming the path. That is a bug in ekstf, never a
problem with the user's input, so it is not a `UserInputError`.

Paths are spelled as in the report's targets: camelCase keys joined by dots, `[]` for a list item. Keys of a free
mapping (tags, labels, addon names) are taken as they are, and whatever sits under an `Any` field (an addon's
`configuration`, `nodeConfig`) is not checked further.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel

from generator.spec.models import Spec

ITEM = "[]"
SpecPath = tuple[str, ...]


class SpecPathError(AssertionError):
    """A mapper wrote a key path the spec model does not have: a programming error in ekstf."""


def parse_path(path: str | Sequence[str]) -> SpecPath:
    """`"cluster.accessEntries[].policies"` → ("cluster", "accessEntries", "[]", "policies"); a tuple is kept."""
    if not isinstance(path, str):
        return tuple(path)
    parts: list[str] = []
    for part in path.split(".") if path else []:
        name, items = part, 0
        while name.endswith(ITEM):
            name, items = name[: -len(ITEM)], items + 1
        parts += [name] if name else []
        parts += [ITEM] * items
    return tuple(parts)


def format_path(path: Sequence[str]) -> str:
    text = ""
    for part in path:
        text += part if part == ITEM or not text else "." + part
    return text or "(the spec)"


# --- the model's shape ---------------------------------------------------------------------------------


def _members(annotation: Any) -> tuple[Any, ...]:
    """The concrete alternatives of an annotation: Optional and unions flattened, Annotated unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return tuple(m for arg in typing.get_args(annotation) for m in _members(arg) if m is not type(None))
    return (annotation,)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@functools.cache
def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's YAML keys (the camelCase aliases) → their annotations."""
    return {field.alias or name: field.annotation for name, field in model.model_fields.items()}


def _step(annotations: tuple[Any, ...], key: str) -> tuple[Any, ...]:
    """What may sit under `key` of a value typed by any of `annotations` (empty: nothing may)."""
    found: list[Any] = []
    for annotation in annotations:
        origin = typing.get_origin(annotation)
        if annotation is Any:
            found.append(Any)
        elif _is_model(annotation):
            if key in _fields(annotation):
                found.extend(_members(_fields(annotation)[key]))
        elif origin is dict and key != ITEM:
            found.extend(_members(typing.get_args(annotation)[1]))
        elif origin is list and key == ITEM:
            found.extend(_members(typing.get_args(annotation)[0]))
    return tuple(found)


def _takes(annotations: tuple[Any, ...], kind: Literal["mapping", "list"]) -> bool:
    for annotation in annotations:
        origin = typing.get_origin(annotation)
        if annotation is Any or (kind == "mapping" and (_is_model(annotation) or origin is dict)):
            return True
        if kind == "list" and origin is list:
            return True
    return False


def _known_keys(annotations: tuple[Any, ...]) -> list[str]:
    return sorted({key for a in annotations if _is_model(a) for key in _fields(a)})


@functools.lru_cache(maxsize=4096)  # keyed by path, and free keys (tags, addon names) vary with the input
def _resolve(path: SpecPath) -> tuple[Any, ...]:
    annotations: tuple[Any, ...] = (Spec,)
    for depth, key in enumerate(path):
        below = _step(annotations, key)
        if not below:
            where = format_path(path[:depth])
            known = _known_keys(annotations)
            raise SpecPathError(
                f"spec path {format_path(path)}: the spec model has no {key!r} under {where}"
                + (f" (its keys: {', '.join(known)})" if known else "")
            )
        annotations = below
    return annotations


def check_path(path: str | Sequence[str]) -> None:
    """Raise `SpecPathError` unless the spec model has this key path."""
    _resolve(parse_path(path))


def check_value(path: str | Sequence[str], value: Any) -> None:
    """The path, and every key path inside `value` (mappings and lists written whole), against the model."""
    _check_value(parse_path(path), _resolve(parse_path(path)), value)


def _check_value(path: SpecPath, annotations: tuple[Any, ...], value: Any) -> None:
    if isinstance(value, SpecNode):
        if value.path != path:
            raise SpecPathError(f"spec path {format_path(path)}: given the node built for {format_path(value.path)}")
        return  # its keys were checked as they were written
    if isinstance(value, dict):
        if not _takes(annotations, "mapping"):
            raise SpecPathError(f"spec path {format_path(path)}: a mapping where the spec model has no keys")
        for key, item in value.items():
            _check_value((*path, str(key)), _resolve((*path, str(key))), item)
    elif isinstance(value, list):
        if not _takes(annotations, "list"):
            raise SpecPathError(f"spec path {format_path(path)}: a list where the spec model takes none")
        for item in value:
            _check_value((*path, ITEM), _resolve((*path, ITEM)), item)


def key_paths(data: Any, path: SpecPath = ()) -> Iterator[SpecPath]:
    """Every key path in written spec data (list items as `[]`), parents before children."""
    if isinstance(data, dict):
        for key, item in data.items():
            yield (*path, str(key))
            yield from key_paths(item, (*path, str(key)))
    elif isinstance(data, list):
        for item in data:
            yield from key_paths(item, (*path, ITEM))


def _plain(value: Any) -> Any:
    if isinstance(value, SpecNode):
        return value.data
    if isinstance(value, list) and any(isinstance(v, SpecNode) for v in value):
        return [_plain(v) for v in value]
    return value


class SpecNode:
    """One mapping of the spec being written, at `path`: writes are checked against the spec model."""

    __slots__ = ("data", "path")

    def __init__(self, path: str | Sequence[str] = (), values: Mapping[str, Any] | None = None) -> None:
        self.path = parse_path(path)
        if not _takes(_resolve(self.path), "mapping"):
            raise SpecPathError(f"spec path {format_path(self.path)}: not a mapping in the spec model")
        self.data: dict[str, Any] = {}
        for key, value in (values or {}).items():
            self[key] = value

    @classmethod
    def root(cls, spec: dict[str, Any]) -> SpecNode:
        """The whole spec, written in place: keys already in `spec` are checked too."""
        return cls.at((), spec)

    @classmethod
    def at(cls, path: str | Sequence[str], data: dict[str, Any]) -> SpecNode:
        """A mapping already written at `path` (by an earlier mapper), written on in place; its keys are checked."""
        check_value(path, data)
        node = cls(path)
        node.data = data
        return node

    def __setitem__(self, key: str, value: Any) -> None:
        check_value((*self.path, key), value)
        self.data[key] = _plain(value)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def __bool__(self) -> bool:
        return bool(self.data)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def pop(self, key: str, default: Any = None) -> Any:
        """Remove `key` (a later rule undoing an earlier write); removing never needs a check."""
        return self.data.pop(key, default)

    def child(self, key: str) -> SpecNode:
        """A new, empty mapping written at `key` (list items are made with `SpecNode(path + "[]")`)."""
        node = SpecNode((*self.path, key))
        self[key] = node
        return node
