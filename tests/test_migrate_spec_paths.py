"""The migrated spec is written through the spec model: a key the model does not have fails where it is written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, shared_files
from pydantic import BaseModel

from generator.errors import EkstfError
from generator.migrate import common_fields, spec_paths
from generator.migrate.api import migrate_file, migrate_text
from generator.migrate.context import Context
from generator.migrate.discovery import IrsaRole, LiveCluster
from generator.migrate.document import load_document
from generator.migrate.live_spec import build
from generator.migrate.map_cluster import map_cluster, map_vpc
from generator.migrate.map_nodes import map_node_groups
from generator.migrate.map_workloads import map_workloads
from generator.migrate.spec_paths import SpecNode, SpecPathError, check_path, check_value, format_path, key_paths
from generator.spec import models

_MINIMAL = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: demo, region: eu-west-1}\n"
REAL = sorted((REPO_ROOT / "tests" / "fixtures" / "eksctl-real").glob("*.yaml"))


def test_a_key_the_model_lacks_fails_at_write_time_naming_the_path() -> None:
    cluster = SpecNode("cluster")
    with pytest.raises(SpecPathError, match=r"spec path cluster\.endpiont: the spec model has no 'endpiont'"):
        cluster["endpiont"] = {"public": True}
    with pytest.raises(SpecPathError, match=r"cluster\.endpoint\.publik"):
        cluster["endpoint"] = {"public": True, "publik": False}
    with pytest.raises(SpecPathError, match=r"managedNodeGroups\[\]\.taints\[\]\.efect"):
        SpecNode("managedNodeGroups[]")["taints"] = [{"key": "a", "efect": "NoSchedule"}]
    with pytest.raises(SpecPathError, match=r"cluster\.name: a mapping"):
        cluster["name"] = {"first": "demo"}
    with pytest.raises(SpecPathError, match=r"given the node built for cluster\.logging"):
        cluster["endpoint"] = SpecNode("cluster.logging")
    with pytest.raises(SpecPathError, match=r"spec path vpc\.subnets"):
        SpecNode("vpc.subnets")
    assert "endpiont" not in cluster and "endpoint" not in cluster  # nothing half-written


def test_a_bad_path_is_a_programming_error_not_bad_input() -> None:
    assert not issubclass(SpecPathError, EkstfError)  # the CLI must not present it as the user's mistake
    with pytest.raises(SpecPathError):
        check_path("addons[]")


def test_free_mappings_and_any_fields_take_any_key() -> None:
    check_value("addons", {"vpc-cni": {"version": "latest", "configuration": {"env": {"A": "1"}}}})
    check_value("managedNodeGroups[].labels", {"node.kubernetes.io/role": "x"})
    node = SpecNode("cluster")
    node["tags"] = {"cost.center": "1"}
    assert node.data == {"tags": {"cost.center": "1"}}


def test_a_written_node_shares_its_data_with_the_spec() -> None:
    spec: dict[str, Any] = {"apiVersion": models.API_VERSION}
    cluster = SpecNode.root(spec).child("cluster")
    cluster["name"] = "demo"
    assert spec == {"apiVersion": models.API_VERSION, "cluster": {"name": "demo"}}


def test_a_renamed_model_field_fails_the_mapper_where_it_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if Logging.retention_days were renamed: the eksctl mapper's write fails, naming the spec path."""
    fields = spec_paths._fields

    def renamed(model: type[BaseModel]) -> dict[str, Any]:
        found = dict(fields(model))
        if model is models.Logging:
            found["retentionInDays"] = found.pop("retentionDays")
        return found

    monkeypatch.setattr(spec_paths, "_fields", renamed)
    spec_paths._resolve.cache_clear()
    text = _MINIMAL + "cloudWatch: {clusterLogging: {enableTypes: [api], logRetentionInDays: 30}}\n"
    try:
        with pytest.raises(SpecPathError, match=r"spec path cluster\.logging\.retentionDays"):
            migrate_text(text)
    finally:
        monkeypatch.undo()
        spec_paths._resolve.cache_clear()
    assert "retentionDays: 30" in migrate_text(text).spec_text


def test_plain_data_the_other_mappers_write_is_checked_before_the_spec_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator.migrate import api

    def misspelt(ctx: Any, spec: dict[str, Any], needs: Any) -> None:
        spec["podIdentitys"] = []

    monkeypatch.setattr(api, "map_workloads", misspelt)
    with pytest.raises(SpecPathError, match=r"spec path podIdentitys"):
        migrate_text(_MINIMAL)


