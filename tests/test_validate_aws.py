"""`ekstf validate --aws` against a real moto_server: seeded VPC/subnets/KMS key, moto's AZ and offering data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from conftest import MotoServer, run_ekstf

REGION = "eu-west-1"


@dataclass
class Account:
    vpc_id: str
    subnet_a: str
    subnet_b: str
    foreign_subnet: str
    key_arn: str


@pytest.fixture
def account(aws: MotoServer) -> Account:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc_id = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    subnet_a = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.10.0.0/19", AvailabilityZone=f"{REGION}a")
    subnet_b = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.10.32.0/19", AvailabilityZone=f"{REGION}b")
    other_vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.20.0.0/19", AvailabilityZone=f"{REGION}c")
    key_arn = boto3.client("kms", region_name=REGION).create_key(Description="eks secrets")["KeyMetadata"]["Arn"]
    return Account(
        vpc_id=vpc_id,
        subnet_a=subnet_a["Subnet"]["SubnetId"],
        subnet_b=subnet_b["Subnet"]["SubnetId"],
        foreign_subnet=foreign["Subnet"]["SubnetId"],
        key_arn=key_arn,
    )


def existing_vpc_spec(account: Account, private_ids: list[str], key_arn: str, instance_type: str = "m6i.large") -> str:
    return (
        "cluster:\n"
        "  name: aws-check\n"
        f"  region: {REGION}\n"
        "  secretsEncryption:\n"
        f"    kmsKeyArn: {key_arn}\n"
        "vpc:\n"
        f"  id: {account.vpc_id}\n"
        f"  privateSubnetIds: [{', '.join(private_ids)}]\n"
        "managedNodeGroups:\n"
        "  - name: general\n"
        f"    instanceTypes: [{instance_type}]\n"
    )


def new_vpc_spec(azs: list[str], instance_types: list[str]) -> str:
    return (
        f"cluster:\n  name: aws-check\n  region: {REGION}\n"
        f"vpc:\n  availabilityZones: [{', '.join(azs)}]\n"
        f"managedNodeGroups:\n  - name: general\n    instanceTypes: [{', '.join(instance_types)}]\n"
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ekstf.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_spec_passes_the_account_checks_and_conformance(account: Account, tmp_path: Path) -> None:
    spec = write(tmp_path, existing_vpc_spec(account, [account.subnet_a, account.subnet_b], account.key_arn))
    result = run_ekstf("validate", spec, "--aws")
    assert result.returncode == 0, result.output
    assert "passes the conformance checks" in result.stderr


def test_missing_subnet_is_reported_with_its_position(account: Account, tmp_path: Path) -> None:
    missing = "subnet-0123456789abcdef0"
    spec = write(tmp_path, existing_vpc_spec(account, [account.subnet_a, missing], account.key_arn))
    result = run_ekstf("validate", spec, "--aws", "--spec-only")
    assert result.returncode == 2, result.output
    column = len("  privateSubnetIds: [") + 1 + len(account.subnet_a) + len(", ")
    assert (
        f"{spec}:8:{column}: error: vpc.privateSubnetIds[1]: subnet {missing} does not exist in {REGION}"
        in result.stderr
    )
    assert "Traceback" not in result.output


def test_subnet_of_another_vpc_is_reported(account: Account, tmp_path: Path) -> None:
    spec = write(tmp_path, existing_vpc_spec(account, [account.subnet_a, account.foreign_subnet], account.key_arn))
    result = run_ekstf("validate", spec, "--aws", "--spec-only")
    assert result.returncode == 2
    assert f"vpc.privateSubnetIds[1]: subnet {account.foreign_subnet} belongs to vpc-" in result.stderr
    assert f"not to {account.vpc_id}" in result.stderr


def test_missing_vpc_and_kms_key_are_reported(account: Account, tmp_path: Path) -> None:
    absent_key = f"arn:aws:kms:{REGION}:123456789012:key/00000000-0000-0000-0000-000000000000"
    text = existing_vpc_spec(account, [account.subnet_a, account.subnet_b], absent_key)
    spec = write(tmp_path, text.replace(account.vpc_id, "vpc-0123456789abcdef0"))
    result = run_ekstf("validate", spec, "--aws", "--spec-only", "--json")
    assert result.returncode == 2

    problems = {p["keyPath"]: p for p in json.loads(result.stdout)["problems"]}
    assert problems["cluster.secretsEncryption.kmsKeyArn"]["line"] == 5
    assert "does not exist" in problems["cluster.secretsEncryption.kmsKeyArn"]["message"]
    assert problems["vpc.id"]["line"] == 7
    # the subnets exist but now belong to a VPC other than the one named
    assert "belongs to" in problems["vpc.privateSubnetIds[0]"]["message"]


def test_availability_zone_not_in_the_region_is_reported(aws: MotoServer, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    offered = sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])
    assert f"{REGION}d" not in offered  # moto's eu-west-1 has three zones, like the real region
    spec = write(tmp_path, new_vpc_spec([f"{REGION}a", f"{REGION}d"], ["m6i.large"]))
    result = run_ekstf("validate", spec, "--aws", "--spec-only")
    assert result.returncode == 2, result.output
    assert f"{spec}:5:" in result.stderr
    assert f"vpc.availabilityZones[1]: availability zone {REGION}d does not exist in {REGION}" in result.stderr
    assert ", ".join(offered) in result.stderr


def test_instance_type_not_offered_anywhere_is_an_error(aws: MotoServer, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    offers = ec2.describe_instance_type_offerings(
        LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": ["p5.48xlarge"]}]
    )["InstanceTypeOfferings"]
    assert offers == []  # what moto's data says for this region
    spec = write(tmp_path, new_vpc_spec([f"{REGION}a", f"{REGION}b"], ["p5.48xlarge"]))
    result = run_ekstf("validate", spec, "--aws", "--spec-only")
    assert result.returncode == 2
    assert (
        f"{spec}:8:21: error: managedNodeGroups[0].instanceTypes[0]: instance type p5.48xlarge is not offered in"
        in result.stderr
    )


def test_instance_type_missing_in_one_pinned_az_is_reported(aws: MotoServer, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    offers = ec2.describe_instance_type_offerings(
        LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": ["c8a.large"]}]
    )["InstanceTypeOfferings"]
    offered_in = sorted(o["Location"] for o in offers)
    all_zones = [f"{REGION}a", f"{REGION}b", f"{REGION}c"]
    missing = [z for z in all_zones if z not in offered_in]
    assert offered_in and missing  # moto offers c8a.large in some of the region's AZs only
    alone = write(tmp_path, new_vpc_spec(all_zones, ["c8a.large"]))
    result = run_ekstf("validate", alone, "--aws", "--spec-only")
    assert result.returncode == 2, result.output
    assert f"managedNodeGroups[0].instanceTypes: none of the instance types is offered in {missing[0]}" in result.stderr

    mixed = write(tmp_path, new_vpc_spec(all_zones, ["c8a.large", "m6i.large"]))
    result = run_ekstf("validate", mixed, "--aws", "--spec-only")
    assert result.returncode == 0, result.output
    assert (
        f"warning: managedNodeGroups[0].instanceTypes[0]: instance type c8a.large is not offered in {missing[0]}"
        in (result.stderr)
    )


def test_unreachable_endpoint_is_a_clear_runtime_error(aws: MotoServer, tmp_path: Path) -> None:
    spec = write(tmp_path, new_vpc_spec([f"{REGION}a", f"{REGION}b"], ["m6i.large"]))
    result = run_ekstf(
        "validate",
        spec,
        "--aws",
        "--spec-only",
        env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"},
    )
    assert result.returncode == 1, result.output
    assert "cannot reach AWS" in result.stderr
    assert "Traceback" not in result.output


def test_missing_credentials_exit_2_with_the_shared_hint(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    spec = write(tmp_path, new_vpc_spec([f"{REGION}a", f"{REGION}b"], ["m6i.large"]))
    result = run_ekstf("validate", spec, "--aws", "--spec-only")
    assert result.returncode == 2, result.output
    assert "no AWS credentials found" in result.stderr
    assert "AWS_PROFILE" in result.stderr and "aws sso login" in result.stderr
    assert "Traceback" not in result.output


def test_subnets_in_a_single_az_are_reported(aws: MotoServer, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc_id = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    ids = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
        for cidr in ("10.30.0.0/19", "10.30.32.0/19")
    ]
    text = (
        f"cluster:\n  name: one-az\n  region: {REGION}\nvpc:\n  id: {vpc_id}\n  privateSubnetIds: [{', '.join(ids)}]\n"
    )
    result = run_ekstf("validate", write(tmp_path, text), "--aws", "--spec-only")
    assert result.returncode == 2, result.output
    assert f":6:3: error: vpc.privateSubnetIds: every subnet in privateSubnetIds is in {REGION}a" in result.stderr


def test_sample_ids_pass_offline_but_aws_reports_each_as_not_found(account: Account, tmp_path: Path) -> None:
    """eksctl's sample ids (`sg-1`, `ami-custom`, `lt-1234`) are offline warnings; `--aws` is the definitive check."""
    text = existing_vpc_spec(account, [account.subnet_a, account.subnet_b, "subnet-1234"], account.key_arn) + (
        "    securityGroupIds: [sg-1]\n    launchTemplate: {id: lt-1234}\n"
        "nodeGroups:\n  - name: custom\n    ami: {id: ami-custom, family: al2023}\n"
    )
    spec = write(tmp_path, text)
    offline = run_ekstf("validate", spec, "--spec-only")
    assert offline.returncode == 0, offline.output
    assert "`lt-1234` does not look like a real launch template id" in offline.stderr
    result = run_ekstf("validate", spec, "--aws", "--spec-only", "--json")
    assert result.returncode == 2, result.output
    errors = {p["keyPath"]: p["message"] for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"}
    assert errors == {
        "vpc.privateSubnetIds[2]": f"subnet subnet-1234 does not exist in {REGION}",
        "managedNodeGroups[0].securityGroupIds[0]": f"security group sg-1 does not exist in {REGION}",
        "managedNodeGroups[0].launchTemplate.id": f"launch template lt-1234 does not exist in {REGION}",
        "nodeGroups[0].ami.id": f"AMI ami-custom does not exist in {REGION} or is not shared with this account",
    }
    assert "Traceback" not in result.output


# --- Kubernetes version: EKS's own answer -----------------------------------------------------------------------


def test_kubernetes_version_is_asked_of_eks_and_an_endpoint_without_the_call_only_warns(
    aws: MotoServer, tmp_path: Path
) -> None:
    # moto has no DescribeClusterVersions: validate still works, and says it could not confirm.
    spec = write(tmp_path, new_vpc_spec([f"{REGION}a", f"{REGION}b"], ["m6i.large"]))
    result = run_ekstf("validate", spec, "--aws", "--spec-only")
    assert result.returncode == 0, result.output
    assert "cluster.version: EKS did not say whether it offers Kubernetes 1.34" in result.stderr


def _version_problems(response: dict[str, object], version: str) -> list[tuple[str, str]]:
    """check_kubernetes_version against a botocore Stubber holding a recorded DescribeClusterVersions response
    (moto does not implement the call), for a spec on `version`."""
    import botocore.session
    from botocore.stub import Stubber

    from generator.spec.aws_checks import _Findings, check_kubernetes_version
    from generator.spec.loader import load_spec_text

    text = f'cluster:\n  name: v\n  region: {REGION}\n  version: "{version}"\nmanagedNodeGroups: [{{name: a}}]\n'
    loaded = load_spec_text(text)
    client = botocore.session.get_session().create_client(
        "eks", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    findings = _Findings(loaded.source)
    with Stubber(client) as stubber:
        stubber.add_response("describe_cluster_versions", response, {"clusterVersions": [version], "includeAll": True})
        check_kubernetes_version(client, findings, loaded.spec)
        stubber.assert_no_pending_responses()
    return [(p.severity, p.message) for p in findings.problems]


# Recorded from `aws eks describe-cluster-versions --cluster-versions 1.32 1.35 --include-all` (shape of 2026-12).
_RECORDED = {
    "1.32": {
        "clusterVersion": "1.32",
        "clusterType": "eks",
        "defaultPlatformVersion": "eks.30",
        "defaultVersion": False,
        "releaseDate": datetime(2025, 1, 23, tzinfo=UTC),
        "endOfStandardSupportDate": datetime(2026, 3, 23, tzinfo=UTC),
        "endOfExtendedSupportDate": datetime(2027, 3, 23, tzinfo=UTC),
        "status": "extended-support",
        "versionStatus": "EXTENDED_SUPPORT",
        "kubernetesPatchVersion": "1.32.9",
    },
    "1.35": {
        "clusterVersion": "1.35",
        "clusterType": "eks",
        "defaultPlatformVersion": "eks.9",
        "defaultVersion": False,
        "releaseDate": datetime(2026, 1, 27, tzinfo=UTC),
        "endOfStandardSupportDate": datetime(2027, 3, 27, tzinfo=UTC),
        "endOfExtendedSupportDate": datetime(2028, 3, 27, tzinfo=UTC),
        "status": "standard-support",
        "versionStatus": "STANDARD_SUPPORT",
        "kubernetesPatchVersion": "1.35.2",
    },
}


def test_kubernetes_version_in_standard_support_passes() -> None:
    assert _version_problems({"clusterVersions": [_RECORDED["1.35"]]}, "1.35") == []


def test_kubernetes_version_in_extended_support_warns_of_the_cost() -> None:
    problems = _version_problems({"clusterVersions": [_RECORDED["1.32"]]}, "1.32")
    assert problems == [
        ("warning", "Kubernetes 1.32 is in extended support until 2027-03-23: EKS charges extra per cluster hour")
    ]


def test_kubernetes_version_eks_does_not_list_is_an_error() -> None:
    # A minor newer than ekstf's catalog passes offline with a warning; EKS's answer decides.
    problems = _version_problems({"clusterVersions": []}, "1.37")
    assert ("error", f"EKS does not offer Kubernetes 1.37 in {REGION} (eks:DescribeClusterVersions)") in problems


# --- a user's launch template: what it sets must be what the spec says ---------------------------------------------


def _template_spec(account: Account, template: str, extra: str) -> str:
    return (
        existing_vpc_spec(account, [account.subnet_a, account.subnet_b], account.key_arn)
        + f"    launchTemplate: {{id: {template}{extra}}}\n"
    )


def test_launch_template_settings_are_read_and_compared_with_the_spec(account: Account, tmp_path: Path) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="own", LaunchTemplateData={"ImageId": image, "InstanceType": "m6i.large"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    undeclared = run_ekstf("validate", write(tmp_path, _template_spec(account, template, "")), "--aws", "--spec-only")
    assert undeclared.returncode == 2, undeclared.output
    assert "sets the instance type m6i.large, so the node group must not" in undeclared.stderr
    assert f"boots the image {image}" in undeclared.stderr
    declared = _template_spec(account, template, ", setsInstanceType: true") + (
        f"    ami: {{id: {image}, family: al2023}}\n"
    )
    result = run_ekstf("validate", write(tmp_path, declared), "--aws", "--spec-only")
    assert result.returncode == 0, result.output
