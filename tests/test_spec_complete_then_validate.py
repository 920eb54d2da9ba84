"""The loader fills in defaults first and validates the completed spec (as eksctl and kops do).

Checks see the values that will be generated; checks of what the user wrote read the YAML, so a default that
replaces a value never earns an error at a position the user did not write.
"""

from __future__ import annotations

import pytest

from generator.errors import Problem, UserInputError
from generator.generate.builders import workload_iam
from generator.spec import catalog
from generator.spec.defaults import complete
from generator.spec.loader import load_spec_text
from generator.spec.models import Spec

HEAD = "cluster:\n  name: demo\n  region: eu-west-1\n"  # lines 1-3
OUTPOST_ARN = "arn:aws:outposts:eu-west-1:111122223333:outpost/op-0123456789abcdef0"
OUTPOST_HEAD = (
    "cluster:\n  name: edge\n  region: eu-west-1\n"
    f"  outpost:\n    arns: [{OUTPOST_ARN}]\n    controlPlaneInstanceType: m5d.large\n"
)  # lines 1-6
OUTPOST_VPC = "vpc:\n  id: vpc-0123456789abcdef0\n  privateSubnetIds: [subnet-0123456789abcdef0]\n"


def errors_of(text: str) -> list[Problem]:
    with pytest.raises(UserInputError) as caught:
        load_spec_text(text)
    return [p for p in caught.value.problems if p.severity == "error"]


def where(problem: Problem) -> tuple[int, int, str]:
    assert problem.location is not None
    return problem.location.line, problem.location.column, problem.key_path


def test_the_loaded_spec_is_the_completed_spec() -> None:
    text = HEAD + "managedNodeGroups:\n  - name: ng\n    minSize: 2\n    maxSize: 4\n    instanceTypes: [m7g.large]\n"
    loaded = load_spec_text(text)
    group = loaded.spec.managed_node_groups[0]
    assert (group.desired_size, group.ami_type) == (2, "AL2023_ARM_64_STANDARD")
    assert loaded.spec.vpc.subnet_prefix_length == 19  # 10.0.0.0/16 + 3
    assert loaded.spec == complete(loaded.spec)  # completing is idempotent: nothing left to fill in


def test_the_completed_subnet_prefix_is_what_is_checked_and_reported_at_the_cidr() -> None:
    # /24 + 3 = /27: 8 subnets, but 5 AZs need 10. subnetPrefixLength is not written, so the CIDR is blamed.
    [problem] = errors_of(HEAD + "vpc:\n  cidr: 10.0.0.0/24\n  azCount: 5\n")
    assert where(problem) == (5, 3, "vpc.cidr")
    assert "10 subnets of /27 do not fit in 10.0.0.0/24" in problem.message


def test_a_written_subnet_prefix_is_blamed_where_it_is_written() -> None:
    [problem] = errors_of(HEAD + "vpc:\n  cidr: 10.0.0.0/24\n  subnetPrefixLength: 26\n")
    assert where(problem) == (6, 3, "vpc.subnetPrefixLength")


@pytest.mark.parametrize("cidr", ["300.0.0.0/16", "10.0.0.1/16", "10.0.0.0/99"])
def test_defaults_accept_a_cidr_validation_then_refuses(cidr: str) -> None:
    [problem] = errors_of(HEAD + f"vpc:\n  cidr: {cidr}\n")
    assert where(problem) == (5, 3, "vpc.cidr")
    assert problem.message == f"invalid CIDR {cidr!r}"


def test_a_custom_ami_with_a_written_ami_type_is_refused_at_the_ami_type() -> None:
    text = HEAD + (
        "managedNodeGroups:\n  - name: ng\n    amiType: AL2023_x86_64_STANDARD\n"
        "    ami:\n      id: ami-0123456789abcdef0\n      family: al2023\n"
    )
    [problem] = errors_of(text)
    assert where(problem) == (6, 5, "managedNodeGroups[0].amiType")
    assert "either amiType or a custom `ami`" in problem.message


def test_a_custom_ami_alone_completes_to_ami_type_custom_without_problems() -> None:
    text = HEAD + "managedNodeGroups:\n  - name: ng\n    ami:\n      id: ami-0123456789abcdef0\n      family: al2023\n"
    loaded = load_spec_text(text)
    assert loaded.spec.managed_node_groups[0].ami_type == "CUSTOM"
    assert not [w for w in loaded.warnings if "amiType" in w.key_path]


