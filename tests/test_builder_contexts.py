"""The builders' contexts, checked for structure (not text): what each template is handed.

Every builder is annotated with the TypedDict of its context (generate/builders/contexts.py); here each context
built from the examples and the richest fixtures must have exactly the keys its TypedDict declares, with values of
the declared kinds, and the builders must be pure (same spec → same context, the spec left untouched).
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any, Literal, NotRequired, Required, get_args, get_origin, get_type_hints, is_typeddict

import pytest
from generate_support import EXAMPLE_NAMES, example_spec

from generator import resources
from generator.generate import hcl
from generator.generate.builders import FILES, OutputFile
from generator.generate.builders.contexts import HclBody
from generator.spec.loader import load_spec
from generator.spec.models import Spec

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "generate"
SPECS = {
    **{name: example_spec(name) for name in EXAMPLE_NAMES},
    **{
        name: FIXTURES / f"{name}.yaml"
        for name in ("kitchen-sink", "ipv6-windows-al2", "outposts", "existing-resources")
    },
}
TERRAFORM_ARGUMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@pytest.fixture(scope="module", params=sorted(SPECS))
def spec(request: pytest.FixtureRequest) -> Spec:
    return load_spec(SPECS[request.param]).spec


def _context_type(entry: OutputFile) -> list[Any]:
    returned = get_type_hints(entry.build)["return"]
    kinds = [kind for kind in get_args(returned) if kind is not type(None)] or [returned]
    return kinds


def _conforms(value: Any, kind: Any, path: str) -> list[str]:
    """Where `value` does not have the shape of `kind` (a TypedDict, list, dict, tuple, Literal, union, scalar)."""
    origin = get_origin(kind)
    if kind is Any:
        return []
    if origin in (NotRequired, Required):
        return _conforms(value, get_args(kind)[0], path)
    if origin in (typing.Union, types.UnionType):
        options = [_conforms(value, option, path) for option in get_args(kind)]
        return [] if any(not problems for problems in options) else min(options, key=len)
    if origin is Literal:
        return [] if value in get_args(kind) else [f"{path}: {value!r} is not one of {get_args(kind)}"]
    if is_typeddict(kind):
        if not isinstance(value, dict):
            return [f"{path}: expected a mapping ({kind.__name__}), got {type(value).__name__}"]
        # include_extras keeps NotRequired[...]: under `from __future__ import annotations` __required_keys__
        # counts every key as required on Python 3.11.
        hints = get_type_hints(kind, include_extras=True)
        required = [key for key, hint in hints.items() if get_origin(hint) is not NotRequired]
        problems = [f"{path}.{key}: missing" for key in required if key not in value]
        problems += [f"{path}.{key}: not declared in {kind.__name__}" for key in value if key not in hints]
        for key, item in value.items():
            if key in hints:
                problems += _conforms(item, hints[key], f"{path}.{key}")
        return problems
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        (item_kind,) = get_args(kind)
        return [p for index, item in enumerate(value) for p in _conforms(item, item_kind, f"{path}[{index}]")]
    if origin is tuple:
        if not isinstance(value, tuple) or len(value) != len(get_args(kind)):
            return [f"{path}: expected a {len(get_args(kind))}-tuple, got {value!r}"]
        return [
            p
            for i, (item, k) in enumerate(zip(value, get_args(kind), strict=True))
            for p in _conforms(item, k, f"{path}[{i}]")
        ]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: expected a mapping, got {type(value).__name__}"]
        key_kind, value_kind = get_args(kind)
        problems = [
            f"{path}: key {key!r} is not a str" for key in value if key_kind is str and not isinstance(key, str)
        ]
        return problems + [p for key, item in value.items() for p in _conforms(item, value_kind, f"{path}[{key!r}]")]
    if isinstance(kind, type):
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return []
        return [] if isinstance(value, kind) else [f"{path}: expected {kind.__name__}, got {type(value).__name__}"]
    return []  # a type form this check does not read (e.g. a dataclass Protocol): left to mypy


def _hcl_bodies(value: Any, kind: Any, path: str) -> list[tuple[str, HclBody]]:
    """The HclBody values inside a context (argument maps rendered as Terraform arguments)."""
    found: list[tuple[str, HclBody]] = []
    if kind is HclBody or (kind == dict[str, Any] and isinstance(value, dict)):
        return [(path, value)]
    origin = get_origin(kind)
    if is_typeddict(kind) and isinstance(value, dict):
        hints = get_type_hints(kind, include_extras=True)
        for key, item in value.items():
            found += _hcl_bodies(item, hints.get(key, Any), f"{path}.{key}")
    elif origin in (NotRequired, Required):
        found += _hcl_bodies(value, get_args(kind)[0], path)
    elif origin is list and isinstance(value, list):
        for index, item in enumerate(value):
            found += _hcl_bodies(item, get_args(kind)[0], f"{path}[{index}]")
    elif origin is tuple and isinstance(value, tuple):
        for index, (item, item_kind) in enumerate(zip(value, get_args(kind), strict=False)):
            found += _hcl_bodies(item, item_kind, f"{path}[{index}]")
    return found


def _unrenderable(item: Any) -> str | None:
    """Why `item` has no HCL rendering (None when it renders): nested blocks go through `hcl.attributes`."""
    blocks = [item] if isinstance(item, hcl.Block) else item if isinstance(item, list) else []
    if blocks and all(isinstance(b, hcl.Block) for b in blocks):
        return None
    try:
        hcl.value(item)
    except (TypeError, ValueError) as error:
        return str(error)
    return None


def test_every_context_has_the_shape_its_builder_declares(spec: Spec) -> None:
    problems: list[str] = []
    for entry in FILES:
        context = entry.build(spec)
        if context is None:
            continue
        options = [_conforms(context, kind, entry.path) for kind in _context_type(entry)]
        if all(options):
            closest: list[str] = min(options, key=len)
            problems += closest
    assert problems == []


def test_argument_maps_hold_terraform_arguments_and_hcl_values(spec: Spec) -> None:
    problems: list[str] = []
    bodies = 0
    for entry in FILES:
        context = entry.build(spec)
        if context is None:
            continue
        for kind in _context_type(entry):
            for path, body in _hcl_bodies(context, kind, entry.path):
                bodies += 1
                problems += [
                    f"{path}: {key!r} is not a Terraform argument name"
                    for key in body
                    if not TERRAFORM_ARGUMENT.fullmatch(key)
                ]
                problems += [f"{path}.{key}: {why}" for key, v in body.items() if (why := _unrenderable(v))]
    assert bodies >= 5  # the eks sections, the VPC arguments, ... were found and checked
    assert problems == []


def test_builders_are_pure(spec: Spec) -> None:
    before = spec.model_dump(mode="json")
    for entry in FILES:
        first, second = entry.build(spec), entry.build(spec)
        assert first == second, entry.path
    assert spec.model_dump(mode="json") == before


def test_module_calls_use_the_pinned_versions(spec: Spec) -> None:
    by_path = {entry.path: entry.build(spec) for entry in FILES}
    eks = by_path["eks.tf"]
    assert eks is not None and eks["version"] == spec.terraform.modules.eks
    if spec.terraform.modules.eks == resources.EKS_MODULE_VERSION:
        assert eks["version"] == resources.EKS_MODULE_VERSION


def test_the_shape_check_reports_a_wrong_context() -> None:
    """The checker itself: a missing key, an undeclared key and a wrong kind are each reported."""
    from generator.generate.builders.contexts import ProvidersContext

    assert _conforms({"region": "eu-west-1", "tags": {}}, ProvidersContext, "p") == []
    assert _conforms({"region": "eu-west-1"}, ProvidersContext, "p") == ["p.tags: missing"]
    assert _conforms({"region": 1, "tags": {}, "x": 2}, ProvidersContext, "p") == [
        "p.x: not declared in ProvidersContext",
        "p.region: expected str, got int",
    ]
