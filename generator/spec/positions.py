"""YAML loading that remembers where every key and value came from (1-based line and column).

Used by the spec loader and by `ekstf migrate` for eksctl files, so that every message can name
`file:line:column` and the key path.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import suggest
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
    """The suggestion for a misspelt key (see generator.suggest)."""
    return suggest.did_you_mean(word, candidates, what="keys")


# A spec is a few kilobytes; reading (and parsing) a huge file would take minutes and gigabytes before failing.
MAX_INPUT_BYTES = 4 * 1024 * 1024
_MAX_DEPTH = 60
# Aliases can make a small file expand into billions of values ("billion laughs"); a spec never needs this many.
_MAX_NODES = 200_000


def _too_large(file: str, size: int) -> UserInputError:
    return UserInputError(
        Problem(
            f"{file} is {size / 1024 / 1024:.1f} MiB; an input file may be at most {MAX_INPUT_BYTES // 1024 // 1024} MiB",
            SourceLocation(file),
            hint="check that this is the right file (a spec or eksctl config is a few kilobytes)",
        )
    )


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`."""
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def load_yaml(text: str, file: str) -> LoadedYaml:
    """Parse one YAML document; syntax errors become a UserInputError with the position."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    if len(text) > MAX_INPUT_BYTES:
        raise _too_large(file, len(text.encode("utf-8", "surrogatepass")))
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        documents = [d for d in yaml.load_all(io.StringIO(text))]
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = SourceLocation(file, mark.line + 1, mark.column + 1) if mark else SourceLocation(file, 1, 1)
        message = (error.problem or error.context or "invalid YAML").strip()
        hint = "keys must be unique in a mapping" if "duplicate key" in message else "check indentation and quoting"
        raise UserInputError(Problem(f"invalid YAML: {message}", location, hint=hint)) from None
    except ReaderError as error:
        line, column = _line_column(text, int(error.position))
        what = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        raise UserInputError(
            Problem(
                f"invalid YAML: the control character {what} is not allowed",
                SourceLocation(file, line, column),
                hint='remove it, or write it as an escape in a double-quoted string ("\\x07")',
            )
        ) from None
    except (YAMLError, ValueError, TypeError, RecursionError) as error:
        raise UserInputError(_unmarked_problem(error, text, file)) from None
    documents = [d for d in documents if d is not None]
    if len(documents) > 1:
        second = getattr(getattr(documents[1], "lc", None), "line", None)
        where = SourceLocation(file, second + 1, 1) if isinstance(second, int) else SourceLocation(file, 1, 1)
        raise UserInputError(
            Problem("expected one YAML document, found several", where, hint="remove `---` and what follows")
        )
    loaded = LoadedYaml(data=None, file=file)
    walk = _Walk(loaded)
    with contextlib.suppress(_Stop):
        loaded.data = walk.plain(documents[0] if documents else None, (), depth=0)
    if walk.problems:
        raise UserInputError(walk.problems)
    return loaded


_LONG_NUMBER = re.compile(r"[0-9_]{4000,}")


def _unmarked_problem(error: Exception, text: str, file: str) -> Problem:
    """A parser error without a position: find the likely place in the text (a number too long to convert)."""
    if isinstance(error, RecursionError):
        return Problem("invalid YAML: nested too deeply", SourceLocation(file, 1, 1), hint="at most 60 levels")
    number = _LONG_NUMBER.search(text)
    if isinstance(error, ValueError) and number is not None:
        line, column = _line_column(text, number.start())
        return Problem(
            f"a number of {len(number.group())} digits is too long",
            SourceLocation(file, line, column),
            hint="quote it if it is meant as text",
        )
    return Problem(
        f"invalid YAML: {str(error).splitlines()[0] if str(error) else type(error).__name__}",
        SourceLocation(file, 1, 1),
    )


def load_yaml_file(path: Path) -> LoadedYaml:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise UserInputError(Problem(f"file not found: {path}", hint="check the path")) from None
    except IsADirectoryError:
        raise UserInputError(Problem(f"{path} is a directory, expected a YAML file")) from None
    except OSError as error:
        raise UserInputError(Problem(f"cannot read {path}: {error.strerror or error}")) from None
    if len(data) > MAX_INPUT_BYTES:
        size = _file_size(path, len(data))
        raise _too_large(str(path), size)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = data[: error.start].decode("utf-8", "replace")
        line, column = _line_column(prefix + "?", len(prefix))
        raise UserInputError(
            Problem(
                f"{path} is not UTF-8 text: {error.reason} (byte 0x{data[error.start]:02x})",
                SourceLocation(str(path), line, column),
                hint="save the file as UTF-8",
            )
        ) from None
    return load_yaml(text, str(path))


def _file_size(path: Path, read: int) -> int:
    """The size of the file at `path` (at least `read` bytes; a pipe has no size)."""
    try:
        return max(path.stat().st_size, read)
    except OSError:
        return read


class _Stop(Exception):
    """Stop walking: a limit was hit (the problem is already recorded)."""


class _Walk:
    """ruamel's round-trip nodes to plain dict/list/str/int/float/bool/None, recording positions and problems."""

    def __init__(self, loaded: LoadedYaml) -> None:
        self.loaded = loaded
        self.positions = loaded.positions
        self.problems: list[Problem] = []
        self.budget = _MAX_NODES

    def _problem(self, path: KeyPath, message: str, hint: str) -> None:
        self.problems.append(Problem(message, self.loaded.location(path), format_key_path(path), hint=hint))

    def plain(self, node: Any, path: KeyPath, depth: int) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq
        from ruamel.yaml.scalarfloat import ScalarFloat

        if depth > _MAX_DEPTH:
            self._problem(path, "YAML nested too deeply", f"at most {_MAX_DEPTH} levels (check for recursive aliases)")
            raise _Stop
        self.budget -= 1
        if self.budget < 0:
            self._problem(
                path,
                f"YAML document expands to more than {_MAX_NODES} values",
                "aliases (*name) that repeat large anchors multiply the document; write the values out",
            )
            raise _Stop
        if isinstance(node, CommentedMap):
            return self._mapping(node, path, depth)
        if isinstance(node, CommentedSeq):
            items = []
            for index, item in enumerate(node):
                child = (*path, index)
                try:
                    line, column = node.lc.item(index)
                    self.positions[child] = (line + 1, column + 1)
                except (KeyError, TypeError, AttributeError, IndexError):
                    pass
                items.append(self.plain(item, child, depth + 1))
            return items
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, ScalarFloat | float):
            number = _float_as_written(node) if isinstance(node, ScalarFloat) else float(node)
            if not math.isfinite(number):
                self._problem(
                    path,
                    f"{'.nan' if math.isnan(number) else '.inf'} is not a number Terraform can use",
                    'write a finite number, or quote it if you mean the text: ".inf"',
                )
            return number
        if isinstance(node, int):
            return int(node)
        if isinstance(node, str):
            return self._text(str(node), path)
        if isinstance(node, dict):
            return {str(k): self.plain(v, (*path, str(k)), depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [self.plain(v, (*path, i), depth + 1) for i, v in enumerate(node)]
        return self._text(str(node), path)

    def _mapping(self, node: Any, path: KeyPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        normalised: set[str] = set()
        for key in node:
            position: tuple[int, int] | None = None
            try:
                line, column = node.lc.key(key)
                position = (line + 1, column + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            if not isinstance(key, str | int | float | bool) or key is None:
                where = SourceLocation(self.loaded.file, *position) if position else self.loaded.location(path)
                message = f"unsupported mapping key {_shown_key(key)}"
                self.problems.append(Problem(message, where, format_key_path(path), hint="use plain string keys"))
                continue
            text_key = str(key).lower() if isinstance(key, bool) else str(key)
            child = (*path, text_key)
            if position is not None:
                self.positions[child] = position
            # Terraform normalises text to NFC: `é` and `e` + U+0301 would become one key.
            if text_key in result or unicodedata.normalize("NFC", text_key) in normalised:
                self._problem(child, f"duplicate key {text_key!r} (written differently)", "keys must be unique")
                continue
            normalised.add(unicodedata.normalize("NFC", text_key))
            self._text(text_key, child, what="key")
            result[text_key] = self.plain(node[key], child, depth + 1)
        return result

    def _text(self, text: str, path: KeyPath, what: str = "value") -> str:
        surrogate = _SURROGATE.search(text)
        if surrogate is not None:
            self._problem(
                path,
                f"the {what} contains U+{ord(surrogate.group()):04X}, half of a UTF-16 pair, which is not text",
                "write the character itself, or the pair as one escape (\\U0001F600)",
            )
        return text


_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown_key(key: Any) -> str:
    text = repr(key)
    return text if len(text) <= 40 else text[:37] + "..."


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
