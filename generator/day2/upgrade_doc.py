"""UPGRADE.md: the steps of an upgrade with the commands filled in, what each plan must show, how to watch the
rollout and what can be rolled back. Deterministic: the same plan writes the same text."""

from __future__ import annotations

from pathlib import Path

from generator.day2.findings import Finding
from generator.day2.preflight import pinned_addons
from generator.day2.upgrade import UpgradePlan
from generator.day2.versions import Step
from generator.errors import display_path
from generator.spec.models import ManagedNodeGroup


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_upgrade_doc(plan: UpgradePlan, out_dir: Path | None) -> str:
    spec = plan.spec
    spec_arg = display_path(plan.spec_path)
    repo = display_path(out_dir) if out_dir is not None else "<repo>"
    name, region = spec.cluster.name, spec.cluster.region
    lines = [
        f"# Upgrading {name} to Kubernetes {plan.target}",
        "",
        f"Written by `ekstf upgrade {spec_arg} --to {plan.target}`. EKS upgrades a control plane one minor at a",
        "time and cannot downgrade it; each minor below is three stages, each planned, checked and applied before",
        "the next: the control plane, then the node groups, then the addons.",
        "",
        f"Spec now: control plane {plan.current}"
        + (f"; pending at {plan.current}: {', '.join(plan.pending)}" if plan.pending else "")
        + ".",
        "",
    ]
    lines += _findings_table(plan.findings)
    if plan.pending:
        lines += [f"## Finish {plan.current} first", ""]
        lines += _stage_sections(plan, Step(plan.current, plan.current), spec_arg, repo, name, region, plan.pending)
    for number, step in enumerate(plan.steps, start=1):
        lines += [f"## Step {number}: {step.label}", ""]
        lines += _stage_sections(plan, step, spec_arg, repo, name, region, ["control-plane", "nodes", "addons"])
    if not plan.steps and not plan.pending:
        lines += [f"Nothing to do: the spec is at {plan.target} with every node group and addon on it.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _findings_table(findings: list[Finding]) -> list[str]:
    if not findings:
        return ["No preflight findings.", ""]
    lines = ["## Preflight", "", "| severity | step | about | finding | fix |", "| --- | --- | --- | --- | --- |"]
    for finding in findings:
        lines.append(
            f"| {finding.severity} | {finding.step} | {_cell(finding.subject)} | {_cell(finding.message)} "
            f"| {_cell(finding.fix)} |"
        )
    return [*lines, ""]


def _commands(spec_arg: str, repo: str, target: str, stage: str) -> list[str]:
    return [
        "```sh",
        f"ekstf upgrade {spec_arg} --to {target} --stage {stage} -o {repo}",
        f"ekstf plan -C {repo}",
        f"ekstf upgrade {spec_arg} --to {target} --stage {stage} --check-plan {repo}/.ekstf/plan.json",
        f"ekstf apply -C {repo}",
        "```",
        "",
    ]


def _stage_sections(
    plan: UpgradePlan, step: Step, spec_arg: str, repo: str, name: str, region: str, stages: list[str]
) -> list[str]:
    spec = plan.spec
    lines: list[str] = []
    if "control-plane" in stages:
        latest = sorted(n for n, a in (spec.addons or {}).items() if a.version == "latest")
        lines += [f"### Control plane → {step.target}", ""]
        lines += _commands(spec_arg, repo, plan.target, "control-plane")
        lines += [
            f"The plan must show `module.eks.aws_eks_cluster.this[0]` updated in place, version {step.source} →"
            f" {step.target}, and the module's `time_sleep` replaced; node groups are pinned at {step.source}, so no",
            "node group, launch template or Auto Scaling group changes (ekstf refuses the plan otherwise)."
            + (f" Addons set to `latest` ({', '.join(latest)}) follow the control plane here." if latest else ""),
            "",
            f"Watch: `aws eks describe-cluster --region {region} --name {name} --query cluster.[version,status]`",
            f"and `aws eks list-updates --region {region} --name {name}` (an update takes about 10 minutes).",
            "",
            "Roll back: not possible — EKS cannot downgrade a control plane. Before applying, revert the spec edit",
            "(`git checkout` the spec) and generate again.",
            "",
        ]
    if "nodes" in stages:
        lines += [f"### Node groups → {step.target}", ""]
        lines += _commands(spec_arg, repo, plan.target, "nodes")
        lines += [
            f"The plan must show each node group updated in place to {step.target} (managed: `version` and",
            "`release_version`; self-managed: a new launch template version with the new AMI) — no replacement.",
            "",
            "Nodes are replaced in a rolling update:",
        ]
        for group in spec.managed_node_groups:
            lines.append(f"- `{group.name}`: {_rolling(group)}")
        for self_managed in spec.node_groups:
            lines.append(f"- `{self_managed.name}` (self-managed): the Auto Scaling group's instance refresh")
        lines += [
            "",
            "Watch: `kubectl get nodes -L node.kubernetes.io/instance-type -w` and",
            f"`aws eks describe-nodegroup --region {region} --cluster-name {name} --nodegroup-name NAME "
            "--query nodegroup.[version,releaseVersion,status,health]`.",
            "",
            f'Roll back: before applying, pin the groups again (`version: "{step.source}"`). After applying, a',
            f"managed group is not downgraded in place: add a group pinned at {step.source}, move the workloads,",
            f'remove the upgraded one. A self-managed group rolls back by pinning `version: "{step.source}"`.',
            "",
        ]
    if "addons" in stages:
        pinned = pinned_addons(spec)
        lines += [f"### Addons for {step.target}", ""]
        lines += _commands(spec_arg, repo, plan.target, "addons")
        if pinned:
            lines += [
                "The plan must show only `aws_eks_addon` updates of `addon_version`: "
                + ", ".join(f"`{n}` (now {v})" for n, v in sorted(pinned.items()))
                + ".",
                "",
            ]
        else:
            lines += ["No addon is pinned to a version: `latest` addons moved with the control plane.", ""]
        lines += [
            f"Watch: `aws eks describe-addon --region {region} --cluster-name {name} --addon-name NAME "
            "--query addon.[addonVersion,status,health]`.",
            "",
            "Roll back: EKS does not downgrade an addon in place; before applying, revert the spec's version.",
            "",
        ]
    return lines


def _rolling(group: ManagedNodeGroup) -> str:
    update = group.update_config
    if update.max_unavailable is not None:
        return f"at most {update.max_unavailable} node(s) unavailable at a time (updateConfig.maxUnavailable)"
    return f"at most {update.max_unavailable_percentage}% of the nodes unavailable at a time (updateConfig)"
