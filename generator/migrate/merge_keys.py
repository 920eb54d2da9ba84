"""YAML merge keys as eksctl reads them: a mapping may hold more than one `<<` (go-yaml v2, which eksctl's
sigs.k8s.io/yaml uses, accepts it; ruamel refuses a duplicate merge key even with duplicate keys allowed).

Only when ruamel refuses such a file: every `<<` of a mapping with several is renamed to a numbered key before
loading, and the merges are then applied as go-yaml v2 does — keys in document order, each entry (merged or
written) replacing an earlier one, and a `<<: [*a, *b]` list giving the earlier map precedence.
"""

from __future__ import annotations

from typing import Any

from generator.errors import Problem, SourceLocation, UserInputError
from generator.spec.positions import KeyPath, LoadedYaml, format_key_path, load_yaml

MERGE_TAG = "tag:yaml.org,2002:merge"
_PREFIX = "__ekstf_merge_"


def is_duplicate_merge_key(error: UserInputError) -> bool:
    return any("duplicate merge key" in p.message for p in error.problems)


def load_with_repeated_merge_keys(text: str, file: str) -> tuple[LoadedYaml, list[str]]:
    """Load `text` whose mappings may repeat `<<`; returns it and a note for each written key a later merge replaced.

    Merged keys are located at the `<<` line that brought them in.
    """
    loaded = load_yaml(_renamed(text, file), file)
    notes: list[str] = []
    loaded.data = _apply(loaded.data, (), loaded, notes)
    return loaded, notes


def _renamed(text: str, file: str) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

    try:
        root = YAML(typ="rt").compose(text)
    except YAMLError:
        return text  # the normal loader reports the syntax error with its position
    spans: list[tuple[int, int]] = []
    seen: set[int] = set()
    stack: list[Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            merges = [key for key, _ in node.value if key.tag == MERGE_TAG or key.value == "<<"]
            if len(merges) > 1:
                spans += [(key.start_mark.index, key.end_mark.index) for key in merges]
            stack += [child for pair in node.value for child in pair]
        elif isinstance(node, SequenceNode):
            stack += node.value
    for number, (start, end) in enumerate(sorted(spans, reverse=True)):
        if text[start:end] != "<<":
            raise UserInputError(Problem("a merge key must be written `<<`", SourceLocation(file, None, None)))
        text = text[:start] + f"{_PREFIX}{len(spans) - number}" + text[end:]
    return text


def _apply(node: Any, path: KeyPath, loaded: LoadedYaml, notes: list[str]) -> Any:
    if isinstance(node, list):
        return [_apply(item, (*path, index), loaded, notes) for index, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    result: dict[Any, Any] = {}
    written: set[Any] = set()
    for key, value in node.items():
        child = _apply(value, (*path, key), loaded, notes)
        if not (isinstance(key, str) and key.startswith(_PREFIX)):
            result[key] = child
            written.add(key)
            continue
        sources = list(reversed(child)) if isinstance(child, list) else [child]
        for source in sources:
            if not isinstance(source, dict):
                raise UserInputError(
                    Problem(
                        "a merge key (`<<`) needs a mapping or a list of mappings",
                        loaded.location((*path, key)),
                        expected="<<: *anchor-of-a-mapping",
                    )
                )
            for replaced in written & set(source):
                where = loaded.location((*path, replaced))
                notes.append(
                    f"{where}: `{format_key_path((*path, replaced))}` is replaced by the `<<` merge written after it "
                    f"({loaded.location((*path, key))}), as eksctl reads the file: write the key after the merges"
                )
            written -= set(source)
            result.update(source)
        _move_positions(loaded, (*path, key), path)
    return result


def _move_positions(loaded: LoadedYaml, merged: KeyPath, target: KeyPath) -> None:
    """A merged key is located at the `<<` line that brought it in (unless written there itself)."""
    for key in [k for k in loaded.positions if k[: len(merged)] == merged]:
        loaded.positions.setdefault((*target, *key[len(merged) :]), loaded.positions[merged])
