"""CLI of the day-2 area: `ekstf upgrade`, `ekstf status`, `ekstf scale` (flags → generator.day2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from generator.cli.output import console, console_err
from generator.errors import EXIT_FAILURE


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("upgrade")(upgrade_command)
    app.command("status")(status_command)
    app.command("scale")(scale_command)


def _print_json(data: Any) -> None:
    console.print(json.dumps(data, indent=2, sort_keys=False), markup=False, highlight=False, soft_wrap=True)


def _say(text: str) -> None:
    console_err.print(text, markup=False, highlight=False)


def upgrade_command(
    spec: Path = typer.Argument(..., help="The spec file (ekstf.yaml).", show_default=False),
    to: str = typer.Option(..., "--to", help="Target Kubernetes version, e.g. 1.35 (one minor per step up to it)."),
    stage: str | None = typer.Option(
        None, "--stage", help="Edit the spec for this stage of the next step: control-plane | nodes | addons | all."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Generate the repository here after the edit; UPGRADE.md goes here too."
    ),
    check_plan: Path | None = typer.Option(
        None, "--check-plan", help="With --stage: check this plan JSON (DIR/.ekstf/plan.json) shows only that stage."
    ),
    use_aws: bool = typer.Option(
        False, "--aws", help="Also ask AWS: running version, addon versions offered, EKS upgrade insights."
    ),
    ignore_insight: list[str] = typer.Option(
        [], "--ignore-insight", help="Do not block on this ERROR upgrade insight (its id; repeatable)."
    ),
    force: bool = typer.Option(False, "--force", help="Let generate overwrite files you edited in the repository."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Plan a Kubernetes upgrade one minor at a time, with preflight; with --stage edit the spec for one stage.

    Without --stage: the path and preflight findings, and UPGRADE.md (exit 1 when a finding blocks).
    --stage STAGE: edit the spec (comments kept) and generate into -o; refused (exit 1) when preflight blocks.
    --stage STAGE --check-plan PLAN: verify the plan shows exactly that stage's changes (exit 1 otherwise).
    """
    from generator.day2.upgrade import STAGE_CHOICES, plan_upgrade, run_stage, write_upgrade_doc
    from generator.errors import Problem, UserInputError

    if stage is not None and stage not in STAGE_CHOICES:
        raise UserInputError(
            Problem(f"unknown stage {stage!r}", key_path="--stage", expected="one of: " + ", ".join(STAGE_CHOICES))
        )
    if check_plan is not None:
        if stage is None:
            raise UserInputError(
                Problem("--check-plan needs --stage", key_path="--check-plan", hint="e.g. --stage nodes")
            )
        _check_plan(spec, stage, check_plan, as_json)
        return
    live = None
    if use_aws:
        from generator.day2.aws import make_session
        from generator.day2.preflight import fetch_live_facts
        from generator.spec.loader import load_spec

        loaded = load_spec(spec).spec
        live = fetch_live_facts(loaded, to.strip(), make_session(loaded.cluster.region))
    plan = plan_upgrade(spec, to, live=live, ignored_insights=ignore_insight)
    if stage is None:
        doc = write_upgrade_doc(plan, output)
        if as_json:
            _print_json({**plan.to_json(), "upgrade_doc": str(doc)})
        else:
            _print_plan(plan)
            _say(f"Wrote {doc}")
        if plan.blocked:
            raise typer.Exit(EXIT_FAILURE)
        return
    result = run_stage(plan, stage, out_dir=output, live=live, force=force)
    if as_json:
        _print_json(result.to_json())
        return
    for finding in result.findings:
        _say(finding.render())
    if not result.changes:
        _say(f"Nothing to do for the {stage} stage: the spec already has it.")
        return
    console.print(f"{stage} stage: edited {spec}", markup=False)
    for change in result.changes:
        console.print(f"  - {change}", markup=False)
    if output is not None:
        _say(f"Generated {output}: {len(result.generated)} file(s) changed. Next: ekstf plan -C {output}")
        _say(f"then: ekstf upgrade {spec} --to {to} --stage {stage} --check-plan {output}/.ekstf/plan.json")
    if result.upgrade_doc is not None:
        _say(f"Steps and commands: {result.upgrade_doc}")


def _print_plan(plan: Any) -> None:
    from generator.day2.upgrade import UpgradePlan

    assert isinstance(plan, UpgradePlan)
    if plan.steps:
        path = " → ".join([plan.current, *(s.target for s in plan.steps)])
        console.print(f"Upgrade path for {plan.spec.cluster.name}: {path} ({len(plan.steps)} step(s))", markup=False)
    else:
        console.print(f"{plan.spec.cluster.name}: the control plane is at {plan.target} already", markup=False)
    if plan.pending:
        console.print(f"Pending at {plan.current}: {', '.join(plan.pending)} (run those stages first)", markup=False)
    for note in plan.notes:
        _say(note.render())
    for step in plan.steps:
        console.print(f"\nStep {step.label}: control-plane, nodes, addons", markup=False)
        for finding in (f for f in plan.findings if f.step == step.label):
            console.print("  " + finding.render().replace("\n", "\n  "), markup=False, highlight=False)
    for finding in (f for f in plan.findings if f.step not in {s.label for s in plan.steps}):
        console.print(finding.render(), markup=False, highlight=False)


