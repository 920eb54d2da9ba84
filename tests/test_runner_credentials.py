"""Missing AWS credentials: the same exit code (2) and hint from every command that reaches AWS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO_ROOT, run_ekstf

from generator.runner.credentials import credentials_error_in_terraform_output

S3_BACKEND = 'terraform {\n  backend "s3" {\n    bucket = "b"\n    key    = "k"\n    region = "us-east-1"\n  }\n}\n'
HINT = "hint: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run `aws sso login`"


@pytest.fixture
def no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No credential source at all: empty keys, no profile, no files, no instance metadata."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize(
    "command",
    [
        ["bootstrap-state", "--bucket", "ekstf-no-credentials", "--region", "eu-west-1"],
        ["plan", "-C", "{backend}", "--engine", "embedded"],  # Terraform's S3 backend finds none at init
        ["outputs", "-C", "{backend}", "--engine", "embedded"],
        ["status", "--spec", "{spec}"],
        ["migrate", "--from-cluster", "demo", "--region", "eu-west-1", "-o", "{out}"],
    ],
    ids=lambda command: command[0],
)
def test_missing_credentials_exit_2_with_one_hint_everywhere(command: list[str], tmp_path: Path) -> None:
    backend = tmp_path / "backend"
    backend.mkdir()
    (backend / "main.tf").write_text(S3_BACKEND, encoding="utf-8")
    spec = tmp_path / "ekstf.yaml"
    shutil.copy(REPO_ROOT / "examples" / "quickstart" / "ekstf.yaml", spec)
    places = {"{backend}": str(backend), "{spec}": str(spec), "{out}": str(tmp_path / "migrated.yaml")}
    result = run_ekstf(*[places.get(arg, arg) for arg in command])
    assert result.returncode == 2, result.output
    assert "no AWS credentials found" in result.stderr and HINT in result.stderr
    assert "Traceback" not in result.output


def test_terraform_credential_errors_are_input_errors_and_others_are_not() -> None:
    rejected = credentials_error_in_terraform_output(
        "plan",
        "Error: validating provider credentials: retrieving caller identity from STS: operation error STS: "
        "GetCallerIdentity, https response error StatusCode: 403, api error InvalidClientTokenId: The security "
        "token included in the request is invalid.",
    )
    assert rejected is not None and rejected.exit_code == 2
    assert "(InvalidClientTokenId)" in rejected.render() and "aws sso login" in rejected.render()
    assert credentials_error_in_terraform_output("plan", "Error: Invalid reference\n\n  on main.tf line 4") is None