def _bad_paths(spec: dict[str, Any]) -> Iterator[str]:
    for path in key_paths(spec):
        try:
            check_path(path)
        except SpecPathError as error:
            yield f"{format_path(path)}: {error}"


@pytest.mark.parametrize("path", [*REAL, *shared_files("eksctl-examples")], ids=lambda p: p.name if p else "none")
def test_every_key_path_the_file_mappers_write_is_in_the_model(path: Path) -> None:
    migration = migrate_file(path)
    assert migration.spec["cluster"]["name"]
    assert list(_bad_paths(migration.spec)) == []
    check_value((), migration.spec)  # and mappings / lists only where the model has them


def _live_cluster() -> LiveCluster:
    """A live cluster using every field the live mapper reads."""
    account = "arn:aws:iam::111122223333"
    return LiveCluster(
        name="demo",
        region="eu-west-1",
        cluster={
            "version": "1.33",
            "roleArn": f"{account}:role/cluster",
            "tags": {"team": "a", "alpha.eksctl.io/cluster-name": "demo"},
            "resourcesVpcConfig": {
                "vpcId": "vpc-0123456789abcdef0",
                "subnetIds": ["subnet-0a"],
                "securityGroupIds": ["sg-0123456789abcdef0"],
                "endpointPublicAccess": True,
                "endpointPrivateAccess": True,
                "publicAccessCidrs": ["203.0.113.0/24"],
            },
            "logging": {"clusterLogging": [{"types": ["scheduler", "api"], "enabled": True}]},
            "encryptionConfig": [{"provider": {"keyArn": "arn:aws:kms:eu-west-1:111122223333:key/k"}}],
            "kubernetesNetworkConfig": {"ipFamily": "IPV4", "serviceIpv4Cidr": "10.100.0.0/16"},
            "accessConfig": {"authenticationMode": "API"},
            "upgradePolicy": {"supportType": "EXTENDED"},
            "zonalShiftConfig": {"enabled": True},
        },
        nodegroups=[
            {
                "nodegroupName": "ng-1",
                "scalingConfig": {"minSize": 1, "maxSize": 3, "desiredSize": 2},
                "capacityType": "SPOT",
                "amiType": "AL2023_x86_64_STANDARD",
                "labels": {"role": "a"},
                "taints": [{"key": "k", "value": "v", "effect": "NO_SCHEDULE"}],
                "tags": {"x": "y"},
                "subnets": ["subnet-0a"],
                "diskSize": 50,
                "nodeRole": f"{account}:role/node",
                "updateConfig": {"maxUnavailable": 2},
                "nodeRepairConfig": {"enabled": True},
                "remoteAccess": {"ec2SshKey": "key", "sourceSecurityGroups": ["sg-0123456789abcdef1"]},
            },
            {"nodegroupName": "ng-2", "launchTemplate": {"id": "lt-0123", "version": 3}},
        ],
        fargate_profiles=[
            {
                "fargateProfileName": "fp",
                "selectors": [{"namespace": "default", "labels": {"a": "b"}}],
                "subnets": ["subnet-0a"],
                "tags": {"t": "1"},
                "podExecutionRoleArn": f"{account}:role/fargate",
            }
        ],
        addons=[
            {
                "addonName": "vpc-cni",
                "addonVersion": "v1.19.0-eksbuild.1",
                "serviceAccountRoleArn": f"{account}:role/cni",
                "configurationValues": '{"env": {"A": "1"}}',
            }
        ],
        access_entries=[
            (
                {"principalArn": f"{account}:role/admin", "kubernetesGroups": ["g"], "username": "admin"},
                [
                    {
                        "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                        "accessScope": {"type": "namespace", "namespaces": ["a"]},
                    }
                ],
            ),
            ({"principalArn": f"{account}:role/windows", "type": "EC2_WINDOWS"}, []),
        ],
        pod_identities=[
            {
                "associationId": "a-1",
                "namespace": "default",
                "serviceAccount": "sa",
                "roleArn": f"{account}:role/pod",
                "targetRoleArn": f"{account}:role/target",
                "disableSessionTags": True,
            }
        ],
        oidc_provider_arn=f"{account}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X",
        subnets=[{"SubnetId": "subnet-0a", "AvailabilityZone": "eu-west-1a", "MapPublicIpOnLaunch": True}],
        irsa_roles=[
            IrsaRole(
                "irsa",
                f"{account}:role/irsa",
                "default",
                "app",
                [f"{account}:policy/p"],
                [{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}],
                "stack",
            )
        ],
        log_group={"logGroupName": "/aws/eks/demo/cluster", "retentionInDays": 30},
    )


