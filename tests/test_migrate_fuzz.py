"""Fuzzing the eksctl loader and mappers: malformed and mutated ClusterConfigs give a migration or a
UserInputError (exit 2), never another exception (through the Python API), and never a traceback (CLI)."""

from __future__ import annotations

import copy
import io
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
    YAML(typ="safe").dump(data, buffer)
    return buffer.getvalue()


SEED_DATA = [_load(t) for t in SEEDS]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["${X}", "{{y}}", "<vpc-id>", "__Z__", "latest", "1.30", "NoSchedule", "k:v:NoExecute", "*"]),
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
