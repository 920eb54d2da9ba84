"""`ekstf upgrade --aws`: the running version from moto_server; EKS upgrade insights and addon versions from
recorded boto3 responses, because moto implements neither ListInsights/DescribeInsight nor DescribeAddonVersions.

The recorded answers are injected with botocore's `before-call` event (the mechanism botocore's Stubber uses), only
for those three operations; every other call goes to the real moto_server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from conftest import MotoServer, run_ekstf

REGION = "eu-west-1"
INSIGHT_ID = "a1b2c3d4-0000-4000-8000-000000000001"

# Shapes as eks.list_insights / describe_insight / describe_addon_versions return them (botocore's EKS model).
LIST_INSIGHTS = {
    "insights": [
        {
            "id": INSIGHT_ID,
            "name": "Deprecated APIs removed in Kubernetes v1.34",
            "category": "UPGRADE_READINESS",
            "kubernetesVersion": "1.34",
            "insightStatus": {"status": "ERROR", "reason": "Deprecated API usage detected within the last 30 days."},
        },
        {
            "id": "a1b2c3d4-0000-4000-8000-000000000002",
            "name": "Kubelet version skew",
            "category": "UPGRADE_READINESS",
            "kubernetesVersion": "1.34",
            "insightStatus": {"status": "PASSING", "reason": "No issues."},
        },
    ]
}
DESCRIBE_INSIGHT = {
    "insight": {
        **LIST_INSIGHTS["insights"][0],
        "recommendation": "Update manifests and API clients to use newer Kubernetes APIs",
        "categorySpecificSummary": {
            "deprecationDetails": [
                {
                    "usage": "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas",
                    "replacedWith": "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas",
                    "stopServingVersion": "1.34",
                    "clientStats": [{"userAgent": "legacy-operator/1.2", "numberOfRequestsLast30Days": 42}],
                }
            ]
        },
    }
}
ADDON_VERSIONS = {
    "addons": [
        {
            "addonName": "coredns",
            "addonVersions": [
                {
                    "addonVersion": "v1.13.2-eksbuild.9",
                    "compatibilities": [{"clusterVersion": "1.34", "defaultVersion": True}],
                },
                {
                    "addonVersion": "v1.12.4-eksbuild.1",
                    "compatibilities": [{"clusterVersion": "1.34", "defaultVersion": False}],
                },
            ],
        }
    ]
}
RECORDED = {"ListInsights": LIST_INSIGHTS, "DescribeInsight": DESCRIBE_INSIGHT, "DescribeAddonVersions": ADDON_VERSIONS}

SPEC = """\
cluster:
  name: demo
  region: eu-west-1
  version: "1.33"
managedNodeGroups:
  - name: general
addons:
  coredns: v1.11.4-eksbuild.33
  kube-proxy: latest