def test_a_derived_ami_type_is_never_blamed() -> None:
    # The derived amiType follows the first (ARM) type; only the mix the user wrote is an error.
    text = HEAD + "managedNodeGroups:\n  - name: ng\n    instanceTypes: [m7g.large, m6i.large]\n"
    [problem] = errors_of(text)
    assert where(problem) == (6, 5, "managedNodeGroups[0].instanceTypes")


def test_a_derived_gpu_ami_type_earns_no_warning_at_an_unwritten_ami_type() -> None:
    text = HEAD + "managedNodeGroups:\n  - name: ng\n    instanceTypes: [g5.xlarge, m6i.large]\n"
    loaded = load_spec_text(text)
    assert loaded.spec.managed_node_groups[0].ami_type == "AL2023_x86_64_NVIDIA"
    assert not [w for w in loaded.warnings if w.key_path.endswith("amiType")]


def test_a_written_gpu_ami_type_still_warns_about_plain_instance_types() -> None:
    text = (
        HEAD + "managedNodeGroups:\n  - name: ng\n    amiType: AL2023_x86_64_NVIDIA\n    instanceTypes: [m6i.large]\n"
    )
    [warning] = [w for w in load_spec_text(text).warnings if w.key_path.endswith("amiType")]
    assert where(warning) == (6, 5, "managedNodeGroups[0].amiType")


def test_the_completed_desired_size_is_the_min_size() -> None:
    loaded = load_spec_text(HEAD + "managedNodeGroups:\n  - name: ng\n    minSize: 0\n    maxSize: 1\n")
    assert loaded.spec.managed_node_groups[0].desired_size == 0
    [problem] = errors_of(HEAD + "managedNodeGroups:\n  - name: ng\n    desiredSize: 9\n")
    assert where(problem) == (6, 5, "managedNodeGroups[0].desiredSize")


def test_a_local_cluster_completes_to_what_eks_requires_without_problems_there() -> None:
    loaded = load_spec_text(OUTPOST_HEAD + OUTPOST_VPC + "nodeGroups:\n  - name: ng\n    instanceTypes: [m5d.large]\n")
    cluster = loaded.spec.cluster
    assert (cluster.endpoint.public, cluster.endpoint.private) == (False, True)
    assert (cluster.authentication_mode, cluster.creator_admin) == ("CONFIG_MAP", False)
    assert cluster.secrets_encryption.mode == "off"
    assert loaded.spec.node_groups[0].disk.type == "gp2"
    assert loaded.spec.addons == {}
    assert not [w for w in loaded.warnings if w.key_path.startswith(("cluster.endpoint", "cluster.secrets"))]


@pytest.mark.parametrize(
    ("written", "line", "column", "key_path"),
    [
        ("  endpoint:\n    public: true\n", 8, 5, "cluster.endpoint.public"),
        ("  endpoint:\n    private: false\n", 8, 5, "cluster.endpoint.private"),
        ("  authenticationMode: API_AND_CONFIG_MAP\n", 7, 3, "cluster.authenticationMode"),
        ("  creatorAdmin: true\n", 7, 3, "cluster.creatorAdmin"),
        ("  secretsEncryption:\n    mode: create\n", 7, 3, "cluster.secretsEncryption"),
    ],
)
def test_what_a_default_replaces_on_a_local_cluster_is_refused_where_written(
    written: str, line: int, column: int, key_path: str
) -> None:
    """The completed spec holds the required value; the error comes from the value the user wrote."""
    [problem] = errors_of(OUTPOST_HEAD + written + OUTPOST_VPC)
    assert where(problem) == (line, column, key_path)
    assert "a local cluster on Outposts cannot have" in problem.message


def test_a_local_cluster_key_arn_is_refused_once_and_not_at_the_unwritten_mode() -> None:
    arn = "arn:aws:kms:eu-west-1:111122223333:key/0123"
    [problem] = errors_of(OUTPOST_HEAD + f"  secretsEncryption:\n    kmsKeyArn: {arn}\n" + OUTPOST_VPC)
    assert where(problem) == (7, 3, "cluster.secretsEncryption")


def test_a_written_disk_type_on_an_outpost_is_refused_and_the_forced_gp2_is_explained() -> None:
    group = "nodeGroups:\n  - name: ng\n    instanceTypes: [m5d.large]\n    disk:\n"
    [problem] = errors_of(OUTPOST_HEAD + OUTPOST_VPC + group + "      type: io2\n      iops: 3000\n")
    assert where(problem) == (14, 7, "nodeGroups[0].disk.type")
    [problem] = errors_of(OUTPOST_HEAD + OUTPOST_VPC + group + "      throughput: 250\n")
    assert where(problem) == (14, 7, "nodeGroups[0].disk.throughput")
    assert "Outposts offer EBS gp2 only" in problem.message
    [problem] = errors_of(OUTPOST_HEAD + OUTPOST_VPC + group + "      type: gp2\n      iops: 3000\n")
    assert where(problem) == (15, 7, "nodeGroups[0].disk.iops")


