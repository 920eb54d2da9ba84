"""A kubeconfig context for the cluster from Terraform outputs, merged into an existing kubeconfig.

The user entry runs `aws eks get-token` (exec plugin, client.authentication.k8s.io/v1beta1), so no token is
ever written. Every other cluster, context and user in the file is kept; the write is atomic, mode 0600.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from generator.errors import Problem, SourceLocation, UserInputError, display_path
from generator.fsutil import atomic_write_text

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"

Fact = Literal["cluster_name", "endpoint", "ca_data", "region"]

# Output names tried in order: the generated repository's first, then common alternatives.
OUTPUT_CANDIDATES: dict[Fact, tuple[str, ...]] = {
    "cluster_name": ("cluster_name", "eks_cluster_name", "name"),
    "endpoint": ("cluster_endpoint", "endpoint", "eks_cluster_endpoint"),
    "ca_data": (
        "cluster_certificate_authority_data",
        "certificate_authority_data",
        "cluster_ca_data",
        "cluster_ca_certificate",
    ),
    "region": ("region", "aws_region", "cluster_region"),
}


# Each names a flag of `ekstf kubeconfig` (a test checks they exist).
_MISSING_HINTS: dict[Fact, str] = {
    "cluster_name": "add the output, or name yours with --cluster-name-output",
    "endpoint": "add the output, or name yours with --endpoint-output",
    "ca_data": "add the output, or name yours with --ca-data-output",
    "region": "add the output, pass --region, or set AWS_REGION",
}


@dataclass(frozen=True)
class ClusterAccess:
    cluster_name: str
    endpoint: str
    ca_data: str
    region: str


def default_kubeconfig_path() -> Path:
    """Like kubectl: the first file of $KUBECONFIG, else ~/.kube/config."""
    env = os.environ.get("KUBECONFIG", "")
    first = next((p for p in env.split(os.pathsep) if p), "")
    return Path(first) if first else Path.home() / ".kube" / "config"


def cluster_access(
    outputs: dict[str, Any], *, overrides: dict[str, str] | None = None, region: str | None = None
) -> ClusterAccess:
    """Pick the cluster facts from `outputs` (`overrides` maps a fact to an output name)."""
    values: dict[Fact, str] = {}
    missing: list[Problem] = []
    for fact, candidates in OUTPUT_CANDIDATES.items():
        names = (overrides[fact],) if overrides and overrides.get(fact) else candidates
        found = next((str(outputs[n]["value"]) for n in names if n in outputs and outputs[n].get("value")), None)
        if fact == "region":
            found = region or found or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if found is None:
            missing.append(
                Problem(
                    f"no Terraform output gives the {fact.replace('_', ' ')}",
                    key_path=f"outputs.{names[0]}",
                    expected=f"an output named one of: {', '.join(names)}",
                    hint=_MISSING_HINTS[fact],
                )
            )
        else:
            values[fact] = found
    if missing:
        raise UserInputError(missing)
    return ClusterAccess(**values)


def _named(entries: list[Any], name: str) -> int | None:
    return next((i for i, entry in enumerate(entries) if isinstance(entry, dict) and entry.get("name") == name), None)


def _upsert(config: dict[str, Any], section: str, name: str, key: str, body: dict[str, Any]) -> None:
    entries = config.get(section)
    if not isinstance(entries, list):
        entries = []
        config[section] = entries
    entry = {"name": name, key: body}
    index = _named(entries, name)
    if index is None:
        entries.append(entry)
    else:
        entries[index] = entry


def merge_context(config: dict[str, Any], access: ClusterAccess, alias: str, *, set_current: bool = True) -> None:
    """Add or replace the cluster, user and context named `alias` in a kubeconfig mapping, in place."""
    config.setdefault("apiVersion", "v1")
    config.setdefault("kind", "Config")
    _upsert(
        config, "clusters", alias, "cluster", {"server": access.endpoint, "certificate-authority-data": access.ca_data}
    )
    exec_config = {
        "apiVersion": EXEC_API_VERSION,
        "command": "aws",
        "args": [
            "--region",
            access.region,
            "eks",
            "get-token",
            "--cluster-name",
            access.cluster_name,
            "--output",
            "json",
        ],
        "interactiveMode": "IfAvailable",
    }
    _upsert(config, "users", alias, "user", {"exec": exec_config})
    _upsert(config, "contexts", alias, "context", {"cluster": alias, "user": alias})
    if set_current:
        config["current-context"] = alias


def _read_kubeconfig_text(path: Path) -> str:
    """The file's text; a directory, an unreadable or a binary file is bad input (and left untouched)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserInputError(
            Problem(
                f"{display_path(path)}: cannot read the kubeconfig ({error.strerror or error}); left untouched",
                key_path="--kubeconfig",
                hint="give the path of a kubeconfig file, or a new path to create one",
            )
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise UserInputError(
            Problem(
                f"not a kubeconfig: byte {error.start} is not UTF-8 text (a binary file?); left untouched",
                location=SourceLocation(display_path(path), line, column),
                key_path="--kubeconfig",
                expected="a YAML kubeconfig",
            )
        ) from None
    if "\0" in text:
        raise UserInputError(
            Problem(
                "not a kubeconfig: it holds NUL bytes (a binary file?); left untouched",
                location=SourceLocation(display_path(path)),
                key_path="--kubeconfig",
                expected="a YAML kubeconfig",
            )
        )
    return text


def write_kubeconfig(path: Path, access: ClusterAccess, *, alias: str | None = None, set_current: bool = True) -> str:
    """Merge the context into the kubeconfig at `path` (created if missing); returns the context name."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    config: Any = {}
    if path.exists():
        try:
            config = yaml.load(_read_kubeconfig_text(path)) or {}
        except RecursionError:
            raise UserInputError(Problem(f"{display_path(path)}: nested too deeply to read; left untouched")) from None
        except YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
            raise UserInputError(
                Problem(
                    f"{display_path(path)}{line}: not valid YAML, left untouched: {getattr(error, 'problem', error)}"
                )
            ) from None
        if not isinstance(config, dict):
            raise UserInputError(Problem(f"{display_path(path)} is not a kubeconfig mapping; left untouched"))
    name = alias or access.cluster_name
    merge_context(config, access, name, set_current=set_current)
    buffer = io.StringIO()
    yaml.dump(config, buffer)
    atomic_write_text(path, buffer.getvalue(), mode=0o600)
    return name
