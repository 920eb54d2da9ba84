"""Preflight of an upgrade step: version skew, AMI families, addon compatibility, support phase, EKS insights.

Offline checks use the shipped catalog (generator.spec.catalog); `LiveFacts` (from `fetch_live_facts`, with
--aws) adds what only AWS knows: the running version, the addon versions offered for the target, and the
UPGRADE_READINESS insights (deprecated APIs still called).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.day2 import aws
from generator.day2.findings import Finding
from generator.day2.versions import (
    Step,
    addon_compatible,
    addon_default,
    max_kubelet_skew,
    minor_of,
    support_on,
)
from generator.spec import catalog
from generator.spec.models import NodeGroupBase, Spec


@dataclass(frozen=True)
class AddonOffer:
    """What EKS offers of one addon for one Kubernetes version."""

    versions: tuple[str, ...]
    default: str | None


@dataclass(frozen=True)
class Insight:
    id: str
    name: str
    status: str  # PASSING, WARNING, ERROR, UNKNOWN
    reason: str
    recommendation: str
    details: tuple[str, ...]


@dataclass
class LiveFacts:
    """What `--aws` found: None/empty where the cluster or an API is absent (then noted in `notes`)."""

    cluster_version: str | None = None
    addons: dict[str, AddonOffer] = field(default_factory=dict)
    insights: list[Insight] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)


def group_key(section: str, index: int) -> str:
    return f"{section}[{index}]"


def spec_groups(spec: Spec) -> list[tuple[str, NodeGroupBase]]:
    """(key path, group) of every node group."""
    groups: list[tuple[str, NodeGroupBase]] = [
        (group_key("managedNodeGroups", i), g) for i, g in enumerate(spec.managed_node_groups)
    ]
    groups += [(group_key("nodeGroups", i), g) for i, g in enumerate(spec.node_groups)]
    return groups


def pinned_addons(spec: Spec) -> dict[str, str]:
    """Addons the spec pins to an exact version (`latest` follows the control plane: module most_recent)."""
    return {name: addon.version for name, addon in (spec.addons or {}).items() if addon.version != "latest"}


def check_step(
    spec: Spec,
    step: Step,
    group_versions: dict[str, str],
    *,
    first: bool,
    live: LiveFacts | None,
    today: date,
    ignored_insights: Sequence[str] = (),
) -> list[Finding]:
    """Findings for one step; `group_versions` maps a group's key path to its version before the step."""
    found: list[Finding] = []
    found += _skew(spec, step, group_versions)
    found += _ami_families(spec, step)
    found += _addons(spec, step, live)
    found += _support(spec, step, today)
    if live is not None and first:
        found += _live_version(step, live)
        found += _insights(step, live, ignored_insights)
    return found


def _skew(spec: Spec, step: Step, group_versions: dict[str, str]) -> list[Finding]:
    found = []
    allowed = max_kubelet_skew(step.target)
    for key, group in spec_groups(spec):
        version = group_versions.get(key, step.source)
        behind = minor_of(step.target) - minor_of(version)
        if minor_of(version) > minor_of(step.source):
            found.append(
                Finding(
                    "error",
                    "group-newer-than-control-plane",
                    f"node group {group.name!r} is at {version}, newer than the control plane ({step.source})",
                    fix=f"set {key}.version to {step.source} or less; EKS refuses nodes newer than the control plane",
                    subject=f"{key}.version",
                    step=step.label,
                )
            )
        elif behind > allowed:
            found.append(
                Finding(
                    "error",
                    "kubelet-skew",
                    f"node group {group.name!r} at {version} would be {behind} minors behind the control plane "
                    f"at {step.target}; Kubernetes allows {allowed}",
                    fix="upgrade the node groups first: ekstf upgrade SPEC --to "
                    f"{step.source} --stage nodes, plan and apply",
                    subject=f"{key}.version",
                    step=step.label,
                    blocks=("control-plane",),
                )
            )
    return found


def _ami_families(spec: Spec, step: Step) -> list[Finding]:
    found = []
    for key, group in spec_groups(spec):
        family = group.os_family
        if family == "al2" and minor_of(step.target) > catalog.AL2_LAST_MINOR:
            found.append(
                Finding(
                    "error",
                    "ami-family-not-offered",
                    f"node group {group.name!r} runs Amazon Linux 2, which has no EKS AMIs for Kubernetes "
                    f"{step.target} (AL2 ends at 1.{catalog.AL2_LAST_MINOR})",
                    fix=f"move the group to AL2023 (amiType: {catalog.DEFAULT_AMI_TYPE}, or the ARM/GPU variant) or "
                    f"Bottlerocket before upgrading its nodes past 1.{catalog.AL2_LAST_MINOR}",
                    subject=f"{key}.amiType",
                    step=step.label,
                    blocks=("nodes",),
                )
            )
        if group.ami is not None:
            found.append(
                Finding(
                    "warning",
                    "custom-ami",
                    f"node group {group.name!r} uses the custom AMI {group.ami.id}; ekstf cannot move it to "
                    f"Kubernetes {step.target}",
                    fix=f"build or pick an AMI for {step.target} and set {key}.ami.id in the nodes stage",
                    subject=f"{key}.ami.id",
                    step=step.label,
                )
            )
    return found


