"""YAML loading that remembers where every key and value came from (1-based line and column).

Used by the spec loader and by `ekstf migrate` for eksctl files, so that every message can name
`file:line:column` and the key path.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Problem, SourceLocation, UserInputError

KeyPath = tuple[str | int, ...]


@dataclass
class LoadedYaml:
    """Plain Python data plus a position for each key path."""

    data: Any
    file: str
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def location(self, path: Sequence[str | int]) -> SourceLocation:
        """The closest known position: the path itself or its nearest ancestor."""
        key = tuple(path)
        while key:
            if key in self.positions:
                line, column = self.positions[key]
                return SourceLocation(self.file, line, column)
            key = key[:-1]
        return SourceLocation(self.file, 1, 1)


def format_key_path(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    options = list(candidates)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return f"did you mean `{lowered[word.lower()]}`? (keys are case-sensitive)"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def load_yaml(text: str, file: str) -> LoadedYaml:
    """Parse one YAML document; syntax errors become a UserInputError with the position."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        documents = [d for d in yaml.load_all(io.StringIO(text))]
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = SourceLocation(file, mark.line + 1, mark.column + 1) if mark else SourceLocation(file)
        message = (error.problem or error.context or "invalid YAML").strip()
        hint = "keys must be unique in a mapping" if "duplicate key" in message else "check indentation and quoting"
        raise UserInputError(Problem(f"invalid YAML: {message}", location, hint=hint)) from None
    except (YAMLError, ValueError, TypeError, RecursionError) as error:
        raise UserInputError(Problem(f"invalid YAML: {error}", SourceLocation(file))) from None
    documents = [d for d in documents if d is not None]
    if len(documents) > 1:
        raise UserInputError(
            Problem("expected one YAML document, found several", SourceLocation(file, 1, 1), hint="remove `---`")
        )
    loaded = LoadedYaml(data=None, file=file)
    try:
        loaded.data = _plain(documents[0] if documents else None, (), loaded.positions, depth=0, budget=[_MAX_NODES])
    except UserInputError as error:
        raise UserInputError(
            [Problem(p.message, p.location or SourceLocation(file, 1, 1), hint=p.hint) for p in error.problems]
        ) from None
    return loaded


def load_yaml_file(path: Path) -> LoadedYaml:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserInputError(Problem(f"file not found: {path}", hint="check the path")) from None
    except IsADirectoryError:
        raise UserInputError(Problem(f"{path} is a directory, expected a YAML file")) from None
    except UnicodeDecodeError as error:
        raise UserInputError(Problem(f"{path} is not UTF-8 text: {error.reason}", SourceLocation(str(path)))) from None
    except OSError as error:
        raise UserInputError(Problem(f"cannot read {path}: {error.strerror or error}")) from None
    return load_yaml(text, str(path))


_MAX_DEPTH = 60
# Aliases can make a small file expand into billions of values ("billion laughs"); a spec never needs this many.
_MAX_NODES = 200_000


def _plain(node: Any, path: KeyPath, positions: dict[KeyPath, tuple[int, int]], depth: int, budget: list[int]) -> Any:
    """ruamel's round-trip nodes to plain dict/list/str/int/float/bool/None, recording positions."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarfloat import ScalarFloat

    if depth > _MAX_DEPTH:
        raise UserInputError(
            Problem("YAML nested too deeply", hint=f"at most {_MAX_DEPTH} levels (check for recursive aliases)")
        )
    budget[0] -= 1
    if budget[0] < 0:
        raise UserInputError(
            Problem(
                f"YAML document expands to more than {_MAX_NODES} values",
                hint="aliases (*name) that repeat large anchors multiply the document; write the values out",
            )
        )
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key in node:
            if not isinstance(key, str | int | float | bool) or key is None:
                raise UserInputError(Problem(f"unsupported mapping key {key!r}", hint="use plain string keys"))
            text_key = str(key).lower() if isinstance(key, bool) else str(key)
            child = (*path, text_key)
            try:
                line, column = node.lc.key(key)
                positions[child] = (line + 1, column + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            result[text_key] = _plain(node[key], child, positions, depth + 1, budget)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, item in enumerate(node):
            child = (*path, index)
            try:
                line, column = node.lc.item(index)
                positions[child] = (line + 1, column + 1)
            except (KeyError, TypeError, AttributeError, IndexError):
                pass
            items.append(_plain(item, child, positions, depth + 1, budget))
        return items
    if isinstance(node, ScalarFloat):
        return _float_as_written(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dict):
        return {str(k): _plain(v, (*path, str(k)), positions, depth + 1, budget) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, (*path, i), positions, depth + 1, budget) for i, v in enumerate(node)]
    return str(node)


class WrittenFloat(float):
    """A float that remembers how it was written, so `version: 1.30` is not read as 1.3."""

    text: str

    def __new__(cls, value: float, text: str) -> WrittenFloat:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return self.text if not spec else super().__format__(spec)


def _float_as_written(node: Any) -> float:
    value = float(node)
    width = getattr(node, "_width", None)
    prec = getattr(node, "_prec", None)
    exp = getattr(node, "_exp", None)
    if width is not None and prec is not None and not exp and prec >= 0:
        decimals = max(width - prec - 1, 0)
        return WrittenFloat(value, f"{value:.{decimals}f}")
    return value
