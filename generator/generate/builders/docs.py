"""README.md and .gitignore of the generated repository."""

from __future__ import annotations

from generator import __version__
from generator.generate.builders import workload_iam
from generator.generate.builders.common import (
    bottlerocket_admin_for_ssh,
    karpenter_enabled,
    ships_user_data_module,
    workload_identities,
)
from generator.generate.builders.contexts import EmptyContext, ReadmeContext
from generator.spec.models import Spec


def readme(spec: Spec) -> ReadmeContext:
    cluster = spec.cluster
    user_data = ships_user_data_module(spec)
    return {
        "version": __version__,
        "cluster": cluster.name,
        "region": cluster.region,
        "kubernetes_version": cluster.version,
        "engine": spec.terraform.engine,
        "existing_vpc": spec.vpc.existing,
        "backend": spec.terraform.backend.type,
        "managed_groups": [g.name for g in spec.managed_node_groups],
        "self_managed_groups": [g.name for g in spec.node_groups],
        "fargate_profiles": [p.name for p in spec.fargate_profiles],
        "karpenter": karpenter_enabled(spec),
        "irsa": workload_iam.irsa(spec) is not None,
        "pod_identity": workload_iam.pod_identity(spec) is not None,
        "service_accounts": any(i.addon is None for i in workload_identities(spec)),
        "user_data_module": user_data,
        "private_only": not cluster.endpoint.public,
        "creator_admin": cluster.creator_admin,
        "local_cluster": cluster.outpost is not None,
        "modules": spec.terraform.modules,
        "notes": notes(spec),
    }


def notes(spec: Spec) -> list[str]:
    """What a reader of the generated repo must know that the code alone does not say."""
    found: list[str] = []
    endpoint = spec.cluster.endpoint
    if endpoint.public and "0.0.0.0/0" in endpoint.public_cidrs and spec.cluster.outpost is None:
        found.append(
            "**The Kubernetes API endpoint is reachable from the whole internet** (`publicCidrs` 0.0.0.0/0; "
            "authentication still applies). Restrict `cluster.endpoint.publicCidrs` to your office, VPN and CI "
            "ranges, or make the endpoint private."
        )
    if spec.vpc.public_only:
        found.append(
            "**No private subnets**: the control plane's network interfaces and every node are in public subnets. "
            "Nodes need public IPs to reach the internet and the API (the subnets must assign them), and they are "
            "reachable from the internet wherever their security groups allow it. Prefer private subnets with a "
            "NAT gateway."
        )
    groups = [*spec.managed_node_groups, *spec.node_groups]
    windows = [g.name for g in groups if g.os_family == "windows"]
    if windows:
        found.append(
            f"**Windows nodes** ({', '.join(windows)}): the vpc-cni addon is configured with `enableWindowsIpam: "
            '"true"` (the `enable-windows-ipam` key of the amazon-vpc-cni ConfigMap); without it Windows pods get '
            "no IP address. Keep it if you change the addon's configuration."
        )
    keyed = [g.name for g in groups if g.disk.kms_key_id and g.disk.encrypted]
    if keyed:
        found.append(
            f"**EBS volumes encrypted with a customer-managed key** ({', '.join(keyed)}): the key policy must allow "
            "the AutoScaling service-linked role `arn:aws:iam::<account>:role/aws-service-role/"
            "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` `kms:CreateGrant`, `kms:Decrypt`, "
            "`kms:DescribeKey`, `kms:GenerateDataKeyWithoutPlaintext` and `kms:ReEncrypt*` (managed node groups launch "
            "through it); without that, instances fail to start with a KMS error."
        )
    rockets = [g.name for g in groups if bottlerocket_admin_for_ssh(g)]
    if rockets:
        found.append(
            f"**SSH to Bottlerocket nodes** ({', '.join(rockets)}) reaches the admin host container, which the user "
            "data enables (`settings.host-containers.admin.enabled = true`); run `sudo sheltie` there for a root "
            "shell on the host."
        )
    return found


def gitignore(spec: Spec) -> EmptyContext:
    return {}
