"""Seeding a real moto_server with an eksctl-like cluster, and recorded EKS responses for what moto lacks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

CLUSTER = "demo"
REGION = "us-east-1"

_EKS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
_EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
_FARGATE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "eks-fargate-pods.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@dataclass
class Seeded:
    vpc_id: str
    public_subnets: list[str]
    private_subnets: list[str]
    security_group: str
    cluster_role_arn: str
    node_role_arn: str
    fargate_role_arn: str
    launch_template_id: str
    oidc_provider_arn: str
    irsa_role_name: str
    policy_arn: str


def _stack(cfn: Any, name: str, resources: dict[str, Any], tags: dict[str, str] | None = None) -> None:
    cfn.create_stack(
        StackName=name,
        TemplateBody=json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    )


def _physical(cfn: Any, stack: str, logical: str) -> str:
    resource = cfn.describe_stack_resource(StackName=stack, LogicalResourceId=logical)["StackResourceDetail"]
    return str(resource["PhysicalResourceId"])


def seed_eksctl_cluster(session: Any) -> Seeded:
    """What `eksctl create cluster -f` leaves behind, as far as moto can hold it."""
    ec2 = session.client("ec2", region_name=REGION)
    iam = session.client("iam", region_name=REGION)
    eks = session.client("eks", region_name=REGION)
    cfn = session.client("cloudformation", region_name=REGION)
    logs = session.client("logs", region_name=REGION)

    vpc_id = ec2.create_vpc(CidrBlock="192.168.0.0/16")["Vpc"]["VpcId"]
    public, private = [], []
    for index, (cidr, az, kind) in enumerate(
        [
            ("192.168.0.0/19", "us-east-1a", "public"),
            ("192.168.32.0/19", "us-east-1b", "public"),
            ("192.168.64.0/19", "us-east-1a", "private"),
            ("192.168.96.0/19", "us-east-1b", "private"),
        ]
    ):
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        role_tag = "kubernetes.io/role/elb" if kind == "public" else "kubernetes.io/role/internal-elb"
        ec2.create_tags(
            Resources=[subnet_id], Tags=[{"Key": role_tag, "Value": "1"}, {"Key": "n", "Value": str(index)}]
        )
        if kind == "public":
            ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
            public.append(subnet_id)
        else:
            private.append(subnet_id)
    security_group = ec2.create_security_group(
        GroupName="eksctl-demo-cluster-ControlPlaneSecurityGroup", Description="control plane", VpcId=vpc_id
    )["GroupId"]

    policy_arn = iam.create_policy(
        PolicyName="demo-s3-read",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]

    _stack(
        cfn,
        f"eksctl-{CLUSTER}-cluster",
        {
            "ServiceRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": _EKS_TRUST}},
            "FargatePodExecutionRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": _FARGATE_TRUST},
            },
        },
        {"alpha.eksctl.io/cluster-name": CLUSTER},
    )
    cluster_role_name = _physical(cfn, f"eksctl-{CLUSTER}-cluster", "ServiceRole")
    fargate_role_name = _physical(cfn, f"eksctl-{CLUSTER}-cluster", "FargatePodExecutionRole")
    _stack(
        cfn,
        f"eksctl-{CLUSTER}-nodegroup-ng-1",
        {"NodeInstanceRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": _EC2_TRUST}}},
        {"alpha.eksctl.io/nodegroup-name": "ng-1"},
    )
    node_role_name = _physical(cfn, f"eksctl-{CLUSTER}-nodegroup-ng-1", "NodeInstanceRole")
    for role in (cluster_role_name, node_role_name, fargate_role_name):
        iam.attach_role_policy(RoleName=role, PolicyArn=policy_arn)
    cluster_role_arn = iam.get_role(RoleName=cluster_role_name)["Role"]["Arn"]
    node_role_arn = iam.get_role(RoleName=node_role_name)["Role"]["Arn"]
    fargate_role_arn = iam.get_role(RoleName=fargate_role_name)["Role"]["Arn"]

    template_id = ec2.create_launch_template(
        LaunchTemplateName="eksctl-demo-nodegroup-ng-1",
        LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2}},
    )["LaunchTemplate"]["LaunchTemplateId"]

    cluster = eks.create_cluster(
        name=CLUSTER,
        version="1.33",
        roleArn=cluster_role_arn,
        resourcesVpcConfig={
            "subnetIds": [*public, *private],
            "securityGroupIds": [security_group],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": False,
        },
        logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]},
        tags={"alpha.eksctl.io/cluster-name": CLUSTER, "team": "platform"},
    )["cluster"]
    issuer = cluster["identity"]["oidc"]["issuer"]
    oidc_arn = iam.create_open_id_connect_provider(
        Url=issuer, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
    )["OpenIDConnectProviderArn"]
    eks.create_nodegroup(
        clusterName=CLUSTER,
        nodegroupName="ng-1",
        scalingConfig={"minSize": 2, "maxSize": 4, "desiredSize": 3},
        subnets=private,
        instanceTypes=["m5.large"],
        amiType="AL2023_x86_64_STANDARD",
        nodeRole=node_role_arn,
        labels={"alpha.eksctl.io/cluster-name": CLUSTER, "role": "worker"},
        taints=[{"key": "dedicated", "value": "gpu", "effect": "NO_SCHEDULE"}],
        launchTemplate={"id": template_id, "version": "1"},
        tags={"alpha.eksctl.io/nodegroup-name": "ng-1", "team": "platform"},
    )
    eks.create_fargate_profile(
        clusterName=CLUSTER,
        fargateProfileName="fp-default",
        podExecutionRoleArn=fargate_role_arn,
        subnets=private,
        selectors=[{"namespace": "default"}, {"namespace": "batch", "labels": {"fargate": "yes"}}],
    )
    issuer_host = issuer.removeprefix("https://")
    irsa_stack = f"eksctl-{CLUSTER}-addon-iamserviceaccount-kube-system-aws-load-balancer-controller"
    _stack(
        cfn,
        irsa_stack,
        {
            "Role1": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    # Real CloudFormation cuts generated names to 64 characters; moto does not.
                    "RoleName": "eksctl-demo-addon-iamserviceaccount-kube-sys-Role1-1Q2W3E4R5T6Y",
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Federated": oidc_arn},
                                "Action": "sts:AssumeRoleWithWebIdentity",
                                "Condition": {
                                    "StringEquals": {
                                        f"{issuer_host}:aud": "sts.amazonaws.com",
                                        f"{issuer_host}:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller",
                                    }
                                },
                            }
                        ],
                    },
                    "ManagedPolicyArns": [policy_arn],
                },
            }
        },
        {"alpha.eksctl.io/iamserviceaccount-name": "kube-system/aws-load-balancer-controller"},
    )
    irsa_role = _physical(cfn, irsa_stack, "Role1")
    iam.attach_role_policy(RoleName=irsa_role, PolicyArn=policy_arn)  # moto's CloudFormation skips ManagedPolicyArns
    logs.create_log_group(logGroupName=f"/aws/eks/{CLUSTER}/cluster")
    logs.put_retention_policy(logGroupName=f"/aws/eks/{CLUSTER}/cluster", retentionInDays=30)
    return Seeded(
        vpc_id=vpc_id,
        public_subnets=public,
        private_subnets=private,
        security_group=security_group,
        cluster_role_arn=cluster_role_arn,
        node_role_arn=node_role_arn,
        fargate_role_arn=fargate_role_arn,
        launch_template_id=template_id,
        oidc_provider_arn=oidc_arn,
        irsa_role_name=irsa_role,
        policy_arn=policy_arn,
    )


# --- the "mapped means generated" guard ----------------------------------------------------------------------


def _key_parts(ekstf_key: str) -> list[str]:
    """`managedNodeGroups[].labels` → ["managedNodeGroups", "[]", "labels"]; `addons.*.version` keeps "*"."""
    parts: list[str] = []
    for piece in ekstf_key.split("."):
        name = piece.rstrip("[]")
        if name:
            parts.append(name)
        parts += ["[]"] * ((len(piece) - len(name)) // 2)
    return parts


def _resolves(node: Any, parts: list[str]) -> bool:
    if not parts:
        return node is not None
    head, rest = parts[0], parts[1:]
    if head == "[]":
        return isinstance(node, list) and any(_resolves(item, rest) for item in node)
    if head == "*":
        return isinstance(node, dict) and any(_resolves(item, rest) for item in node.values())
    return isinstance(node, dict) and head in node and _resolves(node[head], rest)


def mapped_fields_not_generated(migration: Any) -> list[str]:
    """Rows reported `mapped` that the spec does not carry into the generated repo, each with the reason.

    A mapped row names the spec key it went to, and that key must exist in the written spec (or the row says, in
    its note, why nothing needed to be written); no spec warning may call that key "not generated".
    """
    from ruamel.yaml import YAML

    from generator.spec.loader import load_spec_text
    from generator.spec.positions import format_key_path

    data = YAML(typ="safe").load(migration.spec_text)
    not_generated = [w.key_path for w in load_spec_text(migration.spec_text).warnings if "not generated" in w.message]
    found = []
    for row in migration.report.rows:
        if row.outcome != "mapped":
            continue
        where = format_key_path(row.path)
        if not row.ekstf_key:
            if not row.note:
                found.append(f"{where}: mapped to nothing, and the note does not say why")
            continue
        if not _resolves(data, _key_parts(row.ekstf_key)):
            found.append(f"{where}: mapped to {row.ekstf_key}, which the written spec does not have")
        generic = ".".join(p for p in _key_parts(row.ekstf_key) if p not in ("[]", "*"))
        for key_path in not_generated:
            plain = re.sub(r"\[\d+\]", "", key_path)
            if generic == plain or generic.startswith(plain + "."):
                found.append(f"{where}: mapped to {row.ekstf_key}, which ekstf does not generate ({key_path})")
    return found
