"""vpc.tf: a new VPC through terraform-aws-modules/vpc, or data sources for an existing one.

Subnet CIDRs are computed here and written as literals (eksctl's layout: every subnet is the VPC prefix + 3,
public subnets first, then private), so a reviewer sees the exact ranges in the pull request.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from generator.generate import names
from generator.generate.builders.common import karpenter_enabled
from generator.generate.builders.contexts import ExistingVpcContext, NewVpcContext
from generator.generate.hcl import Call, Expr
from generator.spec.models import Spec


def subnet_cidrs(cidr: str, prefix: int, count: int) -> tuple[list[str], list[str]]:
    """(public, private) subnet CIDRs: the first `count` blocks of size /prefix are public, the next private."""
    blocks = ipaddress.ip_network(cidr).subnets(new_prefix=prefix)
    taken = [str(next(blocks)) for _ in range(2 * count)]
    return taken[:count], taken[count:]


def network(spec: Spec) -> NewVpcContext | ExistingVpcContext:
    if spec.vpc.existing:
        return _existing(spec)
    return _new(spec)


def _new(spec: Spec) -> NewVpcContext:
    vpc = spec.vpc
    pinned = vpc.availability_zones
    count = len(pinned) if pinned is not None else vpc.az_count
    assert vpc.subnet_prefix_length is not None  # filled by defaults.complete
    public, private = subnet_cidrs(vpc.cidr, vpc.subnet_prefix_length, count)
    cluster = spec.cluster.name
    public_tags: dict[str, str] = {"kubernetes.io/role/elb": "1"}
    private_tags: dict[str, str] = {"kubernetes.io/role/internal-elb": "1"}
    if karpenter_enabled(spec):
        private_tags["karpenter.sh/discovery"] = cluster
    azs: Any = (
        list(pinned)
        if pinned is not None
        else Call("slice", (Expr("data.aws_availability_zones.available.names"), 0, count))
    )
    public_nodes = any(g.subnets == "public" for g in [*spec.managed_node_groups, *spec.node_groups])
    nat: dict[str, Any] = {"enable_nat_gateway": vpc.nat != "none"}
    if vpc.nat == "single":
        nat["single_nat_gateway"] = True
    elif vpc.nat == "per-az":
        nat["one_nat_gateway_per_az"] = True
    ipv6 = spec.cluster.kubernetes_network.ip_family == "ipv6"
    dual_stack: dict[str, Any] = {}
    if ipv6:
        dual_stack = {
            "enable_ipv6": True,
            "create_egress_only_igw": True,
            "public_subnet_ipv6_prefixes": list(range(count)),
            "private_subnet_ipv6_prefixes": list(range(count, 2 * count)),
            "public_subnet_assign_ipv6_address_on_creation": True,
            "private_subnet_assign_ipv6_address_on_creation": True,
        }
    return {
        "existing": False,
        "module": names.VPC_MODULE,
        "version": spec.terraform.modules.vpc,
        "lookup_azs": pinned is None,
        "az_count": count,
        "arguments": {"name": cluster, "cidr": vpc.cidr, "azs": azs},
        "subnets": {"public_subnets": public, "private_subnets": private},
        "nat": nat,
        "dual_stack": dual_stack,
        "subnet_tags": {"public_subnet_tags": public_tags, "private_subnet_tags": private_tags},
        # Nodes in public subnets reach the internet (and the cluster) only with a public IP.
        "public_ips": {"map_public_ip_on_launch": True} if public_nodes else {},
        "nat_comment": {
            "single": "One NAT gateway for the VPC (eksctl's default): cheap, but one AZ's outage cuts all egress.",
            "per-az": "One NAT gateway per AZ: egress survives the loss of an AZ.",
            "none": "No NAT gateway: nodes in private subnets need VPC endpoints (ECR, S3, STS, EC2, logs).",
        }[vpc.nat],
    }


def _existing(spec: Spec) -> ExistingVpcContext:
    vpc = spec.vpc
    # Only public subnets (eksctl allows it): the cluster and nodes use them where private ones would go.
    private = list(vpc.public_subnet_ids if vpc.public_only else vpc.private_subnet_ids)
    subnets = [*vpc.private_subnet_ids, *vpc.public_subnet_ids, *vpc.control_plane_subnet_ids]
    return {
        "existing": True,
        "vpc_id": vpc.id,
        "vpc_subnet": None if vpc.id else subnets[0],
        "public_only": vpc.public_only,
        "private_subnet_ids": private,
        "public_subnet_ids": list(vpc.public_subnet_ids),
        "control_plane_subnet_ids": list(vpc.control_plane_subnet_ids),
    }
