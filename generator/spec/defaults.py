"""Defaults that depend on other fields: filled only where the user left a field unset.

`complete` runs before validation (spec/validation.py checks the completed spec), so it must accept any spec the
models accept, including ones validation then refuses.
"""

from __future__ import annotations

import ipaddress
from typing import Any, TypeVar

from generator.spec import catalog
from generator.spec.models import Addon, Cluster, NodeGroupBase, SelfManagedNodeGroup, Spec

G = TypeVar("G", bound=NodeGroupBase)


def complete(spec: Spec) -> Spec:
    """The spec with every derived default filled in (the input is not modified)."""
    vpc = spec.vpc
    if not vpc.existing and vpc.subnet_prefix_length is None:
        try:
            prefix = ipaddress.ip_network(vpc.cidr).prefixlen + 3
        except ValueError:
            prefix = None  # not a CIDR: validation reports it (defaults run before validation)
        vpc = vpc.model_copy(update={"subnet_prefix_length": prefix})
    backend = spec.terraform.backend
    if backend.type == "s3":
        backend = backend.model_copy(
            update={
                "key": backend.key or f"{spec.cluster.name}/terraform.tfstate",
                "region": backend.region or spec.cluster.region,
            }
        )
    addons = _complete_addons(spec)
    node_groups = [_complete_group(g) for g in spec.node_groups]
    cluster = spec.cluster
    if cluster.outpost is not None:
        cluster, node_groups = _local_cluster(spec, node_groups)
    return spec.model_copy(
        update={
            "cluster": cluster,
            "vpc": vpc,
            "managed_node_groups": [_complete_group(g) for g in spec.managed_node_groups],
            "node_groups": node_groups,
            "addons": dict(sorted(addons.items())),
            "terraform": spec.terraform.model_copy(update={"backend": backend}),
        }
    )


def _complete_addons(spec: Spec) -> dict[str, Addon]:
    # A local cluster on Outposts has no EKS add-ons API; EKS installs vpc-cni, kube-proxy and CoreDNS itself.
    defaults: tuple[str, ...] = () if spec.cluster.outpost else catalog.DEFAULT_ADDONS
    if spec.fargate_only:
        defaults = tuple(a for a in defaults if a != catalog.POD_IDENTITY_AGENT)  # Fargate has no Pod Identity
    addons = spec.addons
    if addons is None:
        addons = {name: Addon() for name in defaults}
    elif spec.addons_defaults == "keep":
        addons = {**{name: Addon() for name in defaults}, **addons}
    coredns = addons.get("coredns")
    if spec.fargate_only and coredns is not None:
        # With no EC2 nodes CoreDNS runs on Fargate only when the addon says so (terraform-aws-eks #3549).
        configuration = dict(coredns.configuration or {})
        configuration.setdefault("computeType", "Fargate")
        addons = {**addons, "coredns": coredns.model_copy(update={"configuration": configuration})}
    vpc_cni = addons.get("vpc-cni")
    if vpc_cni is not None and any(g.os_family == "windows" for g in [*spec.managed_node_groups, *spec.node_groups]):
        # Windows pods get IPs only with Windows IPAM on (the amazon-vpc-cni ConfigMap's enable-windows-ipam).
        configuration = dict(vpc_cni.configuration or {})
        configuration.setdefault("enableWindowsIpam", "true")
        addons = {**addons, "vpc-cni": vpc_cni.model_copy(update={"configuration": configuration})}
    return addons


def _local_cluster(spec: Spec, node_groups: list[SelfManagedNodeGroup]) -> tuple[Cluster, list[SelfManagedNodeGroup]]:
    """What EKS allows for a local cluster on Outposts (validation rejects explicit values that differ).

    Private endpoint only, aws-auth (CONFIG_MAP) authentication with the creator bootstrapped by EKS (so no
    creator access entry), no secrets encryption, and gp2 volumes (the only EBS type Outposts offer).
    """
    cluster = spec.cluster.model_copy(
        update={
            "endpoint": spec.cluster.endpoint.model_copy(update={"public": False, "private": True}),
            "authentication_mode": "CONFIG_MAP",
            "creator_admin": False,
            "secrets_encryption": spec.cluster.secrets_encryption.model_copy(update={"mode": "off"}),
        }
    )
    groups = [g.model_copy(update={"disk": g.disk.model_copy(update={"type": "gp2"})}) for g in node_groups]
    return cluster, groups


def default_ami_type(instance_types: list[str]) -> str:
    first = instance_types[0]
    if catalog.is_arm_instance_type(first):
        return "AL2023_ARM_64_NVIDIA" if catalog.is_gpu_instance_type(first) else "AL2023_ARM_64_STANDARD"
    if catalog.is_gpu_instance_type(first):
        return "AL2023_x86_64_NVIDIA"
    if catalog.is_neuron_instance_type(first):
        return "AL2023_x86_64_NEURON"
    return catalog.DEFAULT_AMI_TYPE


def _complete_group(group: G) -> G:
    update: dict[str, object] = {}
    if group.desired_size is None:
        update["desired_size"] = group.min_size
    if group.ami is not None:
        update["ami_type"] = "CUSTOM"
    elif group.ami_type is None:
        update["ami_type"] = default_ami_type(group.instance_types)
    return group.model_copy(update=update) if update else group


_NEW_VPC_ONLY = ("cidr", "availabilityZones", "azCount", "nat", "subnetPrefixLength")
_EXISTING_VPC_ONLY = ("privateSubnetIds", "publicSubnetIds", "controlPlaneSubnetIds")


def completed_data(spec: Spec) -> dict[str, Any]:
    """The completed spec as YAML-ready data (camelCase keys), without keys that do not apply to it.

    Loading this data again gives the same completed spec (`ekstf validate --show-completed`).
    """
    data: dict[str, Any] = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    vpc = data["vpc"]
    for key in _NEW_VPC_ONLY if spec.vpc.existing else _EXISTING_VPC_ONLY:
        vpc.pop(key, None)
    return data
