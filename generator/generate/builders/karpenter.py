"""karpenter.tf: the EKS module's karpenter submodule (controller role by Pod Identity, interruption queue,
node role and its access entry)."""

from __future__ import annotations

from generator.generate import names
from generator.generate.builders.common import karpenter_enabled
from generator.generate.builders.contexts import KarpenterContext
from generator.generate.hcl import Expr
from generator.spec import catalog
from generator.spec.models import Spec


def karpenter(spec: Spec) -> KarpenterContext | None:
    if not karpenter_enabled(spec):
        return None
    assert spec.karpenter is not None
    cluster = spec.cluster.name
    return {
        "module": names.KARPENTER_MODULE,
        "version": spec.terraform.modules.eks,
        "arguments": {
            "cluster_name": Expr(f"module.{names.EKS_MODULE}.cluster_name"),
            "namespace": spec.karpenter.namespace,
            "service_account": spec.karpenter.service_account,
            "create_pod_identity_association": True,
            "node_iam_role_use_name_prefix": False,
            "node_iam_role_name": f"{cluster}-karpenter-node"[:64],
            "node_iam_role_additional_policies": {
                "AmazonSSMManagedInstanceCore": catalog.MANAGED_POLICY_ARNS["AmazonSSMManagedInstanceCore"]
            },
        },
    }
