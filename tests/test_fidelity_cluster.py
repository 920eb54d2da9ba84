"""Cluster-level settings that say what they do (issue 11): Terraform pin for S3 locking, log group, open endpoint,
addons that replace the defaults."""

from __future__ import annotations

from pathlib import Path

from conftest import run_ekstf
from fidelity_support import ONE_GROUP, eks_args, generate, hcl_file, write_spec


def test_s3_lockfile_raises_the_terraform_pin_to_1_10(tmp_path: Path) -> None:
    repo = generate(tmp_path, ONE_GROUP + "terraform:\n  backend: {type: s3, bucket: state-bucket}\n")
    assert hcl_file(repo / "versions.tf")["terraform"][0]["required_version"] == ">= 1.10"
    assert hcl_file(repo / "backend.tf")["terraform"][0]["backend"][0]["s3"]["use_lockfile"] is True


def test_terraform_pin_stays_without_the_lockfile_or_when_the_user_sets_it(tmp_path: Path) -> None:
    local = generate(tmp_path / "local", ONE_GROUP)
    assert hcl_file(local / "versions.tf")["terraform"][0]["required_version"] == ">= 1.5.7"
    own = generate(
        tmp_path / "own",
        ONE_GROUP + "terraform:\n  backend: {type: s3, bucket: state-bucket}\n  versions: {terraform: '>= 1.11'}\n",
    )
    assert hcl_file(own / "versions.tf")["terraform"][0]["required_version"] == ">= 1.11"


def test_no_log_types_means_no_log_group(tmp_path: Path) -> None:
    repo = generate(tmp_path, ONE_GROUP, head="cluster:\n  name: fid\n  region: eu-west-1\n  logging: {types: []}\n")
    args = eks_args(repo)
    assert args["enabled_log_types"] == []
    assert args["create_cloudwatch_log_group"] is False
    assert "cloudwatch_log_group_retention_in_days" not in args


def test_default_open_public_endpoint_is_warned_about_and_documented(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, ONE_GROUP)
    out = tmp_path / "infra"
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 0, result.output
    assert "ekstf.yaml:1:1: warning: cluster: the public endpoint is open to the whole internet" in result.stderr
    assert "reachable from the whole internet" in (out / "README.md").read_text(encoding="utf-8")
    closed = generate(
        tmp_path / "closed",
        ONE_GROUP,
        head="cluster:\n  name: fid\n  region: eu-west-1\n  endpoint: {publicCidrs: [198.51.100.0/24]}\n",
    )
    assert "reachable from the whole internet" not in (closed / "README.md").read_text(encoding="utf-8")


def test_addons_map_missing_defaults_warns_and_keep_adds_them(tmp_path: Path) -> None:
    body = ONE_GROUP + "addons:\n  aws-ebs-csi-driver: latest\n"
    spec = write_spec(tmp_path, body)
    result = run_ekstf("validate", "--spec-only", spec)
    assert result.returncode == 0, result.output
    assert "addons: the addons map replaces ekstf's defaults, so coredns, kube-proxy, vpc-cni will not be" in (
        result.stderr
    )
    assert "addonsDefaults: keep" in result.stderr
    kept = generate(tmp_path / "keep", body + "addonsDefaults: keep\n")
    assert sorted(eks_args(kept)["addons"]) == [
        "aws-ebs-csi-driver",
        "coredns",
        "eks-pod-identity-agent",
        "kube-proxy",
        "vpc-cni",
    ]
    replaced = run_ekstf("validate", "--spec-only", write_spec(tmp_path, body + "addonsDefaults: replace\n"))
    assert replaced.returncode == 0 and "replaces ekstf's defaults" not in replaced.stderr


def test_keep_counts_as_having_the_pod_identity_agent(tmp_path: Path) -> None:
    repo = generate(tmp_path, ONE_GROUP + "karpenter: {}\naddons:\n  vpc-cni: latest\naddonsDefaults: keep\n")
    assert eks_args(repo)["addons"]["eks-pod-identity-agent"]["before_compute"] is True


def test_no_log_types_keep_a_log_group_whose_retention_the_spec_gives(tmp_path: Path) -> None:
    # A migrated live cluster: logging off, but its log group exists and is imported.
    repo = generate(
        tmp_path,
        ONE_GROUP,
        head="cluster:\n  name: fid\n  region: eu-west-1\n  logging: {types: [], retentionDays: 30}\n",
    )
    args = eks_args(repo)
    assert "create_cloudwatch_log_group" not in args
    assert args["cloudwatch_log_group_retention_in_days"] == 30
