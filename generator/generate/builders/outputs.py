"""outputs.tf: what operators and CI need after apply."""

from __future__ import annotations

from generator.generate import names
from generator.generate.builders.common import (
    karpenter_enabled,
    manifest_metadata,
    manifest_namespaces,
    workload_identities,
)
from generator.generate.builders.contexts import Output, OutputsContext
from generator.generate.hcl import Call, Expr
from generator.spec.models import Spec


def _eks(attribute: str) -> Expr:
    return Expr(f"module.{names.EKS_MODULE}.{attribute}")


def outputs(spec: Spec) -> OutputsContext:
    items: list[Output] = [
        {"name": "region", "description": "AWS region of the cluster.", "value": spec.cluster.region},
        {"name": "cluster_name", "description": "Name of the EKS cluster.", "value": _eks("cluster_name")},
        {
            "name": "cluster_endpoint",
            "description": "Endpoint of the Kubernetes API.",
            "value": _eks("cluster_endpoint"),
        },
        {
            "name": "cluster_certificate_authority_data",
            "description": "Base64 CA certificate of the cluster.",
            "value": _eks("cluster_certificate_authority_data"),
        },
        {
            "name": "cluster_oidc_issuer_url",
            "description": "OIDC issuer URL of the cluster (IRSA).",
            "value": _eks("cluster_oidc_issuer_url"),
        },
        {
            "name": "oidc_provider_arn",
            "description": "ARN of the IAM OIDC provider IRSA roles trust.",
            "value": _eks("oidc_provider_arn"),
        },
        {
            "name": "node_security_group_id",
            "description": "Security group of the nodes.",
            "value": _eks("node_security_group_id"),
        },
    ]
    if spec.managed_node_groups:
        items.append(
            {
                "name": "eks_managed_node_group_role_arns",
                "description": "IAM role ARN of each managed node group.",
                "value": Expr(
                    f"{{ for k, v in module.{names.EKS_MODULE}.eks_managed_node_groups : k => v.iam_role_arn }}"
                ),
            }
        )
    if spec.node_groups:
        items.append(
            {
                "name": "self_managed_node_group_role_arns",
                "description": "IAM role ARN of each self-managed node group.",
                "value": {
                    g.name: Expr(f"module.{names.self_managed_node_role_module(g.name)}.arn") for g in spec.node_groups
                },
            }
        )
    if karpenter_enabled(spec):
        items += [
            {
                "name": "karpenter_node_role_name",
                "description": "Node role for Karpenter's EC2NodeClass (spec.role).",
                "value": Expr(f"module.{names.KARPENTER_MODULE}.node_iam_role_name"),
            },
            {
                "name": "karpenter_queue_name",
                "description": "SQS interruption queue for Karpenter (settings.interruptionQueue).",
                "value": Expr(f"module.{names.KARPENTER_MODULE}.queue_name"),
            },
        ]
    for identity in workload_identities(spec):
        via = "IRSA" if identity.kind == "irsa" else "Pod Identity"
        items.append(
            {
                "name": identity.output_name,
                "description": f"{via} role of {identity.namespace}/{identity.service_account}.",
                "value": identity.role_arn,
            }
        )
    items.append(
        {
            "name": "kubeconfig_command",
            "description": "Run this to point kubectl at the cluster.",
            "value": Call(
                "format",
                ("aws eks update-kubeconfig --region %s --name %s", spec.cluster.region, _eks("cluster_name")),
            ),
        }
    )
    manifests = _service_account_manifests(spec)
    if manifests is not None:
        items.append(
            {
                "name": "service_account_manifests",
                "description": "ServiceAccounts with their role ARNs, for `kubectl apply -f -`.",
                "value": manifests,
            }
        )
    return {"outputs": items}


def _service_account_manifests(spec: Spec) -> Call | None:
    """The Namespaces the service accounts need (eksctl creates them too), then the ServiceAccounts."""
    identities = [i for i in workload_identities(spec) if i.addon is None]
    documents = [
        Call("yamlencode", ({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}},))
        for namespace in manifest_namespaces(identities)
    ]
    for identity in identities:
        metadata: dict[str, object] = {"name": identity.service_account, "namespace": identity.namespace}
        labels, annotations = manifest_metadata(identity)
        if labels:
            metadata["labels"] = labels
        role: dict[str, object] = {"eks.amazonaws.com/role-arn": identity.role_arn} if identity.kind == "irsa" else {}
        if annotations or role:
            metadata["annotations"] = {**annotations, **role}
        documents.append(Call("yamlencode", ({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata},)))
    if not documents:
        return None
    return Call("join", ("---\n", documents))
