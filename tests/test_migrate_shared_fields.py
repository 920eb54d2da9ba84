"""Fields both migrations write go through one function in common_fields: the same input gives the same spec value.

Each test feeds the eksctl file mapper and the live mapper the same setting, as an eksctl ClusterConfig and as the
EKS API reports it, and compares what they write.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.migrate import common_fields
from generator.migrate.api import migrate_text
from generator.migrate.discovery import IrsaRole, LiveCluster
from generator.migrate.live_spec import build

_ACCOUNT = "arn:aws:iam::111122223333"
_HEAD = (
    "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: demo, region: eu-west-1, version: '1.33'}\n"
    "vpc: {id: vpc-0123456789abcdef0, subnets: {private: {eu-west-1a: {id: subnet-0123456789abcdef0}}}}\n"
)
_ESKCTL_LABELS = ("alpha.eksctl.io/cluster-name", "alpha.eksctl.io/nodegroup-name")


def _file_spec(body: str) -> dict[str, Any]:
    return migrate_text(_HEAD + body).spec


def _live_spec(**parts: Any) -> dict[str, Any]:
    cluster = {"version": "1.33", "resourcesVpcConfig": {"vpcId": "vpc-0123456789abcdef0", "subnetIds": []}}
    return build(LiveCluster(name="demo", region="eu-west-1", cluster=cluster, **parts)).spec


def _live_group(**fields: Any) -> dict[str, Any]:
    return {"nodegroupName": "ng", "subnets": ["subnet-0123456789abcdef0"], **fields}


def test_node_group_taints_sizes_update_config_and_launch_template_match() -> None:
    file_group = _file_spec(
        "managedNodeGroups:\n"
        "  - name: ng\n"
        "    minSize: 1\n    maxSize: 4\n    desiredCapacity: 2\n"
        "    taints: [{key: dedicated, value: gpu, effect: NoSchedule}, {key: spot, effect: PreferNoSchedule}]\n"
        "    updateConfig: {maxUnavailablePercentage: 33}\n"
        "    launchTemplate: {id: lt-0123456789abcdef0, version: '3'}\n"
    )["managedNodeGroups"][0]
    live_group = _live_spec(
        nodegroups=[
            _live_group(
                scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 2},
                taints=[
                    {"key": "dedicated", "value": "gpu", "effect": "NO_SCHEDULE"},
                    {"key": "spot", "effect": "PREFER_NO_SCHEDULE"},
                ],
                updateConfig={"maxUnavailablePercentage": 33},
                launchTemplate={"id": "lt-0123456789abcdef0", "version": 3},
            )
        ]
    )["managedNodeGroups"][0]
    for key in ("minSize", "maxSize", "desiredSize", "taints", "updateConfig", "launchTemplate"):
        assert file_group[key] == live_group[key], key
    assert file_group["taints"][1] == {"key": "spot", "effect": "PreferNoSchedule"}  # no empty value written
    assert file_group["launchTemplate"] == {"id": "lt-0123456789abcdef0", "version": "3"}
    # Both write the sizes in the spec's order.
    assert [k for k in file_group if k.endswith("Size")] == [k for k in live_group if k.endswith("Size")]


def test_node_labels_are_written_sorted_by_both() -> None:
    file_labels = _file_spec("managedNodeGroups:\n  - name: ng\n    labels: {zone: b, app: a}\n")["managedNodeGroups"][
        0
    ]["labels"]
    live_labels = _live_spec(nodegroups=[_live_group(labels={"zone": "b", "app": "a"})])["managedNodeGroups"][0][
        "labels"
    ]
    assert {k: v for k, v in file_labels.items() if k not in _ESKCTL_LABELS} == live_labels
    assert list(file_labels) == sorted(file_labels) and list(live_labels) == ["app", "zone"]


def test_taint_key_order_is_each_mappers_own() -> None:
    """The shared function keeps each mapper's historical order, so neither output moved."""
    group = ("managedNodeGroups", "[]")
    file_order = common_fields.taint(group, "k", "v", "NoSchedule", value_before_effect=False).data
    live_order = common_fields.taint(group, "k", "v", "NoSchedule", value_before_effect=True).data
    assert file_order == live_order
    assert list(file_order) == ["key", "effect", "value"] and list(live_order) == ["key", "value", "effect"]


def test_update_config_prefers_the_percentage_in_both() -> None:
    both = "managedNodeGroups:\n  - name: ng\n    updateConfig: {maxUnavailable: 2, maxUnavailablePercentage: 25}\n"
    file_config = _file_spec(both)["managedNodeGroups"][0]["updateConfig"]
    live_config = _live_spec(
        nodegroups=[_live_group(updateConfig={"maxUnavailable": 2, "maxUnavailablePercentage": 25})]
    )["managedNodeGroups"][0]["updateConfig"]
    assert file_config == live_config == {"maxUnavailablePercentage": 25}


