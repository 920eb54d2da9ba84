"""eks.tf: the arguments of module "eks" (terraform-aws-modules/eks/aws v21), grouped by concern."""

from __future__ import annotations

from typing import Any

from generator.generate import names
from generator.generate.builders import compute
from generator.generate.builders.common import addon_identity, karpenter_enabled, private_subnets, public_subnets
from generator.generate.builders.contexts import EksContext, HclBody
from generator.generate.hcl import NULL, Call, Expr
from generator.spec import catalog
from generator.spec.models import AccessEntry, Spec


def eks(spec: Spec) -> EksContext:
    cluster = spec.cluster
    sections: list[tuple[str, HclBody]] = [
        ("", {"name": cluster.name, "kubernetes_version": cluster.version}),
        ("Network", _network(spec)),
        ("Access: who can use the cluster (v21 gives nobody admin unless told to)", _access(spec)),
        ("Control plane", _control_plane(spec)),
    ]
    if cluster.outpost is not None:
        sections.append(
            (
                "EKS local cluster on AWS Outposts: no EKS add-ons API (EKS installs vpc-cni, kube-proxy and CoreDNS)",
                _outpost(spec),
            )
        )
    else:
        sections.append(("Addons", {"addons": _addons(spec)}))
    managed = compute.managed_node_groups(spec)
    if managed:
        own = [g.name for g in spec.managed_node_groups if g.launch_template is not None]
        where = "launch templates in launch_templates.tf" + (f"; {', '.join(own)}: existing templates" if own else "")
        sections.append((f"EKS managed node groups ({where})", managed))
    self_managed = compute.self_managed_node_groups(spec)
    if self_managed:
        sections.append(("Self-managed node groups (node roles in node_iam.tf)", self_managed))
    if spec.fargate_profiles:
        sections.append(("Fargate", {"fargate_profiles": _fargate(spec)}))
    if any(g.efa for g in [*spec.managed_node_groups, *spec.node_groups]):
        sections.append(
            (
                "EFA needs all traffic between the nodes' interfaces",
                {"node_security_group_additional_rules": _efa_rules()},
            )
        )
    if karpenter_enabled(spec):
        sections.append(
            (
                "Karpenter discovers the node security group by this tag",
                {"node_security_group_tags": {"karpenter.sh/discovery": cluster.name}},
            )
        )
    return {"module": names.EKS_MODULE, "version": spec.terraform.modules.eks, "sections": sections}


def _outpost(spec: Spec) -> dict[str, Any]:
    outpost = spec.cluster.outpost
    assert outpost is not None
    config: dict[str, Any] = {
        "outpost_arns": list(outpost.arns),
        "control_plane_instance_type": outpost.control_plane_instance_type,
    }
    if outpost.control_plane_placement_group is not None:
        config["control_plane_placement"] = {"group_name": outpost.control_plane_placement_group}
    return {"outpost_config": config}


def _efa_rules() -> dict[str, Any]:
    rule = {"protocol": "-1", "from_port": 0, "to_port": 0, "self": True}
    return {
        "efa_ingress_self": {**rule, "type": "ingress", "description": "EFA: all traffic from other nodes"},
        "efa_egress_self": {**rule, "type": "egress", "description": "EFA: all traffic to other nodes"},
    }


def _network(spec: Spec) -> dict[str, Any]:
    cluster = spec.cluster
    endpoint = cluster.endpoint
    args: dict[str, Any] = {
        "vpc_id": Expr("local.vpc_id"),
        "subnet_ids": private_subnets(spec),
        "control_plane_subnet_ids": Expr("local.control_plane_subnet_ids"),
    }
    if spec.vpc.security_group_ids:
        args["additional_security_group_ids"] = list(spec.vpc.security_group_ids)
    args["endpoint_public_access"] = endpoint.public
    args["endpoint_private_access"] = endpoint.private
    if endpoint.public:
        args["endpoint_public_access_cidrs"] = list(endpoint.public_cidrs)
    args["ip_family"] = cluster.kubernetes_network.ip_family
    if cluster.kubernetes_network.ip_family == "ipv6":
        # Node roles of an IPv6 cluster need the CNI's IPv6 policy, which AWS does not provide as a managed policy.
        args["create_cni_ipv6_iam_policy"] = True
    args["service_ipv4_cidr"] = cluster.kubernetes_network.service_cidr
    return args


def access_entries(spec: Spec) -> dict[str, Any]:
    return {names.access_entry_key(entry.principal_arn): _access_entry(entry) for entry in spec.cluster.access_entries}