"""


def _recording_session() -> Any:
    session = boto3.session.Session(region_name=REGION)

    def answer(model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        recorded = RECORDED.get(model.name)
        if recorded is None:
            return None
        return AWSResponse(None, 200, {}, None), {**recorded, "ResponseMetadata": {"HTTPStatusCode": 200}}

    session.events.register("before-call.eks.*", answer)
    return session


@pytest.fixture
def live_cluster(aws: MotoServer, tmp_path: Path) -> Path:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    boto3.client("eks", region_name=REGION).create_cluster(
        name="demo",
        version="1.33",
        roleArn="arn:aws:iam::123456789012:role/demo",
        resourcesVpcConfig={"subnetIds": [subnet]},
    )
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    return spec


def test_error_insight_blocks_the_control_plane_unless_ignored(live_cluster: Path) -> None:
    from generator.day2.preflight import fetch_live_facts
    from generator.day2.upgrade import UpgradeBlocked, plan_upgrade, run_stage
    from generator.spec.loader import load_spec

    spec = load_spec(live_cluster).spec
    live = fetch_live_facts(spec, "1.34", _recording_session())
    assert live.cluster_version == "1.33"  # from moto
    assert [i.status for i in live.insights] == ["ERROR", "PASSING"]
    plan = plan_upgrade(live_cluster, "1.34", live=live)
    blockers = plan.blockers("control-plane")
    assert [f.code for f in blockers] == ["upgrade-insight"]
    assert "flowcontrol.apiserver.k8s.io/v1beta3/flowschemas" in blockers[0].message
    assert "legacy-operator/1.2" in blockers[0].message and f"--ignore-insight {INSIGHT_ID}" in blockers[0].fix
    before = live_cluster.read_text()
    with pytest.raises(UpgradeBlocked) as refused:
        run_stage(plan, "control-plane", out_dir=None, live=live)
    assert refused.value.exit_code == 1 and live_cluster.read_text() == before

    ignored = plan_upgrade(live_cluster, "1.34", live=live, ignored_insights=[INSIGHT_ID])
    assert ignored.blockers("control-plane") == []
    assert any("ignored with --ignore-insight" in f.message for f in ignored.findings)
    run_stage(ignored, "control-plane", out_dir=None, live=live)
    assert 'version: "1.34"' in live_cluster.read_text()


def test_addon_versions_from_eks_decide_the_addons_stage(live_cluster: Path) -> None:
    from generator.day2.preflight import fetch_live_facts
    from generator.day2.upgrade import plan_upgrade, run_stage
    from generator.spec.loader import load_spec

    live = fetch_live_facts(load_spec(live_cluster).spec, "1.34", _recording_session())
    assert live.addons["coredns"].default == "v1.13.2-eksbuild.9"
    plan = plan_upgrade(live_cluster, "1.34", live=live, ignored_insights=[INSIGHT_ID])
    moved = [f for f in plan.findings if f.code == "addon-incompatible"]
    assert moved and "EKS does not offer coredns v1.11.4-eksbuild.33" in moved[0].message
    run_stage(plan, "control-plane", out_dir=None, live=live)
    after = plan_upgrade(live_cluster, "1.34", live=live, ignored_insights=[INSIGHT_ID])
    result = run_stage(after, "addons", out_dir=None, live=live)
    assert result.changes == ["addons.coredns.version: v1.11.4-eksbuild.33 → v1.13.2-eksbuild.9"]  # EKS's default
    assert "coredns: v1.13.2-eksbuild.9" in live_cluster.read_text()


def test_aws_flag_through_the_cli_against_moto(live_cluster: Path) -> None:
    """The CLI with --aws: moto answers DescribeCluster; its missing insights API is reported, not fatal."""
    result = run_ekstf("upgrade", live_cluster, "--to", "1.34", "--aws", "--json")
    assert result.returncode == 0, result.output
    plan = json.loads(result.stdout)
    notes = " ".join(n["message"] for n in plan["notes"])
    assert "not available at this endpoint" in notes
    live_cluster.write_text(SPEC.replace('"1.33"', '"1.34"'), encoding="utf-8")  # the spec ahead of the cluster
    behind = run_ekstf("upgrade", live_cluster, "--to", "1.35", "--aws", "--json")
    assert behind.returncode == 1
    codes = [f["code"] for s in json.loads(behind.stdout)["steps"] for f in s["findings"]]
    assert "cluster-behind-spec" in codes


STATUS_RECORDED: dict[str, Any] = {
    "ListAddons": {"addons": ["coredns", "vpc-cni"]},
    "DescribeAddon": {
        "coredns": {"addonName": "coredns", "addonVersion": "v1.11.4-eksbuild.2", "status": "ACTIVE", "health": {}},
        "vpc-cni": {
            "addonName": "vpc-cni",
            "addonVersion": "v1.19.2-eksbuild.1",
            "status": "DEGRADED",
            "health": {"issues": [{"code": "InsufficientNumberOfReplicas", "message": "2 of 2 replicas not ready"}]},
        },
    },
    "DescribeAddonVersions": {
        "addons": [
            {
                "addonName": "coredns",
                "addonVersions": [{"addonVersion": v} for v in ("v1.11.4-eksbuild.10", "v1.11.4-eksbuild.2")],
            }
        ]
    },
    "ListAccessEntries": {"accessEntries": ["arn:aws:iam::123456789012:role/ci"]},
    "ListInsights": LIST_INSIGHTS,
}
STATUS_SPEC = """\
cluster:
  name: demo
  region: eu-west-1
  version: "1.33"
  accessEntries:
    - principalArn: arn:aws:iam::123456789012:role/admins
addons:
  coredns: v1.11.4-eksbuild.2
  vpc-cni: latest
  kube-proxy: latest
"""


def test_status_reads_addons_access_entries_and_insights(live_cluster: Path) -> None:
    """Recorded answers for what moto lacks; DescribeCluster from moto_server."""
    from generator.day2.status import cluster_status
    from generator.spec.loader import load_spec_text

    session = boto3.session.Session(region_name=REGION)

    def answer(model: Any, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        recorded = STATUS_RECORDED.get(model.name)
        if recorded is None:
            return None
        # `params` is the serialized request: the addon name is in the URL path or the query string.
        if model.name == "DescribeAddon":
            recorded = {"addon": recorded[params["url_path"].rsplit("/", 1)[-1]]}
        elif model.name == "DescribeAddonVersions" and params["query_string"].get("addonName") != "coredns":
            recorded = {"addons": []}
        return AWSResponse(None, 200, {}, None), {**recorded, "ResponseMetadata": {"HTTPStatusCode": 200}}

    session.events.register("before-call.eks.*", answer)
    report = cluster_status(load_spec_text(STATUS_SPEC).spec, session)
    addons = {a["name"]: a for a in report.addons}
    assert addons["coredns"]["newest"] == "v1.11.4-eksbuild.10"  # by number, not by text
    assert addons["vpc-cni"]["healthIssues"] == ["InsufficientNumberOfReplicas: 2 of 2 replicas not ready"]
    subjects = {d.subject: d for d in report.differences}
    assert "addons.kube-proxy" in subjects and subjects["addons.kube-proxy"].note == "not installed"
    assert "addons.vpc-cni.health" in subjects
    assert subjects["cluster.accessEntries"].spec == "arn:aws:iam::123456789012:role/admins"
    assert [i["status"] for i in report.insights] == ["ERROR", "PASSING"]
    assert "addons.coredns.version" not in subjects  # the pinned version is the installed one
