"""The migration report: one row per eksctl field with its outcome, rendered as Markdown or JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.spec.positions import KeyPath, LoadedYaml, format_key_path

Outcome = Literal["mapped", "defaulted", "approximated", "unsupported"]
OUTCOMES: tuple[Outcome, ...] = ("mapped", "defaulted", "approximated", "unsupported")
SAMPLE_ID_NOTE = "looks like a sample value, not a real AWS id: replace it before applying"


@dataclass(frozen=True)
class Row:
    path: KeyPath
    line: int | None
    outcome: Outcome
    ekstf_key: str
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "eksctlKey": format_key_path(self.path),
            "line": self.line,
            "outcome": self.outcome,
            "ekstfKey": self.ekstf_key,
            "note": self.note,
        }


@dataclass(frozen=True)
class Placeholder:
    path: KeyPath
    line: int | None
    text: str
    resolved: bool
    note: str = ""


@dataclass
class Report:
    """Collects outcomes while mapping; `cover` makes sure no input field is left without one."""

    source: str
    loaded: LoadedYaml | None = None
    rows: list[Row] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    spec_problems: list[str] = field(default_factory=list)
    # Ids kept verbatim that do not look like real AWS ids; `note_sample_ids` adds them to their rows.
    sample_ids: list[tuple[KeyPath, str]] = field(default_factory=list)

    def line(self, path: KeyPath) -> int | None:
        """Line of the key, or of its nearest written ancestor (an omitted top-level key has none)."""
        if self.loaded is None:
            return None
        key = tuple(path)
        while key:
            if key in self.loaded.positions:
                return self.loaded.positions[key][0]
            key = key[:-1]
        return None

    def add(self, path: KeyPath, outcome: Outcome, ekstf_key: str = "", note: str = "") -> None:
        self.rows.append(Row(tuple(path), self.line(path), outcome, ekstf_key, note))

    def mapped(self, path: KeyPath, ekstf_key: str, note: str = "") -> None:
        self.add(path, "mapped", ekstf_key, note)

    def defaulted(self, path: KeyPath, ekstf_key: str, note: str) -> None:
        self.add(path, "defaulted", ekstf_key, note)

    def approximated(self, path: KeyPath, ekstf_key: str, note: str) -> None:
        self.add(path, "approximated", ekstf_key, note)

    def unsupported(self, path: KeyPath, note: str) -> None:
        self.add(path, "unsupported", "", note)

    def reclassify(self, path: KeyPath, outcome: Outcome, note: str, ekstf_key: str = "") -> None:
        """A field first reported one way turned out otherwise (e.g. mapped, then dropped): its rows say so."""
        key = tuple(path)
        self.rows = [r for r in self.rows if r.path != key]
        self.add(key, outcome, ekstf_key, note)

    def retarget(self, under: KeyPath, old_prefix: str, new_prefix: str) -> None:
        """Rows of the fields under `under` now land in `new_prefix` (e.g. an entry merged into another)."""
        prefix = tuple(under)
        for index, row in enumerate(self.rows):
            key = row.ekstf_key
            whole = key == old_prefix or key.startswith(old_prefix + ".") or key.startswith(old_prefix + "[")
            if row.path[: len(prefix)] == prefix and (
                whole or (old_prefix.endswith("]") and key.startswith(old_prefix))
            ):
                key = new_prefix + row.ekstf_key[len(old_prefix) :]
                self.rows[index] = Row(row.path, row.line, row.outcome, key, row.note)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def sample_id(self, path: KeyPath, value: str) -> None:
        self.sample_ids.append((tuple(path), value))

    def note_sample_ids(self) -> None:
        """Each sample-looking id is named in the note of the row that carried it over (or gets its own row)."""
        for path, value in self.sample_ids:
            note = f"{value!r} {SAMPLE_ID_NOTE}"
            candidates = [
                i for i, r in enumerate(self.rows) if r.outcome != "defaulted" and r.path == path[: len(r.path)]
            ]
            if not candidates:
                self.mapped(path, "", note)
                continue
            index = max(candidates, key=lambda i: len(self.rows[i].path))
            row = self.rows[index]
            if note not in row.note:
                joined = f"{row.note}; {note}" if row.note else note
                self.rows[index] = Row(row.path, row.line, row.outcome, row.ekstf_key, joined)

    def covered(self, path: KeyPath) -> bool:
        prefixes = {r.path for r in self.rows if r.outcome != "defaulted"}
        return any(path[:n] in prefixes for n in range(len(path) + 1))

    def cover(self, data: Any) -> None:
        """Every leaf of the input that no rule reported on becomes an `unsupported` row (never dropped silently)."""
        prefixes = {r.path for r in self.rows if r.outcome != "defaulted"}
        for path in leaves(data, ()):
            if not any(path[:n] in prefixes for n in range(len(path) + 1)):
                self.unsupported(path, "not carried over by ekstf migrate; set it by hand if you need it")

    def counts(self) -> dict[str, int]:
        return {outcome: sum(1 for r in self.rows if r.outcome == outcome) for outcome in OUTCOMES}

    def sorted_rows(self) -> list[Row]:
        return sorted(self.rows, key=lambda r: (r.line or 0, format_key_path(r.path), r.outcome))

    # --- rendering ---------------------------------------------------------------------------------

    def to_json(self) -> str:
        document = {
            "source": self.source,
            "summary": self.counts(),
            "rows": [r.as_dict() for r in self.sorted_rows()],
            "placeholders": [
                {
                    "eksctlKey": format_key_path(p.path),
                    "line": p.line,
                    "placeholder": p.text,
                    "resolved": p.resolved,
                    "note": p.note,
                }
                for p in self.placeholders
            ],
            "warnings": list(self.warnings),
            "specProblems": list(self.spec_problems),
        }
        return json.dumps(document, indent=2, sort_keys=False) + "\n"

    def to_markdown(self) -> str:
        counts = self.counts()
        lines = [
            f"# ekstf migration report: {_code(self.source)}",
            "",
            " · ".join(f"**{counts[o]}** {o}" for o in OUTCOMES),
            "",
            "Outcomes: `mapped` = carried over as is; `defaulted` = the field was omitted and eksctl's default was "
            "written explicitly; `approximated` = carried over with the difference noted; `unsupported` = not "
            "carried over (the note says why and what to do).",
            "",
        ]
        if self.spec_problems:
            lines += ["## Fix before `ekstf generate`", ""]
            lines += [f"- {_cell(p)}" for p in self.spec_problems]
            lines.append("")
        unresolved = [p for p in self.placeholders if not p.resolved]
        if self.placeholders:
            lines += [
                "## Placeholders",
                "",
                "| eksctl key | line | placeholder | status |",
                "| --- | --- | --- | --- |",
            ]
            for p in self.placeholders:
                status = "substituted" if p.resolved else "**unresolved** (kept as written)"
                if p.note:
                    status += f"; {p.note}"
                lines.append(
                    f"| {_code(format_key_path(p.path))} | {p.line or ''} | {_code(p.text)} | {_cell(status)} |"
                )
            lines.append("")
            if unresolved:
                lines += [
                    "Re-run with `--set VAR=VALUE` or `--env VAR` (read from the environment by that name) to "
                    "substitute `${VAR}` placeholders; replace the others by hand. No other environment variable is "
                    "read. `ekstf generate` refuses a spec that still holds one.",
                    "",
                ]
        if self.warnings:
            lines += ["## Warnings", ""]
            lines += [f"- {_cell(w)}" for w in self.warnings]
            lines.append("")
        lines += [
            "## Fields",
            "",
            "| eksctl key | line | outcome | ekstf key | note |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in self.sorted_rows():
            key = _code(format_key_path(r.path))
            ekstf = _code(r.ekstf_key) if r.ekstf_key else ""
            lines.append(f"| {key} | {r.line or ''} | {r.outcome} | {ekstf} | {_cell(r.note)} |")
        return "\n".join(lines) + "\n"


# Characters that would end a table row, reorder text or reach a terminal as escape sequences when the report is
# shown: C0/C1 controls, line and paragraph separators, bidi controls, zero-width characters, the BOM.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def visible(text: str) -> str:
    """`text` on one line with control and invisible characters shown as `\\uNNNN` (for terminals and Markdown)."""
    return _INVISIBLE.sub(lambda m: " " if m.group(0) in "\n\r\t" else f"\\u{ord(m.group(0)):04x}", text)


def _cell(text: str) -> str:
    """Prose in a table cell: one line, no cell breaks, no HTML, no @mentions (values come from the user's file)."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"@(?=\w)", "@\u200d", text.replace("|", "\\|"))


def _code(text: str) -> str:
    """A code span in a table cell holding `text` literally on one line."""
    inner = visible(text).replace("`", "\u02cb").replace("|", "\\|")
    return f"`{inner}`" if inner.strip() else "` `"


def leaves(data: Any, path: KeyPath) -> Iterable[KeyPath]:
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list) and data:
        for index, value in enumerate(data):
            yield from leaves(value, (*path, index))
    else:
        yield path
