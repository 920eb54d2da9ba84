"""Template placeholders in eksctl files: `${VAR}` is substituted as envsubst would; other styles are only found.

`--set VAR=VALUE` values come first, then the environment. Inside shell scripts (preBootstrapCommands,
overrideBootstrapCommand) only `--set` values are used: `${n}` there is usually a shell variable, and taking it
from the migrating user's environment would silently change the script.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from generator.migrate.report import Placeholder, Report
from generator.spec.positions import KeyPath
from generator.spec.validation import PLACEHOLDER

ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SCRIPT_KEYS = frozenset({"preBootstrapCommands", "overrideBootstrapCommand"})


def parse_sets(items: list[str]) -> dict[str, str]:
    """`["A=1", "B=x=y"]` → `{"A": "1", "B": "x=y"}`; raises ValueError naming a bad item."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(item)
        values[name] = value
    return values


def substitute(data: Any, sets: Mapping[str, str], env: Mapping[str, str], report: Report) -> Any:
    return _walk(data, (), sets, env, report, in_script=False)


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
        for source, values in (("--set", sets), ("the environment", env)):
            if name in values:
                report.placeholders.append(Placeholder(path, line, match.group(0), True, f"from {source}"))
                return values[name]
        note = "shell variable in a script: only --set substitutes it" if in_script else ""
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
