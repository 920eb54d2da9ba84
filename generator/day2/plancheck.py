"""Does a stage's plan show exactly that stage's changes? Read through the review's model (generator.review).

Each stage allows a few (resource type, action) pairs and, for updates, the attributes that may change; values
known only after apply are tolerated on allowed resources. Anything else — a replacement, a delete, a new
resource, a node roll during the control-plane stage — refuses the stage (exit 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.day2.preflight import pinned_addons
from generator.review import ResourceChange, Review
from generator.spec.models import Spec

NODE_TYPES = ("aws_eks_node_group", "aws_launch_template", "aws_autoscaling_group")
# The module's time_sleep carries the cluster version in its triggers: replaced whenever the version changes.
WAIT_TYPE = "time_sleep"
OIDC_TYPE = "aws_iam_openid_connect_provider"
_ROOT = re.compile(r"^[^.\[]+")
_ADDON_KEY = re.compile(r'\["([^"]+)"\]$')


@dataclass(frozen=True)
class PlanFinding:
    ok: bool
    address: str
    message: str


@dataclass
class PlanCheck:
    stage: str
    accepted: list[PlanFinding] = field(default_factory=list)
    refused: list[PlanFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "ok": self.ok,
            "accepted": [{"address": f.address, "message": f.message} for f in self.accepted],
            "refused": [{"address": f.address, "message": f.message} for f in self.refused],
        }


def _roots(resource: ResourceChange) -> tuple[set[str], set[str]]:
    """Top-level attributes with a known change, and those only known after apply."""
    known: set[str] = set()
    unknown: set[str] = set()
    for diff in resource.diff():
        match = _ROOT.match(diff.path)
        root = match.group(0) if match else diff.path
        (unknown if diff.unknown else known).add(root)
    return known, unknown - known


def _addon_name(resource: ResourceChange) -> str:
    match = _ADDON_KEY.search(resource.address)
    return match.group(1) if match else resource.name


def check_plan(review: Review, stage: str, spec: Spec) -> PlanCheck:
    """Check the reviewed plan of `stage` ("control-plane", "nodes", "addons" or "all") against the spec."""
    check = PlanCheck(stage)
    stages = ("control-plane", "nodes", "addons") if stage == "all" else (stage,)
    latest_addons = {name for name, addon in (spec.addons or {}).items() if addon.version == "latest"}
    pinned = pinned_addons(spec)
    saw_cluster = saw_nodes = saw_addons = False
    if review.errored:
        check.refused.append(PlanFinding(False, "", "the plan errored: fix it and plan again"))
    for resource in review.resources:
        if resource.mode == "data" or resource.action in ("read", "no-op"):
            continue
        verdict = _judge(resource, stages, spec, latest_addons)
        (check.accepted if verdict.ok else check.refused).append(verdict)
        saw_cluster |= resource.type == "aws_eks_cluster"
        saw_nodes |= resource.type in NODE_TYPES
        saw_addons |= resource.type == "aws_eks_addon"
    if "control-plane" in stages and not saw_cluster:
        check.refused.append(
            PlanFinding(
                False,
                "aws_eks_cluster",
                f"the plan does not move the control plane to {spec.cluster.version} "
                "(already applied? then go on with --stage nodes)",
            )
        )
    if stage == "nodes" and not saw_nodes:
        check.refused.append(PlanFinding(False, "", "the plan changes no node group: nothing of the nodes stage"))
    if stage == "addons" and pinned and not saw_addons:
        check.refused.append(PlanFinding(False, "", "the plan updates no addon: nothing of the addons stage"))
    return check


def _judge(resource: ResourceChange, stages: tuple[str, ...], spec: Spec, latest: set[str]) -> PlanFinding:
    address, kind, action = resource.address, resource.type, resource.action
    if resource.type == WAIT_TYPE and "control-plane" in stages and action in ("replace", "update", "create"):
        return PlanFinding(True, address, "the module's wait on the cluster follows the new version")
    if action == "replace":
        return PlanFinding(False, address, f"{kind} would be REPLACED ({resource.replace_order or 'replace'})")
    if action in ("delete", "forget"):
        return PlanFinding(False, address, f"{kind} would be DELETED")
    if action == "create":
        return PlanFinding(False, address, f"{kind} would be created: not part of an upgrade stage")
    known, unknown = _roots(resource)
    changed = ", ".join(sorted(known | unknown)) or "no attribute"
    if kind == "aws_eks_cluster":
        if "control-plane" not in stages:
            return PlanFinding(False, address, f"the control plane changes ({changed}) outside its stage")
        if known != {"version"}:
            return PlanFinding(
                False, address, f"the cluster update changes more than its version: {', '.join(sorted(known))}"
            )
        after = resource.after_value() or {}
        if str(after.get("version")) != spec.cluster.version:
            return PlanFinding(
                False, address, f"the cluster would go to {after.get('version')}, not {spec.cluster.version}"
            )
        return PlanFinding(True, address, f"control plane → {spec.cluster.version}")
    if kind == OIDC_TYPE and "control-plane" in stages and not known and unknown <= {"thumbprint_list"}:
        # data.tls_certificate reads the cluster's issuer, so Terraform defers it while the cluster changes.
        return PlanFinding(True, address, "thumbprint re-read after the cluster update (the issuer stays)")
    if kind in NODE_TYPES:
        if "nodes" not in stages:
            return PlanFinding(False, address, f"{kind} changes ({changed}): the nodes would roll in this stage")
        if kind == "aws_eks_node_group" and not known <= {"version", "release_version", "launch_template"}:
            return PlanFinding(
                False, address, f"the node group update changes more than its version: {', '.join(sorted(known))}"
            )
        return PlanFinding(True, address, f"{kind} moves to the new version ({changed})")
    if kind == "aws_eks_addon":
        name = _addon_name(resource)
        if not known <= {"addon_version"}:
            return PlanFinding(
                False, address, f"addon {name} changes more than its version: {', '.join(sorted(known))}"
            )
        if "addons" in stages:
            return PlanFinding(True, address, f"addon {name} → its version for {spec.cluster.version}")
        if "control-plane" in stages and name in latest:
            return PlanFinding(True, address, f"addon {name} is `latest`: it follows the control plane")
        return PlanFinding(False, address, f"addon {name} changes version outside the addons stage")
    return PlanFinding(False, address, f"{kind} {action} ({changed}) is not part of the {'/'.join(stages)} stage")
