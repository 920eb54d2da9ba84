"""EKS local clusters on AWS Outposts: spec checks (in-process, one through the CLI), generation and eksctl migration
through the real CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bad_spec_support import BadSpec, assert_rejected_where_expected, rejection
from conftest import checkov_path, run_ekstf, shared_path

from generator.spec.loader import load_spec

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "generate" / "outposts.yaml"
OUTPOSTS_EXAMPLES = ["35-outposts.yaml", "36-outposts-vpc.yaml", "37-outposts-fully-private.yaml"]

ARN = "arn:aws:outposts:eu-west-1:111122223333:outpost/op-0123456789abcdef0"
HEAD = (
    "cluster:\n  name: edge\n  region: eu-west-1\n"
    f"  outpost:\n    arns: [{ARN}]\n    controlPlaneInstanceType: m5d.large\n"
)  # lines 1-6; what a case adds under `cluster:` starts on line 7
VPC = "vpc:\n  id: vpc-0123456789abcdef0\n  privateSubnetIds: [subnet-0123456789abcdef0]\n"
GROUP = "nodeGroups:\n  - name: ng\n    instanceTypes: [m5d.large]\n"


CASES = [
    BadSpec(
        "public-endpoint", HEAD + "  endpoint:\n    public: true\n" + VPC, 8, 5, "cluster.endpoint.public", "private"
    ),
    BadSpec(
        "auth-mode-api",
        HEAD + "  authenticationMode: API\n" + VPC,
        7,
        3,
        "cluster.authenticationMode",
        "only CONFIG_MAP",
    ),
    BadSpec(
        "access-entries",
        HEAD + "  accessEntries:\n    - principalArn: arn:aws:iam::111122223333:role/admin\n" + VPC,
        7,
        3,
        "cluster.accessEntries",
        "aws-auth",
    ),
    BadSpec(
        "kms",
        HEAD + "  secretsEncryption:\n    mode: create\n" + VPC,
        7,
        3,
        "cluster.secretsEncryption",
        "KMS secrets encryption",
    ),
    BadSpec(
        "ipv6",
        HEAD + "  kubernetesNetwork:\n    ipFamily: ipv6\n" + VPC,
        8,
        5,
        "cluster.kubernetesNetwork.ipFamily",
        "IPv6",
    ),
    BadSpec(
        "managed-node-group",
        HEAD + VPC + "managedNodeGroups:\n  - name: mng\n",
        11,
        5,
        "managedNodeGroups[0]",
        "use self-managed `nodeGroups`",
    ),
    BadSpec(
        "fargate",
        HEAD + VPC + "fargateProfiles:\n  - name: fp\n    selectors:\n      - namespace: default\n",
        11,
        5,
        "fargateProfiles[0]",
        "Fargate profiles",
    ),
    BadSpec("karpenter", HEAD + VPC + "karpenter:\n  enabled: true\n", 11, 3, "karpenter.enabled", "Karpenter"),
    BadSpec("addons", HEAD + VPC + "addons:\n  coredns: {}\n", 11, 3, "addons.coredns", "Helm"),
    BadSpec(
        "gp3-volume",
        HEAD + VPC + GROUP + "    disk:\n      type: gp3\n",
        14,
        7,
        "nodeGroups[0].disk.type",
        "gp2 only",
    ),
    BadSpec(
        "no-subnet",
        HEAD + "vpc:\n  id: vpc-0123456789abcdef0\n  privateSubnetIds: []\n",
        9,
        3,
        "vpc.privateSubnetIds",
        "a private subnet on the Outpost",
    ),
    BadSpec(
        "not-an-outposts-arn",
        HEAD.replace(ARN, "arn:aws:ec2:eu-west-1:111122223333:instance/i-1") + VPC,
        5,
        12,
        "cluster.outpost.arns[0]",
        "not an Outpost ARN",
    ),
    BadSpec(
        "other-region",
        HEAD.replace("eu-west-1:", "us-east-1:") + VPC,
        5,
        12,
        "cluster.outpost.arns[0]",
        "the Outpost is homed in us-east-1",
    ),
    BadSpec(
        "two-outposts",
        HEAD.replace(f"[{ARN}]", f"[{ARN}, {ARN}]") + VPC,
        5,
        5,
        "cluster.outpost.arns",
        "at most 1",
    ),
    BadSpec(
        "config-map-without-outpost",
        "cluster:\n  name: edge\n  region: eu-west-1\n  authenticationMode: CONFIG_MAP\n",
        4,
        3,
        "cluster.authenticationMode",
        "API_AND_CONFIG_MAP",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_what_a_local_cluster_cannot_have_is_an_error_with_position(case: BadSpec, tmp_path: Path) -> None:
    assert_rejected_where_expected(case, tmp_path)


def test_the_cli_refuses_a_local_cluster_setting_with_exit_2(tmp_path: Path) -> None:
    case = CASES[0]
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(case.spec, encoding="utf-8")
    out = tmp_path / "infra"
    result = run_ekstf("generate", spec_file, "-o", out)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert f"{spec_file}:{case.line}:{case.column}: error: {case.key_path}: " in result.stderr
    assert result.stderr.strip() == rejection(spec_file, out).strip()
    assert not out.exists()


def test_one_outpost_subnet_is_enough_and_sample_arn_is_a_warning(tmp_path: Path) -> None:
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(HEAD.replace(ARN, "arn:aws:outposts:eu-west-1:1234:outpost/op-1234") + VPC, encoding="utf-8")
    result = run_ekstf("validate", spec_file, "--spec-only")
    assert result.returncode == 0, result.output
    assert f"{spec_file}:5:12: warning: cluster.outpost.arns[0]: " in result.stderr
    assert "does not look like a real Outpost ARN" in result.stderr
    assert "module issue #2925" in result.stderr  # the module's creator-bootstrap limitation is spelled out


def _unaligned(path: Path) -> str:
    return re.sub(r" +=", " =", path.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_outposts_fixture_generates_outpost_config_and_conforms(tmp_path: Path) -> None:
    from generator.conformance import check_repo

    out = tmp_path / "infra"
    result = run_ekstf("generate", FIXTURE, "-o", out)
    assert result.returncode == 0, result.output
    checkov = checkov_path()
    report = check_repo(out, scan=checkov is not None, checkov=checkov)
    assert report.ok, "\n".join(f"{f.check} {f.file}:{f.line} {f.message}" for f in report.findings)
    assert ("checkov" in report.checks_run) == (checkov is not None)
    eks = _unaligned(out / "eks.tf")
    assert "outpost_config = {" in eks
    assert 'outpost_arns = ["arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0"]' in eks
    assert 'control_plane_instance_type = "m5d.large"' in eks
    assert 'group_name = "edge-control-plane"' in eks
    assert 'authentication_mode = "CONFIG_MAP"' in eks
    assert "enable_cluster_creator_admin_permissions = false" in eks
    assert "endpoint_public_access = false" in eks
    assert "enable_irsa = false" in eks
    assert "create_access_entry = false" in eks  # CONFIG_MAP: nodes join through aws-auth
    assert "addons =" not in eks
    assert 'volume_type = "gp2"' in _unaligned(out / "launch_templates.tf")
    assert "aws-auth ConfigMap" in (out / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", OUTPOSTS_EXAMPLES)
def test_eksctl_outposts_example_migrates_and_validates(name: str, tmp_path: Path) -> None:
    spec_file = tmp_path / "ekstf.yaml"
    report_file = tmp_path / "report.md"
    source = shared_path("eksctl-examples") / name
    # Some examples pin Kubernetes versions EKS no longer creates clusters on: migrate as the report says to.
    result = run_ekstf("migrate", source, "-o", spec_file, "--report", report_file, "--kubernetes-version", "1.34")
    assert result.returncode == 0, result.output
    spec = load_spec(spec_file).spec
    assert spec.cluster.outpost is not None
    assert spec.cluster.outpost.arns == ["arn:aws:outposts:us-west-2:1234:outpost/op-1234"]
    assert spec.cluster.outpost.control_plane_instance_type == "m5d.large"
    assert spec.cluster.authentication_mode == "CONFIG_MAP"
    assert (spec.cluster.endpoint.public, spec.cluster.endpoint.private) == (False, True)
    assert spec.addons == {}
    assert all(group.disk.type == "gp2" for group in spec.node_groups)
    report = report_file.read_text(encoding="utf-8")
    assert re.search(r"\| `outpost.controlPlaneOutpostARN` \| \d+ \| mapped \| `cluster.outpost.arns` \|", report)
    assert "| `outpost` |" not in report  # no longer reported unsupported as a whole
    if name != "36-outposts-vpc.yaml":
        assert spec.cluster.outpost.control_plane_placement_group == "placement-group-name"
        assert "| `outpost.controlPlanePlacement.groupName` |" in report
    validated = run_ekstf("validate", spec_file)
    assert validated.returncode == 0, validated.output
