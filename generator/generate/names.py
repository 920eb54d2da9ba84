"""Every Terraform name and address ekstf generates, in one place.

The generator uses these to name blocks, and `ekstf migrate` uses them to write `import` blocks, so the two
can never disagree. Addresses inside the community modules follow terraform-aws-eks v21.19.0 and
terraform-aws-iam v6.5.0 (eks-facts §3).
"""

from __future__ import annotations

import re
from typing import Any

from generator.spec import catalog
from generator.spec.models import Spec

EKS_MODULE = "eks"
VPC_MODULE = "vpc"
KARPENTER_MODULE = "karpenter"


def tf_id(name: str) -> str:
    """A Terraform identifier for a user-chosen name: letters, digits, `_` and `-`, not starting with a digit."""
    ident = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    if not ident or not (ident[0].isalpha() or ident[0] == "_"):
        ident = f"_{ident}"
    return ident


def snake(name: str) -> str:
    """`kube-system` -> `kube_system`, for identifiers built from several parts."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "x"


# --- node groups ---------------------------------------------------------------------------------


def launch_template_resource(group: str) -> str:
    return f"aws_launch_template.{tf_id(group)}"


def user_data_module(group: str) -> str:
    return f"user_data_{snake(group)}"


def managed_node_group_address(group: str) -> str:
    return f'module.{EKS_MODULE}.module.eks_managed_node_group["{group}"].aws_eks_node_group.this[0]'


def self_managed_asg_address(group: str) -> str:
    return f'module.{EKS_MODULE}.module.self_managed_node_group["{group}"].aws_autoscaling_group.this[0]'


def fargate_profile_address(profile: str) -> str:
    return f'module.{EKS_MODULE}.module.fargate_profile["{profile}"].aws_eks_fargate_profile.this[0]'


# --- cluster ----------------------------------------------------------------------------------------

CLUSTER_ADDRESS = f"module.{EKS_MODULE}.aws_eks_cluster.this[0]"
OIDC_PROVIDER_ADDRESS = f"module.{EKS_MODULE}.aws_iam_openid_connect_provider.oidc_provider[0]"
CLUSTER_LOG_GROUP_ADDRESS = f"module.{EKS_MODULE}.aws_cloudwatch_log_group.this[0]"


def addon_address(addon: str, before_compute: bool) -> str:
    resource = "before_compute" if before_compute else "this"
    return f'module.{EKS_MODULE}.aws_eks_addon.{resource}["{addon}"]'


def access_entry_key(principal_arn: str) -> str:
    """`arn:aws:iam::123:role/platform/Admin` -> `role_admin` (stable, readable map key)."""
    kind_and_path = principal_arn.split(":", 5)[-1]
    kind, _, path = kind_and_path.partition("/")
    last = path.rsplit("/", 1)[-1] if path else kind
    return f"{snake(kind)}_{snake(last)}"


def access_entry_address(key: str) -> str:
    return f'module.{EKS_MODULE}.aws_eks_access_entry.this["{key}"]'


def access_policy_association_address(entry_key: str, policy_key: str) -> str:
    return f'module.{EKS_MODULE}.aws_eks_access_policy_association.this["{entry_key}_{policy_key}"]'


def access_policy_key(policy_arn: str) -> str:
    """Key of an access policy in an entry's `policy_associations`: `.../AmazonEKSViewPolicy` -> `amazoneksviewpolicy`."""
    return snake(policy_arn.rsplit("/", 1)[-1])


# --- workload IAM --------------------------------------------------------------------------------------


def workload_id(namespace: str, service_account: str) -> str:
    return f"{snake(namespace)}_{snake(service_account)}"


def irsa_module(namespace: str, service_account: str) -> str:
    return f"irsa_{workload_id(namespace, service_account)}"


def irsa_role_address(namespace: str, service_account: str) -> str:
    return f"module.{irsa_module(namespace, service_account)}.aws_iam_role.this[0]"


def pod_identity_module(namespace: str, service_account: str) -> str:
    return f"pod_identity_{workload_id(namespace, service_account)}"


def pod_identity_association_resource(namespace: str, service_account: str) -> str:
    return f"aws_eks_pod_identity_association.{tf_id(workload_id(namespace, service_account))}"


def default_role_name(cluster: str, namespace: str, service_account: str) -> str:
    """IAM role names are at most 64 characters."""
    return f"{cluster}-{namespace}-{service_account}"[:64]


def self_managed_node_role_module(group: str) -> str:
    """Self-managed groups get their node role + instance profile from terraform-aws-iam `iam-role`.

    (`aws_iam_instance_profile` is outside the provider schema ekstf checks against, and the module keeps the
    trust policy and policy attachments in one reviewed place.)
    """
    return f"node_role_{snake(group)}"


