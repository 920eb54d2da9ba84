"""Facts about EKS that the spec's defaults and checks rely on (no logic beyond look-ups)."""

from __future__ import annotations

from typing import Literal, get_args

DEFAULT_KUBERNETES_VERSION = "1.34"
# AL2 AMIs are not published for these versions and later (eks-facts §1).
AL2_LAST_MINOR = 32

AMI_TYPES_X86 = (
    "AL2023_x86_64_STANDARD",
    "AL2023_x86_64_NVIDIA",
    "AL2023_x86_64_NEURON",
    "BOTTLEROCKET_x86_64",
    "BOTTLEROCKET_x86_64_NVIDIA",
    "AL2_x86_64",
    "AL2_x86_64_GPU",
    "WINDOWS_CORE_2019_x86_64",
    "WINDOWS_FULL_2019_x86_64",
    "WINDOWS_CORE_2022_x86_64",
    "WINDOWS_FULL_2022_x86_64",
)
AMI_TYPES_ARM = (
    "AL2023_ARM_64_STANDARD",
    "AL2023_ARM_64_NVIDIA",
    "BOTTLEROCKET_ARM_64",
    "BOTTLEROCKET_ARM_64_NVIDIA",
    "AL2_ARM_64",
)
AMI_TYPES = (*AMI_TYPES_X86, *AMI_TYPES_ARM, "CUSTOM")
# What a node group runs when its spec names no AMI type and its instance types do not call for ARM, GPU or
# Neuron (the eks module's own default too), and the Windows type ekstf picks for `amiFamily: windows`.
DEFAULT_AMI_TYPE = "AL2023_x86_64_STANDARD"
DEFAULT_WINDOWS_AMI_TYPE = "WINDOWS_CORE_2022_x86_64"

# Instance families with Graviton (ARM64) processors: a "g" after the generation digit, plus a1.
_ARM_FAMILY_EXCEPTIONS = {"a1"}


def instance_family(instance_type: str) -> str:
    return instance_type.split(".", 1)[0].lower()


def is_arm_instance_type(instance_type: str) -> bool:
    """True for Graviton types such as m7g.large, c6gn.xlarge, t4g.small, r8gd.2xlarge, a1.medium."""
    family = instance_family(instance_type)
    if family in _ARM_FAMILY_EXCEPTIONS:
        return True
    # The "g" of a GPU family (g5, g6e) comes before the generation digit, so only what follows the digit decides:
    # g5g (Graviton with NVIDIA GPUs) is ARM, g5 is not.
    _, digits, rest = _split_family(family)
    return bool(digits) and rest.startswith("g")


def is_gpu_instance_type(instance_type: str) -> bool:
    letters, _, _ = _split_family(instance_family(instance_type))
    return letters in {"p", "g", "gr"}


def is_neuron_instance_type(instance_type: str) -> bool:
    letters, _, _ = _split_family(instance_family(instance_type))
    return letters in {"inf", "trn"}


def _split_family(family: str) -> tuple[str, str, str]:
    """'c6gn' -> ('c', '6', 'gn'); 'inf2' -> ('inf', '2', '')."""
    i = 0
    while i < len(family) and family[i].isalpha():
        i += 1
    j = i
    while j < len(family) and family[j].isdigit():
        j += 1
    return family[:i], family[i:j], family[j:]


def ami_arch(ami_type: str) -> str | None:
    if ami_type in AMI_TYPES_ARM:
        return "arm64"
    if ami_type in AMI_TYPES_X86:
        return "x86_64"
    return None


def ami_family(ami_type: str) -> str:
    """'al2023', 'bottlerocket', 'al2', 'windows' or 'custom'."""
    if ami_type.startswith("AL2023"):
        return "al2023"
    if ami_type.startswith("BOTTLEROCKET"):
        return "bottlerocket"
    if ami_type.startswith("AL2_"):
        return "al2"
    if ami_type.startswith("WINDOWS"):
        return "windows"
    return "custom"


# EKS access policies, by short name (eks-facts §3).
ACCESS_POLICY_PREFIX = "arn:aws:eks::aws:cluster-access-policy/"
ACCESS_POLICIES = (
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSAdminPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSViewPolicy",
    "AmazonEKSAdminViewPolicy",
)

