"""Round-trip editing of `ekstf.yaml`: comments, key order, quoting and indentation of the user's file are kept.

Every edit is validated by loading the edited text as a spec before anything is written; the file is replaced
atomically, so a failed edit leaves the original untouched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.errors import Problem, SourceLocation, UserInputError, display_path
from generator.fsutil import atomic_write_text
from generator.spec.loader import LoadedSpec, load_spec_text

GROUP_SECTIONS = ("managedNodeGroups", "nodeGroups")


@dataclass
class SpecDocument:
    """The user's spec as a round-trip YAML tree plus the text it came from."""

    path: Path
    original: str
    data: CommentedMap
    yaml: YAML

    @classmethod
    def load(cls, path: Path) -> SpecDocument:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserInputError(Problem(f"{display_path(path)}: no such file", key_path="SPEC")) from None
        except OSError as error:
            raise UserInputError(Problem(f"{display_path(path)}: cannot read: {error.strerror}")) from None
        return cls.from_text(path, text)

    @classmethod
    def from_text(cls, path: Path, text: str) -> SpecDocument:
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 4096  # never re-wrap the user's long lines
        try:
            data = yaml.load(text)
        except YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = SourceLocation(display_path(path), mark.line + 1, mark.column + 1) if mark else None
            raise UserInputError(Problem(f"not valid YAML: {getattr(error, 'problem', error)}", where)) from None
        if not isinstance(data, CommentedMap):
            raise UserInputError(
                Problem("expected a mapping at the top level", SourceLocation(display_path(path), 1, 1))
            )
        mapping, sequence, offset = guess_indentation(text)
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        return cls(path=path, original=text, data=data, yaml=yaml)

    def dump(self) -> str:
        stream = io.StringIO()
        self.yaml.dump(self.data, stream)
        return stream.getvalue()

    def validated(self) -> LoadedSpec:
        """The edited text loaded as a spec (UserInputError, nothing written, if an edit made it invalid)."""
        return load_spec_text(self.dump(), file=display_path(self.path))

    def changed(self, since: str) -> bool:
        return self.dump() != since

    def save(self) -> None:
        atomic_write_text(self.path, self.dump())

    # --- look-ups -------------------------------------------------------------------------------------

    def section(self, key: str) -> CommentedMap:
        """A top-level mapping, created (at the end) when absent."""
        value = self.data.get(key)
        if not isinstance(value, CommentedMap):
            value = CommentedMap()
            self.data[key] = value
        return value

    def groups(self) -> list[tuple[str, int, CommentedMap]]:
        """(section, index, mapping) of every node group, managed first, in file order."""
        found = []
        for section in GROUP_SECTIONS:
            entries = self.data.get(section)
            if isinstance(entries, CommentedSeq):
                found += [(section, i, g) for i, g in enumerate(entries) if isinstance(g, CommentedMap)]
        return found

    def group(self, name: str) -> tuple[str, int, CommentedMap] | None:
        return next((entry for entry in self.groups() if str(entry[2].get("name")) == name), None)


def guess_indentation(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence item indent, dash offset) as the file uses them, relative to the parent key:
    `key:` then `  - item` is (2, 4, 2); `key:` then `- item` is (2, 2, 0)."""
    mapping = sequence = offset = None
    previous: tuple[int, bool] | None = None  # (column, ends with ":") of the last content line
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        column = len(raw) - len(raw.lstrip(" "))
        if previous is not None and previous[1] and column >= previous[0]:
            if stripped.startswith("- ") and offset is None:
                offset = column - previous[0]
                sequence = offset + len(stripped) - len(stripped[1:].lstrip(" "))
            elif not stripped.startswith("- ") and column > previous[0] and mapping is None:
                mapping = column - previous[0]
        previous = (column, stripped.endswith(":") and not stripped.startswith("- "))
        if mapping is not None and offset is not None:
            break
    offset = offset if offset is not None else 2
    return mapping or 2, sequence if sequence is not None else offset + 2, offset


def version_text(value: str) -> Any:
    """Versions are always written quoted: an unquoted 1.30 is the float 1.3 to YAML."""
    return DoubleQuotedScalarString(value)


def set_key(
    mapping: CommentedMap, key: str, value: Any, *, after: str | None = None, comment: str | None = None
) -> None:
    """Set `key`, keeping its place when it exists, else inserting it after `after` (or at the end)."""
    if key in mapping:
        mapping[key] = value
    else:
        keys = list(mapping.keys())
        position = keys.index(after) + 1 if after in keys else len(keys)
        mapping.insert(position, key, value)
    if comment:
        mapping.yaml_add_eol_comment(comment, key)


def eol_comment(mapping: CommentedMap, key: str) -> str:
    """The end-of-line comment after `key: value`, or ''."""
    entry = mapping.ca.items.get(key)
    if not entry:
        return ""
    return "".join(token.value for token in entry if token is not None and hasattr(token, "value"))


def eol_comment_first_line(mapping: CommentedMap, key: str) -> str:
    """Only the comment on the key's own line (ruamel attaches the full-line comments below it to the same token)."""
    return eol_comment(mapping, key).split("\n", 1)[0]
