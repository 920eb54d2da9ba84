"""Leftovers of Kubernetes controllers before `ekstf destroy`, against a real moto_server seeded through boto3."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from conftest import MotoServer, TerraformEnv, run_ekstf

REGION = "eu-west-1"
CLUSTER = "demo"
OWNED = f"kubernetes.io/cluster/{CLUSTER}"


@dataclass
class Seeded:
    vpc_id: str
    expected: set[tuple[str, str]]  # (kind, name) find_leftovers must report
    ours: dict[str, str]  # what belongs to Terraform or to someone else: must survive


def _tags(**pairs: str) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in pairs.items()]


def _seed() -> Seeded:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    elbv2 = boto3.client("elbv2", region_name=REGION)
    lbc = {"elbv2.k8s.aws/cluster": CLUSTER, "service.k8s.aws/stack": "default/web"}
    elbv2.create_load_balancer(Name="k8s-default-web-1a2b3c", Subnets=subnets, Tags=_tags(**lbc))
    elbv2.create_load_balancer(Name="team-owned", Subnets=subnets, Tags=_tags(team="payments"))
    elbv2.create_load_balancer(
        Name="other-cluster", Subnets=subnets, Tags=_tags(**{"kubernetes.io/cluster/other": "owned"})
    )
    elbv2.create_target_group(Name="k8s-default-web-9f8e7d", Protocol="TCP", Port=80, VpcId=vpc, Tags=_tags(**lbc))
    elb = boto3.client("elb", region_name=REGION)
    elb.create_load_balancer(
        LoadBalancerName="a1b2c3d4e5f6",
        Listeners=[{"Protocol": "TCP", "LoadBalancerPort": 80, "InstancePort": 30080}],
        AvailabilityZones=[f"{REGION}a"],
        Tags=_tags(**{OWNED: "owned", "kubernetes.io/service-name": "default/legacy"}),
    )
    lbc_group = ec2.create_security_group(GroupName="k8s-traffic-demo-5d6e", Description="lbc", VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[lbc_group], Tags=_tags(**lbc))
    elb_group = ec2.create_security_group(GroupName="k8s-elb-a1b2c3d4e5f6", Description="elb", VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[elb_group], Tags=_tags(**{OWNED: "owned"}))
    node_group = ec2.create_security_group(GroupName="demo-node-2026", Description="module", VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[node_group], Tags=_tags(**{OWNED: "owned"}))  # the module's own: Terraform deletes it
    eni = ec2.create_network_interface(
        SubnetId=subnets[0],
        Description="aws-K8S-i-0123456789abcdef0",
        TagSpecifications=[
            {"ResourceType": "network-interface", "Tags": _tags(**{"cluster.k8s.amazonaws.com/name": CLUSTER})}
        ],
    )["NetworkInterface"]["NetworkInterfaceId"]
    someone = ec2.create_network_interface(SubnetId=subnets[1], Description="a database")["NetworkInterface"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    karpenter = _tags(**{"karpenter.sh/nodepool": "default", "karpenter.k8s.aws/cluster": CLUSTER, OWNED: "owned"})
    node = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnets[0],
        TagSpecifications=[{"ResourceType": "instance", "Tags": karpenter}],
    )["Instances"][0]["InstanceId"]
    other_node = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnets[0],
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": _tags(**{"karpenter.sh/nodepool": "x", "kubernetes.io/cluster/other": "owned"}),
            }
        ],
    )["Instances"][0]["InstanceId"]
    pvc = _tags(
        **{
            "kubernetes.io/created-for/pvc/name": "data-postgres-0",
            "kubernetes.io/created-for/pvc/namespace": "db",
            OWNED: "owned",
        }
    )
    volume = ec2.create_volume(
        AvailabilityZone=f"{REGION}a", Size=10, TagSpecifications=[{"ResourceType": "volume", "Tags": pvc}]
    )["VolumeId"]
    return Seeded(
        vpc_id=vpc,
        expected={
            ("load-balancer", "k8s-default-web-1a2b3c"),
            ("target-group", "k8s-default-web-9f8e7d"),
            ("classic-load-balancer", "a1b2c3d4e5f6"),
            ("security-group", "k8s-traffic-demo-5d6e"),
            ("security-group", "k8s-elb-a1b2c3d4e5f6"),
            ("network-interface", "aws-K8S-i-0123456789abcdef0"),
            ("instance", "Karpenter node (pool default)"),
            ("volume", "volume of PVC db/data-postgres-0"),
        },
        ours={
            "node_group": node_group,
            "eni": someone["NetworkInterfaceId"],
            "other_node": other_node,
            "node": node,
            "volume": volume,
            "controller_eni": eni,
        },
    )


@pytest.fixture
def seeded(aws: MotoServer) -> Seeded:
    return _seed()


def test_find_leftovers_reports_what_controllers_made_and_nothing_else(seeded: Seeded) -> None:
    from generator.day2.leftovers import find_leftovers

    found = find_leftovers(CLUSTER, REGION, seeded.vpc_id, boto3.session.Session(region_name=REGION))
    assert {(item.kind, item.name) for item in found} == seeded.expected
    reasons = {item.name: item.reason for item in found}
    assert reasons["k8s-default-web-1a2b3c"] == f"elbv2.k8s.aws/cluster={CLUSTER}"
    assert reasons["a1b2c3d4e5f6"] == OWNED


def test_ignore_leftovers_goes_ahead_and_says_so(seeded: Seeded) -> None:
    from generator.day2.destroy_guard import LeftoversFound, check_before_destroy

    outputs = {"cluster_name": {"value": CLUSTER}, "region": {"value": REGION}, "vpc_id": {"value": seeded.vpc_id}}
    said: list[str] = []
    with pytest.raises(LeftoversFound) as refused:
        check_before_destroy(outputs, clean=False, ignore=False, say=said.append)
    assert refused.value.exit_code == 1 and "--clean-up" in str(refused.value)
    found = check_before_destroy(outputs, clean=False, ignore=True, say=said.append)
    assert len(found) == len(seeded.expected)
    assert any("ignored (--ignore-leftovers)" in line for line in said)


MAIN_TF = f"""
resource "terraform_data" "cluster" {{
  input = "{CLUSTER}"
}}

