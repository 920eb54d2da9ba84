"""Bad specs: each gives file:line:column, the key path and a hint, exit 2, nothing written.

The table runs in-process (tests/bad_spec_support.py); a few cases and the terminal-safety tests go through
the real CLI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bad_spec_support import BadSpec, assert_rejected_where_expected, rejection
from conftest import CliResult, run_ekstf

from generator.errors import UserInputError

HEAD = "cluster:\n  name: demo\n  region: eu-west-1\n"
EXISTING_VPC = "vpc:\n  id: vpc-0123456789abcdef0\n  privateSubnetIds:\n    - subnet-0123456789abcdef0\n"


CASES = [
    BadSpec("unknown-key", HEAD + "  verison: '1.33'\n", 4, 3, "cluster.verison", "did you mean `version`?"),
    BadSpec(
        "unknown-key-case",
        HEAD + "managedNodegroups: []\n",
        4,
        1,
        "managedNodegroups",
        "did you mean `managedNodeGroups`? (keys are case-sensitive)",
    ),
    BadSpec(
        "wrong-type",
        HEAD + "managedNodeGroups:\n  - name: ng\n    minSize: lots\n",
        6,
        5,
        "managedNodeGroups[0].minSize",
        "expected a whole number, got the string 'lots'",
    ),
    BadSpec(
        "mapping-instead-of-list",
        HEAD + "managedNodeGroups:\n  name: ng\n",
        4,
        1,
        "managedNodeGroups",
        "expected a list, got a mapping",
    ),
    BadSpec(
        "access-policy-part-of-a-name",
        HEAD + "  accessEntries:\n    - principalArn: arn:aws:iam::111122223333:role/ops\n"
        "      policies:\n        - policy: ClusterAdmin\n",
        7,
        11,
        "cluster.accessEntries[0].policies[0].policy",
        "did you mean `AmazonEKSClusterAdminPolicy`?",
    ),
    BadSpec("enum-value-spelt-another-way", HEAD + "vpc:\n  nat: perAz\n", 5, 3, "vpc.nat", "did you mean `per-az`?"),
    BadSpec("invalid-cidr", HEAD + "vpc:\n  cidr: 10.0.0.1/16\n", 5, 3, "vpc.cidr", "host bits must be zero"),
    BadSpec("not-a-cidr", HEAD + "vpc:\n  cidr: 10.0.0.0/33x\n", 5, 3, "vpc.cidr", "invalid CIDR"),
    BadSpec(
        "overlapping-cidr",
        HEAD + "  kubernetesNetwork:\n    serviceCidr: 10.0.128.0/17\nvpc:\n  cidr: 10.0.0.0/16\n",
        5,
        5,
        "cluster.kubernetesNetwork.serviceCidr",
        "overlaps the VPC CIDR 10.0.0.0/16",
    ),
    BadSpec(
        "one-pinned-az",
        HEAD + "vpc:\n  availabilityZones: [eu-west-1a]\n",
        5,
        3,
        "vpc.availabilityZones",
        "at least two availability zones",
    ),
    BadSpec("az-count-one", HEAD + "vpc:\n  azCount: 1\n", 5, 3, "vpc.azCount", "at least two availability zones"),
    BadSpec(
        "subnet-name-instead-of-id",
        HEAD + EXISTING_VPC + "    - private-a\n",
        8,
        7,
        "vpc.privateSubnetIds[1]",
        "give the subnet's id (it starts with subnet-), not its name",
    ),
    BadSpec(
        "vpc-name-instead-of-id",
        HEAD + "vpc:\n  id: main-vpc\n  privateSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]\n",
        5,
        3,
        "vpc.id",
        "'main-vpc' is not a VPC id such as vpc-0123456789abcdef0",
    ),
    BadSpec(
        "security-group-without-prefix",
        HEAD + EXISTING_VPC + "    - subnet-0123456789abcdef1\nmanagedNodeGroups:\n  - name: ng\n"
        "    securityGroupIds: [0123456789abcdef0]\n",
        11,
        24,
        "managedNodeGroups[0].securityGroupIds[0]",
        "expected: sg-<8 or 17 hex digits>",
    ),
    BadSpec(
        "min-greater-than-max",
        HEAD + "managedNodeGroups:\n  - name: ng\n    minSize: 5\n    maxSize: 2\n",
        6,
        5,
        "managedNodeGroups[0].minSize",
        "minSize 5 is greater than maxSize 2",
    ),
    BadSpec(
        "desired-above-max",
        HEAD + "managedNodeGroups:\n  - name: ng\n    minSize: 1\n    maxSize: 3\n    desiredSize: 9\n",
        8,
        5,
        "managedNodeGroups[0].desiredSize",
        "minSize <= desiredSize <= maxSize",
    ),
    BadSpec(
        "duplicate-node-group",
        HEAD + "managedNodeGroups:\n  - name: ng\nnodeGroups:\n  - name: ng\n",
        7,
        5,
        "nodeGroups[0].name",
        "is used twice (also at managedNodeGroups[0].name)",
    ),
    BadSpec(
        "duplicate-fargate-profile",
        HEAD + "fargateProfiles:\n  - name: fp\n    selectors: [{namespace: a}]\n"
        "  - name: fp\n    selectors: [{namespace: b}]\n",
        7,
        5,
        "fargateProfiles[1].name",
        "defined twice",
    ),
    BadSpec("malformed-version", HEAD + '  version: "1.3.4"\n', 4, 3, "cluster.version", 'such as "1.34"'),
    BadSpec("version-with-v", HEAD + "  version: v1.34\n", 4, 3, "cluster.version", 'such as "1.34"'),
    BadSpec(
        "al2-on-1.33",
        HEAD + '  version: "1.33"\nmanagedNodeGroups:\n  - name: ng\n    amiType: AL2_x86_64\n',
        7,
        5,
        "managedNodeGroups[0].amiType",
        "use an AL2023 or Bottlerocket amiType",
    ),
    BadSpec(
        "arm-with-x86-ami",
        HEAD
        + "managedNodeGroups:\n  - name: ng\n    instanceTypes: [m7g.large]\n    amiType: AL2023_x86_64_STANDARD\n",
        7,
        5,
        "managedNodeGroups[0].amiType",
        "m7g.large are ARM (Graviton) instance types",
    ),
    BadSpec(
        "x86-with-arm-ami",
        HEAD + "nodeGroups:\n  - name: ng\n    instanceTypes: [m6i.large]\n    amiType: BOTTLEROCKET_ARM_64\n",
        7,
        5,
        "nodeGroups[0].amiType",
        "m6i.large are x86_64 instance types",
    ),
    BadSpec(
        "fargate-selector-without-namespace",
        HEAD + "fargateProfiles:\n  - name: fp\n    selectors:\n      - labels: {app: web}\n",
        7,
        9,
        "fargateProfiles[0].selectors[0].namespace",
        "required key `namespace` is missing",
    ),
    BadSpec(
        "ssh-open-to-world",
        HEAD + "managedNodeGroups:\n  - name: ng\n    ssh:\n      keyName: ops\n      sourceCidrs: [0.0.0.0/0]\n",
        8,
        21,
        "managedNodeGroups[0].ssh.sourceCidrs[0]",
        "allowOpenToWorld: true",
    ),
    BadSpec("missing-name", "cluster:\n  region: eu-west-1\n", 1, 1, "cluster.name", "required key `name` is missing"),
    BadSpec("bad-region", "cluster:\n  name: demo\n  region: Europe\n", 3, 3, "cluster.region", "such as eu-west-1"),
    BadSpec(
        "bad-node-group-name",
        HEAD + "managedNodeGroups:\n  - name: 'my group'\n",
        5,
        5,
        "managedNodeGroups[0].name",
        "letters, digits, `-` and `_`",
    ),
    BadSpec(
        "pod-identity-without-agent",
        HEAD + "addons:\n  coredns: latest\npodIdentities:\n  - namespace: app\n    serviceAccount: app\n"
        "    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
        7,
        5,
        "podIdentities[0]",
        "eks-pod-identity-agent",
    ),
    BadSpec(
        "instance-type-typo",
        HEAD + "managedNodeGroups:\n  - name: ng\n    instanceTypes: [m6i.large, M6I-LARGE]\n",
        6,
        32,
        "managedNodeGroups[0].instanceTypes[1]",
        "is not an EC2 instance type",
    ),
    BadSpec(
        "remote-network-overlaps-vpc",
        HEAD + "  remoteNetwork:\n    nodeCidrs: [10.0.64.0/18]\n",
        5,
        17,
        "cluster.remoteNetwork.nodeCidrs[0]",
        "overlaps 10.0.0.0/16 (vpc.cidr)",
    ),
    BadSpec(
        "bad-role-name",
        HEAD + "serviceAccounts:\n  - name: app\n    roleName: 'has space'\n"
        "    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
        6,
        5,
        "serviceAccounts[0].roleName",
        "is not a valid IAM role name",
    ),
    BadSpec(
        "bad-service-account-name",
        HEAD + "serviceAccounts:\n  - name: My_App\n    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
        5,
        5,
        "serviceAccounts[0].name",
        "is not a valid Kubernetes name",
    ),
    BadSpec(
        "bad-bucket-name",
        HEAD + "terraform:\n  backend:\n    type: s3\n    bucket: My_Bucket\n",
        7,
        5,
        "terraform.backend.bucket",
        "is not a valid S3 bucket name",
    ),
    BadSpec(
        "enum-case",
        HEAD + "managedNodeGroups:\n  - name: ng\n    taints: [{key: gpu, effect: noschedule}]\n",
        6,
        25,
        "managedNodeGroups[0].taints[0].effect",
        "did you mean `NoSchedule`? (values are case-sensitive)",
    ),
    BadSpec(
        "empty-value",
        HEAD + "managedNodeGroups:\n  - name:\n",
        5,
        5,
        "managedNodeGroups[0].name",
        "expected a string, got an empty value",
    ),
    BadSpec(
        "eks-module-off-the-21-line",
        HEAD + "terraform:\n  modules:\n    eks: 20.37.2\n",
        6,
        5,
        "terraform.modules.eks",
        "ekstf generates code for terraform-aws-modules/eks 21.x",
    ),
    BadSpec(
        "bad-label-value",
        HEAD + "managedNodeGroups:\n  - name: ng\n    labels:\n      team: 'platform team'\n",
        7,
        7,
        "managedNodeGroups[0].labels.team",
        "is not a valid Kubernetes label value",
    ),
    BadSpec(
        "bad-taint-key",
        HEAD + "nodeGroups:\n  - name: ng\n    taints:\n      - {key: 'gpu only', effect: NoSchedule}\n",
        7,
        10,
        "nodeGroups[0].taints[0].key",
        "is not a valid taint key",
    ),
    BadSpec("duplicate-yaml-key", HEAD + "  name: other\n", 4, 3, "", "keys must be unique"),
    BadSpec("tab-indent", "cluster:\n\tname: demo\n", 2, 1, "", "invalid YAML"),
    BadSpec(
        "top-level-list", "- cluster\n", 1, 1, "", "expected a mapping at the top level"
    ),  # Values Terraform cannot take: refused at their position instead of writing HCL that Terraform rejects.
    BadSpec(
        "nan-in-kubelet-extra-config",
        HEAD + "managedNodeGroups:\n  - name: ng\n    kubelet:\n      extraConfig:\n        evictionRatio: .nan\n",
        8,
        9,
        "managedNodeGroups[0].kubelet.extraConfig.evictionRatio",
        ".nan is not a number Terraform can use",
    ),
    BadSpec(
        "inf-in-addon-configuration",
        HEAD + "addons:\n  coredns:\n    configuration:\n      limits: [1, -.inf]\n",
        7,
        19,
        "addons.coredns.configuration.limits[1]",
        ".inf is not a number Terraform can use",
    ),
    BadSpec(
        "nan-in-node-config",
        HEAD + "managedNodeGroups:\n  - name: ng\n    userData:\n      nodeConfig: {kubelet: {x: .NaN}}\n",
        7,
        30,
        "managedNodeGroups[0].userData.nodeConfig.kubelet.x",
        "is not a number Terraform can use",
    ),
    BadSpec(
        "terraform-version-not-a-constraint",
        HEAD + "terraform:\n  versions:\n    terraform: banana\n",
        6,
        5,
        "terraform.versions.terraform",
        "'banana' is not a Terraform version constraint",
    ),
    BadSpec(
        "provider-version-dangling-comma",
        HEAD + "terraform:\n  versions:\n    aws: '>= 6.28,'\n",
        6,
        5,
        "terraform.versions.aws",
        "comma-separated constraints such as `>= 1.5.7`",
    ),
    BadSpec(
        "keys-equal-once-normalised",
        HEAD + '  tags:\n    "\u00e9": a\n    "e\u0301": b\n',
        6,
        5,
        "",
        "duplicate key",
    ),
    # Booleans are not numbers (pydantic alone reads `true` as 1).
    BadSpec(
        "boolean-for-an-integer",
        HEAD + "managedNodeGroups:\n  - name: ng\n    minSize: true\n",
        6,
        5,
        "managedNodeGroups[0].minSize",
        "expected a number, got the boolean true",
    ),
    BadSpec("boolean-for-az-count", HEAD + "vpc:\n  azCount: false\n", 5, 3, "vpc.azCount", "got the boolean false"),
    # Inputs that used to give no line:column, or 1:1 instead of the place.
    BadSpec(
        "unresolved-placeholder",
        HEAD + "vpc:\n  id: ${VPC_ID}\n",
        5,
        3,
        "vpc.id",
        "unresolved placeholder ${VPC_ID}",
    ),
    BadSpec("control-character", HEAD + "  tags: {a: b\x07}\n", 4, 14, "", "the control character U+0007"),
    BadSpec("unsupported-key", HEAD + "  tags:\n    ? [a]\n    : b\n", 5, 7, "cluster.tags", "unsupported mapping key"),
    BadSpec(
        "too-deep",
        HEAD + "  tags:\n" + "".join("  " * (i + 2) + "k:\n" for i in range(70)),
        63,
        121,
        "",
        "YAML nested too deeply",
    ),
    BadSpec("too-long-number", HEAD + "vpc:\n  azCount: " + "9" * 5000 + "\n", 5, 12, "", "5000 digits is too long"),
    BadSpec("second-document", HEAD + "---\nvpc: {}\n", 5, 1, "", "found several"),
    BadSpec(
        "unpaired-surrogate",
        HEAD + '  tags:\n    a: "\\ud800"\n',
        5,
        5,
        "cluster.tags.a",
        "half of a UTF-16 pair",
    ),
    # Rules the workload IAM builder used to raise without a position: spec errors like every other.
    BadSpec(
        "irsa-karpenter-controller",
        HEAD + "serviceAccounts:\n  - name: sa\n    wellKnownPolicies:\n      - ebsCSI\n      - karpenterController\n",
        8,
        9,
        "serviceAccounts[0].wellKnownPolicies[1]",
        "enable `karpenter:` instead",
    ),
    BadSpec(
        "pod-identity-unmanaged-well-known-policy",
        HEAD + "podIdentities:\n  - namespace: app\n    serviceAccount: sa\n    wellKnownPolicies:\n"
        "      - clusterAutoscaler\n",
        8,
        9,
        "podIdentities[0].wellKnownPolicies[0]",
        "`clusterAutoscaler` has no AWS managed policy to attach to a Pod Identity role",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_spec_is_rejected_with_position_key_path_and_hint(case: BadSpec, tmp_path: Path) -> None:
    assert_rejected_where_expected(case, tmp_path)


SMOKE_IDS = {"unknown-key", "wrong-type", "unresolved-placeholder", "too-deep"}
SMOKE_IDS |= {"irsa-karpenter-controller", "pod-identity-unmanaged-well-known-policy"}
SMOKE = [c for c in CASES if c.id in SMOKE_IDS]


@pytest.mark.parametrize("command", ["generate", "validate"])
@pytest.mark.parametrize("case", SMOKE, ids=[c.id for c in SMOKE])
def test_the_cli_prints_the_error_and_exits_2(case: BadSpec, command: str, tmp_path: Path) -> None:
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(case.spec, encoding="utf-8")
    out_dir = tmp_path / "infra"
    args = ("generate", spec_file, "-o", out_dir) if command == "generate" else ("validate", spec_file)

    result = run_ekstf(*args)

    _clean_rejection(result)
    assert f"{spec_file}:{case.line}:{case.column}: error: {case.key_path}" in result.stderr
    assert case.text in result.stderr
    assert result.stderr.strip() == rejection(spec_file, out_dir).strip()
    assert not out_dir.exists()


def test_every_error_is_reported_not_only_the_first(tmp_path: Path) -> None:
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(
        HEAD + "vpc:\n  azCount: 1\nmanagedNodeGroups:\n  - name: ng\n    minSize: 5\n    maxSize: 2\n  - name: ng\n",
        encoding="utf-8",
    )
    text = rejection(spec_file, tmp_path / "infra")
    assert "3 error(s) in input" in text
    for key in ("vpc.azCount", "managedNodeGroups[0].minSize", "managedNodeGroups[1].name"):
        assert re.search(rf"ekstf\.yaml:\d+:\d+: error: {re.escape(key)}: ", text), key


def test_retired_version_is_an_error_and_a_newer_one_a_warning(tmp_path: Path) -> None:
    # EKS refuses CreateCluster on a retired minor; a minor newer than ekstf's catalog may be offered already.
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(HEAD + '  version: "1.20"\n', encoding="utf-8")
    result = run_ekstf("validate", spec_file, "--spec-only")
    assert result.returncode == 2, result.output
    assert f"{spec_file}:4:3: error: cluster.version: EKS does not create clusters on Kubernetes 1.20" in result.stderr
    spec_file.write_text(HEAD + '  version: "1.99"\nmanagedNodeGroups: [{name: ng}]\n', encoding="utf-8")
    result = run_ekstf("validate", spec_file, "--spec-only")
    assert result.returncode == 0, result.output
    assert f"{spec_file}:4:3: warning: cluster.version: Kubernetes 1.99 is newer than the versions" in result.stderr


def test_ssh_open_to_world_is_accepted_with_explicit_override(tmp_path: Path) -> None:
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(
        HEAD + "managedNodeGroups:\n  - name: ng\n    ssh:\n      keyName: ops\n      sourceCidrs: [0.0.0.0/0]\n"
        "      allowOpenToWorld: true\n",
        encoding="utf-8",
    )
    result = run_ekstf("validate", spec_file, "--spec-only")
    assert result.returncode == 0, result.output


def test_missing_spec_file_is_bad_input(tmp_path: Path) -> None:
    result = run_ekstf("validate", tmp_path / "nope.yaml")
    assert result.returncode == 2
    assert "file not found" in result.stderr
    assert "Traceback" not in result.output


def test_ids_that_do_not_look_real_are_warnings_and_validate_exits_0(tmp_path: Path) -> None:
    """eksctl's own examples use ids like `sg-1`: only `validate --aws` can say whether an id exists."""
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(
        HEAD + "vpc:\n  id: vpc-1234\n  privateSubnetIds: [subnet-1234, subnet-0123456789abcdef1]\n"
        "managedNodeGroups:\n  - name: ng\n    securityGroupIds: [sg-1]\n    ami: {id: ami-custom, family: al2023}\n",
        encoding="utf-8",
    )
    result = run_ekstf("validate", spec_file, "--spec-only")
    assert result.returncode == 0, result.output
    warned = {
        "5:3: warning: vpc.id: `vpc-1234` does not look like a real VPC id (vpc- + 8 or 17 hex digits)",
        "6:22: warning: vpc.privateSubnetIds[0]: `subnet-1234` does not look like a real subnet id "
        "(subnet- + 8 or 17 hex digits); `ekstf validate --aws` checks that it exists",
        "9:24: warning: managedNodeGroups[0].securityGroupIds[0]: `sg-1` does not look like a real security group id",
        "10:11: warning: managedNodeGroups[0].ami.id: `ami-custom` does not look like a real AMI id",
    }
    for text in warned:
        assert f"{spec_file}:{text}" in result.stderr, result.stderr
    assert "subnet-0123456789abcdef1" not in result.stderr  # a real-looking id is not warned about


