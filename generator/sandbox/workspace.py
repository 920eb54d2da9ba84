"""Where a sandbox run happens: a scratch directory holding the repository copy, the provider mirror (wrapper
scripts that start the double), the Terraform CLI configuration, the TLS identity and the simulated world."""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator.sandbox import tls
from generator.sandbox.world import WORLD_ENV

# The provider versions the double announces (aws: the schema's version; the others satisfy the modules' constraints).
PROVIDER_VERSIONS = {"aws": "6.47.0", "tls": "4.1.0", "time": "0.13.1", "cloudinit": "2.3.7", "null": "3.2.4"}

_SKIPPED_IN_COPY = {".terraform", ".git", ".terraform.lock.hcl"}
_STATE_FILES = re.compile(r"^terraform\.tfstate(\.backup)?$|^\.terraform\.tfstate\.lock\.info$")
BACKEND_OVERRIDE = "zz_ekstf_sandbox_override.tf"


def platform_dir() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{sys.platform}_{arch}"  # Terraform's os_arch: linux_amd64, darwin_arm64


def write_provider_mirror(mirror: Path) -> None:
    """One executable wrapper per provider, laid out as a filesystem mirror (unpacked layout)."""
    for name, version in PROVIDER_VERSIONS.items():
        directory = mirror / "registry.terraform.io" / "hashicorp" / name / version / platform_dir()
        directory.mkdir(parents=True, exist_ok=True)
        script = directory / f"terraform-provider-{name}_v{version}"
        command = shlex.join([sys.executable, "-I", "-m", "generator.sandbox.provider", name])
        script.write_text(f"#!/bin/sh\nexec {command}\n", encoding="utf-8")
        script.chmod(0o755)


def _hcl_string(text: str) -> str:
    return json.dumps(text).replace("${", "$${").replace("%{", "%%{")


