"""`ekstf scale SPEC GROUP --min/--max [--desired N]`: sizes in the spec (round-trip), desired size live.

terraform-aws-eks puts `desired_size` in `ignore_changes` (on purpose, so Terraform and the cluster autoscaler do
not fight): editing desiredSize changes nothing after creation. `--desired` therefore also sets the running size
through the API — `eks.update_nodegroup_config` for a managed group, the Auto Scaling group for a self-managed one.
The AWS call comes first: when it fails, the spec is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.day2 import aws
from generator.day2.roundtrip import SpecDocument, set_key
from generator.day2.status import live_group_name
from generator.errors import Problem, UserInputError
from generator.fsutil import atomic_write_text
from generator.spec.loader import load_spec
from generator.spec.positions import did_you_mean

DESIRED_IGNORED = (
    "the module ignores desiredSize after creation (ignore_changes, so Terraform does not undo the autoscaler)"
)


@dataclass
class ScaleResult:
    group: str
    changes: list[str] = field(default_factory=list)
    live: str | None = None  # what was set through AWS

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "changes": self.changes, "live": self.live}


def scale(
    spec_path: Path,
    group_name: str,
    *,
    min_size: int | None,
    max_size: int | None,
    desired: int | None,
    session: Any = None,
) -> ScaleResult:
    if min_size is None and max_size is None and desired is None:
        raise UserInputError(Problem("nothing to change", key_path="--min/--max/--desired", hint="give at least one"))
    spec = load_spec(spec_path).spec
    document = SpecDocument.load(spec_path)
    found = document.group(group_name)
    if found is None:
        names = [str(g.get("name")) for _, _, g in document.groups()]
        raise UserInputError(
            Problem(
                f"no node group named {group_name!r} in {spec_path}",
                key_path="GROUP",
                expected="one of: " + (", ".join(names) or "(the spec has no node groups)"),
                hint=did_you_mean(group_name, names),
            )
        )
    section, index, mapping = found
    result = ScaleResult(group_name)
    for key, value in (("minSize", min_size), ("maxSize", max_size), ("desiredSize", desired)):
        if value is not None:
            old = mapping.get(key)
            set_key(mapping, key, value, after="maxSize" if key == "desiredSize" else "instanceTypes")
            result.changes.append(f"{section}[{index}].{key}: {old if old is not None else '(default)'} → {value}")
    edited = document.validated().spec  # min <= desired <= max, with file:line:column (exit 2)
    if desired is not None:
        group = next(g for g in [*edited.managed_node_groups, *edited.node_groups] if g.name == group_name)
        session = session or aws.make_session(spec.cluster.region)
        if section == "managedNodeGroups":
            result.live = _managed(spec.cluster.name, group_name, group.min_size, group.max_size, desired, session)
        else:
            result.live = _self_managed(group_name, group.min_size, group.max_size, desired, session)
    atomic_write_text(spec_path, document.dump())
    return result


def _managed(cluster: str, group: str, minimum: int, maximum: int, desired: int, session: Any) -> str:
    eks = aws.client(session, "eks")
    try:
        names = list(aws.items("eks:ListNodegroups", eks, "list_nodegroups", "nodegroups", clusterName=cluster))
    except aws.NotFound:
        raise UserInputError(Problem(f"no EKS cluster named {cluster!r}", key_path="cluster.name")) from None
    live = live_group_name(group, names)
    if live is None:
        raise UserInputError(
            Problem(
                f"cluster {cluster} has no node group {group!r} (or several named {group}-*)",
                key_path="GROUP",
                expected="one of: " + (", ".join(names) or "none"),
                hint="apply the spec first (ekstf apply), then scale",
            )
        )
    aws.call(
        "eks:UpdateNodegroupConfig",
        eks.update_nodegroup_config,
        clusterName=cluster,
        nodegroupName=live,
        scalingConfig={"minSize": minimum, "maxSize": maximum, "desiredSize": desired},
    )
    return f"eks.update_nodegroup_config({live}): desiredSize {desired} (min {minimum}, max {maximum})"


def _self_managed(group: str, minimum: int, maximum: int, desired: int, session: Any) -> str:
    autoscaling = aws.client(session, "autoscaling")
    groups = [
        g["AutoScalingGroupName"]
        for g in aws.items(
            "autoscaling:DescribeAutoScalingGroups", autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups"
        )
    ]
    live = live_group_name(group, groups)
    if live is None:
        raise UserInputError(
            Problem(
                f"no Auto Scaling group for node group {group!r}",
                key_path="GROUP",
                hint="apply the spec first (ekstf apply), then scale",
            )
        )
    aws.call(
        "autoscaling:UpdateAutoScalingGroup",
        autoscaling.update_auto_scaling_group,
        AutoScalingGroupName=live,
        MinSize=minimum,
        MaxSize=maximum,
        DesiredCapacity=desired,
    )
    return f"autoscaling.update_auto_scaling_group({live}): DesiredCapacity {desired} (min {minimum}, max {maximum})"