# Policies every IRSA / Pod Identity role can ask for by name; terraform-aws-iam v6
# iam-role-for-service-accounts attach_* inputs (eks-facts §2).
WELL_KNOWN_POLICIES = (
    "loadBalancerController",
    "ebsCSI",
    "efsCSI",
    "externalDNS",
    "certManager",
    "clusterAutoscaler",
    "vpcCNI",
    "karpenterController",
    "imageBuilder",
)

# terraform-aws-iam v6 iam-role-for-service-accounts leaves these hosted-zone lists empty by default, which gives
# the externalDNS / certManager policy a statement with no Resource (MalformedPolicyDocument, terraform-aws-iam #603);
# eksctl's well-known policies grant every zone.
ALL_HOSTED_ZONES = "arn:aws:route53:::hostedzone/*"
HOSTED_ZONE_POLICIES = ("externalDNS", "certManager")

# The service account each addon's controller runs as (for its IRSA / Pod Identity role), and its namespace.
ADDON_SERVICE_ACCOUNTS = {
    "vpc-cni": "aws-node",
    "aws-ebs-csi-driver": "ebs-csi-controller-sa",
    "aws-efs-csi-driver": "efs-csi-controller-sa",
    "aws-mountpoint-s3-csi-driver": "s3-csi-driver-sa",
    "amazon-cloudwatch-observability": "cloudwatch-agent",
    "adot": "adot-collector",
    "aws-load-balancer-controller": "aws-load-balancer-controller",
    "external-dns": "external-dns",
    "cert-manager": "cert-manager",
}
ADDON_NAMESPACES = {"external-dns": "external-dns", "cert-manager": "cert-manager"}
POD_IDENTITY_AGENT = "eks-pod-identity-agent"


def addon_namespace(addon: str) -> str:
    return ADDON_NAMESPACES.get(addon, "kube-system")


# Addons EKS needs before nodes exist (eks-facts §3).
BEFORE_COMPUTE_ADDONS = frozenset({"vpc-cni", "eks-pod-identity-agent"})
DEFAULT_ADDONS = ("coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni")
# Without these a v21 cluster has no pod networking, service routing or DNS (the module sets
# bootstrap_self_managed_addons = false, so EKS installs no copies of its own).
ESSENTIAL_ADDONS = {
    "coredns": "no cluster DNS",
    "kube-proxy": "no Service routing",
    "vpc-cni": "no pod networking (nodes never become Ready)",
}

LogType = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]
LOG_TYPES: tuple[LogType, ...] = get_args(LogType)
# What ekstf sends to CloudWatch unless the spec says otherwise: the API and who did what (audit, authenticator).
DEFAULT_LOG_TYPES: tuple[LogType, ...] = ("api", "audit", "authenticator")

# AWS managed IAM policies ekstf attaches, by name (node roles, addon roles, well-known policies).
AWS_MANAGED_POLICY_PREFIX = "arn:aws:iam::aws:policy/"
_MANAGED_POLICY_PATHS = {
    "AmazonEKSWorkerNodePolicy": "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly": "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEC2ContainerRegistryPowerUser": "AmazonEC2ContainerRegistryPowerUser",
    "AmazonSSMManagedInstanceCore": "AmazonSSMManagedInstanceCore",
    "AmazonEKS_CNI_Policy": "AmazonEKS_CNI_Policy",
    "AmazonEBSCSIDriverPolicy": "service-role/AmazonEBSCSIDriverPolicy",
    "AmazonEFSCSIDriverPolicy": "service-role/AmazonEFSCSIDriverPolicy",
    "CloudWatchAgentServerPolicy": "CloudWatchAgentServerPolicy",
    "AWSXRayDaemonWriteAccess": "AWSXRayDaemonWriteAccess",
}
MANAGED_POLICY_ARNS = {name: AWS_MANAGED_POLICY_PREFIX + path for name, path in _MANAGED_POLICY_PATHS.items()}
# wellKnownPolicies that are AWS managed policies, for IRSA and Pod Identity alike ...
WELL_KNOWN_MANAGED_POLICIES = {"imageBuilder": MANAGED_POLICY_ARNS["AmazonEC2ContainerRegistryPowerUser"]}
# ... and those a Pod Identity role gets as managed policies (terraform-aws-iam's IRSA module builds its own).
POD_IDENTITY_WELL_KNOWN_POLICIES = {
    **WELL_KNOWN_MANAGED_POLICIES,
    "ebsCSI": MANAGED_POLICY_ARNS["AmazonEBSCSIDriverPolicy"],
    "efsCSI": MANAGED_POLICY_ARNS["AmazonEFSCSIDriverPolicy"],
    "vpcCNI": MANAGED_POLICY_ARNS["AmazonEKS_CNI_Policy"],
}

