"""MIGRATION.md for a live eksctl cluster: ordered steps with the commands filled in."""

from __future__ import annotations

from pathlib import Path

from generator.migrate.discovery import LiveCluster
from generator.migrate.live_spec import LiveMapping


def runbook(
    live: LiveCluster, mapping: LiveMapping, spec_path: Path, imports_path: Path, report_path: Path | None
) -> str:
    name, region = live.name, live.region
    repo = imports_path.parent
    stacks = sorted(live.stacks, key=lambda s: (s.name == f"eksctl-{name}-cluster", s.name))
    unsupported = [r for r in mapping.report.rows if r.outcome == "unsupported"]
    lines = [
        f"# Migrating EKS cluster `{name}` ({region}) from eksctl to ekstf",
        "",
        "Written by `ekstf migrate --from-cluster`. Do the steps in order; stop at the first surprise.",
        "Nothing here changes the cluster until step 5, and nothing is deleted in AWS at any step: the eksctl",
        "CloudFormation stacks are removed with every resource **retained**.",
        "",
        "## 0. Before you start",
        "",
        "- Terraform >= 1.5 (import blocks), or the engine embedded in ekstf; AWS credentials that can manage EKS, IAM",
        "  and CloudFormation in this account.",
        f"- Stop running `eksctl` against `{name}` from now on (no upgrades, no node group changes).",
        "- Keep a copy of what eksctl built:",
        "",
        "```sh",
        f"mkdir -p eksctl-backup && eksctl get cluster --name {name} --region {region} -o yaml > eksctl-backup/cluster.yaml",
    ]
    for stack in stacks:
        lines.append(
            f"aws cloudformation get-template --region {region} --stack-name {stack.name} "
            f"--query TemplateBody --output json > eksctl-backup/{stack.name}.json"
        )
    lines += [
        "```",
        "",
        "## 1. Review the spec and the report",
        "",
        f"- `{spec_path}` describes the cluster as it is; existing roles, launch templates, subnets and security",
        "  groups are referenced by id so that nothing is replaced.",
    ]
    if report_path is not None:
        lines.append(f"- `{report_path}` lists every field and what happened to it.")
    lines += [f"- `{imports_path}` holds {len(mapping.imports)} import block(s):", ""]
    lines += ["| resource | address | import id |", "| --- | --- | --- |"]
    lines += [f"| {b.what} | `{b.address}` | `{b.id}` |" for b in mapping.imports]
    lines.append("")
    if unsupported or mapping.report.warnings:
        lines += ["Not carried over automatically (handle these by hand):", ""]
        lines += [f"- {r.note}" for r in unsupported]
        lines += [f"- {w}" for w in mapping.report.warnings]
        lines.append("")
    lines += [
        "## 2. Generate the Terraform repository",
        "",
        "```sh",
        f"ekstf validate {spec_path}",
        f"ekstf generate {spec_path} -o {repo}",
        f"ls {imports_path}   # the import blocks must sit in the generated root module",
        "```",
        "",
        "## 3. Plan: every existing resource must show as an import",
        "",
        "```sh",
        f"ekstf plan -C {repo} --markdown plan-review.md",
        "```",
        "",
        "The plan must list the resources above as *import*; new resources ekstf adds (its own security groups,",
        "launch templates of new groups, IAM policies) show as *create*.",
        "",
        "## 4. Check that nothing is replaced or destroyed",
        "",
        "```sh",
        f"ekstf review {repo}/.ekstf/plan.json --fail-on replace --fail-on destroy",
        "```",
        "",
        "Exit code 3 means a replacement or deletion is planned: do **not** apply. Change the spec so it matches the",
        "live value named in the review (a name, a subnet, a role, an instance type) and go back to step 2.",
        "",
        "## 5. Apply the imports",
        "",
        "```sh",
        f"ekstf apply -C {repo}",
        f"ekstf plan -C {repo}   # exit code 0: no changes left (or only updates you expect)",
        f"rm {imports_path}       # import blocks are only needed once",
        "```",
        "",
        "## 6. Retire the eksctl CloudFormation stacks, keeping every resource",
        "",
        "Set `DeletionPolicy: Retain` on every resource of each stack, then delete the stack: CloudFormation forgets",
        "the resources but leaves them in place. Node group and addon stacks first, the cluster stack last.",
        "",
        "```sh",
    ]
    for stack in stacks:
        lines += [
            f"# {stack.name} ({len(stack.resources)} resources)",
            f"aws cloudformation get-template --region {region} --stack-name {stack.name} --query TemplateBody --output json \\",
            '  | jq \'.Resources |= map_values(. + {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})\' \\',
            f"  > {stack.name}-retain.json",
            f"aws cloudformation update-stack --region {region} --stack-name {stack.name} \\",
            f"  --template-body file://{stack.name}-retain.json --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM",
            f"aws cloudformation wait stack-update-complete --region {region} --stack-name {stack.name}",
            f"aws cloudformation delete-stack --region {region} --stack-name {stack.name}",
            f"aws cloudformation wait stack-delete-complete --region {region} --stack-name {stack.name}",
            "",
        ]
    if not stacks:
        lines.append(f"# no eksctl-{name}-* stacks were found: nothing to retire")
    lines += [
        "```",
        "",
        "If a stack has parameters, add `--parameters ParameterKey=NAME,UsePreviousValue=true` for each to",
        "`update-stack`. If `update-stack` says there are no updates, the resources already had Retain: delete the stack.",
        "",
        "What the spec only references (the VPC, its subnets, route tables, NAT and internet gateways, eksctl's",
        "security groups, the cluster, node and Fargate roles, launch templates) stays in place after this step and is",
        "then managed by no tool: keep it as is, or adopt it into Terraform later with more import blocks.",
        "",
        "## 7. Verify",
        "",
        "```sh",
        f"aws eks describe-cluster --region {region} --name {name} --query cluster.status   # ACTIVE",
        f"aws cloudformation list-stacks --region {region} --query \"StackSummaries[?starts_with(StackName, 'eksctl-{name}-') && StackStatus!='DELETE_COMPLETE'].StackName\"   # []",
        f"ekstf plan -C {repo}   # exit code 0: Terraform now owns the cluster",
        "kubectl get nodes && kubectl get pods -A   # workloads unaffected",
        "```",
        "",
    ]
    return "\n".join(lines)
