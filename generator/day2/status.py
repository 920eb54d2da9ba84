"""`ekstf status`: the live cluster (read-only boto3) next to the spec, with what differs outside Terraform.

Reads the cluster, managed and self-managed node groups, Fargate profiles, addons, access entries and upgrade
insights. APIs an endpoint does not offer are noted, not fatal.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from generator.day2 import aws
from generator.errors import Problem, UserInputError
from generator.spec.catalog import DEFAULT_ADDONS
from generator.spec.models import NodeGroupBase, Spec


@dataclass(frozen=True)
class Difference:
    subject: str
    spec: Any
    live: Any
    note: str = ""

    def render(self) -> str:
        note = f" — {self.note}" if self.note else ""
        return f"{self.subject}: spec {self.spec!r}, live {self.live!r}{note}"


@dataclass
class StatusReport:
    cluster: dict[str, Any]
    node_groups: list[dict[str, Any]] = field(default_factory=list)
    self_managed: list[dict[str, Any]] = field(default_factory=list)
    fargate_profiles: list[dict[str, Any]] = field(default_factory=list)
    addons: list[dict[str, Any]] = field(default_factory=list)
    access_entries: list[dict[str, Any]] = field(default_factory=list)
    insights: list[dict[str, Any]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["differences"] = [asdict(d) for d in self.differences]
        return data


def live_group_name(spec_name: str, live_names: list[str]) -> str | None:
    """The live name of a spec group: exact, or `<name>-<suffix>` (Terraform name_prefix)."""
    if spec_name in live_names:
        return spec_name
    prefixed = [n for n in live_names if n.startswith(spec_name + "-") and n[len(spec_name) + 1 :].isalnum()]
    return prefixed[0] if len(prefixed) == 1 else None


def cluster_status(spec: Spec, session: Any) -> StatusReport:
    eks = aws.client(session, "eks")
    name = spec.cluster.name
    not_found = Problem(
        f"no EKS cluster named {name!r} in {spec.cluster.region}",
        key_path="cluster.name",
        hint="has the repository been applied (ekstf apply)? check the region and the AWS account",
    )
    try:
        cluster = aws.call("eks:DescribeCluster", eks.describe_cluster, name=name)["cluster"]
    except aws.NotFound:
        raise UserInputError(not_found) from None
    vpc = cluster.get("resourcesVpcConfig", {})
    report = StatusReport(
        cluster={
            "name": name,
            "status": cluster.get("status"),
            "version": cluster.get("version"),
            "platformVersion": cluster.get("platformVersion"),
            "endpointPublicAccess": vpc.get("endpointPublicAccess"),
            "endpointPrivateAccess": vpc.get("endpointPrivateAccess"),
            "publicAccessCidrs": vpc.get("publicAccessCidrs", []),
            "vpcId": vpc.get("vpcId"),
        }
    )
    _compare_cluster(spec, report)
    _node_groups(spec, eks, report)
    _self_managed(spec, session, report)
    _fargate(spec, eks, report)
    _addons(spec, eks, report)
    _access_entries(spec, eks, report)
    _insights(spec, eks, report)
    return report


def _differ(report: StatusReport, subject: str, spec_value: Any, live_value: Any, note: str = "") -> None:
    if spec_value != live_value:
        report.differences.append(Difference(subject, spec_value, live_value, note))


def _compare_cluster(spec: Spec, report: StatusReport) -> None:
    live, endpoint = report.cluster, spec.cluster.endpoint
    _differ(report, "cluster.version", spec.cluster.version, live["version"], "upgraded or planned outside Terraform?")
    _differ(report, "cluster.endpoint.public", endpoint.public, live["endpointPublicAccess"])
    _differ(report, "cluster.endpoint.private", endpoint.private, live["endpointPrivateAccess"])
    if endpoint.public and live["endpointPublicAccess"]:
        _differ(
            report, "cluster.endpoint.publicCidrs", sorted(endpoint.public_cidrs), sorted(live["publicAccessCidrs"])
        )


def _sizes(group: NodeGroupBase) -> tuple[int, int, int]:
    return group.min_size, group.max_size, group.desired_size if group.desired_size is not None else group.min_size


def _node_groups(spec: Spec, eks: Any, report: StatusReport) -> None:
    cluster = spec.cluster.name
    names = list(aws.items("eks:ListNodegroups", eks, "list_nodegroups", "nodegroups", clusterName=cluster))
    matched: set[str] = set()
    for index, group in enumerate(spec.managed_node_groups):
        key = f"managedNodeGroups[{index}]"
        live_name = live_group_name(group.name, names)
        if live_name is None:
            report.differences.append(Difference(key, group.name, None, "no such node group in the cluster"))
            continue
        matched.add(live_name)
        live = aws.call("eks:DescribeNodegroup", eks.describe_nodegroup, clusterName=cluster, nodegroupName=live_name)[
            "nodegroup"
        ]
        scaling = live.get("scalingConfig", {})
        issues = [f"{i.get('code')}: {i.get('message')}" for i in live.get("health", {}).get("issues", [])]
        report.node_groups.append(
            {
                "name": group.name,
                "liveName": live_name,
                "status": live.get("status"),
                "version": live.get("version"),
                "releaseVersion": live.get("releaseVersion"),
                "amiType": live.get("amiType"),
                "capacityType": live.get("capacityType"),
                "instanceTypes": live.get("instanceTypes", []),
                "minSize": scaling.get("minSize"),
                "maxSize": scaling.get("maxSize"),
                "desiredSize": scaling.get("desiredSize"),
                "healthIssues": issues,
            }
        )
        minimum, maximum, desired = _sizes(group)
        _differ(report, f"{key}.version", spec.node_version(group), live.get("version"))
        _differ(report, f"{key}.minSize", minimum, scaling.get("minSize"))
        _differ(report, f"{key}.maxSize", maximum, scaling.get("maxSize"))
        _differ(
            report,
            f"{key}.desiredSize",
            desired,
            scaling.get("desiredSize"),
            "changed outside Terraform (cluster autoscaler, console, ekstf scale --desired); the module ignores "
            "desiredSize after creation",
        )
        _differ(report, f"{key}.instanceTypes", sorted(group.instance_types), sorted(live.get("instanceTypes") or []))
        if issues:
            report.differences.append(Difference(f"{key}.health", [], issues, "node group health issues"))
    for extra in sorted(set(names) - matched):
        report.differences.append(Difference("managedNodeGroups", None, extra, "in the cluster, not in the spec"))


def _self_managed(spec: Spec, session: Any, report: StatusReport) -> None:
    if not spec.node_groups:
        return
    autoscaling = aws.client(session, "autoscaling")
    groups = list(
        aws.items(
            "autoscaling:DescribeAutoScalingGroups", autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups"
        )
    )
    by_name = {g["AutoScalingGroupName"]: g for g in groups}
    for index, group in enumerate(spec.node_groups):
        key = f"nodeGroups[{index}]"
        live_name = live_group_name(group.name, list(by_name))
        if live_name is None:
            report.differences.append(Difference(key, group.name, None, "no such Auto Scaling group"))
            continue
        live = by_name[live_name]
        report.self_managed.append(
            {
                "name": group.name,
                "liveName": live_name,
                "minSize": live.get("MinSize"),
                "maxSize": live.get("MaxSize"),
                "desiredSize": live.get("DesiredCapacity"),
                "instances": len(live.get("Instances", [])),
            }
        )
        minimum, maximum, desired = _sizes(group)
        _differ(report, f"{key}.minSize", minimum, live.get("MinSize"))
        _differ(report, f"{key}.maxSize", maximum, live.get("MaxSize"))
        _differ(report, f"{key}.desiredSize", desired, live.get("DesiredCapacity"), "changed outside Terraform")


def _fargate(spec: Spec, eks: Any, report: StatusReport) -> None:
    cluster = spec.cluster.name
    names = list(
        aws.items("eks:ListFargateProfiles", eks, "list_fargate_profiles", "fargateProfileNames", clusterName=cluster)
    )
    for name in names:
        profile = aws.call(
            "eks:DescribeFargateProfile", eks.describe_fargate_profile, clusterName=cluster, fargateProfileName=name
        )["fargateProfile"]
        report.fargate_profiles.append({"name": name, "status": profile.get("status")})
    wanted = {p.name for p in spec.fargate_profiles}
    for missing in sorted(wanted - set(names)):
        report.differences.append(Difference("fargateProfiles", missing, None, "not in the cluster"))
    for extra in sorted(set(names) - wanted):
        report.differences.append(Difference("fargateProfiles", None, extra, "in the cluster, not in the spec"))


def _addons(spec: Spec, eks: Any, report: StatusReport) -> None:
    cluster = spec.cluster.name
    try:
        names = list(aws.items("eks:ListAddons", eks, "list_addons", "addons", optional=True, clusterName=cluster))
    except aws.Unavailable as error:
        report.notes.append(f"addons not read: {error}")
        return
    wanted = dict(spec.addons) if spec.addons is not None else None
    expected = set(wanted) if wanted is not None else set(DEFAULT_ADDONS)
    for name in names:
        addon = aws.call("eks:DescribeAddon", eks.describe_addon, clusterName=cluster, addonName=name)["addon"]
        issues = [f"{i.get('code')}: {i.get('message')}" for i in addon.get("health", {}).get("issues", [])]
        newest = _newest_addon_version(eks, name, str(report.cluster.get("version") or spec.cluster.version), report)
        report.addons.append(
            {
                "name": name,
                "version": addon.get("addonVersion"),
                "newest": newest,
                "status": addon.get("status"),
                "healthIssues": issues,
            }
        )
        pinned = wanted[name].version if wanted and name in wanted else "latest"
        if pinned != "latest":
            _differ(report, f"addons.{name}.version", pinned, addon.get("addonVersion"), "updated outside Terraform?")
        if issues:
            report.differences.append(Difference(f"addons.{name}.health", [], issues, "addon health issues"))
    for missing in sorted(expected - set(names)):
        report.differences.append(Difference(f"addons.{missing}", "installed", None, "not installed"))
    for extra in sorted(set(names) - expected):
        report.differences.append(Difference(f"addons.{extra}", None, "installed", "installed outside the spec"))


def _newest_addon_version(eks: Any, addon: str, kubernetes: str, report: StatusReport) -> str | None:
    """The newest version EKS offers of `addon` for the cluster's Kubernetes version (None when not known)."""
    try:
        offered = list(
            aws.items(
                "eks:DescribeAddonVersions",
                eks,
                "describe_addon_versions",
                "addons",
                optional=True,
                addonName=addon,
                kubernetesVersion=kubernetes,
            )
        )
    except aws.Unavailable as error:
        if not any("addon versions not read" in note for note in report.notes):
            report.notes.append(f"addon versions not read: {error}")
        return None
    versions = [str(v.get("addonVersion")) for entry in offered for v in entry.get("addonVersions", [])]
    return max(versions, key=_version_key) if versions else None


