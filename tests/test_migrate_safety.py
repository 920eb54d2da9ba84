"""`ekstf migrate` never loses the user's files, never writes a secret from the environment, and answers bad
numbers with a clear error (exit 2 with line:column) — all through the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_ekstf

HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: eu-west-1\n"


def _config(tmp_path: Path, body: str = "") -> Path:
    config = tmp_path / "cluster.yaml"
    config.write_text(HEAD + body, encoding="utf-8")
    return config


# --- existing outputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("existing", ["keep.yaml", "report.md"])
def test_an_existing_output_is_refused_without_force_and_nothing_is_written(tmp_path: Path, existing: str) -> None:
    config = _config(tmp_path)
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    result = run_ekstf("migrate", config, "-o", tmp_path / "keep.yaml", "--report", tmp_path / "report.md")
    assert result.returncode == 1, result.output
    assert existing in result.stderr and "--force" in result.stderr
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
    others = {p.name for p in tmp_path.iterdir()} - {"cluster.yaml", existing}
    assert others == set(), f"written despite the refusal: {others}"


def test_force_replaces_existing_outputs(tmp_path: Path) -> None:
    config = _config(tmp_path)
    for name in ("keep.yaml", "report.json"):
        (tmp_path / name).write_text("mine\n", encoding="utf-8")
    result = run_ekstf("migrate", config, "-o", tmp_path / "keep.yaml", "--report", tmp_path / "report.json", "--force")
    assert result.returncode == 0, result.output
    assert (tmp_path / "keep.yaml").read_text(encoding="utf-8").startswith("# ekstf spec migrated")
    assert (tmp_path / "report.json").read_text(encoding="utf-8").startswith("{")
    assert not list(tmp_path.glob(".*.tmp"))


def test_two_outputs_on_one_path_are_refused(tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = run_ekstf("migrate", config, "-o", tmp_path / "same.yaml", "--report", tmp_path / "same.yaml")
    assert result.returncode == 2, result.output
    assert "same file" in result.stderr
    assert not (tmp_path / "same.yaml").exists()


@pytest.mark.parametrize("existing", ["imports.tf", "MIGRATION.md"])
def test_live_migration_refuses_existing_imports_or_runbook_before_reading_aws(tmp_path: Path, existing: str) -> None:
    """The check comes first: with no credentials at all, the answer is still the refusal naming the file."""
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    result = run_ekstf(
        "migrate", "--from-cluster", "demo", "--region", "us-east-1", "-o", tmp_path / "ekstf.yaml",
        env={
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_EC2_METADATA_DISABLED": "true",
        },
    )  # fmt: skip
    assert result.returncode == 1, result.output
    assert existing in result.stderr and "--force" in result.stderr
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "ekstf.yaml").exists()


# --- ${VAR} substitution: only named variables, never credentials ------------------------------------------

PLANTED = {
    "AWS_SECRET_ACCESS_KEY": "PLANTED-aws-secret-0001",
    "AWS_SESSION_TOKEN": "PLANTED-session-0002",
    "GITHUB_TOKEN": "PLANTED-gh-0003",
    "DB_PASSWORD": "PLANTED-db-0004",
    "SIGNING_KEY": "PLANTED-signing-0005",
    "OWNER": "PLANTED-not-named-0006",  # not a credential, but the user did not name it either
}
SECRET_BODY = (
    "  tags:\n"
    "    a: ${AWS_SECRET_ACCESS_KEY}\n    b: '${AWS_SESSION_TOKEN}'\n    c: x-${GITHUB_TOKEN}-y\n"
    "    d: ${DB_PASSWORD}\n    e: ${SIGNING_KEY}\n    owner: ${OWNER}\n    team: ${TEAM}\n"
    "managedNodeGroups:\n  - name: ng\n    desiredCapacity: ${COUNT}\n"
    "    labels: {k: '${AWS_SECRET_ACCESS_KEY}'}\n"
    "    preBootstrapCommands:\n      - echo ${AWS_SECRET_ACCESS_KEY} ${DB_PASSWORD}\n"
)


def test_a_planted_secret_in_the_environment_never_reaches_any_output(tmp_path: Path) -> None:
    config = _config(tmp_path, SECRET_BODY)
    result = run_ekstf(
        "migrate", config, "-o", tmp_path / "ekstf.yaml", "--report", tmp_path / "report.md",
        "--set", "COUNT=3", "--env", "TEAM",
        env={**PLANTED, "TEAM": "platform"},
    )  # fmt: skip
    assert result.returncode == 0, result.output
    json_run = run_ekstf(
        "migrate", config, "-o", tmp_path / "j.yaml", "--report", tmp_path / "report.json", "--env", "TEAM",
        env={**PLANTED, "TEAM": "platform"},
    )  # fmt: skip
    assert json_run.returncode == 0, json_run.output
    outputs = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.name != "cluster.yaml"}
    outputs["stdout+stderr"] = result.output + json_run.output
    for where, text in outputs.items():
        for name, value in PLANTED.items():
            assert value not in text, f"{name}'s value leaked into {where}"
    spec = outputs["ekstf.yaml"]
    assert "team: platform" in spec and "desiredSize: 3" in spec
    assert "${AWS_SECRET_ACCESS_KEY}" in spec and "${OWNER}" in spec  # kept as written, listed as unresolved
    # What was substituted is reported by name (stderr and report), never by value.
    assert "${TEAM} (from --env)" in result.stderr and "${COUNT} (from --set)" in result.stderr
    assert "| `metadata.tags.team` | 13 | `${TEAM}` | substituted; from --env |" in outputs["report.md"]
    assert '"placeholder": "${TEAM}",\n      "resolved": true' in outputs["report.json"]
    assert "looks like a credential" in result.stderr
    assert "--env OWNER" in result.stderr


def test_env_of_a_credential_like_name_needs_the_explicit_opt_in(tmp_path: Path) -> None:
    config = _config(tmp_path, SECRET_BODY)
    refused = run_ekstf("migrate", config, "-o", tmp_path / "ekstf.yaml", "--env", "DB_PASSWORD", env=PLANTED)
    assert refused.returncode == 2, refused.output
    assert "--allow-secret-env DB_PASSWORD" in refused.stderr
    assert PLANTED["DB_PASSWORD"] not in refused.output
    assert not (tmp_path / "ekstf.yaml").exists()
    allowed = run_ekstf(
        "migrate", config, "-o", tmp_path / "ekstf.yaml", "--allow-secret-env", "DB_PASSWORD", env=PLANTED
    )
    assert allowed.returncode == 0, allowed.output
    spec = (tmp_path / "ekstf.yaml").read_text(encoding="utf-8")
    assert f"d: {PLANTED['DB_PASSWORD']}" in spec
    assert "echo ${AWS_SECRET_ACCESS_KEY} ${DB_PASSWORD}" in spec  # scripts: only --set substitutes
    assert "${DB_PASSWORD} looks like a credential: its value is in the spec in clear" in allowed.stderr
    assert PLANTED["DB_PASSWORD"] not in allowed.output
    assert PLANTED["AWS_SECRET_ACCESS_KEY"] not in spec


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--env", "UNSET_VARIABLE_X"], "UNSET_VARIABLE_X is not set in the environment"),
        (["--env", "not-a-name"], "expected a shell variable name"),
        (["--from-cluster", "demo", "--region", "us-east-1", "--env", "TEAM"], "no use with --from-cluster"),
    ],
)
def test_bad_env_flags_exit_2_and_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    config = _config(tmp_path)
    source = [] if "--from-cluster" in args else [config]
    result = run_ekstf("migrate", *source, "-o", tmp_path / "ekstf.yaml", *args, env={"TEAM": "t"})
    assert result.returncode == 2, result.output
    assert message in result.stderr
    assert not (tmp_path / "ekstf.yaml").exists()


@pytest.mark.parametrize(
    ("name", "credential"),
    [
        ("AWS_SECRET_ACCESS_KEY", True),
        ("AWS_ACCESS_KEY_ID", True),
        ("AWS_SESSION_TOKEN", True),
        ("GITHUB_TOKEN", True),
        ("db_password", True),
        ("SIGNING_KEY", True),
        ("CLIENT_SECRET_VALUE", True),
        ("PRIVATE_KEY_PEM", True),
        ("CLUSTER_NAME", False),
        ("KMS_KEY_ARN", False),
        ("VPC_ID", False),
        ("AWS_REGION", False),
    ],
)
def test_credential_like_names(name: str, credential: bool) -> None:
    from generator.migrate.placeholders import credential_like

    assert credential_like(name) is credential


# --- numbers eksctl refuses --------------------------------------------------------------------------------

BIG = "9" * 5000


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (".nan", ".nan"),
        (".inf", ".inf"),
        ("-.inf", ".inf"),
        ("1e400", ".inf"),
        ('"inf"', "'inf'"),
        ('"NaN"', "'NaN'"),
        ("true", "true"),
        ("2.5", "2.5"),
        ('"lots"', "'lots'"),
        ("99999999999", "99999999999"),
        ("[3]", "[3]"),
    ],
)
def test_a_bad_number_is_a_clear_error_with_line_and_column(tmp_path: Path, value: str, shown: str) -> None:
    config = _config(tmp_path, f"managedNodeGroups:\n  - name: ng\n    desiredCapacity: {value}\n")
    result = run_ekstf("migrate", config, "-o", tmp_path / "ekstf.yaml", "--report", tmp_path / "r.md")
    assert result.returncode == 2, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "cluster.yaml:8:" in result.stderr
    assert "managedNodeGroups[0].desiredCapacity" in result.stderr and shown in result.stderr
    assert not (tmp_path / "ekstf.yaml").exists() and not (tmp_path / "r.md").exists()


def test_every_bad_number_is_reported_at_once(tmp_path: Path) -> None:
    body = (
        "cloudWatch:\n  clusterLogging:\n    enableTypes: [api]\n    logRetentionInDays: false\n"
        "managedNodeGroups:\n  - name: ng\n    volumeSize: '1e3'\n    maxPodsPerNode: 1.5\n"
        "nodeGroups:\n  - name: self\n    minSize: true\n"
        "    instancesDistribution: {onDemandBaseCapacity: x, spotAllocationStrategy: capacity-optimized}\n"
    )
    result = run_ekstf("migrate", _config(tmp_path, body), "-o", tmp_path / "ekstf.yaml")
    assert result.returncode == 2, result.output
    for key in (
        "cloudWatch.clusterLogging.logRetentionInDays",
        "volumeSize",
        "maxPodsPerNode",
        "nodeGroups[0].minSize",
    ):
        assert key in result.stderr, key
    assert "internal error" not in result.output


def test_a_huge_number_and_non_finite_numbers_in_free_form_maps_are_bad_input(tmp_path: Path) -> None:
    for body in (
        f"managedNodeGroups:\n  - name: ng\n    desiredCapacity: {BIG}\n",
        "managedNodeGroups:\n  - name: ng\n    kubeletExtraConfig: {kubeReserved: {cpu: .nan}}\n",
        "addons:\n  - name: vpc-cni\n    configurationValues: {env: {WARM: -.inf}}\n",
        "managedNodeGroups:\n  - name: ng\n    spot: true\n    maxPrice: .inf\n",
    ):
        result = run_ekstf("migrate", _config(tmp_path, body), "-o", tmp_path / "ekstf.yaml")
        assert result.returncode == 2, (body, result.output)
        assert "internal error" not in result.output and "Traceback" not in result.output
        assert "cluster.yaml:" in result.stderr
        assert not (tmp_path / "ekstf.yaml").exists()


def test_whole_numbers_written_as_text_or_float_still_migrate(tmp_path: Path) -> None:
    config = _config(tmp_path, "managedNodeGroups:\n  - name: ng\n    desiredCapacity: '3'\n    maxSize: 4.0\n")
    result = run_ekstf("migrate", config, "-o", tmp_path / "ekstf.yaml")
    assert result.returncode == 0, result.output
    spec = (tmp_path / "ekstf.yaml").read_text(encoding="utf-8")
    assert "desiredSize: 3" in spec and "maxSize: 4" in spec


# --- hostile text from the file ------------------------------------------------------------------------------


def test_escape_sequences_from_the_file_never_reach_the_terminal_or_the_report_structure(tmp_path: Path) -> None:
    hostile = "\\x1b]0;spec is valid\\x07\\x1b[2J|</details>\\n## Approved @security-team"
    body = (
        f'  tags:\n    owner: "{{{{{hostile}}}}}"\n'
        f'managedNodeGroups:\n  - name: ng\n    "unknown{hostile}": 1\n    labels: {{team: "${{T{hostile}}}"}}\n'
    )
    result = run_ekstf("migrate", _config(tmp_path, body), "-o", tmp_path / "ekstf.yaml", "--report", tmp_path / "r.md")
    assert result.returncode == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "unresolved placeholder" in result.stderr and "\\u001b]0;spec is valid" in result.stderr
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "\x1b" not in report and "\x07" not in report
    prose = re.sub(r"`[^`\n]*`", "", report)  # code spans show text literally (no HTML, no mentions)
    assert "</details>" not in prose and "@security-team" not in prose
    assert not [line for line in report.splitlines() if line.startswith("## Approved")]
