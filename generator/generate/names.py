"""Every Terraform name and address ekstf generates, in one place.

The generator uses these to name blocks, and `ekstf migrate` uses them to write `import` blocks, so the two
can never disagree. Addresses inside the community modules follow terraform-aws-eks v21.19.0 and
terraform-aws-iam v6.5.0 (eks-facts §3).
"""

from __future__ import annotations

import re

EKS_MODULE = "eks"
VPC_MODULE = "vpc"
KARPENTER_MODULE = "karpenter"
CREATOR_ACCESS_ENTRY_KEY = "cluster_creator"


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
CLUSTER_ROLE_ADDRESS = f"module.{EKS_MODULE}.aws_iam_role.this[0]"


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