# --- Kubernetes version lifecycle and addon compatibility (for `ekstf upgrade`, as of 2026-11) ----------

# Kubernetes supports kubelets up to this many minors older than the API server (since 1.28; eks-facts §9).
KUBELET_MAX_SKEW = 3
# EKS release date, end of standard support, end of extended support (ISO dates; endoflife.date / AWS docs).
KUBERNETES_SUPPORT: dict[str, tuple[str, str, str]] = {
    "1.29": ("2024-01-23", "2025-03-23", "2026-03-23"),
    "1.30": ("2024-05-23", "2025-07-23", "2026-07-23"),
    "1.31": ("2024-09-26", "2025-11-26", "2026-11-26"),
    "1.32": ("2025-01-23", "2026-03-23", "2027-03-23"),
    "1.33": ("2025-05-29", "2026-07-29", "2027-07-29"),
    "1.34": ("2025-10-02", "2026-12-02", "2027-12-02"),
    "1.35": ("2026-01-27", "2027-03-27", "2028-03-27"),
}
# When KUBERNETES_SUPPORT was last checked against the EKS version calendar (update both together).
KUBERNETES_CATALOG_DATE = "2026-12-01"
# Minors EKS offers for new clusters at that date (standard or extended support). Older ones are refused; a newer
# one (EKS adds minors during the life of an ekstf release) only warns, and `validate --aws` asks EKS.
OFFERED_KUBERNETES_VERSIONS = tuple(
    minor for minor, (_, _, extended_end) in KUBERNETES_SUPPORT.items() if extended_end > KUBERNETES_CATALOG_DATE
)


def minor_number(version: str) -> int:
    """'1.33' -> 33."""
    return int(version.split(".", 1)[1])


# EKS addon versions by addon: the default (latest EKS type) version per Kubernetes minor, and which minors each
# addon release line ("v1.11" of coredns) supports. Addons not listed here are compatible across the offered
# versions as far as ekstf knows offline; `ekstf upgrade --aws` asks `eks.describe_addon_versions` instead.
ADDON_DEFAULT_VERSIONS: dict[str, dict[str, str]] = {
    "coredns": {
        "1.30": "v1.11.4-eksbuild.33",
        "1.31": "v1.11.4-eksbuild.33",
        "1.32": "v1.11.4-eksbuild.33",
        "1.33": "v1.13.2-eksbuild.4",
        "1.34": "v1.13.2-eksbuild.4",
        "1.35": "v1.13.2-eksbuild.4",
    },
    "kube-proxy": {
        "1.30": "v1.30.14-eksbuild.28",
        "1.31": "v1.31.14-eksbuild.9",
        "1.32": "v1.32.13-eksbuild.5",
        "1.33": "v1.33.10-eksbuild.2",
        "1.34": "v1.34.6-eksbuild.2",
        "1.35": "v1.35.3-eksbuild.2",
    },
}
ADDON_LINE_MINORS: dict[str, dict[str, tuple[str, ...]]] = {
    "coredns": {
        "v1.10": ("1.26", "1.27", "1.28", "1.29"),
        "v1.11": ("1.29", "1.30", "1.31", "1.32"),
        "v1.12": ("1.33", "1.34"),
        "v1.13": ("1.33", "1.34", "1.35"),
    },
    # kube-proxy must match the cluster's minor: release line v1.NN is for Kubernetes 1.NN only.
    "kube-proxy": {f"v{minor}": (minor,) for minor in ("1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35")},
}
