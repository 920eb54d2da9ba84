"""Template placeholders in eksctl files: `${VAR}` is substituted from values the user named; others are only found.

Only named values are used: `--set VAR=VALUE` first, then `--env VAR` (read from the environment by that explicit
name). The rest of the environment is never read, so `${AWS_SECRET_ACCESS_KEY}` cannot land in the spec by
accident; a credential-like name is read from the environment only with `--allow-secret-env VAR`. Inside shell
scripts (preBootstrapCommands, overrideBootstrapCommand) only `--set` values are used: `${n}` there is usually a
shell variable, and taking it from the migrating user's environment would silently change the script.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from generator.migrate.report import Placeholder, Report
from generator.spec.positions import KeyPath
from generator.spec.validation import PLACEHOLDER

ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SCRIPT_KEYS = frozenset({"preBootstrapCommands", "overrideBootstrapCommand"})


def parse_sets(items: list[str]) -> dict[str, str]:
    """`["A=1", "B=x=y"]` → `{"A": "1", "B": "x=y"}`; raises ValueError naming a bad item."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not VAR_NAME.fullmatch(name):
            raise ValueError(item)
        values[name] = value
    return values


# Parts of a variable name that mark a credential (matched on the upper-cased name).
_CREDENTIAL_PARTS = (
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "CREDENTIAL",
    "PRIVATE",
    "APIKEY",
    "API_KEY",
    "ACCESS_KEY",
    "SESSION",
    "COOKIE",
    "AUTH",
)
_CREDENTIAL_SUFFIXES = ("_KEY", "_PASS", "_PWD", "_PAT")


def credential_like(name: str) -> bool:
    """True for names such as AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, DB_PASSWORD, SIGNING_KEY (not KMS_KEY_ARN)."""
    upper = name.upper()
    return upper == "KEY" or any(p in upper for p in _CREDENTIAL_PARTS) or upper.endswith(_CREDENTIAL_SUFFIXES)


def named_environment(names: list[str], allow_secret: list[str], environ: Mapping[str, str]) -> dict[str, str]:
    """The values of the variables the user named (`--env`, `--allow-secret-env`); raises ValueError with the reason.

    A credential-like name needs `--allow-secret-env`; a named variable that is not set is an error, not a silent
    placeholder, because the user asked for it.
    """
    values: dict[str, str] = {}
    for name in [*names, *allow_secret]:
        if not VAR_NAME.fullmatch(name):
            raise ValueError(f"--env {name!r}: expected a shell variable name such as CLUSTER_NAME")
        if credential_like(name) and name not in allow_secret:
            raise ValueError(
                f"--env {name}: the name looks like a credential, and its value would be written into the spec "
                f"in clear; pass --allow-secret-env {name} if that is really wanted"
            )
        if name not in environ:
            raise ValueError(f"--env {name}: {name} is not set in the environment")
        values[name] = environ[name]
    return values


def substitute(
    data: Any,
    sets: Mapping[str, str],
    env: Mapping[str, str],
    report: Report,
    allow_secret: frozenset[str] = frozenset(),
) -> Any:
    """`env` holds only named variables; a credential-like one among them is still used only when allowed."""
    safe_env = {k: v for k, v in env.items() if not credential_like(k) or k in allow_secret}
    return _walk(data, (), sets, safe_env, report, in_script=False)


def _walk(
    data: Any, path: KeyPath, sets: Mapping[str, str], env: Mapping[str, str], report: Report, in_script: bool
) -> Any:
    if isinstance(data, dict):
        return {k: _walk(v, (*path, k), sets, env, report, in_script or k in SCRIPT_KEYS) for k, v in data.items()}
    if isinstance(data, list):
        return [_walk(v, (*path, i), sets, env, report, in_script) for i, v in enumerate(data)]
    if not isinstance(data, str):
        return data
    return _substitute_text(data, path, sets, {} if in_script else env, report, in_script)


def _substitute_text(
    text: str, path: KeyPath, sets: Mapping[str, str], env: Mapping[str, str], report: Report, in_script: bool
) -> Any:
    line = report.line(path)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        for source, values in (("--set", sets), ("--env", env)):
            if name in values:
                report.placeholders.append(Placeholder(path, line, match.group(0), True, f"from {source}"))
                if credential_like(name):
                    report.warn(f"${{{name}}} looks like a credential: its value is in the spec in clear")
                return values[name]
        if in_script:
            note = "shell variable in a script: only --set substitutes it"
        elif credential_like(name):
            note = "looks like a credential: never read from the environment (--set it, or --allow-secret-env)"
        else:
            note = f"give --set {name}=VALUE or --env {name}"
        report.placeholders.append(Placeholder(path, line, match.group(0), False, note))
        return match.group(0)

    result = ENV_VAR.sub(replace, text)
    for other in PLACEHOLDER.finditer(result):
        if not ENV_VAR.fullmatch(other.group(0)):
            report.placeholders.append(Placeholder(path, line, other.group(0), False, "not a ${VAR}: replace by hand"))
    if result != text and ENV_VAR.fullmatch(text.strip()):
        return _scalar(result)
    return result


def _scalar(text: str) -> Any:
    """A whole-value substitution is read as YAML would read it (`3` → 3, `true` → True), like envsubst + YAML."""
    stripped = text.strip()
    if re.fullmatch(r"-?\d+", stripped):
        return int(stripped)
    if stripped in ("true", "false"):
        return stripped == "true"
    return text
