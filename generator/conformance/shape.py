"""Walk a literal HCL value against a Terraform type tree: unknown attribute names and wrong shapes.

Only what a literal shows is checked. Unknown values (references, function calls, templates) and `null` pass,
and primitive conversions Terraform performs (number/bool -> string, "12" -> number) are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.conformance.hcl_reader import Literal, ObjectValue, TupleValue, Unknown, Value
from generator.conformance.typeexpr import AnyType, Collection, ObjectType, Primitive, TupleType, TypeNode
from generator.suggest import did_you_mean


@dataclass(frozen=True)
class ShapeProblem:
    line: int
    path: str
    message: str


def check_value(value: Value, expected: TypeNode, path: str) -> list[ShapeProblem]:
    if isinstance(value, Unknown) or isinstance(expected, AnyType):
        return []
    if isinstance(value, Literal) and value.kind == "null":
        return []
    if isinstance(expected, Primitive):
        return _check_primitive(value, expected, path)
    if isinstance(expected, Collection):
        return _check_collection(value, expected, path)
    if isinstance(expected, TupleType):
        return _check_tuple(value, expected, path)
    return _check_object(value, expected, path)


def _shown(value: Value) -> str:
    if isinstance(value, TupleValue):
        return "a list"
    if isinstance(value, ObjectValue):
        return "a map/object"
    if isinstance(value, Literal):
        return {"string": "a string", "number": "a number", "bool": "a bool"}.get(value.kind, "null")
    return "an expression"


def _mismatch(value: Value, expected: TypeNode, path: str) -> list[ShapeProblem]:
    return [ShapeProblem(value.line, path, f"`{path}` expects {expected.describe()}, got {_shown(value)}")]


def _check_primitive(value: Value, expected: Primitive, path: str) -> list[ShapeProblem]:
    if not isinstance(value, Literal):
        return _mismatch(value, expected, path)
    if expected.name == "string" or value.kind == expected.name:
        return []
    if value.kind == "string" and isinstance(value.value, str):
        if expected.name == "number" and _is_number(value.value):
            return []
        if expected.name == "bool" and value.value in ("true", "false"):
            return []
    if value.kind == "string" and value.value is None:
        return []  # a template: its text (and so its convertibility) is only known at plan time
    return _mismatch(value, expected, path)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_collection(value: Value, expected: Collection, path: str) -> list[ShapeProblem]:
    problems: list[ShapeProblem] = []
    if expected.kind == "map":
        if not isinstance(value, ObjectValue):
            return _mismatch(value, expected, path)
        for item in value.items:
            key = item.key if item.key is not None else "<expr>"
            problems += check_value(item.value, expected.element, f"{path}.{key}")
        return problems
    if not isinstance(value, TupleValue):
        return _mismatch(value, expected, path)
    for index, element in enumerate(value.items):
        problems += check_value(element, expected.element, f"{path}[{index}]")
    return problems


def _check_tuple(value: Value, expected: TupleType, path: str) -> list[ShapeProblem]:
    if not isinstance(value, TupleValue):
        return _mismatch(value, expected, path)
    if len(value.items) != len(expected.elements):
        return [
            ShapeProblem(
                value.line, path, f"`{path}` expects {len(expected.elements)} elements, got {len(value.items)}"
            )
        ]
    problems: list[ShapeProblem] = []
    for index, (element, element_type) in enumerate(zip(value.items, expected.elements, strict=True)):
        problems += check_value(element, element_type, f"{path}[{index}]")
    return problems


def _check_object(value: Value, expected: ObjectType, path: str) -> list[ShapeProblem]:
    if not isinstance(value, ObjectValue):
        return _mismatch(value, expected, path)
    problems: list[ShapeProblem] = []
    seen: set[str] = set()
    has_expression_key = False
    for item in value.items:
        if item.key is None:
            has_expression_key = True
            continue
        seen.add(item.key)
        attribute = expected.attributes.get(item.key)
        child_path = f"{path}.{item.key}"
        if attribute is None:
            hint = did_you_mean(item.key, expected.attributes)
            message = f"unknown attribute `{item.key}` in `{path}`" + (f"; {hint}" if hint else "")
            problems.append(ShapeProblem(item.line, child_path, message))
            continue
        problems += check_value(item.value, attribute.type, child_path)
    if not has_expression_key:
        missing = [name for name, a in expected.attributes.items() if not a.optional and name not in seen]
        if missing:
            names = ", ".join(f"`{m}`" for m in missing)
            problems.append(ShapeProblem(value.line, path, f"`{path}` is missing required attribute(s) {names}"))
    return problems