output "cluster_name" {{
  value = terraform_data.cluster.output
}}

output "region" {{
  value = "{REGION}"
}}
"""


@pytest.mark.slow  # real Terraform (embedded): plan, apply, two destroys
def test_destroy_refuses_then_cleans_up_with_progress(
    seeded: Seeded, terraform_env: TerraformEnv, tmp_path: Path
) -> None:
    workdir = tmp_path / "repo"
    workdir.mkdir()
    (workdir / "main.tf").write_text(MAIN_TF, encoding="utf-8")
    flags = ("-C", workdir, "--engine", "embedded")
    assert run_ekstf("plan", *flags).returncode == 2
    applied = run_ekstf("apply", *flags, "--auto-approve")
    assert applied.returncode == 0, applied.output

    refused = run_ekstf("destroy", *flags, "--auto-approve")
    assert refused.returncode == 1, refused.output
    assert "refusing to destroy cluster demo: 8 resource(s)" in refused.stderr
    assert "k8s-default-web-1a2b3c" in refused.stderr and "volume of PVC db/data-postgres-0" in refused.stderr
    assert "Destroyed." not in refused.stderr

    cleaned = run_ekstf("destroy", *flags, "--auto-approve", "--clean-up")
    assert cleaned.returncode == 0, cleaned.output
    assert "[1/8] terminating instance" in cleaned.stderr and "[8/8]" in cleaned.stderr
    assert "Destroyed." in cleaned.stderr
    from generator.day2.leftovers import find_leftovers

    assert find_leftovers(CLUSTER, REGION, seeded.vpc_id, boto3.session.Session(region_name=REGION)) == []
    ec2 = boto3.client("ec2", region_name=REGION)
    groups = {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert seeded.ours["node_group"] in groups  # Terraform's own group is left to Terraform
    state = ec2.describe_instances(InstanceIds=[seeded.ours["other_node"]])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] == "running"  # another cluster's node is untouched
    names = {
        lb["LoadBalancerName"]
        for lb in boto3.client("elbv2", region_name=REGION).describe_load_balancers()["LoadBalancers"]
    }
    assert names == {"team-owned", "other-cluster"}


def test_guard_reads_the_cluster_from_the_destroy_plan(seeded: Seeded, tmp_path: Path) -> None:
    """The runner's pre-apply hook gets the destroy plan: a deleted aws_eks_cluster names cluster, region and VPC."""
    from generator.day2.destroy_guard import LeftoversFound, LeftoversGuard

    before = {
        "name": CLUSTER,
        "arn": f"arn:aws:eks:{REGION}:123456789012:cluster/{CLUSTER}",
        "vpc_config": [{"vpc_id": seeded.vpc_id}],
    }
    plan = {
        "resource_changes": [
            {
                "address": "module.eks.aws_eks_cluster.this[0]",
                "type": "aws_eks_cluster",
                "change": {"actions": ["delete"], "before": before, "after": None},
            }
        ]
    }
    said: list[str] = []
    guard = LeftoversGuard(None, clean=False, ignore=False, targeted=True, say=said.append)
    with pytest.raises(LeftoversFound):
        guard.check(tmp_path, plan)  # even a targeted destroy that deletes the cluster is checked
    untouched = LeftoversGuard(None, clean=False, ignore=False, targeted=True, say=said.append)
    untouched.check(tmp_path, {"resource_changes": []})  # a targeted destroy that keeps the cluster is not
    assert untouched.found == []
