"""Inputs that used to end in "internal error": plans with huge numbers, JSON of any shape from Terraform."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TerraformEnv, run_ekstf
from hypothesis import given, settings
from hypothesis import strategies as st
from runner_support import copy_fixture

from generator.engine.jsondoc import BadJson, dumps_json, parse_json

HUGE = "1" + "0" * 5000


@pytest.mark.slow
def test_plan_apply_and_outputs_with_a_5001_digit_number(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("big_numbers", tmp_path)
    flags = ["--engine", "embedded"]
    planned = run_ekstf("plan", "-C", workdir, *flags, "--json", tmp_path / "review.json")
    assert planned.returncode == 2, planned.output[-3000:]
    assert "did not print JSON" not in planned.output and "internal error" not in planned.output
    assert "terraform_data.holds" in planned.stdout
    assert json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    applied = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert applied.returncode == 0, applied.output[-3000:]
    assert "internal error" not in applied.output
    assert '{"@level"' not in applied.output, "Terraform's events are read, not echoed raw"

    outputs = run_ekstf("outputs", "huge", "-C", workdir, "--json", *flags)
    assert outputs.returncode == 0, outputs.output[-3000:]
    assert outputs.stdout.strip() == HUGE, "the number is printed exactly, as JSON"
    everything = run_ekstf("outputs", "-C", workdir, "--json", *flags)
    assert everything.returncode == 0 and f'"huge": {HUGE}' in everything.stdout
    assert '"precise": 0.1000000000000000000000000000000000000001' in everything.stdout
    assert HUGE in (workdir / ".ekstf" / "outputs.json").read_text(encoding="utf-8")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=4000, max_value=6000).map(lambda n: int("9" * n) if n < 4300 else Decimal("9" * n))
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=10,
)


@given(JSON_VALUES)
@settings(max_examples=150, deadline=None)
def test_json_round_trips_exactly_whatever_the_numbers(value: object) -> None:
    assert parse_json(dumps_json(value)) == value
    assert parse_json(dumps_json(value, compact=True)) == value


@given(st.binary(max_size=300) | st.text(alphabet='[]{}":,0123456789eE.-+ntrufals\\', max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_or_is_bad_json(text: bytes | str) -> None:
    try:
        parse_json(text)
    except BadJson as error:
        assert str(error)


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, "1e5000", "-" + HUGE, "NaN", "Infinity", "1" * 100_000],
    ids=["deep", "float overflow", "huge negative", "NaN", "Infinity", "100000 digits"],
)
def test_hostile_json_numbers_and_nesting(text: str) -> None:
    try:
        value = parse_json(text)
    except BadJson:
        assert text in ("NaN", "Infinity") or text.startswith("[")
        return
    assert isinstance(value, Decimal) and parse_json(dumps_json(value)) == value
