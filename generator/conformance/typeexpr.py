"""Parser for Terraform type constraints (the `type = ...` of a variable) into a typed tree.

Grammar handled: `string`, `number`, `bool`, `any`, `list(T)`, `set(T)`, `map(T)`, `tuple([T, ...])`,
`object({ name = T, ... })` with `optional(T)` / `optional(T, default)` attributes, bare `list`/`map`/`set`
(legacy shorthand for a collection of any), `#`, `//` and `/* */` comments, newlines and commas. Defaults of
`optional()` are skipped (only their extent matters here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

PrimitiveName = Literal["string", "number", "bool"]
CollectionKind = Literal["list", "set", "map"]


@dataclass(frozen=True)
class Primitive:
    name: PrimitiveName

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class AnyType:
    def describe(self) -> str:
        return "any"


@dataclass(frozen=True)
class Collection:
    kind: CollectionKind
    element: TypeNode

    def describe(self) -> str:
        return f"{self.kind}({self.element.describe()})"


@dataclass(frozen=True)
class TupleType:
    elements: tuple[TypeNode, ...]

    def describe(self) -> str:
        return "tuple([" + ", ".join(e.describe() for e in self.elements) + "])"


@dataclass(frozen=True)
class ObjectAttribute:
    type: TypeNode
    optional: bool


@dataclass(frozen=True)
class ObjectType:
    attributes: dict[str, ObjectAttribute]

    def describe(self) -> str:
        return "object({" + ", ".join(sorted(self.attributes)) + "})"


TypeNode = Primitive | AnyType | Collection | TupleType | ObjectType

ANY = AnyType()


class TypeExprError(ValueError):
    pass


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<heredoc><<-?(?P<tag>[A-Za-z_][A-Za-z0-9_-]*)\n.*?\n\s*(?P=tag)(?=\n|$))
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<punct>=>|==|!=|<=|>=|&&|\|\||[(){}\[\],=:?.*+\-/%<>!])
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise TypeExprError(f"unexpected character {text[position]!r} at offset {position}")
        position = match.end()
        if match.lastgroup not in ("space", "comment"):
            tokens.append(match.group())
    return tokens


def unwrap_interpolation(text: str) -> str:
    """python-hcl2's dict output writes expressions as `${...}`; accept that form too."""
    stripped = text.strip()
    if stripped.startswith("${") and stripped.endswith("}"):
        return stripped[2:-1]
    return stripped


def parse_type(text: str) -> TypeNode:
    parser = _Parser(_tokenize(unwrap_interpolation(text)))
    node = parser.type()
    if parser.position != len(parser.tokens):
        raise TypeExprError(f"unexpected {parser.peek()!r} after the type expression")
    return node


_PRIMITIVES: dict[str, PrimitiveName] = {name: name for name in get_args(PrimitiveName)}
_COLLECTIONS: dict[str, CollectionKind] = {kind: kind for kind in get_args(CollectionKind)}
_OPEN_TO_CLOSE = {"(": ")", "{": "}", "[": "]"}


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str:
        return self.tokens[self.position] if self.position < len(self.tokens) else "<end>"

    def take(self) -> str:
        token = self.peek()
        if token == "<end>":
            raise TypeExprError("unexpected end of type expression")
        self.position += 1
        return token

    def expect(self, token: str) -> None:
        found = self.take()
        if found != token:
            raise TypeExprError(f"expected {token!r}, found {found!r}")

    def type(self) -> TypeNode:
        word = self.take()
        if word in _PRIMITIVES:
            return Primitive(_PRIMITIVES[word])
        if word == "any":
            return ANY
        if word in _COLLECTIONS:
            kind = _COLLECTIONS[word]
            if self.peek() != "(":
                return Collection(kind, ANY)  # legacy `type = list`
            self.expect("(")
            element = self.type()
            self.expect(")")
            return Collection(kind, element)
        if word == "tuple":
            self.expect("(")
            self.expect("[")
            elements: list[TypeNode] = []
            while self.peek() != "]":
                elements.append(self.type())
                if self.peek() == ",":
                    self.take()
            self.expect("]")
            self.expect(")")
            return TupleType(tuple(elements))
        if word == "object":
            self.expect("(")
            node = self.object_body()
            self.expect(")")
            return node
        raise TypeExprError(f"unknown type keyword {word!r}")

    def object_body(self) -> ObjectType:
        self.expect("{")
        attributes: dict[str, ObjectAttribute] = {}
        while self.peek() != "}":
            name = self.take().strip('"')
            if self.take() not in ("=", ":"):
                raise TypeExprError(f"expected '=' after object attribute {name!r}")
            attributes[name] = self.attribute_type()
            if self.peek() == ",":
                self.take()
        self.expect("}")
        return ObjectType(attributes)

    def attribute_type(self) -> ObjectAttribute:
        if self.peek() != "optional":
            return ObjectAttribute(self.type(), optional=False)
        self.take()
        self.expect("(")
        node = self.type()
        if self.peek() == ",":
            self.take()
            self.skip_expression()
        self.expect(")")
        return ObjectAttribute(node, optional=True)

    def skip_expression(self) -> None:
        """Skip an optional() default: everything up to the `)` that closes optional(, brackets balanced."""
        closers: list[str] = []
        while True:
            token = self.peek()
            if token == "<end>":
                raise TypeExprError("unterminated optional() default")
            if not closers and token == ")":
                return
            self.take()
            if token in _OPEN_TO_CLOSE:
                closers.append(_OPEN_TO_CLOSE[token])
            elif closers and token == closers[-1]:
                closers.pop()
