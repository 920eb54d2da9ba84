"""Terraform version constraints (`required_version`, `required_providers.*.version`) as Terraform parses them.

Terraform rejects a `versions.tf` whose constraint strings it cannot parse, so the spec loader checks them first.
The grammar is the part that `required_version` (hashicorp/go-version) and provider constraints (Ruby-style, in
apparentlymart/go-versions) both accept: comma-separated `OPERATOR VERSION` with at most three numeric parts.
"""

from __future__ import annotations

import re

from generator.errors import Problem
from generator.spec.models import Spec
from generator.spec.positions import LoadedYaml, format_key_path

_PART = re.compile(r"\s*(?:=|!=|>=|<=|>|<|~>)?\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*")
EXPECTED = "comma-separated constraints such as `>= 1.5.7` or `>= 6.28, < 7.0` (operators = != > >= < <= ~>)"


def is_version_constraint(text: str) -> bool:
    return all(_PART.fullmatch(part) for part in text.split(","))


def constraint_problems(spec: Spec, loaded: LoadedYaml) -> list[Problem]:
    """Every `terraform.versions.*` value Terraform could not parse."""
    problems: list[Problem] = []
    for name, text in spec.terraform.versions.model_dump().items():
        if is_version_constraint(str(text)):
            continue
        field = type(spec.terraform.versions).model_fields[name]
        path = ("terraform", "versions", field.alias or name)
        problems.append(
            Problem(
                f"{str(text)[:60]!r} is not a Terraform version constraint",
                loaded.location(path),
                format_key_path(path),
                expected=EXPECTED,
                hint="Terraform refuses the generated versions.tf otherwise; quote the value in YAML",
            )
        )
    return problems
