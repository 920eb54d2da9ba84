"""`ekstf review` without typer or rich: the work of the command, and a parser for its well-formed command lines.

`generator.cli.entry` runs `ekstf review …` through here before importing the full CLI (typer, rich, every
command area), so a review starts about as fast as Python itself. Anything this parser does not recognise (`--help`,
a typo, a missing value) goes to the full CLI, which prints the usual usage errors.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_CHARS = 65_000
MIN_MAX_CHARS = 1_000


@dataclass
class ReviewArgs:
    plan: str
    fmt: str = "terminal"
    output: Path | None = None
    fail_on: list[str] = field(default_factory=list)
    mask: list[str] = field(default_factory=list)
    max_chars: int = DEFAULT_MAX_CHARS
    github: bool = False


VALUE_OPTIONS = {"--format": "fmt", "-f": "fmt", "--output": "output", "-o": "output", "--fail-on": "fail_on"}
VALUE_OPTIONS |= {"--mask": "mask", "--max-chars": "max_chars"}


def parse_review_args(argv: list[str]) -> ReviewArgs | None:
    """The options of `ekstf review ARGV`, or None when the full CLI should handle the command line."""
    plans: list[str] = []
    values: dict[str, list[str]] = {}
    github = False
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            plans.extend(argv[index:])
            break
        if arg == "--github":
            github = True
            continue
        name, equals, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in VALUE_OPTIONS:
            if equals:
                value = inline
            elif index < len(argv):
                value, index = argv[index], index + 1
            else:
                return None
            values.setdefault(VALUE_OPTIONS[name], []).append(value)
        elif arg == "-" or not arg.startswith("-"):
            plans.append(arg)
        else:
            return None
    single = {key: items for key, items in values.items() if key in ("fmt", "output", "max_chars")}
    if len(plans) != 1 or any(len(items) > 1 for items in single.values()):
        return None
    max_chars = values.get("max_chars", [str(DEFAULT_MAX_CHARS)])[0]
    if not max_chars.isdigit() or int(max_chars) < MIN_MAX_CHARS:
        return None
    output = values.get("output", [None])[0]
    return ReviewArgs(
        plan=plans[0],
        fmt=values.get("fmt", ["terminal"])[0],
        output=Path(output) if output is not None else None,
        fail_on=values.get("fail_on", []),
        mask=values.get("mask", []),
        max_chars=int(max_chars),
        github=github,
    )


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


def run_review(args: ReviewArgs) -> None:
    """Review the plan; raises EkstfError (exit 2 bad input, 3 gate triggered)."""
    from generator.errors import Problem, SourceLocation, UserInputError

    try:
        _run(args)
    except RecursionError:  # a value nested thousands of levels deep: too deep to diff or print
        raise UserInputError(
            Problem(
                "plan values are nested too deeply to review",
                location=SourceLocation("<stdin>" if args.plan == "-" else args.plan),
                hint="pass the unmodified output of `terraform show -json PLANFILE`",
            )
        ) from None


def _run(args: ReviewArgs) -> None:
    from generator.errors import Problem, UserInputError
    from generator.review import FORMATS, check_gate_names, enforce_gates, iter_review, load_plan_fast, review_plan
    from generator.review.render import render_review

    fmt, output = args.fmt, args.output
    if fmt not in FORMATS:
        raise UserInputError(Problem(f"unknown format {fmt!r}", key_path="--format", expected=" | ".join(FORMATS)))
    check_gate_names(args.fail_on)
    review = review_plan(load_plan_fast(args.plan), mask_patterns=args.mask)
    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    text = ""
    if output is not None:
        from generator.fsutil import atomic_write_text

        text = render_review(review, fmt, max_chars=args.max_chars, color=False)
        atomic_write_text(output, text)
        _say(f"review written to {output}")
    else:
        for piece in iter_review(review, fmt, max_chars=args.max_chars, color=color):
            sys.stdout.write(piece)
            text = piece if fmt == "markdown" else ""
        sys.stdout.flush()
    if args.github:
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            from generator.fsutil import atomic_write_text

            markdown = text if fmt == "markdown" else render_review(review, "markdown", max_chars=args.max_chars)
            path = Path(summary)
            existing = path.read_text(encoding="utf-8") if path.exists() else ""
            atomic_write_text(path, existing + markdown)
        else:
            _say("--github: GITHUB_STEP_SUMMARY is not set; no step summary written")
    enforce_gates(review, args.fail_on)


def main_fast(argv: list[str]) -> int | None:
    """Run `ekstf review ARGV` if the command line is one we parse; the exit code, or None for the full CLI."""
    args = parse_review_args(argv)
    if args is None:
        return None
    from generator.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EkstfError

    try:
        run_review(args)
    except EkstfError as error:
        with contextlib.suppress(OSError):  # stderr may be gone (a hang-up): the exit code still tells
            _say(error.render())
        return error.exit_code
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_FAILURE
    except Exception as error:  # a bug of ours: the same message as the full CLI's
        if os.environ.get("EKSTF_DEBUG"):
            raise
        _say(
            f"internal error: {type(error).__name__}: {error}\n"
            "This is a bug in ekstf; re-run with EKSTF_DEBUG=1 for the traceback and report it."
        )
        return EXIT_FAILURE
    return 0
