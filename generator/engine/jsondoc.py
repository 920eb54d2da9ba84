"""Parsing the JSON Terraform prints, whatever numbers and nesting it holds.

Terraform numbers are arbitrary-precision: `1e5000` in a configuration is printed as a 5001-digit integer,
which Python's `json` refuses (the int-digit limit, a guard against slow conversions). Such numbers, and
decimals a float cannot hold as written (beyond its range or its precision), are kept as `Decimal` (exact,
and `str()` of it is cheap), so a plan with them is still shown, reviewed and written back unchanged. Nesting deeper than Python's recursion limit is reported, not a crash.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from decimal import Decimal
from typing import Any


class BadJson(ValueError):
    """The text is not JSON we can use; the message says why, in words."""


def _parse_int(text: str) -> int | Decimal:
    try:
        return int(text)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return Decimal(text)


def _parse_float(text: str) -> float | Decimal:
    """A float when it holds the number exactly as written (its shortest repr has the same value), else Decimal."""
    number = float(text)
    if math.isfinite(number) and Decimal(repr(number)) == Decimal(text):
        return number
    return Decimal(text)


def _reject_constant(text: str) -> Any:
    raise BadJson(f"{text} is not a JSON number")


def parse_json(text: str | bytes) -> Any:
    """`json.loads`, keeping huge numbers exact (as Decimal); raises BadJson for anything unusable."""
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_reject_constant)
    except RecursionError:
        raise BadJson("the JSON is nested too deeply to read") from None
    except UnicodeDecodeError as error:
        raise BadJson(f"not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise BadJson(f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None


def parse_json_object(text: str | bytes) -> dict[str, Any]:
    value = parse_json(text)
    if not isinstance(value, dict):
        raise BadJson(f"expected a JSON object, found {type(value).__name__}")
    return value


def dumps_json(value: Any, *, compact: bool = False, indent: int | None = 2, sort_keys: bool = True) -> str:
    """`json.dumps` that writes Decimal numbers back as the exact JSON numbers they were read from.

    `compact`: no whitespace at all; else `indent` (None: one line with `, ` and `: `).
    """
    token = uuid.uuid4().hex
    numbers: list[str] = []

    def placeholder(number: object) -> str:
        if not isinstance(number, Decimal):
            raise TypeError(f"{type(number).__name__} is not JSON serializable")
        numbers.append(str(number))
        return f"{token}:{len(numbers) - 1}"

    text = json.dumps(
        value,
        default=placeholder,
        sort_keys=sort_keys,
        separators=(",", ":") if compact else None,
        indent=None if compact else indent,
    )
    if not numbers:
        return text
    return re.sub(f'"{token}:(\\d+)"', lambda match: numbers[int(match.group(1))], text)
