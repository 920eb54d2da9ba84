"""Facts about EKS that the spec's defaults and checks rely on (no logic beyond look-ups)."""

from __future__ import annotations

# Kubernetes versions EKS offers (standard or extended support) as of 2026-11; others only warn.
OFFERED_KUBERNETES_VERSIONS = ("1.30", "1.31", "1.32", "1.33", "1.34", "1.35")
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

# Instance families with Graviton (ARM64) processors: a "g" after the generation digit, plus a1.
_ARM_FAMILY_EXCEPTIONS = {"a1"}
# x86 families whose name has a "g" for another reason (graphics / AMD), never ARM.
_X86_G_FAMILIES = {"g", "gr"}


def instance_family(instance_type: str) -> str:
    return instance_type.split(".", 1)[0].lower()


def is_arm_instance_type(instance_type: str) -> bool:
    """True for Graviton types such as m7g.large, c6gn.xlarge, t4g.small, r8gd.2xlarge, a1.medium."""
    family = instance_family(instance_type)
    if family in _ARM_FAMILY_EXCEPTIONS:
        return True
    letters, digits, rest = _split_family(family)
    if not digits or letters in _X86_G_FAMILIES:
        return False
    return rest.startswith("g")


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

# Addons EKS needs before nodes exist (eks-facts §3).
BEFORE_COMPUTE_ADDONS = frozenset({"vpc-cni", "eks-pod-identity-agent"})
DEFAULT_ADDONS = ("coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni")

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
