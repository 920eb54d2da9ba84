"""render_repo: the completed spec → every file of the generated repository (pure, deterministic)."""

from __future__ import annotations

import re

from generator.generate import hcl
from generator.generate.builders import FILES, template_for
from generator.generate.builders.common import ships_user_data_module
from generator.generate.environment import environment
from generator.resources import modules_dir
from generator.spec.models import Spec

USER_DATA_MODULE = "node-user-data"
_BLANK_RUNS = re.compile(r"\n{3,}")


def render_repo(spec: Spec) -> dict[str, bytes]:
    """Relative path → content of every generated file; byte-identical for the same spec."""
    env = environment()
    files: dict[str, bytes] = {}
    for entry in FILES:
        context = entry.build(spec)
        if context is None:
            continue
        text = env.get_template(template_for(entry, spec)).render(spec=spec, **context)
        files[entry.path] = _tidy(entry.path, text).encode("utf-8")
    if _uses_user_data_module(spec):
        files.update(_shipped_module(USER_DATA_MODULE))
    return dict(sorted(files.items()))


def _tidy(path: str, text: str) -> str:
    text = hcl.align(text) if path.endswith(".tf") else _BLANK_RUNS.sub("\n\n", text)
    text = text.strip("\n")
    return text + "\n"


def _uses_user_data_module(spec: Spec) -> bool:
    return ships_user_data_module(spec)


def _shipped_module(name: str) -> dict[str, bytes]:
    root = modules_dir() / name
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not _ignored(path.relative_to(root).parts):
            files[f"modules/{name}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return files


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in parts)