def test_default_addons_of_a_fargate_only_cluster_need_no_pod_identity_agent_error() -> None:
    text = HEAD + (
        "fargateProfiles:\n  - name: fp\n    selectors:\n      - namespace: kube-system\n      - namespace: app\n"
        "podIdentities:\n  - namespace: other\n    serviceAccount: sa\n    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n"
    )
    loaded = load_spec_text(text)
    assert loaded.spec.addons is not None and catalog.POD_IDENTITY_AGENT not in loaded.spec.addons
    assert loaded.spec.addons["coredns"].configuration == {"computeType": "Fargate"}


def test_an_addons_map_without_the_agent_is_refused_for_pod_identity() -> None:
    text = HEAD + (
        "addons:\n  coredns: {}\n  kube-proxy: {}\n  vpc-cni: {}\n"
        "podIdentities:\n  - namespace: app\n    serviceAccount: sa\n    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n"
    )
    [problem] = errors_of(text)
    assert where(problem) == (9, 5, "podIdentities[0]")
    assert "eks-pod-identity-agent" in problem.message


# --- rules the workload IAM builder used to raise: now spec errors with a position and key path ---------------


@pytest.mark.parametrize(
    ("section", "line", "column", "key_path", "text"),
    [
        (
            "serviceAccounts:\n  - name: sa\n    wellKnownPolicies: [ebsCSI, karpenterController]\n",
            6,
            33,
            "serviceAccounts[0].wellKnownPolicies[1]",
            "`karpenterController` is not an IRSA policy",
        ),
        (
            "addons:\n  aws-ebs-csi-driver:\n    irsa:\n      wellKnownPolicies:\n        - karpenterController\n",
            8,
            11,
            "addons.aws-ebs-csi-driver.irsa.wellKnownPolicies[0]",
            "`karpenterController` is not an IRSA policy",
        ),
        (
            "podIdentities:\n  - namespace: app\n    serviceAccount: sa\n"
            "    wellKnownPolicies: [imageBuilder, loadBalancerController]\n",
            7,
            39,
            "podIdentities[0].wellKnownPolicies[1]",
            "`loadBalancerController` has no AWS managed policy to attach to a Pod Identity role",
        ),
        (
            "addons:\n  eks-pod-identity-agent: {}\n  coredns: {}\n  kube-proxy: {}\n  vpc-cni: {}\n"
            "  external-dns:\n    podIdentity:\n      wellKnownPolicies: [externalDNS]\n"
            "      hostedZoneArns: [arn:aws:route53:::hostedzone/Z1]\n",
            11,
            27,
            "addons.external-dns.podIdentity.wellKnownPolicies[0]",
            "`externalDNS` has no AWS managed policy",
        ),
    ],
    ids=["irsa-service-account", "irsa-addon", "pod-identity", "pod-identity-addon"],
)
def test_a_well_known_policy_the_role_kind_cannot_attach_is_a_spec_error(
    section: str, line: int, column: int, key_path: str, text: str
) -> None:
    [problem] = errors_of(HEAD + section)
    assert where(problem) == (line, column, key_path)
    assert text in problem.message
    assert problem.hint


def test_an_existing_role_ignores_well_known_policies_instead_of_refusing_them() -> None:
    text = HEAD + (
        "serviceAccounts:\n  - name: sa\n    roleArn: arn:aws:iam::111122223333:role/existing\n"
        "    wellKnownPolicies: [karpenterController]\n"
    )
    [warning] = [w for w in load_spec_text(text).warnings if w.key_path == "serviceAccounts[0].wellKnownPolicies"]
    assert "ignored" in warning.message


def test_every_pod_identity_well_known_policy_attaches_its_catalog_arn() -> None:
    """The builder trusts a validated spec and takes the ARNs from the catalog."""
    names = list(catalog.POD_IDENTITY_WELL_KNOWN_POLICIES)
    text = HEAD + (
        f"podIdentities:\n  - namespace: app\n    serviceAccount: sa\n    wellKnownPolicies: [{', '.join(names)}]\n"
    )
    spec: Spec = load_spec_text(text).spec
    context = workload_iam.pod_identity(spec)
    assert context is not None
    arguments = context["modules"][0]["arguments"]
    assert arguments is not None
    assert arguments["policies"] == catalog.POD_IDENTITY_WELL_KNOWN_POLICIES