def test_every_key_path_the_live_mapper_writes_is_in_the_model() -> None:
    spec = build(_live_cluster()).spec
    written = {format_path(p) for p in key_paths(spec)}
    for expected in (
        "cluster.endpoint.publicCidrs",
        "cluster.logging.retentionDays",
        "cluster.accessEntries[].policies[].namespaces",
        "managedNodeGroups[].taints[].effect",
        "managedNodeGroups[].launchTemplate.version",
        "managedNodeGroups[].ssh.sourceSecurityGroupIds",
        "fargateProfiles[].selectors[].labels",
        "serviceAccounts[].statements[].actions",
        "podIdentities[].targetRoleArn",
    ):
        assert expected in written, expected  # the cluster above reaches every optional write
    assert list(_bad_paths(spec)) == []
    check_value((), spec)
    assert spec["managedNodeGroups"][0]["taints"] == [{"key": "k", "value": "v", "effect": "NoSchedule"}]


# --- the node group and workload mappers write through SpecNode too ----------------------------------------


def _rename_field(monkeypatch: pytest.MonkeyPatch, model: type[BaseModel], old: str, new: str) -> None:
    """As if `model`'s field `old` had been renamed to `new` (checks from now on see the new name)."""
    fields = spec_paths._fields

    def renamed(candidate: type[BaseModel]) -> dict[str, Any]:
        found = dict(fields(candidate))
        if issubclass(candidate, model) and old in found:
            found[new] = found.pop(old)
        return found

    monkeypatch.setattr(spec_paths, "_fields", renamed)
    spec_paths._resolve.cache_clear()


@pytest.fixture
def clean_path_cache() -> Iterator[None]:
    spec_paths._resolve.cache_clear()
    yield
    spec_paths._resolve.cache_clear()


_NODE_CASES = [
    (models.NodeGroupBase, "imdsHopLimit", "managedNodeGroups: [{name: ng}]", "managedNodeGroups[].imdsHopLimit"),
    (models.Disk, "encrypted", "managedNodeGroups: [{name: ng}]", "managedNodeGroups[].disk.encrypted"),
    (
        models.Taint,
        "effect",
        "managedNodeGroups: [{name: ng, taints: [{key: a, effect: NoSchedule}]}]",
        "managedNodeGroups[].taints[].effect",
    ),
    (
        models.UpdateConfig,
        "maxUnavailable",
        "managedNodeGroups: [{name: ng, updateConfig: {maxUnavailable: 2}}]",
        "managedNodeGroups[].updateConfig.maxUnavailable",
    ),
    (
        models.InstancesDistribution,
        "spotAllocationStrategy",
        "nodeGroups: [{name: ng, instancesDistribution: {instanceTypes: [m5.large]}}]",
        "nodeGroups[].instancesDistribution.spotAllocationStrategy",
    ),
    (models.Kubelet, "maxPods", "nodeGroups: [{name: ng, maxPodsPerNode: 20}]", "nodeGroups[].kubelet.maxPods"),
    (
        models.Vpc,
        "availabilityZones",
        "managedNodeGroups: [{name: ng, availabilityZones: [eu-west-1a]}]",
        "vpc.availabilityZones",
    ),
]
_WORKLOAD_CASES = [
    (
        models.FargateSelector,
        "namespace",
        "fargateProfiles: [{name: fp, selectors: [{namespace: default}]}]",
        "fargateProfiles[].selectors[].namespace",
    ),
    (
        models.PolicyStatement,
        "actions",
        "iam: {serviceAccounts: [{metadata: {name: app}, attachPolicy: {Statement: [{Effect: Allow, Action: 's3:*'}]}}]}",
        "serviceAccounts[].statements[].actions",
    ),
    (models.Addon, "version", "addons: []", "addons.coredns.version"),
    (
        models.WorkloadRole,
        "wellKnownPolicies",
        "addons: [{name: aws-ebs-csi-driver, wellKnownPolicies: {ebsCSIController: true}}]",
        "addons.aws-ebs-csi-driver.irsa.wellKnownPolicies",
    ),
    (
        models.PodIdentity,
        "serviceAccount",
        "iam: {podIdentityAssociations: [{namespace: default, serviceAccountName: app, roleARN: "
        "'arn:aws:iam::111122223333:role/app'}]}",
        "podIdentities[].serviceAccount",
    ),
    (models.Karpenter, "enabled", "karpenter: {version: '1.0'}", "karpenter.enabled"),
    (
        models.Cluster,
        "serviceRoleArn",
        "iam: {serviceRoleARN: 'arn:aws:iam::111122223333:role/c'}",
        "cluster.serviceRoleArn",
    ),
]