def _addons(spec: Spec, step: Step, live: LiveFacts | None) -> list[Finding]:
    found = []
    offers = live.addons if live is not None else {}
    for name, version in pinned_addons(spec).items():
        subject = f"addons.{name}.version"
        offer = offers.get(name)
        if offer is not None:
            if not offer.versions:
                found.append(
                    Finding(
                        "error",
                        "addon-not-offered",
                        f"EKS offers no version of addon {name!r} for Kubernetes {step.target}",
                        fix=f"remove the addon or replace it before upgrading to {step.target}",
                        subject=subject,
                        step=step.label,
                        blocks=("control-plane",),
                    )
                )
            elif version not in offer.versions:
                found.append(_move_addon(name, version, step, offer.default, subject, source="EKS"))
            continue
        compatible = addon_compatible(name, version, step.target)
        if compatible is False:
            found.append(_move_addon(name, version, step, addon_default(name, step.target), subject, source="catalog"))
        elif compatible is None:
            found.append(
                Finding(
                    "info",
                    "addon-unknown",
                    f"the shipped catalog has no compatibility data for {name} {version}",
                    fix=f"check with --aws (eks describe-addon-versions --addon-name {name} --kubernetes-version "
                    f"{step.target}), or set the version to latest",
                    subject=subject,
                    step=step.label,
                )
            )
    return found


def _move_addon(name: str, version: str, step: Step, default: str | None, subject: str, source: str) -> Finding:
    where = "EKS does not offer" if source == "EKS" else "the shipped catalog does not list"
    to = f" to {default}" if default else ""
    return Finding(
        "warning",
        "addon-incompatible",
        f"{where} {name} {version} for Kubernetes {step.target}",
        fix=f"the addons stage moves it{to} right after the node groups (ekstf upgrade ... --stage addons)",
        subject=subject,
        step=step.label,
    )


def _support(spec: Spec, step: Step, today: date) -> list[Finding]:
    support = support_on(step.target, today)
    if support.phase == "standard":
        return [
            Finding(
                "info",
                "standard-support",
                f"Kubernetes {step.target} is in standard support until {support.standard_end}",
                step=step.label,
            )
        ]
    if support.phase == "extended":
        policy = spec.cluster.upgrade_policy.support_type if spec.cluster.upgrade_policy else "STANDARD"
        extra = (
            " The cluster's upgradePolicy is STANDARD: EKS will upgrade it automatically instead."
            if policy == "STANDARD"
            else ""
        )
        return [
            Finding(
                "warning",
                "extended-support",
                f"Kubernetes {step.target} is only in extended support (extra cost per cluster hour) until "
                f"{support.extended_end}.{extra}",
                fix="plan the next upgrade soon, or go straight on to a version in standard support",
                subject="cluster.version",
                step=step.label,
            )
        ]
    if support.phase == "ended":
        return [
            Finding(
                "warning",
                "support-ended",
                f"EKS support for Kubernetes {step.target} ended on {support.extended_end}",
                fix="continue to a supported version",
                subject="cluster.version",
                step=step.label,
            )
        ]
    return [Finding("info", "support-unknown", f"no support dates known for {step.target}", step=step.label)]


def _live_version(step: Step, live: LiveFacts) -> list[Finding]:
    running = live.cluster_version
    if running is None or running == step.source:
        return []
    if minor_of(running) < minor_of(step.source):
        return [
            Finding(
                "error",
                "cluster-behind-spec",
                f"the cluster runs {running} but the spec says {step.source}",
                fix="apply the spec's control-plane stage first (ekstf plan, ekstf apply), then continue",
                subject="cluster.version",
                step=step.label,
            )
        ]
    return [
        Finding(
            "warning",
            "cluster-ahead-of-spec",
            f"the cluster already runs {running}, newer than the spec's {step.source} (upgraded outside Terraform?)",
            fix=f"set cluster.version to {running} in the spec",
            subject="cluster.version",
            step=step.label,
        )
    ]


