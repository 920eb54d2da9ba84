"""eksctl `outpost` (an EKS local cluster on AWS Outposts) → the spec's `cluster.outpost`.

eksctl builds a local cluster differently from a cloud one: the endpoint is private-only, access is through the
aws-auth ConfigMap (EKS accepts only CONFIG_MAP there), no EKS add-ons are installed, and node volumes are gp2.
The other mappers ask `is_local_cluster` to apply those defaults; this module maps the section itself.
"""

from __future__ import annotations

from generator.migrate.context import Context
from generator.migrate.spec_paths import SpecNode
from generator.spec.positions import KeyPath

LOCAL_CLUSTER_NOTE = "a local cluster on Outposts"
_BASE: KeyPath = ("outpost",)


def is_local_cluster(ctx: Context) -> bool:
    """Whether the ClusterConfig puts the control plane on an Outpost."""
    return isinstance(ctx.get(_BASE), dict)


def map_outpost(ctx: Context, cluster: SpecNode) -> None:
    if not ctx.has(_BASE):
        return
    report = ctx.report
    if not is_local_cluster(ctx):
        report.unsupported(_BASE, "expected a mapping with controlPlaneOutpostARN; skipped")
        return
    outpost = SpecNode("cluster.outpost")
    arn = ctx.str_((*_BASE, "controlPlaneOutpostARN"))
    if arn:
        outpost["arns"] = [arn]
        report.mapped((*_BASE, "controlPlaneOutpostARN"), "cluster.outpost.arns")
    else:
        report.unsupported(
            (*_BASE, "controlPlaneOutpostARN"), "required by eksctl: set cluster.outpost.arns to the Outpost's ARN"
        )
    instance_type = ctx.str_((*_BASE, "controlPlaneInstanceType"))
    if instance_type:
        outpost["controlPlaneInstanceType"] = instance_type
        report.mapped((*_BASE, "controlPlaneInstanceType"), "cluster.outpost.controlPlaneInstanceType")
    else:
        report.unsupported(
            (*_BASE, "controlPlaneInstanceType"),
            "eksctl picks the smallest instance type the Outpost offers; EKS needs one named: set "
            "cluster.outpost.controlPlaneInstanceType (`aws outposts get-outpost-instance-types`)",
        )
    group = ctx.str_((*_BASE, "controlPlanePlacement", "groupName"))
    if group:
        outpost["controlPlanePlacementGroup"] = group
        report.mapped((*_BASE, "controlPlanePlacement", "groupName"), "cluster.outpost.controlPlanePlacementGroup")
    for key in ctx.dict_((*_BASE, "controlPlanePlacement")) or {}:
        if key != "groupName":
            report.unsupported((*_BASE, "controlPlanePlacement", key), "only the placement group name is offered")
    for key in ctx.dict_(_BASE) or {}:
        if key not in ("controlPlaneOutpostARN", "controlPlaneInstanceType", "controlPlanePlacement"):
            report.unsupported(
                (*_BASE, key),
                "terraform-aws-modules/eks v21's outpost_config has no etcd settings: EKS places etcd itself",
            )
    cluster["outpost"] = outpost