def test_a_file_that_is_not_utf8_names_the_line_and_column(tmp_path: Path) -> None:
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_bytes(HEAD.encode() + b'  tags: {a: "caf\xe9"}\n')
    result = run_ekstf("generate", spec_file, "-o", tmp_path / "infra")
    _clean_rejection(result)
    assert f"{spec_file}:4:17: error: {spec_file} is not UTF-8 text" in result.stderr


def test_a_huge_file_is_refused_at_once(tmp_path: Path) -> None:
    """Before: a 55 MB spec took minutes and gigabytes to reject; now the size is checked before parsing."""
    import time

    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(HEAD + "  tags:\n" + "".join(f"    k{i}: {'v' * 80}\n" for i in range(60_000)))
    assert spec_file.stat().st_size > 5 * 1024 * 1024
    started = time.monotonic()
    assert "may be at most 4 MiB" in rejection(spec_file, tmp_path / "infra")
    assert time.monotonic() - started < 20


def test_escape_sequences_from_the_spec_are_not_sent_to_the_terminal(tmp_path: Path) -> None:
    """A key can hold ESC/OSC sequences and newlines (double-quoted YAML); errors show them as escapes."""
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(
        HEAD + '  "\\e[2K\\rekstf.yaml: spec is valid\\e]0;title\\a": 1\n'
        '  "x\\nekstf.yaml: spec is valid \\u202e": 2\n'
        "  tags: {'\\u200f': 5}\n",
        encoding="utf-8",
    )
    result = run_ekstf("generate", spec_file, "-o", tmp_path / "infra")
    _clean_rejection(result)
    for raw in ("\x1b", "\x07", "\r", "\u202e", "\u200f"):
        assert raw not in result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("ekstf.yaml: spec is valid")]
    assert "\\x1b[2K\\x0dekstf.yaml: spec is valid\\x1b]0;title\\x07" in result.stderr


def test_no_doubled_severity_prefix() -> None:
    from generator.errors import Problem

    assert UserInputError("error: cannot do it").render() == "error: cannot do it"
    assert Problem("Error: error: boom", severity="warning").render() == "warning: boom"


def _clean_rejection(result: CliResult) -> None:
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
