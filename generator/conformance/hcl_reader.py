"""Terraform files as small typed trees that remember line numbers.

python-hcl2 (v8) parses with Lark and keeps positions on its raw parse tree, but its dict output carries no
line numbers. We therefore walk `hcl2.parses_to_tree` ourselves and keep only what the checks need: blocks,
attributes, and literal values (objects, tuples, strings, numbers, bools, null). Any other expression (a
reference, function call, operator, conditional, for-expression, template with interpolation only) is an
`Unknown` value: its type is not known until plan time, so it passes type-shape checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal as TypingLiteral

from lark import Token, Tree

LiteralKind = TypingLiteral["string", "number", "bool", "null"]


@dataclass(frozen=True)
class Unknown:
    line: int
    text: str


@dataclass(frozen=True)
class Literal:
    kind: LiteralKind
    # The value when it is fully known; None for a string with interpolations (known to be a string, not its text).
    value: str | float | bool | None
    line: int


@dataclass(frozen=True)
class TupleValue:
    items: tuple[Value, ...]
    line: int


@dataclass(frozen=True)
class ObjectItem:
    key: str | None  # None when the key is an expression, e.g. `(var.name) = 1`
    value: Value
    line: int


@dataclass(frozen=True)
class ObjectValue:
    items: tuple[ObjectItem, ...]
    line: int


Value = Unknown | Literal | TupleValue | ObjectValue


@dataclass(frozen=True)
class Attribute:
    name: str
    value: Value
    line: int


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    blocks: tuple[Block, ...]
    line: int

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True)
class HclFile:
    path: Path
    blocks: tuple[Block, ...]

    def walk_blocks(self, *types: str) -> Iterator[Block]:
        """Top-level blocks of the given types (all when none given)."""
        for block in self.blocks:
            if not types or block.type in types:
                yield block


class HclSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def parse_hcl(text: str, path: Path) -> HclFile:
    """Parse Terraform native syntax; raises HclSyntaxError with the line python-hcl2 stopped at."""
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        raise HclSyntaxError(str(exc).splitlines()[0], exc.line) from exc
    except LarkError as exc:
        raise HclSyntaxError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, None) from exc
    reader = _Reader(text)
    body = _child_tree(tree, "body")
    blocks, _ = reader.body(body) if body is not None else ((), ())
    return HclFile(path=path, blocks=blocks)


def _child_tree(tree: Tree[Token], name: str) -> Tree[Token] | None:
    return next((c for c in tree.children if isinstance(c, Tree) and c.data == name), None)


def _trees(tree: Tree[Token]) -> list[Tree[Token]]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _line(node: Tree[Token] | Token) -> int:
    if isinstance(node, Token):
        return node.line or 0
    return node.meta.line if not node.meta.empty else 0


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text

    def source(self, node: Tree[Token]) -> str:
        if node.meta.empty:
            return ""
        return self.text[node.meta.start_pos : node.meta.end_pos]

    def body(self, body: Tree[Token]) -> tuple[tuple[Block, ...], tuple[Attribute, ...]]:
        blocks: list[Block] = []
        attributes: list[Attribute] = []
        for node in _trees(body):
            if node.data == "block":
                blocks.append(self.block(node))
            elif node.data == "attribute":
                attributes.append(self.attribute(node))
        return tuple(blocks), tuple(attributes)

    def block(self, node: Tree[Token]) -> Block:
        names: list[str] = []
        inner: Tree[Token] | None = None
        for child in node.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "body":
                inner = child
            elif child.data == "string":
                names.append(self.plain_string(child) or "")
            elif child.data != "new_line_or_comment":
                names.append(_token_text(child))
        blocks, attributes = self.body(inner) if inner is not None else ((), ())
        return Block(type=names[0], labels=tuple(names[1:]), attributes=attributes, blocks=blocks, line=_line(node))

    def attribute(self, node: Tree[Token]) -> Attribute:
        trees = _trees(node)
        return Attribute(name=_token_text(trees[0]), value=self.value(trees[-1]), line=_line(node))

    def value(self, node: Tree[Token]) -> Value:
        line = _line(node)
        kind = node.data
        if kind == "expr_term":
            inner = _trees(node)
            parenthesised = any(isinstance(c, Token) and c.type == "LPAR" for c in node.children)
            if len(inner) == 1 and not parenthesised:
                return self.value(inner[0])
            return Unknown(line, self.source(node))
        if kind == "string":
            return self.string(node)
        if kind in ("int_lit", "float_lit"):
            return Literal("number", float(_token_text(node)), line)
        if kind == "literal_value":
            word = _token_text(node)
            if word == "null":
                return Literal("null", None, line)
            return Literal("bool", word == "true", line)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return Literal("string", None, line)
        if kind == "unary_op" and _token_text_first(node) == "-":
            operand = self.value(_trees(node)[0])
            if isinstance(operand, Literal) and operand.kind == "number" and isinstance(operand.value, float):
                return Literal("number", -operand.value, line)
            return Unknown(line, self.source(node))
        if kind == "tuple":
            return TupleValue(tuple(self.value(item) for item in _trees(node)), line)
        if kind == "object":
            return ObjectValue(tuple(self.object_item(item) for item in _trees(node)), line)
        return Unknown(line, self.source(node))

    def object_item(self, node: Tree[Token]) -> ObjectItem:
        key_node, value_node = _trees(node)[0], _trees(node)[-1]
        return ObjectItem(key=self.object_key(key_node), value=self.value(value_node), line=_line(node))

    def object_key(self, node: Tree[Token]) -> str | None:
        # object_elem_key -> expr_term -> identifier | string, or a keyword such as `for`
        inner = _trees(node)
        if not inner:
            return _token_text(node)
        term = inner[0]
        if term.data == "keyword":
            return _token_text(term)
        if term.data == "expr_term":
            parts = _trees(term)
            parenthesised = any(isinstance(c, Token) and c.type == "LPAR" for c in term.children)
            if len(parts) == 1 and not parenthesised:
                if parts[0].data == "identifier":
                    return _token_text(parts[0])
                if parts[0].data == "string":
                    return self.plain_string(parts[0])
        return None

    def string(self, node: Tree[Token]) -> Value:
        parts = [c for c in node.children if isinstance(c, Tree) and c.data == "string_part"]
        interpolations = [p for p in parts if any(isinstance(c, Tree) for c in p.children)]
        if not interpolations:
            return Literal("string", self.plain_string(node), _line(node))
        if len(parts) == 1 and _is_single_interpolation(parts[0]):
            return Unknown(_line(node), self.source(node))  # "${var.x}" has the type of var.x
        return Literal("string", None, _line(node))

    def plain_string(self, node: Tree[Token]) -> str | None:
        """The text of a quoted string without interpolations (escapes resolved); None if it has any."""
        text: list[str] = []
        for part in node.children:
            if not isinstance(part, Tree):
                continue
            for piece in part.children:
                if isinstance(piece, Tree):
                    return None
                text.append(str(piece))
        return _unescape("".join(text))


def _is_single_interpolation(part: Tree[Token]) -> bool:
    return len(part.children) == 1 and isinstance(part.children[0], Tree) and part.children[0].data == "interpolation"


def _token_text(node: Tree[Token]) -> str:
    for child in node.children:
        if isinstance(child, Token):
            return str(child)
        return _token_text(child)
    return ""


def _token_text_first(node: Tree[Token]) -> str:
    first = node.children[0] if node.children else None
    return str(first) if isinstance(first, Token) else ""


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPES:
            out.append(_ESCAPES[text[index + 1]])
            index += 2
            continue
        if text.startswith(("$${", "%%{"), index):
            out.append(text[index] + "{")
            index += 3
            continue
        out.append(char)
        index += 1
    return "".join(out)
