"""Reading EKS-specific attribute values: Kubernetes and addon versions, IRSA trust policies."""

from __future__ import annotations

import json
import re
from typing import Any

_MINOR = re.compile(r"^\s*v?(\d+)\.(\d+)")
_ADDON = re.compile(r"^\s*v?(\d+)\.(\d+)\.(\d+)(?:-eksbuild\.(\d+))?")
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"


def kubernetes_minor(version: Any) -> tuple[int, int] | None:
    """'1.31' (or '1.31.2-eks-…') → (1, 31); None when unknown or not a version."""
    if not isinstance(version, str):
        return None
    match = _MINOR.match(version)
    return (int(match.group(1)), int(match.group(2))) if match else None


def minor_distance(old: tuple[int, int], new: tuple[int, int]) -> int:
    """Minor versions from `old` to `new` (negative for a downgrade); majors count as 100 minors."""
    return (new[0] - old[0]) * 100 + (new[1] - old[1])


def addon_version_key(version: Any) -> tuple[int, int, int, int] | None:
    """'v1.19.0-eksbuild.2' → (1, 19, 0, 2); None when unknown or unparseable."""
    if not isinstance(version, str):
        return None
    match = _ADDON.match(version)
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2)), int(match.group(3)), int(match.group(4) or 0))


def _as_list(item: Any) -> list[Any]:
    if item is None:
        return []
    return item if isinstance(item, list) else [item]


def parse_policy(document: Any) -> dict[str, Any] | None:
    """A policy document given as JSON text (as in `assume_role_policy`) or already decoded."""
    if isinstance(document, dict):
        return document
    if not isinstance(document, str) or not document.strip().startswith("{"):
        return None
    try:
        parsed = json.loads(document)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def trusted_service_accounts(policy: dict[str, Any]) -> set[str]:
    """`ns:sa` names (wildcards kept) allowed by web-identity statements' `…:sub` conditions."""
    accounts: set[str] = set()
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect", "Allow") != "Allow":
            continue
        if WEB_IDENTITY_ACTION not in _as_list(statement.get("Action")):
            continue
        condition = statement.get("Condition")
        for operator, conditions in condition.items() if isinstance(condition, dict) else ():
            if not operator.startswith(("StringEquals", "StringLike")) or not isinstance(conditions, dict):
                continue
            for key, values in conditions.items():
                if not key.endswith(":sub"):
                    continue
                for subject in _as_list(values):
                    if isinstance(subject, str) and subject.startswith(SERVICE_ACCOUNT_PREFIX):
                        accounts.add(subject[len(SERVICE_ACCOUNT_PREFIX) :])
    return accounts


def trusted_principals(policy: dict[str, Any]) -> set[str]:
    """Service principals and federated providers a trust policy allows (to tell cluster/node/IRSA roles apart)."""
    principals: set[str] = set()
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, dict):
            continue
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            for kind in ("Service", "Federated", "AWS"):
                principals.update(str(p) for p in _as_list(principal.get(kind)))
    return principals


def role_kind(policy: dict[str, Any] | None) -> str:
    """'cluster role', 'node role', 'IRSA role' or 'IAM role', from who may assume it."""
    if policy is None:
        return "IAM role"
    principals = trusted_principals(policy)
    if "eks.amazonaws.com" in principals:
        return "cluster role"
    if "ec2.amazonaws.com" in principals:
        return "node role"
    if trusted_service_accounts(policy) or any("oidc-provider" in p for p in principals):
        return "IRSA role"
    if "pods.eks.amazonaws.com" in principals:
        return "pod identity role"
    return "IAM role"
