"""Before `ekstf destroy`: refuse while controllers' leftovers would block or outlive the destroy.

The cluster is named by the repository's outputs (`cluster_name`, `region`, as generated); the VPC comes from a
`vpc_id` output or the live cluster. With leftovers, destroy stops (exit 1) unless --clean-up deletes them first
or --ignore-leftovers goes ahead anyway.
"""

from __future__ import annotations

from collections.abc import Callable
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