def _insights(step: Step, live: LiveFacts, ignored: Sequence[str]) -> list[Finding]:
    found = []
    for insight in live.insights:
        if insight.status not in ("ERROR", "WARNING"):
            continue
        detail = "; ".join(insight.details)
        message = f"EKS upgrade insight {insight.name!r} ({insight.id}): {insight.reason or insight.status}"
        if detail:
            message += f" — {detail}"
        if insight.status == "ERROR" and insight.id not in ignored:
            found.append(
                Finding(
                    "error",
                    "upgrade-insight",
                    message,
                    fix=(insight.recommendation or "resolve it (e.g. move clients off the deprecated API)")
                    + f"; or accept the risk with --ignore-insight {insight.id}",
                    subject=f"insight {insight.id}",
                    step=step.label,
                    blocks=("control-plane",),
                )
            )
        else:
            note = " (ignored with --ignore-insight)" if insight.id in ignored else ""
            found.append(
                Finding(
                    "warning",
                    "upgrade-insight",
                    message + note,
                    fix=insight.recommendation,
                    subject=f"insight {insight.id}",
                    step=step.label,
                )
            )
    return found


# --- live facts (--aws) ------------------------------------------------------------------------------


def fetch_live_facts(spec: Spec, target: str, session: Any) -> LiveFacts:
    """Read-only EKS calls: describe_cluster, describe_addon_versions per pinned addon, list/describe_insight."""
    eks = aws.client(session, "eks")
    facts = LiveFacts()
    name = spec.cluster.name
    cluster_exists = True
    try:
        cluster = aws.call("eks:DescribeCluster", eks.describe_cluster, name=name)["cluster"]
        facts.cluster_version = str(cluster.get("version") or "") or None
    except aws.NotFound:
        cluster_exists = False
        facts.notes.append(
            Finding("info", "cluster-absent", f"no EKS cluster named {name!r} in {spec.cluster.region} (not created?)")
        )
    for addon in pinned_addons(spec):
        try:
            facts.addons[addon] = _addon_offer(eks, addon, target)
        except aws.Unavailable as error:
            facts.notes.append(Finding("info", "addon-versions-unavailable", f"{error}; using the shipped catalog"))
            break
    if cluster_exists:
        try:
            facts.insights = _insights_of(eks, name, target)
        except aws.Unavailable as error:
            facts.notes.append(Finding("warning", "insights-unavailable", f"{error}: upgrade insights not checked"))
    return facts


def _addon_offer(eks: Any, addon: str, target: str) -> AddonOffer:
    versions: list[str] = []
    default = None
    found = aws.items(
        "eks:DescribeAddonVersions",
        eks,
        "describe_addon_versions",
        "addons",
        optional=True,
        addonName=addon,
        kubernetesVersion=target,
    )
    for entry in found:
        for offered in entry.get("addonVersions", []):
            version = str(offered.get("addonVersion", ""))
            for compatibility in offered.get("compatibilities", []):
                if compatibility.get("clusterVersion") == target:
                    versions.append(version)
                    if compatibility.get("defaultVersion"):
                        default = version
    return AddonOffer(tuple(dict.fromkeys(versions)), default)


def _insights_of(eks: Any, cluster: str, target: str) -> list[Insight]:
    summaries = aws.items(
        "eks:ListInsights",
        eks,
        "list_insights",
        "insights",
        optional=True,
        clusterName=cluster,
        filter={"categories": ["UPGRADE_READINESS"], "kubernetesVersions": [target]},
    )
    insights = []
    for summary in summaries:
        status = summary.get("insightStatus", {})
        insight = summary
        if status.get("status") in ("ERROR", "WARNING"):
            insight = aws.call(
                "eks:DescribeInsight", eks.describe_insight, optional=True, clusterName=cluster, id=summary["id"]
            ).get("insight", summary)
        insights.append(_insight(insight))
    return insights


def _insight(data: dict[str, Any]) -> Insight:
    status = data.get("insightStatus", {})
    details = []
    summary = data.get("categorySpecificSummary", {})
    for item in summary.get("deprecationDetails", []):
        usage = item.get("usage", "")
        replaced = item.get("replacedWith")
        stops = item.get("stopServingVersion")
        clients = ", ".join(str(c.get("userAgent", "")) for c in item.get("clientStats", []))
        text = usage + (f" → {replaced}" if replaced else "") + (f" (removed in {stops})" if stops else "")
        if clients:
            text += f"; still called by {clients}"
        details.append(text)
    return Insight(
        id=str(data.get("id", "")),
        name=str(data.get("name", "")),
        status=str(status.get("status", "UNKNOWN")),
        reason=str(status.get("reason", "")),
        recommendation=str(data.get("recommendation", "")),
        details=tuple(details),
    )
