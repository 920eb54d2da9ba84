"""Fuzzing the eksctl loader and mappers: malformed and mutated ClusterConfigs give a migration or a
UserInputError (exit 2), never another exception (through the Python API), and never a traceback (CLI)."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, SHARED, run_ekstf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.errors import UserInputError
from generator.migrate.api import migrate_text

# The project's own eksctl inputs always seed the fuzzer; the 49 official examples join them when ../shared is there.
SEED_FILES = sorted((EXAMPLES / "eksctl").glob("**/cluster*.yaml")) + sorted(
    (SHARED / "eksctl-examples").glob("*.yaml")
)
SEEDS = [p.read_text(encoding="utf-8") for p in SEED_FILES]


def _load(text: str) -> Any:
    return YAML(typ="safe").load(text)


def _dump(data: Any) -> str:
    buffer = io.StringIO()
    yaml = YAML(typ="safe")
    yaml.width = 10**6  # no folded lines: the input is exactly the data
    yaml.dump(data, buffer)
    return buffer.getvalue()


SEED_DATA = [_load(t) for t in SEEDS]

# Strings that try to break what migrate writes: YAML structure, the Markdown report, the terminal.
HOSTILE_FRAGMENTS = (
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x1b[2J\x1b]0;spec is valid\x07",
    "\u202e",
    "\u2028",
    "\ufeff",
    "|",
    "`",
    "```",
    "</details>",
    "<img src=x onerror=alert(1)>",
    "@security-team",
    "# heading",
    "- item",
    "&",
    "*",
    "!!python/object:os.system",
    "{{",
    "${",
    "${AWS_SECRET_ACCESS_KEY}",
    "'",
    '"',
    ": ",
    " #",
    "---",
    "...",
    "yes",
    "null",
    "0x1F",
    "1e3",
    "é",
    "\U0001f600",
)
hostile_strings = st.lists(st.sampled_from(HOSTILE_FRAGMENTS) | st.text(max_size=4), min_size=1, max_size=6).map(
    "".join
)
# Numbers eksctl's JSON round trip refuses, and text that only looks numeric.
non_finite_numbers = st.one_of(
    st.sampled_from([float("nan"), float("inf"), float("-inf")]),
    st.sampled_from(["inf", "-inf", "NaN", ".nan", "1e400", "Infinity", "9" * 30]),
    st.integers(min_value=10**10, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["${X}", "{{y}}", "<vpc-id>", "__Z__", "latest", "1.30", "NoSchedule", "k:v:NoExecute", "*"]),
    hostile_strings,
    non_finite_numbers,
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    if not path:
        return value if action == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = value
    elif action == "recase" and isinstance(last, str) and isinstance(parent, dict):
        parent[last.upper() if last != last.upper() else last.lower()] = parent.pop(last)
    elif action == "insert" and isinstance(parent[last], dict):
        parent[last]["unknownField"] = value
    return data


@st.composite
def mutated_configs(draw: st.DrawFn) -> str:
    data = draw(st.sampled_from(SEED_DATA))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["delete", "replace", "recase", "insert"]))
        data = _mutate(data, path, action, draw(values))
    return _dump(data)


def _migrate_or_input_error(text: str) -> None:
    try:
        migration = migrate_text(text, file="fuzz.yaml", sets={"X": "1"})
    except UserInputError as error:
        assert error.problems
        return
    assert migration.spec_text.startswith("#")
    migration.report.to_markdown()
    migration.report.to_json()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_configs())
def test_mutated_cluster_configs_never_crash(text: str) -> None:
    _migrate_or_input_error(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _migrate_or_input_error(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_arbitrary_documents_with_a_valid_header_never_crash(body: Any) -> None:
    document = {
        "apiVersion": "eksctl.io/v1alpha5",
        "kind": "ClusterConfig",
        "metadata": {"name": "f", "region": "eu-west-1"},
    }
    if isinstance(body, dict):
        document.update(body)
    _migrate_or_input_error(_dump(document))


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly: every character outside printable ASCII escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _exact_yaml(data: Any) -> str:
    """Flow YAML whose strings are read back exactly (a YAML dumper folds or keeps NEL and LS raw)."""
    if isinstance(data, dict):
        return "{" + ", ".join(f"{_exact_yaml(k)}: {_exact_yaml(v)}" for k, v in data.items()) + "}"
    if isinstance(data, list):
        return "[" + ", ".join(_exact_yaml(v) for v in data) + "]"
    if isinstance(data, str):
        return _quoted(data)
    return json.dumps(data)


def _markdown_table_rows_intact(markdown: str) -> None:
    """Every table row keeps its cell count: no value added a cell, a line or a heading."""
    widths = {
        "| eksctl key | line | placeholder | status |": 4,
        "| eksctl key | line | outcome | ekstf key | note |": 5,
    }
    width = 0
    for line in markdown.split("\n"):
        if line in widths:
            width = widths[line]
        elif not line.startswith("|"):
            width = 0
        elif width:
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) == width, line


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(hostile_strings, hostile_strings), min_size=1, max_size=4), hostile_strings)
def test_hostile_strings_survive_byte_for_byte_and_keep_the_report_intact(
    tags: list[tuple[str, str]], label: str
) -> None:
    document = {
        "apiVersion": "eksctl.io/v1alpha5",
        "kind": "ClusterConfig",
        "metadata": {"name": "f", "region": "eu-west-1", "tags": dict(tags)},
        "managedNodeGroups": [{"name": "ng", "labels": {"team": label}, "unknown" + label[:3]: label}],
    }
    try:
        migration = migrate_text(_exact_yaml(document), file="fuzz.yaml")
    except UserInputError as error:
        assert error.problems
        return
    written = _load(migration.spec_text)
    assert written["cluster"].get("tags", {}) == {k: v for k, v in dict(tags).items()}
    assert written["managedNodeGroups"][0]["labels"]["team"] == label
    _markdown_table_rows_intact(migration.report.to_markdown())
    json.loads(migration.report.to_json())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEED_DATA), st.data())
def test_a_non_finite_number_anywhere_is_bad_input(seed: Any, data: st.DataObject) -> None:
    """eksctl's YAML→JSON step refuses NaN and infinity anywhere; migrate says where, with exit 2, never a crash."""
    paths = [p for p in _paths(seed) if p and not isinstance(seed.get(p[0]), str)]
    path = data.draw(st.sampled_from(paths))
    value = data.draw(st.sampled_from([float("nan"), float("inf"), float("-inf")]))
    with pytest.raises(UserInputError) as raised:
        migrate_text(_dump(_mutate(seed, path, "replace", value)), file="fuzz.yaml", sets={"X": "1"})
    assert "fuzz.yaml:" in raised.value.render()


MALFORMED = [
    "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: eu-west-1}\nnodeGroups: 3\n",
    "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: eu-west-1}\n"
    "managedNodeGroups: [{name: x, desiredCapacity: lots, taints: 7, labels: [1]}]\nvpc: {subnets: {private: 1}}\n",
    "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: eu-west-1}\n"
    "iam: {serviceAccounts: [{metadata: 3}, null, {attachPolicy: [1]}]}\naddons: [{name: null}, {}]\n",
    "kind: ClusterConfig\napiVersion: eksctl.io/v1alpha5\nmetadata: {name: a, region: eu-west-1}\nvpc: &a [*a]\n",
    "\t\tbroken: [yaml\n",
]


@pytest.mark.parametrize("text", MALFORMED)
def test_cli_malformed_configs_exit_0_or_2_without_traceback(tmp_path: Path, text: str) -> None:
    config = tmp_path / "cluster.yaml"
    config.write_text(text, encoding="utf-8")
    result = run_ekstf("migrate", config, "-o", tmp_path / "ekstf.yaml", "--report", tmp_path / "r.md")
    assert result.returncode in (0, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert (tmp_path / "ekstf.yaml").exists() == (result.returncode == 0)
