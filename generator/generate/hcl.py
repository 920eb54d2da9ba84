"""Python values → HCL literals, and the `terraform fmt` alignment pass.

Builders describe *what* goes into a file as plain Python values plus three small marker types
(`Expr` for references and function calls, `Block` for nested blocks of resources, `Raw` never exists on
purpose: every string a user wrote goes through `quote`). Templates lay the file out; this module turns values
into literal text. `align` then applies the one layout rule of `terraform fmt` that depends on the values
(equals signs aligned within a run of consecutive single-line attributes), so templates need not know key widths.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

INDENT = "  "
# Used with fullmatch: `$` would also match before a trailing newline.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if", "else", "endif", "endfor"})
_SHORT_LIST = 100


@dataclass(frozen=True)
class Expr:
    """A Terraform expression written as-is: a reference such as `module.eks.cluster_name`."""

    text: str


@dataclass(frozen=True)
class Call:
    """A function call whose arguments are rendered as HCL values: `jsonencode({...})`."""

    function: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Block:
    """A nested block (`metadata_options { ... }`) inside a resource body."""

    type: str
    body: Mapping[str, Any]
    labels: tuple[str, ...] = ()


@dataclass
class Body:
    """An ordered attribute/block body; `None` values are left out (use `NULL` for an explicit null)."""

    items: dict[str, Any] = field(default_factory=dict)


class _Null:
    def __repr__(self) -> str:
        return "NULL"


NULL = _Null()


_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]|[$%]\{')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "${": "$${", "%{": "%%{"}
# Invisible characters (format and bidi controls, line separators, unassigned code points) are written as escapes,
# so a reviewer sees them; Terraform reads the same text.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _escape(match: re.Match[str]) -> str:
    found = match.group(0)
    return _ESCAPES.get(found) or _unicode_escape(found)


def _unicode_escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def _escape_non_ascii(text: str, keep: Callable[[str], bool]) -> str:
    return "".join(ch if ch.isascii() or keep(ch) else _unicode_escape(ch) for ch in text)


def quote(text: str) -> str:
    """A quoted HCL string; template sequences are escaped so Terraform reads `text` literally."""
    escaped = _NEEDS_ESCAPE.sub(_escape, text)
    return '"' + _escape_non_ascii(escaped, lambda ch: unicodedata.category(ch) not in _INVISIBLE) + '"'


def escape_template(text: str) -> str:
    """Escape `${` and `%{` for heredoc bodies (backslashes are literal there)."""
    return re.sub(r"([$%])\{", r"\1\1{", text)


def key(name: str) -> str:
    """An object key: bare when it is a plain identifier, quoted otherwise.

    Non-ASCII characters of a quoted key are escaped: `terraform fmt` aligns `=` by grapheme clusters, and with
    ASCII keys that is their length.
    """
    if _IDENTIFIER.fullmatch(name) and name not in _KEYWORDS:
        return name
    escaped = _NEEDS_ESCAPE.sub(_escape, name)
    return '"' + _escape_non_ascii(escaped, lambda ch: False) + '"'


# What Go's unicode.IsSpace calls whitespace: HCL's flush heredoc (`<<-`) measures indentation with it.
_HCL_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
# Letters, digits, punctuation and symbols that start a new grapheme cluster after a space (HCL trims the indent
# by grapheme clusters, so a line starting with a combining mark would lose it). Anything else: quoted string.
_SAFE_START = frozenset(
    {"Lu", "Ll", "Lt", "Lo", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "So"}
)
_SPACING_MARK_LETTERS = frozenset("\u0e33\u0eb3")


def _blank(line: str) -> bool:
    """A whitespace-only line: HCL neither measures nor trims it, so it is written as it is."""
    return all(ch in _HCL_SPACE for ch in line)


def _starts_cleanly(line: str) -> bool:
    first = line[0]
    if first.isascii():
        return first.isprintable() and first != " "
    return unicodedata.category(first) in _SAFE_START and first not in _SPACING_MARK_LETTERS


def _heredoc(text: str, level: int) -> str | None:
    """`<<-EOT` form for multi-line text that ends with a newline, when it round-trips exactly.

    Terraform removes the smallest indentation of the non-blank lines: at least one of them must start without
    whitespace, and every one with a character that does not join the indentation's last space.
    """
    if "\n" not in text.rstrip("\n") or not text.endswith("\n") or "\r" in text or "\t" in text:
        return None
    lines = text[:-1].split("\n")
    content = [line for line in lines if not _blank(line)]
    if not any(line[0] not in _HCL_SPACE for line in content):
        return None
    if not all(_starts_cleanly(line.lstrip(" ")) for line in content):
        return None
    marker = "EOT"
    while any(line.strip() == marker for line in lines):
        marker += "X"
    pad = INDENT * (level + 1)
    body = "\n".join(line if _blank(line) else pad + escape_template(line) for line in lines)
    return f"<<-{marker}\n{body}\n{INDENT * level}{marker}"


def value(item: Any, level: int = 0, *, heredoc: bool = True) -> str:
    """The HCL literal for `item`, laid out for a line indented `level` steps.

    `heredoc=False` where something follows the value on its last line (a list item's comma, a call's `)`):
    a heredoc's closing marker must stand alone on its line.
    """
    if item is None or item is NULL:
        return "null"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if not math.isfinite(item):
            raise ValueError(f"no HCL literal for the non-finite number {item!r}")  # the spec loader refuses them
        return json.dumps(item)
    if isinstance(item, str):
        return (_heredoc(item, level) if heredoc else None) or quote(item)
    if isinstance(item, Expr):
        return item.text
    if isinstance(item, Call):
        return f"{item.function}({', '.join(value(a, level, heredoc=False) for a in item.args)})"
    if isinstance(item, Body):
        return _object(item.items, level)
    if isinstance(item, Mapping):
        return _object(item, level)
    if isinstance(item, Sequence):
        return _list(item, level)
    raise TypeError(f"no HCL literal for {type(item).__name__}")


def _object(items: Mapping[str, Any], level: int) -> str:
    present = {k: v for k, v in items.items() if v is not None}
    if not present:
        return "{}"
    pad = INDENT * (level + 1)
    lines = [f"{pad}{key(k)} = {value(v, level + 1)}" for k, v in present.items()]
    return "{\n" + "\n".join(lines) + "\n" + INDENT * level + "}"


def _list(items: Sequence[Any], level: int) -> str:
    if not items:
        return "[]"
    scalars = all(isinstance(i, str | int | float | bool | Expr) and "\n" not in str(i) for i in items)
    if scalars:
        inline = "[" + ", ".join(value(i, level) for i in items) + "]"
        if len(inline) <= _SHORT_LIST:
            return inline
    pad = INDENT * (level + 1)
    lines = [f"{pad}{value(i, level + 1, heredoc=False)}," for i in items]
    return "[\n" + "\n".join(lines) + "\n" + INDENT * level + "]"


def attributes(items: Mapping[str, Any], level: int = 1) -> str:
    """Lines of `name = value` and nested blocks for a block body; `None` values are skipped."""
    lines: list[str] = []
    pad = INDENT * level
    previous_was_block = False
    for name, item in items.items():
        if item is None:
            continue
        blocks = _as_blocks(item)
        if blocks is not None:
            for block in blocks:
                if lines:
                    lines.append("")
                lines.append(render_block(block, level))
            previous_was_block = True
            continue
        if previous_was_block:
            lines.append("")
            previous_was_block = False
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a Terraform argument name: {name!r}")
        lines.append(f"{pad}{name} = {value(item, level)}")
    return "\n".join(lines)


def _as_blocks(item: Any) -> list[Block] | None:
    if isinstance(item, Block):
        return [item]
    if isinstance(item, list) and item and all(isinstance(b, Block) for b in item):
        return list(item)
    return None


def render_block(block: Block, level: int = 0) -> str:
    pad = INDENT * level
    labels = "".join(f" {quote(label)}" for label in block.labels)
    body = attributes(block.body, level + 1)
    if not body:
        return f"{pad}{block.type}{labels} {{\n{pad}}}"
    return f"{pad}{block.type}{labels} {{\n{body}\n{pad}}}"


# --- the alignment rule of `terraform fmt` --------------------------------------------------------------

_MULTILINE_ATTRIBUTE = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*")\s+=\s*')
_HEREDOC_START = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)$")
_BRACKETS = {"{": 1, "[": 1, "(": 1, "}": -1, "]": -1, ")": -1}


_ASSIGNMENT = re.compile(r'^(\s*(?:[A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*"))\s*(=(?![=>]).*)$')


def _split_assignment(line: str) -> tuple[str, str] | None:
    """(lead, rest-from-'=') when `line` is a single-line attribute, as hclwrite's formatter decides:
    a key, `=`, and a value whose brackets balance on the same line."""
    match = _ASSIGNMENT.match(line)
    if match is None or _net_brackets(match.group(2)) != 0:
        return None
    return match.group(1), match.group(2).rstrip()


def _net_brackets(text: str) -> int:
    net = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in _BRACKETS:
            net += _BRACKETS[ch]
    return net


def align(text: str) -> str:
    """Align `=` in runs of consecutive single-line attributes like `terraform fmt` (heredoc bodies untouched;
    an attribute with a heredoc value belongs to the run, as in hclwrite).

    Runs of blank lines outside heredocs collapse to one, so templates may leave optional sections empty.
    """
    lines = text.split("\n")
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        if run:
            width = max(len(lead) for lead, _ in run)
            out.extend(f"{lead.ljust(width)} {rest}" for lead, rest in run)
            run.clear()

    heredoc_marker: str | None = None
    for line in lines:
        if heredoc_marker is not None:
            # hclwrite sees a heredoc as part of its attribute's line: the run of aligned attributes goes on after it.
            if run:
                lead, rest = run[-1]
                run[-1] = (lead, f"{rest}\n{line}")
            else:
                out.append(line)
            if line.strip() == heredoc_marker:
                heredoc_marker = None
            continue
        split = _split_assignment(line)
        if split is None:
            flush()
            stripped = line.strip()
            if not stripped:
                if out and out[-1] != "" and not out[-1].endswith("{"):
                    out.append("")
            else:
                if stripped[0] in "}]" and out and out[-1] == "":
                    out.pop()
                # An attribute whose value spans lines is not aligned: one space each side of `=`.
                out.append(_MULTILINE_ATTRIBUTE.sub(r"\1\2 = ", line.rstrip(), count=1))
        else:
            run.append(split)
        opener = _HEREDOC_START.search(line.rstrip())
        if opener is not None and '"' not in line[opener.start() :]:
            heredoc_marker = opener.group(1)
    flush()
    return "\n".join(out)
