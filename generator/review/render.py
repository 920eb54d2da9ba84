"""One entry point for every output format."""

from __future__ import annotations

from collections.abc import Iterator

from generator.errors import Problem, UserInputError
from generator.review.model import Review

FORMATS = ("terminal", "markdown", "json")


def render_review(
    review: Review, fmt: str, *, max_chars: int | None = None, color: bool = True, width: int | None = None
) -> str:
    """Render `review` as `terminal` (ANSI-coloured text when `color`, `width` columns: default the terminal's),
    `markdown` (fits `max_chars`) or `json`."""
    if fmt == "markdown":
        from generator.review.render_markdown import render_markdown

        return render_markdown(review, max_chars=max_chars)
    if fmt == "json":
        from generator.review.render_json import render_json

        return render_json(review)
    if fmt == "terminal":
        from generator.review.render_terminal import render_terminal

        return render_terminal(review, color=color, width=width)
    raise _unknown(fmt)


def iter_review(review: Review, fmt: str, *, max_chars: int | None = None, color: bool = True) -> Iterator[str]:
    """Like `render_review`, in pieces: the JSON format streams resource by resource."""
    if fmt == "json":
        from generator.review.render_json import iter_json

        yield from iter_json(review)
    else:
        yield render_review(review, fmt, max_chars=max_chars, color=color)


def _unknown(fmt: str) -> UserInputError:
    return UserInputError(Problem(f"unknown review format {fmt!r}", key_path="--format", expected=" | ".join(FORMATS)))
