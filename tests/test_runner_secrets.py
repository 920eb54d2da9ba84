"""Planted secrets: `apply` and `outputs` never print a sensitive value, nor an unmarked copy of one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TerraformEnv, run_ekstf
from runner_support import copy_fixture, engine_flags

PLANTED = ("planted-password-4711", "918273645")
MASKED_OUTPUTS = ("copied_password", "copied_pin", "copied_flag", "greeting", "everything", "marked_pin")


def _assert_no_secret(text: str) -> None:
    for secret in PLANTED:
        assert secret not in text, f"{secret} printed"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["embedded", "binary"])
def test_outputs_and_apply_mask_sensitive_values_and_their_copies(
    engine: str, terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    workdir = copy_fixture("secrets", tmp_path)
    flags = engine_flags(engine, tmp_path)
    planned = run_ekstf("plan", "-C", workdir, *flags)
    assert planned.returncode == 2, planned.stderr
    applied = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert applied.returncode == 0, applied.stderr
    _assert_no_secret(planned.output + applied.output)
    assert "nothing-secret" in applied.stdout  # outputs are printed after apply, unmarked ones in clear

    table = run_ekstf("outputs", "-C", workdir, *flags)
    assert table.returncode == 0, table.stderr
    _assert_no_secret(table.output)
    rows = {line.split()[0]: line.split()[1:] for line in table.stdout.splitlines()[1:] if line.strip()}
    for name in MASKED_OUTPUTS:
        assert rows[name][0] == "(sensitive)", (name, rows[name])
    assert rows["copied_pin"][-1] == "derived" and rows["marked_pin"][-1] == "yes"
    assert rows["plain"] == ["nothing-secret"]

    as_json = run_ekstf("outputs", "-C", workdir, "--json", *flags)
    assert as_json.returncode == 0, as_json.stderr
    _assert_no_secret(as_json.output)
    values = json.loads(as_json.stdout)
    assert {name for name, value in values.items() if value == "(sensitive)"} == set(MASKED_OUTPUTS)
    assert values["plain"] == "nothing-secret"

    for name in ("copied_pin", "copied_flag", "everything"):
        one = run_ekstf("outputs", name, "-C", workdir, "--json", *flags)
        assert one.returncode == 0 and json.loads(one.stdout) == "(sensitive)", one.output
    shown = run_ekstf("outputs", "copied_pin", "-C", workdir, "--show-sensitive", *flags)
    assert shown.stdout.strip() == "918273645"  # in clear only when asked


def test_known_secrets_mask_copies_of_every_scalar_kind() -> None:
    from generator.runner.secrets import secrets_in_state

    state = {
        "values": {
            "outputs": {"marked": {"sensitive": True, "value": {"token": "tok-abc-123", "n": 7.5}}},
            "root_module": {
                "resources": [
                    {
                        "values": {"input": {"pin": 1234, "on": True, "name": "x"}, "list": ["pub", "sekrit"]},
                        "sensitive_values": {"input": {"pin": True, "on": True}, "list": [False, True]},
                    }
                ],
                "child_modules": [{"resources": [{"values": {"k": "deep-secret"}, "sensitive_values": {"k": True}}]}],
            },
        }
    }
    secrets = secrets_in_state(state)
    for revealing in (1234, 1234.0, True, "tok-abc-123", "Bearer tok-abc-123", 7.5, ["sekrit"], {"a": "deep-secret"}):
        assert secrets.reveals(revealing), revealing
    for harmless in (1235, False, "x", "pub", 1, "tok", None, {"name": "x"}):
        assert not secrets.reveals(harmless), harmless
    assert not secrets_in_state({"values": None}).reveals("anything")
