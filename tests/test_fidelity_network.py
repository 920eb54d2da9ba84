"""Existing networks as eksctl accepts them (issue 11): subnets without a VPC id, public subnets only."""

from __future__ import annotations

from pathlib import Path

from conftest import run_ekstf
from fidelity_support import eks_args, generate, hcl_file, refused, write_spec

PRIVATE = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
PUBLIC = ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]


def _locals(repo: Path) -> dict[str, object]:
    found: dict[str, object] = {}
    for block in hcl_file(repo / "vpc.tf").get("locals", []):
        found.update(block)
    return found


def test_subnets_without_a_vpc_id_read_the_vpc_from_a_subnet(tmp_path: Path) -> None:
    repo = generate(
        tmp_path,
        f"vpc:\n  privateSubnetIds: [{', '.join(PRIVATE)}]\nmanagedNodeGroups:\n  - name: general\n",
    )
    data = hcl_file(repo / "vpc.tf")["data"]
    assert data == [{"aws_subnet": {"vpc": {"id": PRIVATE[0]}}}]
    assert _locals(repo)["vpc_id"] == "${data.aws_subnet.vpc.vpc_id}"
    assert eks_args(repo)["vpc_id"] == "${local.vpc_id}"


def test_existing_vpc_with_public_subnets_only_is_accepted_with_a_security_note(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path, f"vpc:\n  publicSubnetIds: [{', '.join(PUBLIC)}]\nmanagedNodeGroups:\n  - name: general\n"
    )
    out = tmp_path / "infra"
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 0, result.output
    assert "vpc.publicSubnetIds: no private subnets" in result.stderr
    locals_ = _locals(out)
    assert locals_["private_subnet_ids"] == PUBLIC  # the cluster and the nodes use the public subnets
    assert locals_["control_plane_subnet_ids"] == PUBLIC
    assert "No private subnets" in (out / "README.md").read_text(encoding="utf-8")


def test_public_subnets_only_and_fargate_is_refused(tmp_path: Path) -> None:
    result = refused(
        tmp_path,
        f"vpc:\n  publicSubnetIds: [{', '.join(PUBLIC)}]\nmanagedNodeGroups:\n  - name: general\n"
        "fargateProfiles:\n  - name: apps\n    selectors: [{namespace: apps}]\n",
    )
    assert "Fargate runs pods in private subnets only" in result.stderr


def test_one_subnet_is_still_not_a_network(tmp_path: Path) -> None:
    result = refused(tmp_path, f"vpc:\n  publicSubnetIds: [{PUBLIC[0]}]\nmanagedNodeGroups:\n  - name: general\n")
    assert "vpc.privateSubnetIds: an existing VPC needs at least two private subnets" in result.stderr
