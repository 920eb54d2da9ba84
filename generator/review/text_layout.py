"""Plain-text layout for the terminal review: styled lines and tables wrapped to a width, with ANSI colours when
asked. (Small on purpose: importing rich costs more than reviewing a 1 MB plan.)

Cells and lines must already be escaped (`escape.terminal`): this module adds escape codes of its own only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# Styles are ANSI SGR parameter strings: "1" bold, "2" dim, "31" red, "32" green, "33" yellow, "34" blue,
# "35" magenta, "36" cyan, "1;97;41" bold white on red.
MIN_COLUMN = 8
BOLD = "1"
GAP = "  "


def char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(char_width(c) for c in text) if not text.isascii() else len(text)


def wrap(text: str, width: int) -> list[str]:
    """`text` folded into lines of at most `width` columns, at spaces where possible."""
    if text_width(text) <= width:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in paragraph.split(" "):
            size = text_width(word)
            if used and used + 1 + size <= width:
                line, used = f"{line} {word}", used + 1 + size
                continue
            if used:
                lines.append(line)
                line, used = "", 0
            while size > width:  # a word longer than the line: fold it
                cut, taken = 0, 0
                while cut < len(word) and taken + char_width(word[cut]) <= width:
                    taken += char_width(word[cut])
                    cut += 1
                lines.append(word[:cut])
                word, size = word[cut:], size - taken
            line, used = word, size
        lines.append(line)
    return lines


class Painter:
    """Applies styles (SGR parameter strings) as ANSI escape codes, or not at all."""

    __slots__ = ("color",)

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str = "") -> str:
        if not self.color or not style or not text:
            return text
        return f"\x1b[{style}m{text}\x1b[0m"


def _column_widths(natural: list[int], width: int, fixed: Sequence[bool]) -> list[int]:
    """Shrink the foldable columns (widest first) until the table fits `width`."""
    widths = list(natural)
    room = width - len(GAP) * (len(widths) - 1)
    while sum(widths) > room:
        foldable = [i for i, w in enumerate(widths) if not fixed[i] and w > MIN_COLUMN]
        if not foldable:
            break
        widest = max(foldable, key=lambda i: widths[i])
        others = sorted((widths[i] for i in foldable if i != widest), reverse=True)
        target = max(MIN_COLUMN, others[0] if others else MIN_COLUMN, widths[widest] - (sum(widths) - room))
        widths[widest] = target if target < widths[widest] else widths[widest] - 1
    return widths


def table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[tuple[str, str]]],
    width: int,
    paint: Painter,
    fixed: Sequence[bool] = (),
) -> list[str]:
    """A table: a title line, a header, a rule, and the rows; cells are (text, style), wrapped to fit `width`."""
    fixed = list(fixed) + [False] * (len(headers) - len(fixed))
    natural = [
        max([text_width(h)] + [max(text_width(part) for part in row[i][0].split("\n")) for row in rows])
        for i, h in enumerate(headers)
    ]
    widths = _column_widths(natural, width, fixed)
    out = [paint(title, BOLD)] if title else []
    last = len(widths) - 1
    out.append(
        GAP.join(
            paint(h if i == last else _pad(h, w), BOLD) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        ).rstrip()
    )
    out.append(GAP.join("─" * w for w in widths))
    for row in rows:
        cells = [
            [piece for part in text.split("\n") for piece in wrap(part, w)]
            for (text, _), w in zip(row, widths, strict=True)
        ]
        for line_no in range(max(len(c) for c in cells)):
            texts = [cell[line_no] if line_no < len(cell) else "" for cell in cells]
            used = max((i for i, text in enumerate(texts) if text), default=-1)
            parts = []
            for index in range(used + 1):  # nothing after the last filled cell, so no trailing blanks
                text, w = texts[index], widths[index]
                padded = text if index == used else _pad(text, w)
                parts.append(paint(padded, row[index][1]) if text else " " * w)
            out.append(GAP.join(parts))
    return out


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - text_width(text), 0)


def right_aligned_row(
    headers: Sequence[str], values: Sequence[str], styles: Sequence[str], paint: Painter
) -> list[str]:
    """The counts line: headers over right-aligned numbers."""
    widths = [max(len(h), len(v)) for h, v in zip(headers, values, strict=True)]
    head = " ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))
    body = " ".join(paint(v.rjust(w), s) for v, w, s in zip(values, widths, styles, strict=True))
    return [head, body]
