"""irsa.tf, pod_identity.tf and kubernetes/service-accounts.yaml: IAM roles for pods.

IRSA roles use terraform-aws-iam v6 `iam-role-for-service-accounts` (its trust policy is `StringEquals` on the
provider's `:sub` and `:aud`), with the module's `attach_*` policies for the well-known controllers. Pod Identity
roles use `iam-role` trusting `pods.eks.amazonaws.com` (`sts:AssumeRole` + `sts:TagSession`); a well-known policy
maps to the AWS managed policy where one exists.
"""

from __future__ import annotations

from typing import Any

from generator.generate import names
from generator.generate.builders.common import (
    WorkloadIdentity,
    manifest_metadata,
    manifest_namespaces,
    workload_identities,
)
from generator.generate.builders.contexts import (
    Association,
    ServiceAccountEntry,
    ServiceAccountsContext,
    WorkloadModule,
    WorkloadModulesContext,
)
from generator.generate.hcl import Expr
from generator.spec import catalog
from generator.spec.models import PodIdentity, Spec

IRSA_SOURCE = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts"
ROLE_SOURCE = "terraform-aws-modules/iam/aws//modules/iam-role"

# wellKnownPolicies -> iam-role-for-service-accounts inputs (eks-facts §2).
IRSA_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "loadBalancerController": {"attach_load_balancer_controller_policy": True},
    "ebsCSI": {"attach_ebs_csi_policy": True},
    "efsCSI": {"attach_efs_csi_policy": True},
    "externalDNS": {"attach_external_dns_policy": True},
    "certManager": {"attach_cert_manager_policy": True},
    "clusterAutoscaler": {"attach_cluster_autoscaler_policy": True},
    "vpcCNI": {"attach_vpc_cni_policy": True},
}


def _companions(spec: Spec, identity: WorkloadIdentity) -> dict[str, Any]:
    """The lists and switches a well-known policy needs beside its attach_* input: without them the module writes a
    statement with no Resource (IAM: MalformedPolicyDocument) or a policy that grants nothing useful."""
    role = identity.role
    policies = role.well_known_policies
    zones = list(role.hosted_zone_arns) if role.hosted_zone_arns else [catalog.ALL_HOSTED_ZONES]
    args: dict[str, Any] = {}
    if "externalDNS" in policies:
        args["external_dns_hosted_zone_arns"] = zones
    if "certManager" in policies:
        args["cert_manager_hosted_zone_arns"] = zones
    if "clusterAutoscaler" in policies:
        args["cluster_autoscaler_cluster_names"] = [Expr(f"module.{names.EKS_MODULE}.cluster_name")]
    if "vpcCNI" in policies:
        ipv6 = spec.cluster.kubernetes_network.ip_family == "ipv6"
        args["vpc_cni_enable_ipv6" if ipv6 else "vpc_cni_enable_ipv4"] = True
    return args


def _policies(identity: WorkloadIdentity, managed: dict[str, str]) -> dict[str, str] | None:
    policies: dict[str, str] = {}
    for name in identity.role.well_known_policies:
        if name in managed:
            policies[name] = managed[name]
    for index, arn in enumerate(identity.role.policy_arns):
        policies[f"policy_{index}"] = arn
    return policies or None


def _statements(identity: WorkloadIdentity) -> dict[str, Any] | None:
    statements: dict[str, Any] = {}
    for index, statement in enumerate(identity.role.statements):
        sid = statement.sid or f"Statement{index}"
        statements[sid] = {
            "effect": statement.effect,
            "actions": list(statement.actions),
            "resources": list(statement.resources),
        }
    return statements or None


