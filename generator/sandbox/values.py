"""Terraform values on the wire: cty's msgpack encoding ↔ plain Python (dict, list, str, int, float, bool, None).

Unknown values are msgpack extension 0 (refined unknowns, extension 12, carry refinements the double ignores);
both decode to `UNKNOWN`. Encoding is type-directed: cty's decoder wants every attribute of an object present,
numbers as numbers and strings as strings, so `conform` shapes a value to its type before it goes out.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from generator.sandbox.contracts import UNKNOWN, Unknown

CtyType = (
    Any  # "string" | "number" | "bool" | "dynamic" | [kind, element] | ["object", {name: type}] | ["tuple", [...]]
)

_UNKNOWN_EXT = msgspec.msgpack.Ext(0, b"\x00")


def _ext_hook(code: int, data: memoryview) -> Any:
    if code in (0, 12):
        return UNKNOWN
    raise ValueError(f"unexpected msgpack extension {code}")


def _enc_hook(value: Any) -> Any:
    if isinstance(value, Unknown):
        return _UNKNOWN_EXT
    raise TypeError(f"cannot encode {type(value).__name__}")


_decoder = msgspec.msgpack.Decoder(ext_hook=_ext_hook)
_encoder = msgspec.msgpack.Encoder(enc_hook=_enc_hook)


def decode(raw: bytes) -> Any:
    """A DynamicValue's msgpack bytes as plain Python; empty bytes are null."""
    if not raw:
        return None
    return _decoder.decode(raw)


def encode(value: Any, cty_type: CtyType) -> bytes:
    return _encoder.encode(conform(value, cty_type))


def parse_type(raw: bytes | str) -> CtyType:
    return json.loads(raw)


def conform(value: Any, cty_type: CtyType) -> Any:
    """`value` shaped for `cty_type`: objects get every attribute (null when absent), scalars their own kind."""
    if value is None or value is UNKNOWN:
        return value
    if isinstance(cty_type, str):
        if cty_type == "string":
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, int | float):
                return _number_text(value)
            return str(value) if not isinstance(value, str) else value
        if cty_type == "number":
            if isinstance(value, str):
                return _parse_number(value)
            return value
        if cty_type == "bool":
            if isinstance(value, str):
                return value == "true"
            return bool(value)
        if cty_type == "dynamic":
            return [json.dumps(_infer_type(value)).encode(), value]
        raise ValueError(f"unknown cty type {cty_type!r}")
    kind = cty_type[0]
    if kind in ("list", "set"):
        return [conform(item, cty_type[1]) for item in value]
    if kind == "map":
        return {str(key): conform(item, cty_type[1]) for key, item in value.items()}
    if kind == "object":
        attributes: dict[str, CtyType] = cty_type[1]
        return {name: conform(value.get(name), attr_type) for name, attr_type in attributes.items()}
    if kind == "tuple":
        return [conform(item, item_type) for item, item_type in zip(value, cty_type[1], strict=False)]
    raise ValueError(f"unknown cty type {cty_type!r}")


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _infer_type(value: Any) -> CtyType:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return ["tuple", [_infer_type(item) for item in value]]
    if isinstance(value, dict):
        return ["object", {key: _infer_type(item) for key, item in value.items()}]
    return "dynamic"


def is_wholly_known(value: Any) -> bool:
    if value is UNKNOWN:
        return False
    if isinstance(value, dict):
        return all(is_wholly_known(item) for item in value.values())
    if isinstance(value, list):
        return all(is_wholly_known(item) for item in value)
    return True
