"""`ekstf status` and `ekstf scale` against a real moto_server seeded through boto3.

moto has no EKS addons, access entries or insights APIs: status notes that they were not read (tested), the
recorded-response test of insights is in test_day2_aws.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from conftest import MotoServer, run_ekstf

REGION = "eu-west-1"
LIVE_GROUP = "general-20261201093000123400000001"  # Terraform name_prefix: <name>-<26 characters>

SPEC = f"""\
# status and scale test
cluster:
  name: demo
  region: {REGION}
  version: "1.34"
managedNodeGroups:
  - name: general   # the default pool
    instanceTypes: [m6i.large]
    minSize: 2
    maxSize: 4
nodeGroups:
  - name: workers
    instanceTypes: [c6i.large]
    minSize: 0
    maxSize: 5
fargateProfiles:
  - name: serverless
    selectors:
      - namespace: jobs
"""


@pytest.fixture
def cluster(aws: MotoServer, tmp_path: Path) -> Path:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    eks = boto3.client("eks", region_name=REGION)
    role = "arn:aws:iam::123456789012:role/demo"
    eks.create_cluster(name="demo", version="1.33", roleArn=role, resourcesVpcConfig={"subnetIds": [subnet]})
    eks.create_nodegroup(
        clusterName="demo",
        nodegroupName=LIVE_GROUP,
        nodeRole=role,
        subnets=[subnet],
        scalingConfig={"minSize": 2, "maxSize": 4, "desiredSize": 3},
        instanceTypes=["m6i.large"],
    )
    eks.create_nodegroup(clusterName="demo", nodegroupName="console-made", nodeRole=role, subnets=[subnet])
    autoscaling = boto3.client("autoscaling", region_name=REGION)
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="lc", ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="workers-20261201093000123400000002",
        LaunchConfigurationName="lc",
        MinSize=0,
        MaxSize=5,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnet,
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    spec = tmp_path / "ekstf.yaml"  # found beside the repository (DIR/..)
    spec.write_text(SPEC, encoding="utf-8")
    return spec


def test_status_shows_the_cluster_and_what_differs_from_the_spec(cluster: Path) -> None:
    result = run_ekstf("status", "-C", cluster.parent / "repo", "--json")
    assert result.returncode == 0, result.output
    status = json.loads(result.stdout)
    assert status["cluster"]["version"] == "1.33"
    assert status["node_groups"][0]["liveName"] == LIVE_GROUP and status["node_groups"][0]["desiredSize"] == 3
    differences = {d["subject"]: d for d in status["differences"]}
    assert differences["cluster.version"]["spec"] == "1.34" and differences["cluster.version"]["live"] == "1.33"
    assert differences["managedNodeGroups[0].desiredSize"]["live"] == 3
    assert "ignores desiredSize" in differences["managedNodeGroups[0].desiredSize"]["note"]
    assert any(d["live"] == "console-made" for d in status["differences"])  # made outside the spec
    assert any(d["subject"] == "fargateProfiles" and d["spec"] == "serverless" for d in status["differences"])
    assert any("addons not read" in note for note in status["notes"])  # moto lacks the API: said, not fatal
    text = run_ekstf("status", "-C", cluster.parent / "repo")
    assert text.returncode == 0 and "difference(s) between the spec and the cluster" in text.stdout


def test_scale_edits_the_spec_and_sets_the_desired_size_live(cluster: Path) -> None:
    result = run_ekstf("scale", cluster, "general", "--max", "6", "--desired", "5")
    assert result.returncode == 0, result.output
    assert "the module ignores desiredSize after creation" in result.stderr
    text = cluster.read_text()
    assert "  - name: general   # the default pool\n" in text and "maxSize: 6\n    desiredSize: 5\n" in text
    eks = boto3.client("eks", region_name=REGION)
    scaling = eks.describe_nodegroup(clusterName="demo", nodegroupName=LIVE_GROUP)["nodegroup"]["scalingConfig"]
    assert scaling == {"minSize": 2, "maxSize": 6, "desiredSize": 5}
    workers = run_ekstf("scale", cluster, "workers", "--desired", "2", "--json")
    assert workers.returncode == 0, workers.output
    asg = boto3.client("autoscaling", region_name=REGION).describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert asg["DesiredCapacity"] == 2 and "update_auto_scaling_group" in json.loads(workers.stdout)["live"]


def test_scale_refuses_bad_input_without_writing(cluster: Path) -> None:
    before = cluster.read_text()
    unknown = run_ekstf("scale", cluster, "genral", "--max", "6")
    assert unknown.returncode == 2 and "did you mean `general`?" in unknown.stderr
    outside = run_ekstf("scale", cluster, "general", "--desired", "9")
    assert outside.returncode == 2 and "desiredSize 9 is outside minSize 2 .. maxSize 4" in outside.stderr
    assert "ekstf.yaml:" in outside.stderr  # with the position in the edited spec
    nothing = run_ekstf("scale", cluster, "general")
    assert nothing.returncode == 2 and "nothing to change" in nothing.stderr
    assert cluster.read_text() == before


def test_no_credentials_is_a_clear_input_error(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    env = {
        "AWS_ACCESS_KEY_ID": "",
        "AWS_SECRET_ACCESS_KEY": "",
        "AWS_SESSION_TOKEN": "",
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for args in (
        ("status", "--spec", spec),
        ("scale", spec, "general", "--desired", "3"),
        ("upgrade", spec, "--to", "1.35", "--aws"),
    ):
        result = run_ekstf(*args, env=env)
        assert result.returncode == 2, (args, result.output)
        assert "no AWS credentials found" in result.stderr and "aws sso login" in result.stderr
        assert "Traceback" not in result.output
    assert "desiredSize" not in spec.read_text()