def _irsa_module(spec: Spec, identity: WorkloadIdentity) -> WorkloadModule:
    role = identity.role
    args: dict[str, Any] = {"name": identity.role_name(spec.cluster.name), "use_name_prefix": False}
    for name in role.well_known_policies:
        args.update(IRSA_WELL_KNOWN.get(name, {}))
    args.update(_companions(spec, identity))
    args["oidc_providers"] = {
        "main": {
            "provider_arn": Expr(f"module.{names.EKS_MODULE}.oidc_provider_arn"),
            "namespace_service_accounts": [f"{identity.namespace}:{identity.service_account}"],
        }
    }
    args["policies"] = _policies(identity, catalog.WELL_KNOWN_MANAGED_POLICIES)
    statements = _statements(identity)
    if statements:
        args["create_inline_policy"] = True
        args["inline_policy_permissions"] = statements
    args["permissions_boundary"] = role.permissions_boundary
    return {"module": identity.module, "identity": identity, "arguments": args}


def _pod_identity_module(spec: Spec, identity: WorkloadIdentity) -> WorkloadModule:
    association = _association(identity)
    if not identity.creates_role:
        return {"module": identity.module, "identity": identity, "arguments": None, "association": association}
    role = identity.role
    args: dict[str, Any] = {
        "name": identity.role_name(spec.cluster.name),
        "use_name_prefix": False,
        "trust_policy_permissions": {
            "PodIdentity": {
                "actions": ["sts:AssumeRole", "sts:TagSession"],
                "principals": [{"type": "Service", "identifiers": ["pods.eks.amazonaws.com"]}],
            }
        },
        "policies": _policies(identity, catalog.POD_IDENTITY_WELL_KNOWN_POLICIES),
    }
    statements = _statements(identity)
    if statements:
        args["create_inline_policy"] = True
        args["inline_policy_permissions"] = statements
    args["permissions_boundary"] = role.permissions_boundary
    return {"module": identity.module, "identity": identity, "arguments": args, "association": association}


def _association(identity: WorkloadIdentity) -> Association | None:
    if identity.addon is not None:
        # Addons get their association through module "eks" (`pod_identity_association`); others get one here.
        return None
    arguments: dict[str, Any] = {
        "cluster_name": Expr(f"module.{names.EKS_MODULE}.cluster_name"),
        "namespace": identity.namespace,
        "service_account": identity.service_account,
        "role_arn": identity.role_arn,
    }
    if isinstance(identity.role, PodIdentity):
        arguments["target_role_arn"] = identity.role.target_role_arn
        arguments["disable_session_tags"] = identity.role.disable_session_tags
    resource = names.pod_identity_association_resource(identity.namespace, identity.service_account)
    return {"resource": resource.split(".", 1)[1], "arguments": arguments}


def irsa(spec: Spec) -> WorkloadModulesContext | None:
    modules = [_irsa_module(spec, i) for i in workload_identities(spec) if i.kind == "irsa" and i.creates_role]
    if not modules:
        return None
    return {"source": IRSA_SOURCE, "version": spec.terraform.modules.iam, "modules": modules}


def pod_identity(spec: Spec) -> WorkloadModulesContext | None:
    modules = [_pod_identity_module(spec, i) for i in workload_identities(spec) if i.kind == "pod_identity"]
    modules = [m for m in modules if m["arguments"] is not None or m.get("association")]
    if not modules:
        return None
    return {"source": ROLE_SOURCE, "version": spec.terraform.modules.iam, "modules": modules}


def service_accounts(spec: Spec) -> ServiceAccountsContext | None:
    """ServiceAccount manifests users apply themselves (addons create their own service accounts)."""
    accounts: list[ServiceAccountEntry] = []
    identities = [i for i in workload_identities(spec) if i.addon is None]
    for identity in identities:
        labels, annotations = manifest_metadata(identity)
        accounts.append(
            {
                "name": identity.service_account,
                "namespace": identity.namespace,
                "irsa": identity.kind == "irsa",
                "output": identity.output_name,
                "role_name": identity.role_name(spec.cluster.name),
                "existing_role_arn": identity.existing_role_arn,
                "labels": labels,
                "annotations": annotations,
            }
        )
    if not accounts:
        return None
    return {"namespaces": manifest_namespaces(identities), "accounts": accounts}
