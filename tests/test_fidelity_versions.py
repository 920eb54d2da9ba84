"""Kubernetes versions EKS does not offer are refused before anything is written (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fidelity_support import refused

from generator.errors import UserInputError
from generator.spec import catalog
from generator.spec.loader import load_spec_text


@pytest.mark.parametrize("version", ["1.18", "1.21", "1.22", "1.31"])
def test_generate_refuses_a_version_eks_does_not_offer(tmp_path: Path, version: str) -> None:
    result = refused(tmp_path, "managedNodeGroups:\n  - name: general\n", head=_head(version))
    assert f"ekstf.yaml:4:3: error: cluster.version: EKS does not create clusters on Kubernetes {version}" in (
        result.stderr
    )
    assert "expected: one of: " + ", ".join(catalog.OFFERED_KUBERNETES_VERSIONS) in result.stderr
    assert "--kubernetes-version" in result.stderr


def _head(version: str) -> str:
    return f'cluster:\n  name: fid\n  region: eu-west-1\n  version: "{version}"\n'


def test_the_catalog_is_current_and_its_default_is_offered() -> None:
    assert catalog.KUBERNETES_CATALOG_DATE >= "2026-12-01"
    assert catalog.DEFAULT_KUBERNETES_VERSION in catalog.OFFERED_KUBERNETES_VERSIONS
    for version in catalog.OFFERED_KUBERNETES_VERSIONS:
        _, _, extended_end = catalog.KUBERNETES_SUPPORT[version]
        assert extended_end > catalog.KUBERNETES_CATALOG_DATE
    minors = [catalog.minor_number(v) for v in catalog.OFFERED_KUBERNETES_VERSIONS]
    assert minors == list(range(minors[0], minors[-1] + 1)), "offered minors are consecutive"


def test_every_minor_older_than_the_offered_ones_is_refused_and_newer_ones_warn() -> None:
    """Guard for the class: the loader (and so generate and validate) refuses exactly the retired minors."""
    oldest = catalog.minor_number(catalog.OFFERED_KUBERNETES_VERSIONS[0])
    newest = catalog.minor_number(catalog.OFFERED_KUBERNETES_VERSIONS[-1])
    for minor in range(10, newest + 5):
        text = _head(f"1.{minor}") + "managedNodeGroups:\n  - name: general\n"
        if minor < oldest:
            with pytest.raises(UserInputError) as raised:
                load_spec_text(text)
            assert any(p.key_path == "cluster.version" for p in raised.value.problems), minor
            continue
        loaded = load_spec_text(text)
        warned = [w for w in loaded.warnings if w.key_path == "cluster.version"]
        assert bool(warned) == (minor > newest), minor
