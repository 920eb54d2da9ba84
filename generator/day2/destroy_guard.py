"""Before `ekstf destroy`: refuse while controllers' leftovers would block or outlive the destroy.

The runner calls `LeftoversGuard.check` with the exact destroy plan before approval. The clusters are the
`aws_eks_cluster` resources the plan deletes (name, region from the ARN, VPC); a whole-repository destroy of a
repository whose outputs name a cluster (`cluster_name`, `region`, as generated) counts too. With leftovers, destroy
stops (exit 1) unless --clean-up (they are deleted once the destroy is approved) or --ignore-leftovers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.day2 import aws
from generator.day2.leftovers import Leftover, find_leftovers
from generator.errors import EkstfError


class LeftoversFound(EkstfError):
    """Resources created outside Terraform would block (or survive) the destroy. Exit code 1."""

    def __init__(self, cluster: str, leftovers: list[Leftover]) -> None:
        self.leftovers = leftovers
        lines = [f"  - {item.kind} {item.name} ({item.id}): {item.reason}" for item in leftovers]
        super().__init__(
            f"refusing to destroy cluster {cluster}: {len(leftovers)} resource(s) created outside Terraform by "
            "Kubernetes controllers would block the VPC deletion or be left behind:\n"
            + "\n".join(lines)
            + "\nhint: delete them from Kubernetes first (delete LoadBalancer Services, Ingresses, PVCs, Karpenter "
            "NodePools), or pass --clean-up to delete them now, or --ignore-leftovers to destroy anyway"
        )


def _output(outputs: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = (outputs.get(name) or {}).get("value")
        if isinstance(value, str) and value:
            return value
    return None


def check_before_destroy(
    outputs: dict[str, Any],
    *,
    clean: bool,
    ignore: bool,
    say: Callable[[str], None],
    session: Any = None,
) -> list[Leftover]:
    """The leftovers of the cluster named in `outputs`, to delete (`clean`) or to ignore; else LeftoversFound."""
    cluster = _output(outputs, "cluster_name", "eks_cluster_name")
    region = _output(outputs, "region", "aws_region")
    if cluster is None or region is None:
        say("No cluster_name/region outputs (nothing applied?): not looking for controllers' leftovers.")
        return []
    session = session or aws.make_session(region)
    vpc_id = _output(outputs, "vpc_id") or _cluster_vpc(cluster, session)
    say(f"Looking for resources Kubernetes controllers left for cluster {cluster} in {region} …")
    leftovers = find_leftovers(cluster, region, vpc_id, session)
    if not leftovers:
        return []
    if clean:
        say(f"{len(leftovers)} leftover(s) to delete once the destroy is approved (--clean-up):")
        for item in leftovers:
            say(f"  - {item.kind} {item.name} ({item.id})")
        return leftovers
    if ignore:
        say(f"warning: {len(leftovers)} leftover(s) ignored (--ignore-leftovers); the destroy may get stuck:")
        for item in leftovers:
            say(f"  - {item.kind} {item.name} ({item.id})")
        return leftovers
    raise LeftoversFound(cluster, leftovers)


def _cluster_vpc(cluster: str, session: Any) -> str | None:
    eks = aws.client(session, "eks")
    try:
        described = aws.call("eks:DescribeCluster", eks.describe_cluster, name=cluster)
    except aws.NotFound:
        return None
    vpc = described.get("cluster", {}).get("resourcesVpcConfig", {}).get("vpcId")
    return str(vpc) if vpc else None


def _deleted_clusters(plan: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(name, region, vpc id) of every aws_eks_cluster the plan deletes."""
    found = []
    for change in plan.get("resource_changes") or []:
        if change.get("type") != "aws_eks_cluster" or "delete" not in (change.get("change") or {}).get("actions", []):
            continue
        before = (change.get("change") or {}).get("before") or {}
        arn = str(before.get("arn") or "")
        region = arn.split(":")[3] if arn.count(":") >= 5 else ""
        vpc_config = before.get("vpc_config") or [{}]
        vpc = vpc_config[0].get("vpc_id") if isinstance(vpc_config, list) and vpc_config else None
        if before.get("name") and region:
            found.append((str(before["name"]), region, str(vpc) if vpc else None))
    return found


def _prior_outputs(plan: dict[str, Any]) -> dict[str, Any]:
    outputs = ((plan.get("prior_state") or {}).get("values") or {}).get("outputs") or {}
    return outputs if isinstance(outputs, dict) else {}


class LeftoversGuard:
    """`check` for the runner's pre-apply hook (refuses or lists), `confirm` that cleans up once approved."""

    def __init__(
        self,
        confirm: Callable[[dict[str, Any]], bool] | None,
        *,
        clean: bool,
        ignore: bool,
        targeted: bool,
        say: Callable[[str], None],
    ) -> None:
        self._confirm = confirm
        self.clean, self.ignore, self.targeted, self.say = clean, ignore, targeted, say
        self.found: list[Leftover] = []

    def check(self, workdir: Path, plan: dict[str, Any]) -> None:
        clusters = _deleted_clusters(plan)
        if clusters:
            for name, region, vpc in clusters:
                outputs = {"cluster_name": {"value": name}, "region": {"value": region}, "vpc_id": {"value": vpc}}
                self.found += check_before_destroy(outputs, clean=self.clean, ignore=self.ignore, say=self.say)
        elif not self.targeted:
            self.found = check_before_destroy(_prior_outputs(plan), clean=self.clean, ignore=self.ignore, say=self.say)

    @property
    def confirm(self) -> Callable[[dict[str, Any]], bool] | None:
        if not self.clean:
            return self._confirm
        return self._confirm_then_clean

    def _confirm_then_clean(self, plan: dict[str, Any]) -> bool:
        if self._confirm is not None and not self._confirm(plan):
            return False
        if self.found:
            from generator.day2.leftovers import clean_up

            self.say(f"Deleting {len(self.found)} leftover(s) before the destroy:")
            clean_up(self.found, self.say)
        return True
