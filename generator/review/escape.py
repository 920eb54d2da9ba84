"""Escaping of plan-derived text for the place it is printed: a terminal, markdown prose, a code span, a table cell,
HTML. Every renderer passes every string that came from a plan through one of these functions.

A plan is written by whoever controls the configuration (a pull request), so every string in it is hostile: it may
carry newlines that end a markdown block, backticks that close a code span, `</details>` or `<img>` tags, `@team`
mentions that ping people, pipes that add table cells, or ESC/OSC sequences that rewrite the terminal.
"""

from __future__ import annotations

import re

MAX_FIELD = 1_000  # longest plan string printed in one place; longer ones are cut with "…"
SAFE_BACKTICK = "\u02cb"  # looks like ` but cannot open or close a code span or fence
MENTION_BREAK = "\u200d"  # zero-width joiner after "@": GitHub does not link or notify "@\u200dteam"

# C0 controls (tab and newline are handled by the callers), DEL, C1 controls, and the invisible characters that
# reorder or hide text: bidi embeddings/overrides/isolates, zero-width spaces and joiners, the BOM, line/paragraph
# separators (which some renderers treat as newlines).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
_NEWLINES = re.compile(r"\r\n|[\r\n\t]")
_MENTION = re.compile(r"@(?=[\w-])")
# Characters that start markdown inline syntax mid-line: escapes, code, emphasis, strikethrough, links and images,
# table cells. (`<`, `>` and `&` become HTML entities; text never starts a line, so `#`, `-`, `>` are inert.)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_AUTOLINK = re.compile(r"(?<=://)|(?<=\bwww)(?=\.)", re.IGNORECASE)
_WHITESPACE_NAMES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\r\n": "\\r\\n"}


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clip(text: str, limit: int = MAX_FIELD) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visible_controls(text: str) -> str:
    """Control and invisible characters replaced by a visible `\\xNN` / `\\uNNNN`; newlines and tabs too."""
    text = _NEWLINES.sub(lambda match: _WHITESPACE_NAMES[match.group(0)], text)
    return _CONTROL.sub(_visible, text)


def terminal(text: str, limit: int = MAX_FIELD) -> str:
    """One line safe to print to a terminal: no escape sequences, no newlines, nothing that reorders text."""
    return clip(visible_controls(text), limit)


_LINE_BREAKS = re.compile(r"[\r\n\t]+")


def _single_line(text: str, limit: int) -> str:
    return clip(_CONTROL.sub("", _LINE_BREAKS.sub(" ", text)), limit)


def no_mentions(text: str) -> str:
    return _MENTION.sub("@" + MENTION_BREAK, text)


def md_code(text: str, limit: int = MAX_FIELD) -> str:
    """A markdown code span holding `text` literally (also safe inside a table cell)."""
    inner = no_mentions(_single_line(text, limit)).replace("`", SAFE_BACKTICK).replace("|", "\\|")
    return f"`{inner}`" if inner.strip() else "` `"


def md_text(text: str, limit: int = MAX_FIELD) -> str:
    """Markdown prose showing `text` literally on one line (also safe inside a table cell)."""
    line = _single_line(text, limit)
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return no_mentions(_AUTOLINK.sub(MENTION_BREAK, _MARKDOWN_SPECIAL.sub(r"\\\1", line)))


def md_message(text: str, limit: int = MAX_FIELD) -> str:
    """A message of ours with plan values in it: `backtick` spans become code spans, the rest is escaped prose.

    A value carrying backticks can only move text between prose and code, both of which are inert here.
    """
    parts = _single_line(text, limit).split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: the last part is prose
        parts[-2:] = [parts[-2] + SAFE_BACKTICK + parts[-1]]
    return "".join(md_code(part) if index % 2 else md_text(part) for index, part in enumerate(parts))


def html_text(text: str, limit: int = MAX_FIELD) -> str:
    """Text inside an HTML element (e.g. `<summary><code>…</code></summary>`)."""
    line = _single_line(text, limit)
    escaped = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return no_mentions(escaped.replace("`", "&#96;").replace("|", "&#124;"))


def code_block_line(text: str, limit: int = MAX_FIELD) -> str:
    """One line inside a fenced code block: it cannot end the fence or add lines."""
    return no_mentions(_single_line(text, limit).replace("`", SAFE_BACKTICK).replace("~", "\u02dc"))
