"""What Kubernetes controllers created outside Terraform and what keeps a VPC from being deleted.

`terraform destroy` of an EKS repository gets stuck (or leaves costs behind) when the AWS Load Balancer Controller,
the in-tree cloud provider, Karpenter or the EBS CSI driver created AWS resources: load balancers and their target
groups and security groups, ENIs left in the VPC, instances, volumes of persistent volume claims. They are found by
the tags those controllers write, and deleted in dependency order by `clean_up`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from generator.day2 import aws

KINDS = (
    "instance",
    "load-balancer",
    "classic-load-balancer",
    "target-group",
    "volume",
    "network-interface",
    "security-group",
)
KARPENTER_NODEPOOL = "karpenter.sh/nodepool"
PVC_TAG = "kubernetes.io/created-for/pvc/name"
LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped"]


@dataclass(frozen=True)
class Leftover:
    kind: str  # one of KINDS
    id: str  # ARN, name or id: what the delete call takes
    name: str
    region: str
    reason: str  # the tag (or property) that ties it to the cluster

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def cluster_tag(cluster_name: str) -> str:
    return f"kubernetes.io/cluster/{cluster_name}"


def _tags(entries: Iterable[dict[str, Any]] | None) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in entries or ()}


def _owned_by(tags: dict[str, str], cluster_name: str) -> str | None:
    """The tag that says the resource belongs to the cluster, or None."""
    if tags.get("elbv2.k8s.aws/cluster") == cluster_name:
        return f"elbv2.k8s.aws/cluster={cluster_name}"
    if cluster_tag(cluster_name) in tags:
        return cluster_tag(cluster_name)
    if tags.get("karpenter.k8s.aws/cluster") == cluster_name:
        return f"karpenter.k8s.aws/cluster={cluster_name}"
    if tags.get("eks:eks-cluster-name") == cluster_name:
        return f"eks:eks-cluster-name={cluster_name}"
    if tags.get("KubernetesCluster") == cluster_name:
        return f"KubernetesCluster={cluster_name}"
    return None


def find_leftovers(cluster_name: str, region: str, vpc_id: str | None, session: Any) -> list[Leftover]:
    """Every resource a controller of `cluster_name` left, read-only."""
    found: list[Leftover] = []
    found += _instances(cluster_name, region, session)
    found += _load_balancers(cluster_name, region, session)
    found += _classic_load_balancers(cluster_name, region, session)
    found += _volumes(cluster_name, region, session)
    found += _network_interfaces(cluster_name, region, vpc_id, session)
    found += _security_groups(cluster_name, region, session)
    return found


def _instances(cluster_name: str, region: str, session: Any) -> list[Leftover]:
    ec2 = aws.client(session, "ec2")
    filters = [
        {"Name": "tag-key", "Values": [KARPENTER_NODEPOOL]},
        {"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES},
    ]
    found = []
    for reservation in aws.items("ec2:DescribeInstances", ec2, "describe_instances", "Reservations", Filters=filters):
        for instance in reservation.get("Instances", []):
            tags = _tags(instance.get("Tags"))
            reason = _owned_by(tags, cluster_name)
            if reason:
                pool = tags.get(KARPENTER_NODEPOOL, "")
                found.append(
                    Leftover("instance", instance["InstanceId"], f"Karpenter node (pool {pool})", region, reason)
                )
    return found


def _load_balancers(cluster_name: str, region: str, session: Any) -> list[Leftover]:
    elbv2 = aws.client(session, "elbv2")
    found = []
    balancers = list(aws.items("elbv2:DescribeLoadBalancers", elbv2, "describe_load_balancers", "LoadBalancers"))
    groups = list(aws.items("elbv2:DescribeTargetGroups", elbv2, "describe_target_groups", "TargetGroups"))
    arns = [b["LoadBalancerArn"] for b in balancers] + [g["TargetGroupArn"] for g in groups]
    tags = _elbv2_tags(elbv2, arns)
    for balancer in balancers:
        reason = _owned_by(tags.get(balancer["LoadBalancerArn"], {}), cluster_name)
        if reason:
            found.append(
                Leftover("load-balancer", balancer["LoadBalancerArn"], balancer["LoadBalancerName"], region, reason)
            )
    for group in groups:
        reason = _owned_by(tags.get(group["TargetGroupArn"], {}), cluster_name)
        if reason:
            found.append(Leftover("target-group", group["TargetGroupArn"], group["TargetGroupName"], region, reason))
    return found


def _elbv2_tags(elbv2: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    tags: dict[str, dict[str, str]] = {}
    for start in range(0, len(arns), 20):  # the API takes at most 20 ARNs
        answer = aws.call("elbv2:DescribeTags", elbv2.describe_tags, ResourceArns=arns[start : start + 20])
        for entry in answer.get("TagDescriptions", []):
            tags[entry["ResourceArn"]] = _tags(entry.get("Tags"))
    return tags


def _classic_load_balancers(cluster_name: str, region: str, session: Any) -> list[Leftover]:
    elb = aws.client(session, "elb")
    names = [
        b["LoadBalancerName"]
        for b in aws.items("elb:DescribeLoadBalancers", elb, "describe_load_balancers", "LoadBalancerDescriptions")
    ]
    found = []
    for start in range(0, len(names), 20):
        answer = aws.call("elb:DescribeTags", elb.describe_tags, LoadBalancerNames=names[start : start + 20])
        for entry in answer.get("TagDescriptions", []):
            reason = _owned_by(_tags(entry.get("Tags")), cluster_name)
            if reason:
                name = entry["LoadBalancerName"]
                found.append(Leftover("classic-load-balancer", name, name, region, reason))
    return found


def _volumes(cluster_name: str, region: str, session: Any) -> list[Leftover]:
    ec2 = aws.client(session, "ec2")
    found = []
    filters = [{"Name": "tag-key", "Values": [PVC_TAG]}]
    for volume in aws.items("ec2:DescribeVolumes", ec2, "describe_volumes", "Volumes", Filters=filters):
        tags = _tags(volume.get("Tags"))
        reason = _owned_by(tags, cluster_name)
        if reason:
            claim = tags.get("kubernetes.io/created-for/pvc/namespace", "?") + "/" + tags.get(PVC_TAG, "?")
            found.append(Leftover("volume", volume["VolumeId"], f"volume of PVC {claim}", region, reason))
    return found


def _network_interfaces(cluster_name: str, region: str, vpc_id: str | None, session: Any) -> list[Leftover]:
    """Detached ENIs of the cluster (VPC CNI, load balancer controller): they keep subnets and groups alive."""
    ec2 = aws.client(session, "ec2")
    filters = [{"Name": "status", "Values": ["available"]}]
    if vpc_id:
        filters.append({"Name": "vpc-id", "Values": [vpc_id]})
    found = []
    for eni in aws.items(
        "ec2:DescribeNetworkInterfaces", ec2, "describe_network_interfaces", "NetworkInterfaces", Filters=filters
    ):
        tags = _tags(eni.get("TagSet"))
        reason = _owned_by(tags, cluster_name)
        if tags.get("cluster.k8s.amazonaws.com/name") == cluster_name:
            reason = f"cluster.k8s.amazonaws.com/name={cluster_name}"
        elif reason is None and vpc_id and str(eni.get("Description", "")).startswith("aws-K8S-"):
            reason = "VPC CNI interface (aws-K8S-*) left in the cluster's VPC"
        if reason:
            eni_id = eni["NetworkInterfaceId"]
            found.append(Leftover("network-interface", eni_id, str(eni.get("Description") or eni_id), region, reason))
    return found


def _security_groups(cluster_name: str, region: str, session: Any) -> list[Leftover]:
    """Groups the load balancer controller (tag elbv2.k8s.aws/cluster) or the cloud provider (k8s-elb-*) made.

    The module's own groups carry kubernetes.io/cluster/NAME too; they are Terraform's, so only `k8s-` names count.
    """
    ec2 = aws.client(session, "ec2")
    found: dict[str, Leftover] = {}
    queries = (
        [{"Name": "tag:elbv2.k8s.aws/cluster", "Values": [cluster_name]}],
        [{"Name": "tag-key", "Values": [cluster_tag(cluster_name)]}, {"Name": "group-name", "Values": ["k8s-*"]}],
    )
    for filters in queries:
        for group in aws.items(
            "ec2:DescribeSecurityGroups", ec2, "describe_security_groups", "SecurityGroups", Filters=filters
        ):
            reason = _owned_by(_tags(group.get("Tags")), cluster_name) or "k8s-* group"
            found.setdefault(
                group["GroupId"], Leftover("security-group", group["GroupId"], group["GroupName"], region, reason)
            )
    return list(found.values())


# --- clean-up -------------------------------------------------------------------------------------------

Progress = Callable[[str], None]


def clean_up(leftovers: list[Leftover], progress: Progress, *, session: Any = None, wait_seconds: float = 300) -> None:
    """Delete the leftovers in dependency order: nodes, load balancers, target groups, volumes, ENIs, groups."""
    if not leftovers:
        return
    session = session or aws.make_session(leftovers[0].region)
    ec2, elbv2, elb = aws.client(session, "ec2"), aws.client(session, "elbv2"), aws.client(session, "elb")
    by_kind = {kind: [item for item in leftovers if item.kind == kind] for kind in KINDS}
    total = len(leftovers)
    done = 0

    def report(item: Leftover, verb: str) -> None:
        nonlocal done
        done += 1
        progress(f"[{done}/{total}] {verb} {item.kind} {item.name} ({item.id})")

    instances = by_kind["instance"]
    if instances:
        ids = [i.id for i in instances]
        aws.call("ec2:TerminateInstances", ec2.terminate_instances, InstanceIds=ids)
        for item in instances:
            report(item, "terminating")
        _wait(ec2, "instance_terminated", wait_seconds, InstanceIds=ids)
    for item in by_kind["load-balancer"]:
        aws.call("elbv2:DeleteLoadBalancer", elbv2.delete_load_balancer, LoadBalancerArn=item.id)
        report(item, "deleted")
    if by_kind["load-balancer"]:
        _wait(elbv2, "load_balancers_deleted", wait_seconds, LoadBalancerArns=[i.id for i in by_kind["load-balancer"]])
    for item in by_kind["classic-load-balancer"]:
        aws.call("elb:DeleteLoadBalancer", elb.delete_load_balancer, LoadBalancerName=item.id)
        report(item, "deleted")
    for item in by_kind["target-group"]:
        _retry(partial(elbv2.delete_target_group, TargetGroupArn=item.id), "elbv2:DeleteTargetGroup", wait_seconds)
        report(item, "deleted")
    for item in by_kind["volume"]:
        _retry(partial(ec2.delete_volume, VolumeId=item.id), "ec2:DeleteVolume", wait_seconds)
        report(item, "deleted")
    for item in by_kind["network-interface"]:
        _retry(
            partial(ec2.delete_network_interface, NetworkInterfaceId=item.id),
            "ec2:DeleteNetworkInterface",
            wait_seconds,
        )
        report(item, "deleted")
    for item in by_kind["security-group"]:
        _retry(partial(ec2.delete_security_group, GroupId=item.id), "ec2:DeleteSecurityGroup", wait_seconds)
        report(item, "deleted")


def _wait(client: Any, waiter: str, seconds: float, **kwargs: Any) -> None:
    delay = 5
    attempts = max(1, int(seconds // delay))
    aws.call(
        f"waiting ({waiter})",
        lambda: client.get_waiter(waiter).wait(WaiterConfig={"Delay": delay, "MaxAttempts": attempts}, **kwargs),
    )


_BUSY = {"DependencyViolation", "InvalidVolume.InUse", "ResourceInUse", "VolumeInUse", "InvalidNetworkInterface.InUse"}


def _retry(action: Callable[[], Any], name: str, seconds: float) -> None:
    """Deletes that fail while a dependant goes away (a load balancer's ENIs, a detaching volume) are retried."""
    from botocore.exceptions import ClientError

    deadline = time.monotonic() + seconds
    while True:
        try:
            aws.call(name, lambda: _raw(action, ClientError))
            return
        except _Busy:
            if time.monotonic() > deadline:
                aws.call(name, action)  # the real error, one last time
                return
            time.sleep(5)
        except aws.NotFound:
            return  # gone already


class _Busy(Exception):
    pass


def _raw(action: Callable[[], Any], client_error: type[Exception]) -> Any:
    try:
        return action()
    except client_error as error:
        code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
        if code in _BUSY:
            raise _Busy(code) from None
        raise
