"""'Did you mean' picks the real name or value nearest to what was typed (generator.suggest)."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel

from generator.spec import catalog
from generator.spec.models import Spec
from generator.suggest import did_you_mean, nearest


def _literal_sets(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> list[tuple[str, ...]]:
    """Every set of allowed values (Literal types) in the spec model, walked through nested models."""
    seen = seen if seen is not None else set()
    if model in seen:
        return []
    seen.add(model)
    found: list[tuple[str, ...]] = []

    def walk(annotation: Any) -> None:
        origin = get_origin(annotation)
        if origin is Literal:
            values = tuple(v for v in get_args(annotation) if isinstance(v, str))
            if len(values) > 1:
                found.append(values)
        elif origin in (list, dict, tuple, typing.Union, types.UnionType):
            for arg in get_args(annotation):
                walk(arg)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.extend(_literal_sets(annotation, seen))

    for field in model.model_fields.values():
        walk(field.annotation)
    return found


VALUE_SETS = [
    *_literal_sets(Spec),
    catalog.ACCESS_POLICIES,
    catalog.WELL_KNOWN_POLICIES,
    catalog.AMI_TYPES,
]


def _variants(value: str) -> list[str]:
    """Ways a user mistypes `value`: case, separators, one letter dropped or doubled."""
    variants = {value.upper(), value.lower(), value.replace("_", "-"), value.replace("-", "_"), value.replace("-", "")}
    if len(value) >= 6:
        middle = len(value) // 2
        variants.add(value[:middle] + value[middle + 1 :])
        variants.add(value[:middle] + value[middle] + value[middle:])
    return sorted(variants - {value})


def test_the_spec_has_value_sets_to_check() -> None:
    assert len(VALUE_SETS) > 10
    assert ("single", "per-az", "none") in VALUE_SETS


@pytest.mark.parametrize("values", VALUE_SETS, ids=lambda values: values[0])
def test_a_mistyped_value_suggests_the_value_it_came_from(values: tuple[str, ...]) -> None:
    for value in values:
        for typed in _variants(value):
            if typed in values:
                continue
            assert nearest(typed, values) == value, f"{typed!r} → {nearest(typed, values)!r}, not {value!r}"


@pytest.mark.parametrize(
    ("typed", "candidates", "expected"),
    [
        # access policies by part of their name
        ("ClusterAdmin", catalog.ACCESS_POLICIES, "AmazonEKSClusterAdminPolicy"),
        ("AmazonEKSAdmin", catalog.ACCESS_POLICIES, "AmazonEKSAdminPolicy"),
        ("admin", catalog.ACCESS_POLICIES, "AmazonEKSAdminPolicy"),
        ("view", catalog.ACCESS_POLICIES, "AmazonEKSViewPolicy"),
        ("AmazonEKSViewerPolicy", catalog.ACCESS_POLICIES, "AmazonEKSViewPolicy"),
        ("EKSAdminViewPolicy", catalog.ACCESS_POLICIES, "AmazonEKSAdminViewPolicy"),
        ("autoscaler", catalog.WELL_KNOWN_POLICIES, "clusterAutoscaler"),
        # enum values written another way
        ("perAz", ("single", "per-az", "none"), "per-az"),
        ("API_CONFIGMAP", ("API", "API_AND_CONFIG_MAP", "CONFIG_MAP"), "API_AND_CONFIG_MAP"),
        # Terraform arguments renamed by a module major (eks v21 dropped the cluster_ prefix)
        ("cluster_endpoint_public_access", ("endpoint_public_access", "name"), "endpoint_public_access"),
        ("verison", ("version", "name", "region"), "version"),
    ],
)
def test_nearest_real_name(typed: str, candidates: tuple[str, ...], expected: str) -> None:
    assert nearest(typed, candidates) == expected


def test_no_suggestion_when_nothing_is_near() -> None:
    assert nearest("xyz", catalog.ACCESS_POLICIES) is None
    assert nearest("ab", ("abc-long-name", "abd-long-name")) is None  # too short to mean one of them
    assert nearest("version", ("version", "name")) is None  # already a real name
    assert did_you_mean("qqqq", ("name",)) == ""


def test_case_only_differences_say_so() -> None:
    assert did_you_mean("IPv6", ("ipv4", "ipv6"), what="values") == "did you mean `ipv6`? (values are case-sensitive)"
    assert did_you_mean("perAz", ("per-az",), what="values") == "did you mean `per-az`?"