def write_cli_config(path: Path, mirror: Path, registry_url: str | None) -> None:
    sources = [f"registry.terraform.io/hashicorp/{name}" for name in PROVIDER_VERSIONS]
    include = ", ".join(_hcl_string(source) for source in sources)
    lines = [
        "provider_installation {",
        "  filesystem_mirror {",
        f"    path    = {_hcl_string(str(mirror))}",
        f"    include = [{include}]",
        "  }",
        "  direct {",
        f"    exclude = [{include}]",
        "  }",
        "}",
        "disable_checkpoint = true",
    ]
    if registry_url:
        lines += [
            'host "registry.terraform.io" {',
            "  services = {",
            f'    "modules.v1" = {_hcl_string(registry_url)}',
            "  }",
            "}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def copy_repository(source: Path, target: Path) -> None:
    """The user's repository, minus what would tie the copy to their machine (lock file, .terraform, state)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        return {name for name in names if name in _SKIPPED_IN_COPY or _STATE_FILES.match(name)}

    shutil.copytree(source, target, ignore=ignore, symlinks=True)


_BACKEND = re.compile(r'^\s*backend\s+"([^"]+)"', re.MULTILINE)


def uses_remote_backend(repo: Path) -> bool:
    for path in repo.glob("*.tf"):
        for match in _BACKEND.finditer(path.read_text(encoding="utf-8", errors="replace")):
            if match.group(1) != "local":
                return True
    return False


def force_local_backend(repo: Path) -> None:
    """An override file replaces whatever backend the repository declares with local state in the copy."""
    (repo / BACKEND_OVERRIDE).write_text(
        '# Written by `ekstf sandbox` in its scratch copy: state stays local.\nterraform {\n  backend "local" {\n'
        '    path = "terraform.tfstate"\n  }\n}\n',
        encoding="utf-8",
    )


# --- offline module registry ---------------------------------------------------------------------------------

_PACKAGE = re.compile(r"^terraform-(?P<provider>[a-z0-9]+)-(?P<name>.+)-(?P<version>\d+\.\d+\.\d+[^/]*)$")


def module_packages(cache: Path) -> dict[tuple[str, str], dict[str, Path]]:
    """{(name, provider): {version: dir}} of a cache of unpacked registry packages (NAME-VERSION/)."""
    found: dict[tuple[str, str], dict[str, Path]] = {}
    for entry in sorted(cache.iterdir()) if cache.is_dir() else []:
        match = _PACKAGE.match(entry.name)
        if match and entry.is_dir():
            found.setdefault((match["name"], match["provider"]), {})[match["version"]] = entry
    return found


_TARBALLS: dict[tuple[Path, float], bytes] = {}
_TARBALLS_LOCK = threading.Lock()


def _tarball(directory: Path) -> bytes:
    """The package as a .tar.gz (kept for the process: a test session or a long-lived caller pays once)."""
    key = (directory.resolve(), directory.stat().st_mtime)
    with _TARBALLS_LOCK:
        if key in _TARBALLS:
            return _TARBALLS[key]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        for path in sorted(directory.rglob("*")):
            archive.add(path, arcname=str(path.relative_to(directory)), recursive=False)
    with _TARBALLS_LOCK:
        _TARBALLS[key] = buffer.getvalue()
    return _TARBALLS[key]


class ModuleRegistry:
    """A modules.v1 registry on 127.0.0.1 serving a module cache: Terraform installs modules as from the registry."""

    def __init__(self, cache: Path) -> None:
        self.packages = module_packages(cache)
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                registry.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1/modules/"

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = request.path.split("?", 1)[0].strip("/").split("/")
        if len(parts) >= 6 and parts[:2] == ["v1", "modules"]:
            _, _, _namespace, name, provider, *rest = parts
            versions = self.packages.get((name, provider), {})
            if rest == ["versions"]:
                body = json.dumps({"modules": [{"versions": [{"version": v} for v in versions]}]}).encode()
                return self._send(request, 200, body, "application/json")
            if len(rest) == 2 and rest[1] == "download" and rest[0] in versions:
                request.send_response(204)
                request.send_header(
                    "X-Terraform-Get",
                    f"http://127.0.0.1:{self.server.server_address[1]}/archive/{name}/{provider}/{rest[0]}.tar.gz",
                )
                request.end_headers()
                return None
        if len(parts) == 4 and parts[0] == "archive" and parts[3].endswith(".tar.gz"):
            versions = self.packages.get((parts[1], parts[2]), {})
            version = parts[3].removesuffix(".tar.gz")
            if version in versions:
                return self._send(request, 200, _tarball(versions[version]), "application/x-gzip")
        return self._send(request, 404, b'{"errors":["not in the module cache"]}', "application/json")

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def __enter__(self) -> ModuleRegistry:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- resident doubles: started once per run, Terraform reattaches to them ----------------------------------------


class ResidentProviders:
    """One long-lived double per provider, announced to Terraform in TF_REATTACH_PROVIDERS.

    Terraform then starts no provider process of its own (a plan otherwise starts about ten, each paying Python's
    and gRPC's start-up) and never stops these: we do, when the run ends."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment
        self.processes: list[subprocess.Popen[str]] = []
        self.reattach: dict[str, dict[str, object]] = {}

    def __enter__(self) -> ResidentProviders:
        env = {**os.environ, **self.environment}
        try:
            for name in PROVIDER_VERSIONS:
                command = [sys.executable, "-I", "-m", "generator.sandbox.provider", "--resident", name]
                self.processes.append(
                    subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
                )
            for name, process in zip(PROVIDER_VERSIONS, self.processes, strict=True):
                assert process.stdout is not None
                line = process.stdout.readline().strip()
                fields = line.split("|")
                if len(fields) != 6 or fields[2] != "unix":
                    raise RuntimeError(f"the {name} provider double did not start (it printed {line!r})")
                self.reattach[f"registry.terraform.io/hashicorp/{name}"] = {
                    "Protocol": "grpc",
                    "ProtocolVersion": 6,
                    "Pid": process.pid,
                    "Test": True,
                    "Addr": {"Network": "unix", "String": fields[3]},
                }
        except BaseException:
            self.__exit__()
            raise
        return self

    def variables(self) -> dict[str, str]:
        return {"TF_REATTACH_PROVIDERS": json.dumps(self.reattach, sort_keys=True)}

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


# --- the environment Terraform runs in ------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    root: Path
    repo: Path

    @property
    def mirror(self) -> Path:
        return self.root / "providers"

    @property
    def cli_config(self) -> Path:
        return self.root / "terraform.rc"

    @property
    def world_file(self) -> Path:
        return self.root / "world.json"

    @property
    def tls_dir(self) -> Path:
        return self.root / "tls"

    def environment(self) -> dict[str, str]:
        return {
            "TF_CLI_CONFIG_FILE": str(self.cli_config),
            WORLD_ENV: str(self.world_file),
            tls.TLS_ENV: str(self.tls_dir),
            "CHECKPOINT_DISABLE": "1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }


def prepare(root: Path, repo: Path, registry_url: str | None) -> Workspace:
    workspace = Workspace(root, repo)
    write_provider_mirror(workspace.mirror)
    write_cli_config(workspace.cli_config, workspace.mirror, registry_url)
    tls.write(tls.generate(), workspace.tls_dir)
    workspace.world_file.write_text("{}", encoding="utf-8")
    return workspace


@contextlib.contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    """Terraform (and the provider processes it starts) inherit our environment: set it for the run only."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