def test_inline_policy_statements_match() -> None:
    statement = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}
    file_account = _file_spec(
        "iam:\n  serviceAccounts:\n"
        "    - metadata: {name: app, namespace: default}\n"
        "      attachPolicy:\n        Statement:\n"
        "          - {Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource: 'arn:aws:s3:::b/*'}\n"
    )["serviceAccounts"][0]
    live_account = _live_spec(
        irsa_roles=[
            IrsaRole("app-role", f"{_ACCOUNT}:role/app-role", "default", "app", [], [{"Statement": [statement]}], "s")
        ]
    )["serviceAccounts"][0]
    assert file_account["statements"] == live_account["statements"]
    assert live_account["statements"] == [
        {"effect": "Allow", "actions": ["s3:GetObject", "s3:PutObject"], "resources": ["arn:aws:s3:::b/*"]}
    ]


@pytest.mark.parametrize(
    "item",
    [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:x": "true"}}},
        {"Effect": "Allow", "NotAction": "s3:*"},
        {"Effect": "Allow", "Resource": "*"},
        "s3:GetObject",
    ],
    ids=["condition", "not-action", "no-action", "not-a-mapping"],
)
def test_a_statement_the_spec_cannot_express_is_left_to_the_caller_by_both(item: Any) -> None:
    assert common_fields.policy_statement(("serviceAccounts", "[]"), item) is None
    live = _live_spec(
        irsa_roles=[
            IrsaRole(
                "r", f"{_ACCOUNT}:role/r", "default", "app", [f"{_ACCOUNT}:policy/p"], [{"Statement": [item]}], "s"
            )
        ]
    )
    assert "statements" not in live["serviceAccounts"][0]


@pytest.mark.parametrize(
    "values",
    ['{"env": {"WARM_IP_TARGET": "2"}}', "env:\n  WARM_IP_TARGET: '2'\n"],
    ids=["json", "yaml"],
)
def test_addon_version_role_and_configuration_match(values: str) -> None:
    role = f"{_ACCOUNT}:role/cni"
    quoted = values.replace("\n", "\\n").replace('"', '\\"')
    file_addon = _file_spec(
        "addons:\n"
        f'  - {{name: vpc-cni, version: v1.19.0-eksbuild.1, serviceAccountRoleARN: "{role}", '
        f'configurationValues: "{quoted}"}}\n'
    )["addons"]["vpc-cni"]
    live_addon = _live_spec(
        addons=[
            {
                "addonName": "vpc-cni",
                "addonVersion": "v1.19.0-eksbuild.1",
                "serviceAccountRoleArn": role,
                "configurationValues": values,
            }
        ]
    )["addons"]["vpc-cni"]
    assert (
        file_addon
        == live_addon
        == {
            "version": "v1.19.0-eksbuild.1",
            "serviceAccountRoleArn": role,
            "configuration": {"env": {"WARM_IP_TARGET": "2"}},
        }
    )


def test_addon_configuration_that_is_not_an_object_is_refused_by_both() -> None:
    for text in ("[1, 2]", "just text", "{unclosed"):
        assert common_fields.addon_configuration(text) is None, text
    live = build(
        LiveCluster(
            name="demo",
            region="eu-west-1",
            cluster={"version": "1.33", "resourcesVpcConfig": {"vpcId": "vpc-0123456789abcdef0"}},
            addons=[{"addonName": "coredns", "addonVersion": "v1", "configurationValues": "[1, 2]"}],
        )
    )
    assert "configuration" not in live.spec["addons"]["coredns"]
    assert any(r.outcome == "unsupported" and "configurationValues" in r.path for r in live.report.rows)


def test_fargate_selectors_match() -> None:
    file_profile = _file_spec(
        "fargateProfiles:\n  - name: fp\n    selectors: [{namespace: default, labels: {a: b}}, {namespace: jobs}]\n"
    )["fargateProfiles"][0]
    live_profile = _live_spec(
        fargate_profiles=[
            {
                "fargateProfileName": "fp",
                "selectors": [{"namespace": "default", "labels": {"a": "b"}}, {"namespace": "jobs", "labels": {}}],
            }
        ]
    )["fargateProfiles"][0]
    assert file_profile["selectors"] == live_profile["selectors"]
    assert live_profile["selectors"] == [{"namespace": "default", "labels": {"a": "b"}}, {"namespace": "jobs"}]


@pytest.mark.parametrize("entry_type", ["STANDARD", "EC2_LINUX"])
def test_access_entry_principal_and_type_match(entry_type: str) -> None:
    arn = f"{_ACCOUNT}:role/nodes"
    file_entry = _file_spec(f"accessConfig:\n  accessEntries: [{{principalARN: '{arn}', type: {entry_type}}}]\n")[
        "cluster"
    ]["accessEntries"][0]
    live_entry = _live_spec(access_entries=[({"principalArn": arn, "type": entry_type}, [])])["cluster"][
        "accessEntries"
    ][0]
    assert file_entry == live_entry == common_fields.access_entry(arn, entry_type).data


def test_ssh_key_and_source_security_groups_match() -> None:
    group = "sg-0123456789abcdef1"
    file_ssh = _file_spec(
        f"managedNodeGroups:\n  - name: ng\n    ssh: {{publicKeyName: ops, sourceSecurityGroupIds: [{group}]}}\n"
    )["managedNodeGroups"][0]["ssh"]
    live_ssh = _live_spec(nodegroups=[_live_group(remoteAccess={"ec2SshKey": "ops", "sourceSecurityGroups": [group]})])[
        "managedNodeGroups"
    ][0]["ssh"]
    assert file_ssh == live_ssh == {"keyName": "ops", "sourceSecurityGroupIds": [group]}