def self_managed_node_role_address(group: str) -> str:
    return f"module.{self_managed_node_role_module(group)}.aws_iam_role.this[0]"


def ssh_security_group_resource(group: str) -> str:
    return f"aws_security_group.{tf_id(snake(group) + '_ssh')}"


def ami_parameter_data(group: str) -> str:
    """The SSM parameter holding the EKS-optimized AMI id of a self-managed group."""
    return f"data.aws_ssm_parameter.{tf_id(snake(group) + '_ami')}"


# --- uniqueness: every identifier derived from a user-chosen name -------------------------------------------------


def _addon_identity(spec: Spec, addon: str) -> tuple[str, str, str] | None:
    """(kind, namespace, service account) of an addon's pod role, as the builders derive it."""
    settings = (spec.addons or {})[addon]
    role = settings.irsa or settings.pod_identity
    if role is None:
        return None
    kind = "irsa" if settings.irsa is not None else "pod_identity"
    account = role.service_account or catalog.ADDON_SERVICE_ACCOUNTS.get(addon, addon)
    return kind, catalog.addon_namespace(addon), account


def identifiers(spec: Spec) -> list[tuple[str, str, tuple[str | int, ...]]]:
    """(what, identifier, key path of the spec entry it comes from) for every Terraform identifier and AWS name the
    generator derives from names in the spec. Two entries with the same `what` and identifier would be a duplicate
    block ("Duplicate module call") or a name clash at apply: validation refuses them."""
    found: list[tuple[str, str, tuple[str | int, ...]]] = []
    cluster = spec.cluster.name

    def workload(kind: str, namespace: str, account: str, role_name: str | None, arn: str | None, path: Any) -> None:
        module = irsa_module(namespace, account) if kind == "irsa" else pod_identity_module(namespace, account)
        if arn is None:
            found.append(("module", module, path))
        if kind == "pod_identity":
            found.append(("resource", pod_identity_association_resource(namespace, account), path))
        if arn is None:
            found.append(("IAM role name", role_name or default_role_name(cluster, namespace, account), path))

    for index, sa in enumerate(spec.service_accounts):
        workload("irsa", sa.namespace, sa.name, sa.role_name, sa.role_arn, ("serviceAccounts", index))
    for index, pod in enumerate(spec.pod_identities):
        workload(
            "pod_identity", pod.namespace, pod.service_account, pod.role_name, pod.role_arn, ("podIdentities", index)
        )
    for addon in sorted(spec.addons or {}):
        identity = _addon_identity(spec, addon)
        if identity is None:
            continue
        kind, namespace, account = identity
        settings = (spec.addons or {})[addon]
        role = settings.irsa or settings.pod_identity
        assert role is not None
        key = "irsa" if kind == "irsa" else "podIdentity"
        # An addon's Pod Identity association is made by module "eks", not by a resource of ekstf's.
        module = irsa_module(namespace, account) if kind == "irsa" else pod_identity_module(namespace, account)
        if kind == "irsa" or role.role_arn is None:
            found.append(("module", module, ("addons", addon, key)))
        if role.role_arn is None:
            name = role.role_name or default_role_name(cluster, namespace, account)
            found.append(("IAM role name", name, ("addons", addon, key)))
    groups: list[tuple[str, int, Any]] = [
        *(("managedNodeGroups", i, g) for i, g in enumerate(spec.managed_node_groups)),
        *(("nodeGroups", i, g) for i, g in enumerate(spec.node_groups)),
    ]
    for section, index, group in groups:
        name_path: tuple[str | int, ...] = (section, index, "name")
        found.append(("resource", launch_template_resource(group.name), name_path))
        found.append(("module", user_data_module(group.name), name_path))
        found.append(("resource", ssh_security_group_resource(group.name), name_path))
        if section == "nodeGroups":
            found.append(("module", self_managed_node_role_module(group.name), name_path))
            found.append(("data source", ami_parameter_data(group.name), name_path))
            found.append(("IAM role name", f"{cluster}-{group.name}-node"[:64], name_path))
    return found


def duplicates(spec: Spec) -> list[tuple[str, str, tuple[str | int, ...], tuple[str | int, ...]]]:
    """(what, identifier, first key path, clashing key path) for every identifier derived twice."""
    seen: dict[tuple[str, str], tuple[str | int, ...]] = {}
    clashes = []
    for what, ident, path in identifiers(spec):
        first = seen.setdefault((what, ident), path)
        if first != path:
            clashes.append((what, ident, first, path))
    return clashes
