"""Spec values both migrations write the same way, from an eksctl ClusterConfig and from a live cluster.

Each takes values already read (and reported) by its caller and returns the spec object to write.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from generator.migrate.spec_paths import ITEM, SpecNode, SpecPath
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


def access_entry(principal_arn: str, entry_type: str) -> SpecNode:
    """An access entry's principal and type (STANDARD, the default, is left out); groups, user name and policies
    are the caller's, in its own order."""
    node = SpecNode("cluster.accessEntries[]", {"principalArn": principal_arn})
    if entry_type != "STANDARD":
        node["type"] = entry_type
    return node


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


# --- node groups ---------------------------------------------------------------------------------------


def node_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Node labels in a stable (sorted) order, so a re-run writes the same spec."""
    return dict(sorted(labels.items()))


def taint(group: SpecPath, key: str, value: str | None, effect: str, *, value_before_effect: bool) -> SpecNode:
    """A node taint of the group at `group` (e.g. `managedNodeGroups[]`); an empty value is left out.

    `effect` is already spelt as the spec's TaintEffect (see `taint_effect`). The eksctl mapper has always written
    the value after the effect and the live mapper before it: the order is the caller's, so neither output moves.
    """
    node = SpecNode((*group, "taints", ITEM), {"key": key})
    if value and value_before_effect:
        node["value"] = value
    node["effect"] = effect
    if value and not value_before_effect:
        node["value"] = value
    return node


def scaling(group: SpecNode, min_size: int, max_size: int, desired_size: int) -> None:
    """The node group's sizes, written in the spec's order (minSize, maxSize, desiredSize)."""
    group["minSize"] = min_size
    group["maxSize"] = max_size
    group["desiredSize"] = desired_size


def ssh(group: SpecPath, key_name: str, source_security_group_ids: list[str] | None) -> SpecNode:
    """SSH to the group's nodes with an EC2 key pair, from these security groups when given."""
    node = SpecNode((*group, "ssh"), {"keyName": key_name})
    if source_security_group_ids:
        node["sourceSecurityGroupIds"] = source_security_group_ids
    return node


def update_config(max_unavailable: int | None, max_unavailable_percentage: int | None) -> SpecNode | None:
    """A managed group's update config; EKS takes one of the two, and the percentage wins when both are given."""
    path = "managedNodeGroups[].updateConfig"
    if max_unavailable_percentage is not None:
        return SpecNode(path, {"maxUnavailablePercentage": max_unavailable_percentage})
    if max_unavailable is not None:
        return SpecNode(path, {"maxUnavailable": max_unavailable})
    return None


def launch_template(template_id: str, version: str | None) -> SpecNode:
    """A managed group's own launch template, by id (and version, else its default version)."""
    node = SpecNode("managedNodeGroups[].launchTemplate", {"id": template_id})
    if version:
        node["version"] = version
    return node


# --- workload IAM, addons, Fargate ---------------------------------------------------------------------

# The keys of an IAM policy statement the spec's `statements` can express.
STATEMENT_KEYS = frozenset({"Sid", "Effect", "Action", "Resource"})


def policy_statement(role: SpecPath, item: Any, *, keep_sid: bool = True) -> SpecNode | None:
    """An IAM policy statement of the role at `role` (e.g. `serviceAccounts[]`), as the spec writes it.

    None when the statement is not a mapping, names no action, or uses a key the spec cannot express
    (Condition, NotAction, Principal...): the caller reports it. The live mapper has never carried Sids over
    (`keep_sid=False`), so its output stays as it was.
    """
    if not isinstance(item, dict) or set(item) - STATEMENT_KEYS or "Action" not in item:
        return None
    actions = item["Action"] if isinstance(item["Action"], list) else [item["Action"]]
    resources = item.get("Resource", "*")
    node = SpecNode(
        (*role, "statements", ITEM),
        {
            "effect": str(item.get("Effect", "Allow")),
            "actions": [str(a) for a in actions],
            "resources": [str(r) for r in (resources if isinstance(resources, list) else [resources])],
        },
    )
    if keep_sid and item.get("Sid"):
        node["sid"] = str(item["Sid"])
    return node


def addon(name: str, version: str, service_account_role_arn: str | None) -> SpecNode:
    """An addon at its version, with the IAM role its service account already uses (IRSA) if it has one."""
    node = SpecNode(("addons", name), {"version": version})
    if service_account_role_arn:
        node["serviceAccountRoleArn"] = service_account_role_arn
    return node


def addon_configuration(value: Any) -> dict[str, Any] | None:
    """An addon's configuration values (a mapping, or JSON or YAML text as EKS takes them); None if not an object."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            parsed = YAML(typ="safe").load(value)
        except (YAMLError, ValueError):
            return None
    return parsed if isinstance(parsed, dict) else None


def fargate_selector(namespace: str | None, labels: Mapping[str, str] | None) -> SpecNode:
    """A Fargate profile selector: the namespace, and the labels pods must also carry (each left out when empty)."""
    node = SpecNode("fargateProfiles[].selectors[]")
    if namespace:
        node["namespace"] = namespace
    if labels:
        node["labels"] = labels
    return node