def _version_key(version: str) -> tuple[int, ...]:
    """'v1.13.2-eksbuild.9' → (1, 13, 2, 9): EKS addon versions compare by their numbers."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def _access_entries(spec: Spec, eks: Any, report: StatusReport) -> None:
    try:
        arns = list(
            aws.items(
                "eks:ListAccessEntries",
                eks,
                "list_access_entries",
                "accessEntries",
                optional=True,
                clusterName=spec.cluster.name,
            )
        )
    except aws.Unavailable as error:
        report.notes.append(f"access entries not read: {error}")
        return
    report.access_entries = [{"principalArn": arn} for arn in arns]
    for entry in spec.cluster.access_entries:
        if entry.principal_arn not in arns:
            report.differences.append(
                Difference("cluster.accessEntries", entry.principal_arn, None, "no access entry in the cluster")
            )


def _insights(spec: Spec, eks: Any, report: StatusReport) -> None:
    try:
        found = list(
            aws.items(
                "eks:ListInsights", eks, "list_insights", "insights", optional=True, clusterName=spec.cluster.name
            )
        )
    except aws.Unavailable as error:
        report.notes.append(f"insights not read: {error}")
        return
    report.insights = [
        {
            "id": i.get("id"),
            "name": i.get("name"),
            "category": i.get("category"),
            "kubernetesVersion": i.get("kubernetesVersion"),
            "status": i.get("insightStatus", {}).get("status"),
        }
        for i in found
    ]