def _check_plan(spec_path: Path, stage: str, plan_path: Path, as_json: bool) -> None:
    from generator.day2.plancheck import check_plan
    from generator.review import build_review, load_plan
    from generator.spec.loader import load_spec

    spec = load_spec(spec_path).spec
    check = check_plan(build_review(load_plan(plan_path)), stage, spec)
    if as_json:
        _print_json(check.to_json())
    else:
        for finding in check.accepted:
            console.print(f"  ok       {finding.address}: {finding.message}", markup=False)
        for finding in check.refused:
            console.print(f"  REFUSED  {finding.address}: {finding.message}", markup=False)
        if check.ok:
            _say(f"The plan shows exactly the {stage} stage: apply it with ekstf apply.")
        else:
            _say(f"The plan does more (or less) than the {stage} stage: do not apply it; fix the spec and plan again.")
    if not check.ok:
        raise typer.Exit(EXIT_FAILURE)


def status_command(
    workdir: Path = typer.Option(Path("."), "-C", "--dir", help="The generated repository (Terraform directory)."),
    spec: Path | None = typer.Option(
        None, "--spec", help="The spec to compare with (default: ekstf.yaml in DIR or its parent)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON on stdout."),
) -> None:
    """The live cluster (read-only AWS calls) next to the spec: versions, endpoint, node groups, Fargate profiles,
    addons, access entries, upgrade insights, and every difference made outside Terraform."""
    from generator.day2.aws import make_session
    from generator.day2.status import cluster_status
    from generator.spec.loader import load_spec

    spec_path = _find_spec(workdir, spec)
    loaded = load_spec(spec_path).spec
    report = cluster_status(loaded, make_session(loaded.cluster.region))
    if as_json:
        _print_json({"spec": str(spec_path), **report.to_json()})
        return
    cluster = report.cluster
    console.print(
        f"cluster {cluster['name']}: {cluster['status']}, Kubernetes {cluster['version']} "
        f"(platform {cluster['platformVersion']}); endpoint public={cluster['endpointPublicAccess']} "
        f"private={cluster['endpointPrivateAccess']}",
        markup=False,
    )
    for group in report.node_groups:
        console.print(
            f"  node group {group['name']} ({group['liveName']}): {group['status']}, {group['version']} "
            f"release {group['releaseVersion']}, size {group['minSize']}/{group['desiredSize']}/{group['maxSize']}"
            + (f", issues: {'; '.join(group['healthIssues'])}" if group["healthIssues"] else ""),
            markup=False,
        )
    for asg in report.self_managed:
        console.print(
            f"  self-managed {asg['name']} ({asg['liveName']}): {asg['instances']} instance(s), "
            f"size {asg['minSize']}/{asg['desiredSize']}/{asg['maxSize']}",
            markup=False,
        )
    for profile in report.fargate_profiles:
        console.print(f"  Fargate profile {profile['name']}: {profile['status']}", markup=False)
    for addon in report.addons:
        newest = f" (newest {addon['newest']})" if addon["newest"] and addon["newest"] != addon["version"] else ""
        console.print(f"  addon {addon['name']} {addon['version']}{newest}: {addon['status']}", markup=False)
    for insight in report.insights:
        console.print(f"  insight {insight['name']} ({insight['id']}): {insight['status']}", markup=False)
    for note in report.notes:
        _say(f"note: {note}")
    if report.differences:
        console.print(f"{len(report.differences)} difference(s) between the spec and the cluster:", markup=False)
        for difference in report.differences:
            console.print(f"  - {difference.render()}", markup=False)
    else:
        console.print("The cluster matches the spec.", markup=False)


def _find_spec(workdir: Path, spec: Path | None) -> Path:
    from generator.errors import Problem, UserInputError

    if spec is not None:
        return spec
    for candidate in (workdir / "ekstf.yaml", workdir.resolve().parent / "ekstf.yaml"):
        if candidate.is_file():
            return candidate
    raise UserInputError(
        Problem(
            f"no ekstf.yaml in {workdir} or its parent",
            key_path="--spec",
            hint="name the spec the repository was generated from: --spec PATH",
        )
    )


def scale_command(
    spec: Path = typer.Argument(..., help="The spec file (ekstf.yaml).", show_default=False),
    group: str = typer.Argument(..., help="The node group (managedNodeGroups or nodeGroups name).", show_default=False),
    min_size: int | None = typer.Option(None, "--min", min=0, help="New minSize (applied by Terraform)."),
    max_size: int | None = typer.Option(None, "--max", min=1, help="New maxSize (applied by Terraform)."),
    desired: int | None = typer.Option(
        None, "--desired", min=0, help="Also set the running size now through AWS (Terraform ignores it)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Change a node group's sizes in the spec (comments kept); --desired also sets the running size via AWS."""
    from generator.day2.scale import DESIRED_IGNORED, scale

    result = scale(spec, group, min_size=min_size, max_size=max_size, desired=desired)
    if as_json:
        _print_json(result.to_json())
        return
    console.print(f"edited {spec}:", markup=False)
    for change in result.changes:
        console.print(f"  - {change}", markup=False)
    if result.live:
        _say(f"Set now: {result.live}, because {DESIRED_IGNORED}.")
    if min_size is not None or max_size is not None:
        _say("minSize/maxSize reach the cluster with: ekstf generate, ekstf plan, ekstf apply.")
    elif desired is not None and result.live:
        _say("The spec records the new desiredSize for a re-created group; no plan is needed.")
