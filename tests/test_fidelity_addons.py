"""Addons a cluster actually works with (issue 11): the Pod Identity agent wherever Pod Identity is used,
CoreDNS on Fargate-only clusters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fidelity_support import eks_args, generate, refused

from generator.spec import catalog

FARGATE_SYSTEM = """\
fargateProfiles:
  - name: system
    selectors: [{namespace: kube-system}]
"""


def _addons(repo: Path) -> dict[str, Any]:
    addons: dict[str, Any] = eks_args(repo)["addons"]
    return addons


def _configuration(addon: dict[str, Any]) -> Any:
    raw = addon["configuration_values"]
    assert raw.startswith("${jsonencode(") and raw.endswith(")}"), raw
    return raw


# --- Pod Identity needs its agent ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ("karpenter: {}\n", "karpenter"),
        (
            "podIdentities:\n  - namespace: apps\n    serviceAccount: api\n"
            "    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
            "podIdentities[0]",
        ),
        ("", "addons.aws-ebs-csi-driver.podIdentity"),
    ],
    ids=["karpenter", "podIdentities", "addon"],
)
def test_everything_relying_on_pod_identity_is_refused_without_the_agent(tmp_path: Path, body: str, path: str) -> None:
    addons = "addons:\n  vpc-cni: latest\n  coredns: latest\n  kube-proxy: latest\n"
    if path.startswith("addons."):
        addons += "  aws-ebs-csi-driver:\n    podIdentity:\n      wellKnownPolicies: [ebsCSI]\n"
    result = refused(tmp_path, "managedNodeGroups:\n  - name: general\n" + body + addons)
    assert f"{path}: Pod Identity (" in result.stderr
    assert "needs the eks-pod-identity-agent addon" in result.stderr


def test_karpenter_gets_the_agent_before_compute_by_default(tmp_path: Path) -> None:
    repo = generate(tmp_path, "managedNodeGroups:\n  - name: system\nkarpenter: {}\n")
    agent = _addons(repo)[catalog.POD_IDENTITY_AGENT]
    assert agent["before_compute"] is True


def test_pod_identity_on_fargate_is_refused(tmp_path: Path) -> None:
    result = refused(
        tmp_path,
        """\
        managedNodeGroups:
          - name: system
        fargateProfiles:
          - name: karpenter
            selectors: [{namespace: karpenter}]
        karpenter: {namespace: karpenter}
        """,
    )
    assert "karpenter: the Karpenter controller uses Pod Identity, but Fargate profile 'karpenter' runs pods" in (
        result.stderr
    )
    assert "use IRSA instead" in result.stderr


# --- Fargate-only clusters -----------------------------------------------------------------------------------------


def test_fargate_only_cluster_runs_coredns_on_fargate_without_the_agent(tmp_path: Path) -> None:
    repo = generate(tmp_path, FARGATE_SYSTEM)
    addons = _addons(repo)
    assert sorted(addons) == ["coredns", "kube-proxy", "vpc-cni"]  # no eks-pod-identity-agent on Fargate
    assert _configuration(addons["coredns"]) == '${jsonencode({computeType = "Fargate"})}'


def test_fargate_only_keeps_the_users_coredns_configuration(tmp_path: Path) -> None:
    repo = generate(tmp_path, FARGATE_SYSTEM + "addons:\n  coredns:\n    configuration: {replicaCount: 3}\n")
    text = _configuration(_addons(repo)["coredns"])
    assert "replicaCount" in text and "computeType" in text and "Fargate" in text


def test_cluster_with_nodes_leaves_coredns_alone(tmp_path: Path) -> None:
    repo = generate(tmp_path, "managedNodeGroups:\n  - name: general\n" + FARGATE_SYSTEM)
    coredns = _addons(repo)["coredns"]
    assert "configuration_values" not in coredns
    assert catalog.POD_IDENTITY_AGENT in _addons(repo)


@pytest.mark.parametrize(
    "selector",
    ["{namespace: apps}", "{namespace: kube-system, labels: {app: other}}"],
    ids=["other-namespace", "labels-exclude-coredns"],
)
def test_fargate_only_without_a_profile_for_coredns_is_refused(tmp_path: Path, selector: str) -> None:
    result = refused(tmp_path, f"fargateProfiles:\n  - name: p\n    selectors: [{selector}]\n")
    assert "fargateProfiles: no EC2 node group and no Fargate profile selects kube-system" in result.stderr
