"""Facts several builders share: references to the network, node group traits, workload roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.generate import names
from generator.generate.hcl import Expr
from generator.spec import catalog
from generator.spec.models import Addon, ManagedNodeGroup, NodeGroupBase, Spec, WorkloadRole

MANAGED_BY_TAG = {"ManagedBy": "ekstf"}


def private_subnets(spec: Spec) -> Expr:
    return Expr("local.private_subnet_ids")


def public_subnets(spec: Spec) -> Expr:
    return Expr("local.public_subnet_ids")


def vpc_azs(spec: Spec) -> list[str] | None:
    return spec.vpc.availability_zones


def group_subnets(spec: Spec, group: NodeGroupBase) -> Expr | list[str] | list[Expr]:
    """The subnet ids of a node group: private/public subnets, ids given, or the subnets of some AZs."""
    if isinstance(group.subnets, list):
        return list(group.subnets)
    output = "private_subnets" if group.subnets == "private" else "public_subnets"
    azs = spec.vpc.availability_zones
    if group.availability_zones and azs is not None and not spec.vpc.existing:
        return [Expr(f"module.{names.VPC_MODULE}.{output}[{azs.index(az)}]") for az in group.availability_zones]
    return private_subnets(spec) if group.subnets == "private" else public_subnets(spec)


def root_device_name(group: NodeGroupBase) -> str:
    """Bottlerocket keeps the OS on /dev/xvda and containers/images on the data volume /dev/xvdb."""
    family = group.os_family
    if family == "bottlerocket":
        return "/dev/xvdb"
    if family == "windows":
        return "/dev/sda1"
    return "/dev/xvda"


def cluster_tags(spec: Spec) -> dict[str, str]:
    """The provider's default tags: every resource gets them, and launch templates pass them to what they launch."""
    return {**spec.cluster.tags, **MANAGED_BY_TAG, "Cluster": spec.cluster.name}


def bottlerocket_admin_for_ssh(group: NodeGroupBase) -> bool:
    """Bottlerocket nodes with an SSH key need the admin host container, unless the user's TOML configures it."""
    if group.ssh is None or not group.ssh.key_name or group.os_family != "bottlerocket":
        return False
    toml = group.user_data.bottlerocket_toml if group.user_data else None
    return not (toml and "host-containers.admin" in toml)


def ships_user_data_module(spec: Spec) -> bool:
    """Whether the repo needs modules/node-user-data: for user data, or for the empty template a custom-AMI managed
    group gives terraform-aws-eks (even one on its own launch template)."""
    return bool(spec.node_groups) or any(needs_user_data(g, False) or g.ami for g in spec.managed_node_groups)


def needs_user_data(group: NodeGroupBase, self_managed: bool) -> bool:
    if isinstance(group, ManagedNodeGroup) and group.launch_template is not None:
        return False  # the group's own launch template carries its user data
    if self_managed or group.ami is not None or bottlerocket_admin_for_ssh(group):
        return True
    if group.kubelet is not None and (group.kubelet.max_pods is not None or group.kubelet.extra_config):
        return True
    user_data = group.user_data
    return user_data is not None and any(
        v
        for v in (
            user_data.shell,
            user_data.node_config,
            user_data.bottlerocket_toml,
            user_data.bootstrap_extra_args,
            user_data.bootstrap_script,
        )
    )


IdentityKind = Literal["irsa", "pod_identity"]


@dataclass(frozen=True)
class WorkloadIdentity:
    """One IAM role for pods: from serviceAccounts, podIdentities, or an addon's irsa/podIdentity."""

    kind: IdentityKind
    namespace: str
    service_account: str
    role: WorkloadRole
    addon: str | None = None

    @property
    def module(self) -> str:
        if self.kind == "irsa":
            return names.irsa_module(self.namespace, self.service_account)
        return names.pod_identity_module(self.namespace, self.service_account)

    @property
    def existing_role_arn(self) -> str | None:
        """An IAM role that already exists (`roleArn`): ekstf then creates no role for this identity."""
        arn = getattr(self.role, "role_arn", None)
        return str(arn) if arn else None

    @property
    def creates_role(self) -> bool:
        return self.existing_role_arn is None

    @property
    def role_arn(self) -> Expr | str:
        """What the cluster and the association refer to: the role module's ARN, or the existing role's ARN."""
        return self.existing_role_arn or Expr(f"module.{self.module}.arn")

    def role_name(self, cluster: str) -> str:
        if self.existing_role_arn:
            return self.existing_role_arn.rsplit("/", 1)[-1]
        return self.role.role_name or names.default_role_name(cluster, self.namespace, self.service_account)

    @property
    def output_name(self) -> str:
        return f"{self.module}_role_arn"


def addon_identity(name: str, addon: Addon) -> WorkloadIdentity | None:
    role = addon.irsa or addon.pod_identity
    if role is None:
        return None
    service_account = role.service_account or catalog.ADDON_SERVICE_ACCOUNTS.get(name, name)
    namespace = catalog.addon_namespace(name)
    kind: IdentityKind = "irsa" if addon.irsa is not None else "pod_identity"
    return WorkloadIdentity(kind, namespace, service_account, role, addon=name)


def workload_identities(spec: Spec) -> list[WorkloadIdentity]:
    """Every pod role of the spec, in spec order: service accounts, pod identities, then addons by name."""
    identities = [WorkloadIdentity("irsa", sa.namespace, sa.name, sa) for sa in spec.service_accounts]
    identities += [WorkloadIdentity("pod_identity", p.namespace, p.service_account, p) for p in spec.pod_identities]
    for name, addon in (spec.addons or {}).items():
        identity = addon_identity(name, addon)
        if identity is not None:
            identities.append(identity)
    return identities


# Namespaces every cluster has: the manifests create the others.
_BUILT_IN_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})


def manifest_namespaces(identities: list[WorkloadIdentity]) -> list[str]:
    return sorted({i.namespace for i in identities} - _BUILT_IN_NAMESPACES)


def manifest_metadata(identity: WorkloadIdentity) -> tuple[dict[str, str], dict[str, str]]:
    """(labels, annotations) the spec gives the ServiceAccount manifest."""
    labels = dict(getattr(identity.role, "labels", {}) or {})
    annotations = dict(getattr(identity.role, "annotations", {}) or {})
    return labels, annotations


def karpenter_enabled(spec: Spec) -> bool:
    return spec.karpenter is not None and spec.karpenter.enabled
