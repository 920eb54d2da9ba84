"""Read a live eksctl cluster with boto3: EKS, IAM, EC2, CloudFormation and CloudWatch Logs.

Only reads; everything found is kept raw (boto3 response shapes) for `live_spec` to map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Problem
from generator.migrate.aws import Clients, Unavailable, call, pages

_LIVE_STACK_STATUSES = [
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "ROLLBACK_COMPLETE",
    "IMPORT_COMPLETE",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
]


@dataclass(frozen=True)
class IrsaRole:
    role_name: str
    role_arn: str
    namespace: str
    service_account: str
    policy_arns: list[str]
    inline_policies: list[dict[str, Any]]
    stack: str


@dataclass(frozen=True)
class Stack:
    name: str
    status: str
    resources: list[dict[str, Any]]
    tags: dict[str, str]


@dataclass
class LiveCluster:
    name: str
    region: str
    cluster: dict[str, Any]
    nodegroups: list[dict[str, Any]] = field(default_factory=list)
    fargate_profiles: list[dict[str, Any]] = field(default_factory=list)
    addons: list[dict[str, Any]] | None = None
    access_entries: list[tuple[dict[str, Any], list[dict[str, Any]]]] | None = None
    pod_identities: list[dict[str, Any]] | None = None
    oidc_provider_arn: str | None = None
    vpc: dict[str, Any] | None = None
    subnets: list[dict[str, Any]] = field(default_factory=list)
    launch_templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    security_groups: list[dict[str, Any]] = field(default_factory=list)
    stacks: list[Stack] = field(default_factory=list)
    irsa_roles: list[IrsaRole] = field(default_factory=list)
    role_policies: dict[str, list[str]] = field(default_factory=dict)
    log_group: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def discover(clients: Clients, name: str) -> LiveCluster:
    eks = clients.eks
    cluster = _describe_cluster(clients, name)
    live = LiveCluster(name=name, region=clients.region, cluster=cluster)
    for group in pages("eks:ListNodegroups", eks, "list_nodegroups", "nodegroups", clusterName=name):
        live.nodegroups.append(
            call("eks:DescribeNodegroup", eks.describe_nodegroup, clusterName=name, nodegroupName=group)["nodegroup"]
        )
    for profile in pages(
        "eks:ListFargateProfiles", eks, "list_fargate_profiles", "fargateProfileNames", clusterName=name
    ):
        live.fargate_profiles.append(
            call(
                "eks:DescribeFargateProfile", eks.describe_fargate_profile, clusterName=name, fargateProfileName=profile
            )["fargateProfile"]
        )
    live.addons = _optional(live, "addons", lambda: _addons(eks, name))
    live.access_entries = _optional(live, "access entries", lambda: _access_entries(eks, name))
    live.pod_identities = _optional(live, "pod identity associations", lambda: _pod_identities(eks, name))
    live.oidc_provider_arn = _oidc_provider(clients, cluster)
    _network(clients, live)
    live.stacks = _stacks(clients, name)
    live.irsa_roles = _irsa_roles(clients, live)
    for arn in _kept_role_arns(live):
        live.role_policies[arn] = _attached_policies(clients, arn.rsplit("/", 1)[-1])
    groups = call(
        "logs:DescribeLogGroups", clients.logs.describe_log_groups, logGroupNamePrefix=f"/aws/eks/{name}/cluster"
    ).get("logGroups", [])
    live.log_group = next((g for g in groups if g.get("logGroupName") == f"/aws/eks/{name}/cluster"), None)
    return live


def _describe_cluster(clients: Clients, name: str) -> dict[str, Any]:
    not_found = Problem(
        f"no EKS cluster named {name!r} in {clients.region}",
        hint="check the name and --region (aws eks list-clusters --region REGION)",
    )
    response = call("eks:DescribeCluster", clients.eks.describe_cluster, not_found=not_found, name=name)
    return dict(response["cluster"])


def _optional(live: LiveCluster, what: str, read: Any) -> Any:
    try:
        return read()
    except Unavailable as reason:
        live.notes.append(f"could not read {what}: {reason}; add them to the spec and imports by hand")
        return None


def _addons(eks: Any, name: str) -> list[dict[str, Any]]:
    return [
        call("eks:DescribeAddon", eks.describe_addon, True, clusterName=name, addonName=addon)["addon"]
        for addon in pages("eks:ListAddons", eks, "list_addons", "addons", True, clusterName=name)
    ]


def _access_entries(eks: Any, name: str) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    entries = []
    for arn in pages("eks:ListAccessEntries", eks, "list_access_entries", "accessEntries", True, clusterName=name):
        entry = call("eks:DescribeAccessEntry", eks.describe_access_entry, True, clusterName=name, principalArn=arn)
        policies = list(
            pages(
                "eks:ListAssociatedAccessPolicies",
                eks,
                "list_associated_access_policies",
                "associatedAccessPolicies",
                True,
                clusterName=name,
                principalArn=arn,
            )
        )
        entries.append((entry["accessEntry"], policies))
    return entries


def _pod_identities(eks: Any, name: str) -> list[dict[str, Any]]:
    found = []
    for summary in pages(
        "eks:ListPodIdentityAssociations", eks, "list_pod_identity_associations", "associations", True, clusterName=name
    ):
        found.append(
            call(
                "eks:DescribePodIdentityAssociation",
                eks.describe_pod_identity_association,
                True,
                clusterName=name,
                associationId=summary["associationId"],
            )["association"]
        )
    return found


def _oidc_provider(clients: Clients, cluster: dict[str, Any]) -> str | None:
    issuer = str(cluster.get("identity", {}).get("oidc", {}).get("issuer", ""))
    if not issuer:
        return None
    host_path = issuer.removeprefix("https://")
    providers = call("iam:ListOpenIDConnectProviders", clients.iam.list_open_id_connect_providers)
    for provider in providers.get("OpenIDConnectProviderList", []):
        arn = str(provider.get("Arn", ""))
        if arn.endswith(f":oidc-provider/{host_path}"):
            return arn
    return None


def _network(clients: Clients, live: LiveCluster) -> None:
    config = live.cluster.get("resourcesVpcConfig", {})
    vpc_id = config.get("vpcId")
    if not vpc_id and config.get("subnetIds"):
        cluster_subnets = call(
            "ec2:DescribeSubnets", clients.ec2.describe_subnets, SubnetIds=list(config["subnetIds"])
        ).get("Subnets", [])
        vpc_id = cluster_subnets[0].get("VpcId") if cluster_subnets else None
        config["vpcId"] = vpc_id
    if vpc_id:
        vpcs = call("ec2:DescribeVpcs", clients.ec2.describe_vpcs, VpcIds=[vpc_id]).get("Vpcs", [])
        live.vpc = vpcs[0] if vpcs else None
        live.subnets = list(
            pages(
                "ec2:DescribeSubnets",
                clients.ec2,
                "describe_subnets",
                "Subnets",
                Filters=[{"Name": "vpc-id", "Values": [vpc_id]}],
            )
        )
    template_ids = sorted({g["launchTemplate"]["id"] for g in live.nodegroups if g.get("launchTemplate", {}).get("id")})
    if template_ids:
        for template in call(
            "ec2:DescribeLaunchTemplates", clients.ec2.describe_launch_templates, LaunchTemplateIds=template_ids
        ).get("LaunchTemplates", []):
            live.launch_templates[template["LaunchTemplateId"]] = template
    group_ids = list(config.get("securityGroupIds", []))
    if config.get("clusterSecurityGroupId"):
        group_ids.append(config["clusterSecurityGroupId"])
    if group_ids:
        live.security_groups = call(
            "ec2:DescribeSecurityGroups", clients.ec2.describe_security_groups, GroupIds=sorted(set(group_ids))
        ).get("SecurityGroups", [])


def _stacks(clients: Clients, name: str) -> list[Stack]:
    cfn = clients.cloudformation
    prefix = f"eksctl-{name}-"
    stacks = []
    for summary in pages(
        "cloudformation:ListStacks", cfn, "list_stacks", "StackSummaries", StackStatusFilter=_LIVE_STACK_STATUSES
    ):
        stack_name = str(summary.get("StackName", ""))
        if not stack_name.startswith(prefix):
            continue
        resources = list(
            pages(
                "cloudformation:ListStackResources",
                cfn,
                "list_stack_resources",
                "StackResourceSummaries",
                StackName=stack_name,
            )
        )
        described = call("cloudformation:DescribeStacks", cfn.describe_stacks, StackName=stack_name).get("Stacks", [{}])
        tags = {t["Key"]: t["Value"] for t in (described[0].get("Tags") or [])} if described else {}
        stacks.append(Stack(stack_name, str(summary.get("StackStatus", "")), resources, tags))
    return sorted(stacks, key=lambda s: s.name)


def _irsa_roles(clients: Clients, live: LiveCluster) -> list[IrsaRole]:
    roles = []
    issuer = str(live.cluster.get("identity", {}).get("oidc", {}).get("issuer", "")).removeprefix("https://")
    for stack in live.stacks:
        if "-addon-iamserviceaccount-" not in stack.name:
            continue
        for resource in stack.resources:
            if resource.get("ResourceType") != "AWS::IAM::Role" or not resource.get("PhysicalResourceId"):
                continue
            role_name = str(resource["PhysicalResourceId"]).rsplit("/", 1)[-1]
            role = call("iam:GetRole", clients.iam.get_role, RoleName=role_name)["Role"]
            namespace, account = _service_account_of(role.get("AssumeRolePolicyDocument"), issuer, stack)
            inline = []
            for policy_name in call("iam:ListRolePolicies", clients.iam.list_role_policies, RoleName=role_name).get(
                "PolicyNames", []
            ):
                document = call(
                    "iam:GetRolePolicy", clients.iam.get_role_policy, RoleName=role_name, PolicyName=policy_name
                ).get("PolicyDocument")
                inline.append(_document(document))
            roles.append(
                IrsaRole(
                    role_name=role_name,
                    role_arn=str(role["Arn"]),
                    namespace=namespace,
                    service_account=account,
                    policy_arns=_attached_policies(clients, role_name),
                    inline_policies=inline,
                    stack=stack.name,
                )
            )
    return roles


def _document(document: Any) -> dict[str, Any]:
    import json
    import urllib.parse

    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    return document if isinstance(document, dict) else {}


def _service_account_of(trust: Any, issuer: str, stack: Stack) -> tuple[str, str]:
    """`system:serviceaccount:NS:SA` from the trust policy, else eksctl's stack tag `NS/SA`."""
    for statement in _document(trust).get("Statement", []):
        for condition in (statement.get("Condition") or {}).values():
            for key, value in condition.items():
                if key.endswith(":sub") and (not issuer or key.startswith(issuer)):
                    match = re.fullmatch(r"system:serviceaccount:([^:]+):([^:]+)", str(value))
                    if match:
                        return match.group(1), match.group(2)
    tagged = stack.tags.get("alpha.eksctl.io/iamserviceaccount-name", "")
    if "/" in tagged:
        namespace, _, account = tagged.partition("/")
        return namespace, account
    return "default", stack.name.rsplit("-", 1)[-1]


def _attached_policies(clients: Clients, role_name: str) -> list[str]:
    return [
        str(p["PolicyArn"])
        for p in pages(
            "iam:ListAttachedRolePolicies",
            clients.iam,
            "list_attached_role_policies",
            "AttachedPolicies",
            RoleName=role_name,
        )
    ]


def _kept_role_arns(live: LiveCluster) -> list[str]:
    arns = [str(live.cluster.get("roleArn", ""))]
    arns += [str(g.get("nodeRole", "")) for g in live.nodegroups]
    arns += [str(p.get("podExecutionRoleArn", "")) for p in live.fargate_profiles]
    return sorted({a for a in arns if ":role/" in a})