def _access_entry(entry: AccessEntry) -> dict[str, Any]:
    body: dict[str, Any] = {"principal_arn": entry.principal_arn}
    if entry.type != "STANDARD":
        body["type"] = entry.type
    if entry.kubernetes_groups:
        body["kubernetes_groups"] = list(entry.kubernetes_groups)
    body["user_name"] = entry.username
    associations: dict[str, Any] = {}
    for policy in entry.policies:
        scope: dict[str, Any] = {"type": policy.scope}
        if policy.scope == "namespace":
            scope["namespaces"] = list(policy.namespaces)
        associations[names.access_policy_key(policy.policy_arn)] = {
            "policy_arn": policy.policy_arn,
            "access_scope": scope,
        }
    if associations:
        body["policy_associations"] = associations
    return body


def _access(spec: Spec) -> dict[str, Any]:
    cluster = spec.cluster
    entries = access_entries(spec)
    return {
        "authentication_mode": cluster.authentication_mode,
        "enable_cluster_creator_admin_permissions": cluster.creator_admin,
        "access_entries": entries or None,
    }


def _control_plane(spec: Spec) -> dict[str, Any]:
    cluster = spec.cluster
    encryption = cluster.secrets_encryption
    args: dict[str, Any] = {}
    if cluster.service_role_arn is not None:
        args["create_iam_role"] = False
        args["iam_role_arn"] = cluster.service_role_arn
    else:
        args["iam_role_permissions_boundary"] = cluster.service_role_permissions_boundary
    if encryption.mode == "create":
        args["create_kms_key"] = True
        args["encryption_config"] = {"resources": ["secrets"]}
    elif encryption.mode == "existing":
        args["create_kms_key"] = False
        args["encryption_config"] = {"provider_key_arn": encryption.kms_key_arn, "resources": ["secrets"]}
    else:
        args["create_kms_key"] = False
        args["encryption_config"] = NULL
    args["enabled_log_types"] = list(cluster.logging.types)
    # No log types: no empty log group, unless the spec keeps one by giving its retention (an adopted cluster's).
    if cluster.logging.types or "retention_days" in cluster.logging.model_fields_set:
        args["cloudwatch_log_group_retention_in_days"] = cluster.logging.retention_days
    else:
        args["create_cloudwatch_log_group"] = False
    # Local clusters on Outposts have no IAM OIDC provider, so no IRSA.
    args["enable_irsa"] = cluster.outpost is None
    if cluster.upgrade_policy is not None:
        args["upgrade_policy"] = {"support_type": cluster.upgrade_policy.support_type}
    if cluster.zonal_shift is not None:
        args["zonal_shift_config"] = {"enabled": cluster.zonal_shift}
    args["deletion_protection"] = cluster.deletion_protection
    if cluster.control_plane_scaling is not None:
        args["control_plane_scaling_config"] = {"tier": cluster.control_plane_scaling.tier}
    return args


def _addons(spec: Spec) -> dict[str, Any]:
    addons: dict[str, Any] = {}
    for name, addon in (spec.addons or {}).items():
        body: dict[str, Any] = {}
        before = addon.before_compute if addon.before_compute is not None else name in catalog.BEFORE_COMPUTE_ADDONS
        if before:
            body["before_compute"] = True
        if addon.version == "latest":
            body["most_recent"] = True
        else:
            body["most_recent"] = False
            body["addon_version"] = addon.version
        if addon.configuration:
            body["configuration_values"] = Call("jsonencode", (addon.configuration,))
        body["resolve_conflicts_on_create"] = "OVERWRITE" if addon.resolve_conflicts == "OVERWRITE" else "NONE"
        body["resolve_conflicts_on_update"] = addon.resolve_conflicts
        identity = addon_identity(name, addon)
        if identity is not None and identity.kind == "irsa":
            body["service_account_role_arn"] = identity.role_arn
        elif identity is not None:
            body["pod_identity_association"] = [
                {"role_arn": identity.role_arn, "service_account": identity.service_account}
            ]
        elif addon.service_account_role_arn is not None:
            body["service_account_role_arn"] = addon.service_account_role_arn
        addons[name] = body
    return addons


def _fargate(spec: Spec) -> dict[str, Any]:
    profiles: dict[str, Any] = {}
    for profile in spec.fargate_profiles:
        selectors = []
        for selector in profile.selectors:
            item: dict[str, Any] = {"namespace": selector.namespace}
            if selector.labels:
                item["labels"] = dict(selector.labels)
            selectors.append(item)
        profiles[profile.name] = {
            "selectors": selectors,
            "subnet_ids": list(profile.subnets) if profile.subnets else private_subnets(spec),
            "tags": dict(profile.tags) or None,
        }
        if profile.pod_execution_role_arn is not None:
            profiles[profile.name] |= {"create_iam_role": False, "iam_role_arn": profile.pod_execution_role_arn}
    return profiles


__all__ = ["eks", "public_subnets"]