def _cluster_mapped(body: str) -> tuple[Context, dict[str, Any]]:
    ctx = Context(doc=load_document(text=_MINIMAL + body + "\n"))
    spec: dict[str, Any] = {"apiVersion": models.API_VERSION}
    map_cluster(ctx, spec)
    map_vpc(ctx, spec)
    return ctx, spec


_MAPPER_CASES = [("node groups", *case) for case in _NODE_CASES] + [("workloads", *case) for case in _WORKLOAD_CASES]


@pytest.mark.usefixtures("clean_path_cache")
@pytest.mark.parametrize(
    ("mapper", "model", "field", "body", "path"), _MAPPER_CASES, ids=[f"{c[0]}:{c[4]}" for c in _MAPPER_CASES]
)
def test_a_renamed_field_fails_inside_the_mapper_that_writes_it(
    monkeypatch: pytest.MonkeyPatch, mapper: str, model: type[BaseModel], field: str, body: str, path: str
) -> None:
    """Not later, at the migration's final check of the whole spec: the mapper writing the path raises."""
    ctx, spec = _cluster_mapped(body)
    needs = map_node_groups(ctx, spec) if mapper == "workloads" else []
    _rename_field(monkeypatch, model, field, field + "Renamed")
    with pytest.raises(SpecPathError, match=rf"spec path {re.escape(path)}: the spec model has no '{field}'"):
        if mapper == "workloads":
            map_workloads(ctx, spec, needs)
        else:
            map_node_groups(ctx, spec)


@pytest.mark.usefixtures("clean_path_cache")
def test_a_renamed_field_of_a_shared_writer_fails_in_the_live_mapper_too(monkeypatch: pytest.MonkeyPatch) -> None:
    _rename_field(monkeypatch, models.Taint, "effect", "effectRenamed")
    with pytest.raises(SpecPathError, match=r"spec path managedNodeGroups\[\]\.taints\[\]\.effect"):
        build(_live_cluster())


def test_a_self_managed_group_takes_no_managed_only_key() -> None:
    group = SpecNode("nodeGroups[]")
    for key in ("capacityType", "updateConfig", "launchTemplate", "nodeRepair"):
        with pytest.raises(SpecPathError, match=rf"spec path nodeGroups\[\]\.{key}: the spec model has no"):
            group[key] = None
    managed = SpecNode("managedNodeGroups[]")
    with pytest.raises(SpecPathError, match=r"managedNodeGroups\[\]\.instancesDistribution"):
        managed["instancesDistribution"] = {}


def test_a_shared_writer_given_a_misspelt_parent_path_fails() -> None:
    with pytest.raises(
        SpecPathError, match=r"spec path managedNodeGroup\[\]\.taints\[\]: the spec model has no 'managedNodeGroup'"
    ):
        common_fields.taint(("managedNodeGroup", "[]"), "k", None, "NoSchedule", value_before_effect=False)
    with pytest.raises(
        SpecPathError, match=r"spec path serviceAccount\[\]\.statements\[\]: the spec model has no 'serviceAccount'"
    ):
        common_fields.policy_statement(("serviceAccount", "[]"), {"Action": "s3:*"})


def test_a_node_over_data_already_written_checks_it_and_writes_in_place() -> None:
    spec: dict[str, Any] = {"vpc": {"azCount": 3}}
    vpc = SpecNode.at("vpc", spec["vpc"])
    vpc.pop("azCount")
    vpc["availabilityZones"] = ["eu-west-1a"]
    assert spec == {"vpc": {"availabilityZones": ["eu-west-1a"]}}
    with pytest.raises(SpecPathError, match=r"spec path vpc\.azCuont"):
        SpecNode.at("vpc", {"azCuont": 3})
