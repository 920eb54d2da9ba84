"""Spec values both migrations write the same way, from an eksctl ClusterConfig and from a live cluster.

Each takes values already read (and reported) by its caller and returns the spec object to write.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable

from generator.migrate.spec_paths import SpecNode
from generator.spec import catalog
from generator.spec.models import AccessEntry, TaintEffect

ACCESS_ENTRY_TYPES: tuple[str, ...] = typing.get_args(AccessEntry.model_fields["type"].annotation)
_TAINT_EFFECTS = {effect.lower(): effect for effect in typing.get_args(TaintEffect)}


def taint_effect(effect: str) -> str | None:
    """The spec's spelling of a taint effect given as eksctl (NoSchedule) or the EKS API (NO_SCHEDULE) writes it."""
    return _TAINT_EFFECTS.get(effect.replace("_", "").lower())


def log_types(types: Iterable[str]) -> list[str]:
    """The control-plane log types among `types` that EKS knows, each once, in the catalog's order."""
    return sorted({t for t in types if t in catalog.LOG_TYPES}, key=catalog.LOG_TYPES.index)


def logging(types: Iterable[str], retention_days: int | None) -> SpecNode:
    node = SpecNode("cluster.logging", {"types": log_types(types)})
    if retention_days is not None:
        node["retentionDays"] = retention_days
    return node


def endpoint(public: bool, private: bool, public_cidrs: list[str] | None = None) -> SpecNode:
    node = SpecNode("cluster.endpoint", {"public": public, "private": private})
    if public_cidrs:
        node["publicCidrs"] = public_cidrs
    return node


def secrets_encryption(key_arn: str | None) -> SpecNode:
    """An existing KMS key is kept; without one, envelope encryption stays off (neither tool adds a key)."""
    if key_arn:
        return SpecNode("cluster.secretsEncryption", {"mode": "existing", "kmsKeyArn": key_arn})
    return SpecNode("cluster.secretsEncryption", {"mode": "off"})


def kubernetes_network(ip_family: str | None, service_cidr: str | None) -> SpecNode | None:
    node = SpecNode("cluster.kubernetesNetwork")
    if ip_family:
        node["ipFamily"] = ip_family.lower()
    if service_cidr:
        node["serviceCidr"] = service_cidr
    return node if node else None


def access_policy(policy_arn: str, namespaces: list[str] | None) -> SpecNode:
    """An access policy association: namespace-scoped when `namespaces` is given, else cluster-scoped."""
    node = SpecNode(
        "cluster.accessEntries[].policies[]", {"policy": policy_arn.removeprefix(catalog.ACCESS_POLICY_PREFIX)}
    )
    if namespaces is not None:
        node["scope"] = "namespace"
        node["namespaces"] = namespaces
    return node


def upgrade_policy(support_type: str) -> SpecNode:
    return SpecNode("cluster.upgradePolicy", {"supportType": support_type})
