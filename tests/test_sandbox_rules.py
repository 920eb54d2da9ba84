"""The sandbox's AWS API rules: each rule refuses its failing case with AWS's text and accepts its passing one."""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import REPO_ROOT, run_ekstf

from generator.sandbox.aws_rules import (
    RULES,
    RULES_BY_ID,
    check_resource,
    checked_resource_types,
    rules_markdown_table,
)
from generator.sandbox.contracts import UNKNOWN
from generator.spec.catalog import OFFERED_KUBERNETES_VERSIONS


@dataclass
class MemoryWorld:
    """A World held in a dict: type name -> objects (each with an `id`)."""

    objects: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)

    def resources(self, type_name: str) -> Iterable[Mapping[str, Any]]:
        return list(self.objects.get(type_name, []))

    def by_id(self, type_name: str, object_id: str) -> Mapping[str, Any] | None:
        return next((o for o in self.objects.get(type_name, []) if o.get("id") == object_id), None)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


AL2023_USER_DATA = _b64(
    'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: application/node.eks.aws\n\n'
    "---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec: {}\n\n--B--\n"
)
LT_PLAIN = {"id": "lt-0plain", "name": "plain", "image_id": None, "instance_type": None, "iam_instance_profile": []}
LT_IMAGE = {**LT_PLAIN, "id": "lt-0image", "name": "image", "image_id": "ami-0abc", "user_data": AL2023_USER_DATA}
LT_IMAGE_NO_BOOTSTRAP = {**LT_IMAGE, "id": "lt-0nobootstrap", "user_data": _b64("#!/bin/bash\necho hello\n")}
LT_IMAGE_NO_USER_DATA = {**LT_IMAGE, "id": "lt-0nouserdata", "user_data": None}
LT_PROFILE = {**LT_PLAIN, "id": "lt-0profile", "iam_instance_profile": [{"arn": None, "name": "nodes"}]}
LT_TYPE = {**LT_PLAIN, "id": "lt-0type", "instance_type": "m6i.large"}
READ_LT = {**LT_IMAGE, "id": "lt-0existing", "filter": []}  # read by a data source: its image is made up
SUBNETS = [
    {"id": "subnet-0read1", "availability_zone": "eu-west-1a", "filter": []},
    {"id": "subnet-0read2", "availability_zone": "eu-west-1a", "filter": []},
    {"id": "subnet-0a1", "availability_zone": "eu-west-1a"},
    {"id": "subnet-0a2", "availability_zone": "eu-west-1a"},
    {"id": "subnet-0b1", "availability_zone": "eu-west-1b"},
    {"id": "subnet-0unknownaz", "availability_zone": UNKNOWN},
]


def _role(name: str, services: str | list[str]) -> dict[str, Any]:
    trust = {"Effect": "Allow", "Principal": {"Service": services}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
    return {
        "id": name,
        "name": name,
        "arn": f"arn:aws:iam::111122223333:role/{name}",
        "force_detach_policies": False,
        "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
    }


WORLD = MemoryWorld(
    {
        "aws_launch_template": [LT_PLAIN, LT_IMAGE, LT_IMAGE_NO_BOOTSTRAP, LT_IMAGE_NO_USER_DATA, LT_PROFILE, LT_TYPE, READ_LT],
        "aws_subnet": SUBNETS,
        "aws_eks_cluster": [
            {"id": "c", "name": "c", "bootstrap_self_managed_addons": True,
             "access_config": [{"authentication_mode": "API_AND_CONFIG_MAP"}], "compute_config": []},
            {"id": "cm", "name": "cm", "bootstrap_self_managed_addons": True,
             "access_config": [{"authentication_mode": "CONFIG_MAP"}], "compute_config": []},
            {"id": "fg", "name": "fg", "bootstrap_self_managed_addons": True,
             "access_config": [{"authentication_mode": "API"}], "compute_config": []},
            {"id": "fg2", "name": "fg2", "bootstrap_self_managed_addons": True,
             "access_config": [{"authentication_mode": "API"}], "compute_config": []},
            {"id": "auto", "name": "auto", "bootstrap_self_managed_addons": True,
             "access_config": [{"authentication_mode": "API"}], "compute_config": [{"enabled": True}]},
        ],
        "aws_eks_node_group": [{"id": "c:ng", "cluster_name": "c"}],
        "aws_iam_role": [
            _role("cluster", "eks.amazonaws.com"),
            _role("wrong-cluster", "ec2.amazonaws.com"),
            _role("fargate", ["eks-fargate-pods.amazonaws.com", "eks.amazonaws.com"]),
            _role("wrong-fargate", "eks.amazonaws.com"),
            {k: v for k, v in _role("read-from-account", "ec2.amazonaws.com").items() if k != "force_detach_policies"},
        ],
        "aws_eks_fargate_profile": [
            {"id": "c:fp", "cluster_name": "c", "selector": [{"namespace": "apps"}]},
            {"id": "fg:system", "cluster_name": "fg", "selector": [{"namespace": "kube-system"}, {"namespace": "apps"}]},
            {"id": "fg2:apps", "cluster_name": "fg2", "selector": [{"namespace": "apps"}]},
            {"id": "auto:apps", "cluster_name": "auto", "selector": [{"namespace": "apps"}]},
        ],
        "aws_eks_access_entry": [
            {"id": "c:arn:aws:iam::111122223333:role/nodes", "cluster_name": "c", "type": "EC2_LINUX",
             "principal_arn": "arn:aws:iam::111122223333:role/nodes"},
            {"id": "c:arn:aws:iam::111122223333:role/admin", "cluster_name": "c", "type": "STANDARD",
             "principal_arn": "arn:aws:iam::111122223333:role/admin"},
        ],
    }
)  # fmt: skip


def _ng(template_id: str | None = None, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "cluster_name": "c",
        "node_group_name": "ng",
        "ami_type": None,
        "version": None,
        "release_version": None,
        "instance_types": None,
        "disk_size": None,
        "remote_access": [],
        "launch_template": [{"id": template_id, "name": None, "version": "1"}] if template_id else [],
    }
    return {**base, **values}


def _cluster(subnets: list[str], **values: Any) -> dict[str, Any]:
    return {"name": "c", "version": "1.34", "vpc_config": [{"subnet_ids": subnets}], "outpost_config": [], **values}


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW_S3 = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}
TRUST_EC2 = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
KEY_ROOT = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "kms:*",
    "Resource": "*",
}
PRINCIPAL = "arn:aws:iam::111122223333:role/admin"
VIEW_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"


def _assoc(**values: Any) -> dict[str, Any]:
    base = {"cluster_name": "c", "principal_arn": PRINCIPAL, "policy_arn": VIEW_POLICY}
    return {**base, "access_scope": [{"type": "cluster", "namespaces": None}], **values}


# (rule id, resource type, values, refused?)
CASES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("eks-ng-image-with-version", "aws_eks_node_group", _ng("lt-0image", version="1.34", ami_type="CUSTOM"), True),
    ("eks-ng-image-with-version", "aws_eks_node_group", _ng("lt-0image", ami_type="CUSTOM"), False),
    ("eks-ng-image-with-version", "aws_eks_node_group", _ng("lt-0plain", version="1.34"), False),
    ("eks-ng-image-with-release-version", "aws_eks_node_group", _ng("lt-0image", release_version="1.34.1-20261101"),
     True),
    ("eks-ng-image-with-release-version", "aws_eks_node_group", _ng("lt-0plain", release_version="1.34.1-20261101"),
     False),
    ("eks-ng-image-with-ami-type", "aws_eks_node_group", _ng("lt-0image", ami_type="AL2023_x86_64_STANDARD"), True),
    ("eks-ng-image-with-ami-type", "aws_eks_node_group", _ng("lt-0image", ami_type="CUSTOM"), False),
    ("eks-ng-custom-ami-without-image", "aws_eks_node_group", _ng("lt-0plain", ami_type="CUSTOM"), True),
    ("eks-ng-custom-ami-without-image", "aws_eks_node_group", _ng(None, ami_type="CUSTOM"), True),
    ("eks-ng-custom-ami-without-image", "aws_eks_node_group", _ng("lt-0image", ami_type="CUSTOM"), False),
    ("eks-ng-custom-ami-no-bootstrap", "aws_eks_node_group", _ng("lt-0nobootstrap", ami_type="CUSTOM"), True),
    ("eks-ng-custom-ami-no-bootstrap", "aws_eks_node_group", _ng("lt-0nouserdata", ami_type="CUSTOM"), True),
    ("eks-ng-custom-ami-no-bootstrap", "aws_eks_node_group", _ng("lt-0image", ami_type="CUSTOM"), False),
    ("eks-ng-lt-instance-profile", "aws_eks_node_group", _ng("lt-0profile"), True),
    ("eks-ng-lt-instance-profile", "aws_eks_node_group", _ng("lt-0plain"), False),
    ("eks-ng-instance-type-twice", "aws_eks_node_group", _ng("lt-0type", instance_types=["m6i.large"]), True),
    ("eks-ng-instance-type-twice", "aws_eks_node_group", _ng("lt-0type"), False),
    ("eks-ng-instance-type-twice", "aws_eks_node_group", _ng("lt-0plain", instance_types=["m6i.large"]), False),
    ("eks-ng-remote-access-with-lt", "aws_eks_node_group", _ng("lt-0plain", remote_access=[{"ec2_ssh_key": "k"}]),
     True),
    ("eks-ng-remote-access-with-lt", "aws_eks_node_group", _ng(None, remote_access=[{"ec2_ssh_key": "k"}]), False),
    ("eks-ng-disk-size-with-lt", "aws_eks_node_group", _ng("lt-0plain", disk_size=50), True),
    ("eks-ng-disk-size-with-lt", "aws_eks_node_group", _ng(None, disk_size=50), False),
    ("eks-cluster-subnet-azs", "aws_eks_cluster", _cluster(["subnet-0a1", "subnet-0a2"]), True),
    ("eks-cluster-subnet-azs", "aws_eks_cluster", _cluster(["subnet-0elsewhere"]), True),
    ("eks-cluster-subnet-azs", "aws_eks_cluster", _cluster(["subnet-0a1", "subnet-0b1"]), False),
    ("eks-cluster-subnet-azs", "aws_eks_cluster", _cluster(["subnet-0a1", "subnet-0elsewhere"]), False),
    ("eks-cluster-subnet-azs", "aws_eks_cluster", _cluster(["subnet-0a1", "subnet-0unknownaz"]), False),
    ("eks-cluster-subnet-azs", "aws_eks_cluster",
     _cluster(["subnet-0a1"], outpost_config=[{"control_plane_instance_type": "m5.large"}]), False),
    ("eks-cluster-version", "aws_eks_cluster", _cluster(["subnet-0a1", "subnet-0b1"], version="1.22"), True),
    ("eks-cluster-version", "aws_eks_cluster",
     _cluster(["subnet-0a1", "subnet-0b1"], version=OFFERED_KUBERNETES_VERSIONS[-1]), False),
    ("eks-cluster-version", "aws_eks_cluster", _cluster(["subnet-0a1", "subnet-0b1"], version=None), False),
    ("eks-cluster-role-trust", "aws_eks_cluster",
     _cluster(["subnet-0a1", "subnet-0b1"], role_arn="arn:aws:iam::111122223333:role/wrong-cluster"), True),
    ("eks-cluster-role-trust", "aws_eks_cluster",
     _cluster(["subnet-0a1", "subnet-0b1"], role_arn="arn:aws:iam::111122223333:role/cluster"), False),
    ("eks-cluster-role-trust", "aws_eks_cluster",
     _cluster(["subnet-0a1", "subnet-0b1"], role_arn="arn:aws:iam::111122223333:role/not-in-the-world"), False),
    ("eks-cluster-role-trust", "aws_eks_cluster",
     _cluster(["subnet-0a1", "subnet-0b1"], role_arn="arn:aws:iam::111122223333:role/read-from-account"), False),
    ("eks-fargate-role-trust", "aws_eks_fargate_profile",
     {"pod_execution_role_arn": "arn:aws:iam::111122223333:role/wrong-fargate", "selector": [{"namespace": "a"}]},
     True),
    ("eks-fargate-role-trust", "aws_eks_fargate_profile",
     {"pod_execution_role_arn": "arn:aws:iam::111122223333:role/fargate", "selector": [{"namespace": "a"}]}, False),
    ("eks-fargate-selector-count", "aws_eks_fargate_profile",
     {"selector": [{"namespace": f"ns{i}", "labels": None} for i in range(6)]}, True),
    ("eks-fargate-selector-count", "aws_eks_fargate_profile",
     {"selector": [{"namespace": f"ns{i}", "labels": None} for i in range(5)]}, False),
    ("eks-fargate-selector-namespace", "aws_eks_fargate_profile",
     {"selector": [{"namespace": "kube-system"}, {"namespace": ""}]}, True),
    ("eks-fargate-selector-namespace", "aws_eks_fargate_profile", {"selector": [{"namespace": "kube-system"}]}, False),
    ("eks-access-entry-type", "aws_eks_access_entry", {"type": "EC2_MAC", "kubernetes_groups": None}, True),
    ("eks-access-entry-type", "aws_eks_access_entry", {"type": "HYBRID_LINUX", "kubernetes_groups": None}, False),
    ("eks-access-entry-node-groups", "aws_eks_access_entry",
     {"type": "EC2_LINUX", "kubernetes_groups": ["system:nodes"]}, True),
    ("eks-access-entry-node-groups", "aws_eks_access_entry",
     {"type": "FARGATE_LINUX", "kubernetes_groups": ["ops"]}, True),
    ("eks-access-entry-node-groups", "aws_eks_access_entry", {"type": "EC2_LINUX", "kubernetes_groups": None}, False),
    ("eks-access-entry-node-groups", "aws_eks_access_entry", {"type": "STANDARD", "kubernetes_groups": ["ops"]}, False),
    ("eks-access-entry-system-group", "aws_eks_access_entry",
     {"type": "STANDARD", "kubernetes_groups": ["system:masters"]}, True),
    ("eks-access-entry-system-group", "aws_eks_access_entry", {"type": None, "kubernetes_groups": ["masters"]}, False),
    ("eks-access-policy-arn", "aws_eks_access_policy_association",
     _assoc(policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"), True),
    ("eks-access-policy-arn", "aws_eks_access_policy_association",
     _assoc(policy_arn="arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"), False),
    ("eks-access-policy-scope", "aws_eks_access_policy_association",
     _assoc(access_scope=[{"type": "namespace", "namespaces": []}]), True),
    ("eks-access-policy-scope", "aws_eks_access_policy_association",
     _assoc(access_scope=[{"type": "cluster", "namespaces": ["apps"]}]), True),
    ("eks-access-policy-scope", "aws_eks_access_policy_association",
     _assoc(access_scope=[{"type": "namespace", "namespaces": ["apps"]}]), False),
    ("eks-access-policy-node-entry", "aws_eks_access_policy_association",
     _assoc(principal_arn="arn:aws:iam::111122223333:role/nodes"), True),
    ("eks-access-policy-node-entry", "aws_eks_access_policy_association", _assoc(), False),
    ("eks-ng-image-with-version", "aws_eks_node_group", _ng("lt-0existing", version="1.34"), False),
    ("eks-cluster-subnet-azs", "aws_eks_cluster", _cluster(["subnet-0read1", "subnet-0read2"]), False),
    ("eks-access-entry-auth-mode", "aws_eks_access_entry",
     {"cluster_name": "cm", "type": "STANDARD", "kubernetes_groups": None}, True),
    ("eks-access-entry-auth-mode", "aws_eks_access_policy_association", _assoc(cluster_name="cm"), True),
    ("eks-access-entry-auth-mode", "aws_eks_access_entry",
     {"cluster_name": "c", "type": "STANDARD", "kubernetes_groups": None}, False),
    ("eks-access-entry-auth-mode", "aws_eks_access_entry",
     {"cluster_name": "unknown-cluster", "type": "STANDARD", "kubernetes_groups": None}, False),
    ("eks-addon-coredns-fargate-only", "aws_eks_addon",
     {"cluster_name": "fg", "addon_name": "coredns", "configuration_values": None}, True),
    ("eks-addon-coredns-fargate-only", "aws_eks_addon",
     {"cluster_name": "fg2", "addon_name": "coredns", "configuration_values": '{"computeType": "Fargate"}'}, True),
    ("eks-addon-coredns-fargate-only", "aws_eks_addon",
     {"cluster_name": "fg", "addon_name": "coredns", "configuration_values": '{"computeType": "Fargate"}'}, False),
    ("eks-addon-coredns-fargate-only", "aws_eks_addon",
     {"cluster_name": "c", "addon_name": "coredns", "configuration_values": None}, False),
    ("eks-addon-coredns-fargate-only", "aws_eks_addon",
     {"cluster_name": "auto", "addon_name": "coredns", "configuration_values": None}, False),
    ("eks-addon-coredns-fargate-only", "aws_eks_addon",
     {"cluster_name": "fg", "addon_name": "kube-proxy", "configuration_values": None}, False),
    ("iam-policy-malformed", "aws_iam_policy", {"policy": '{"Version": "2012-10-17", "Statement": ['}, True),
    ("iam-policy-malformed", "aws_iam_policy",
     {"policy": _policy({"Effect": "Allow", "Action": "route53:ChangeResourceRecordSets"})}, True),
    ("iam-policy-malformed", "aws_iam_role_policy",
     {"policy": _policy({"Effect": "Allow", "Resource": "arn:aws:s3:::bucket/*"})}, True),
    ("iam-policy-malformed", "aws_iam_role_policy", {"policy": _policy({**ALLOW_S3, "Principal": "*"})}, True),
    ("iam-policy-malformed", "aws_iam_role",
     {"assume_role_policy": _policy(TRUST_EC2), "inline_policy": [{"name": "x", "policy": _policy({"Effect": "Allow"})}]},
     True),
    ("iam-policy-malformed", "aws_iam_policy", {"policy": _policy(ALLOW_S3)}, False),
    ("iam-policy-malformed", "aws_iam_role",
     {"assume_role_policy": _policy(TRUST_EC2), "inline_policy": [{"name": "x", "policy": _policy(ALLOW_S3)}]}, False),
    ("iam-trust-policy-malformed", "aws_iam_role", {"assume_role_policy": "not json"}, True),
    ("iam-trust-policy-malformed", "aws_iam_role",
     {"assume_role_policy": _policy({"Effect": "Allow", "Action": "sts:AssumeRole"})}, True),
    ("iam-trust-policy-malformed", "aws_iam_role",
     {"assume_role_policy": _policy({**TRUST_EC2, "Resource": "*"})}, True),
    ("iam-trust-policy-malformed", "aws_iam_role", {"assume_role_policy": _policy(TRUST_EC2)}, False),
    ("resource-policy-malformed", "aws_kms_key", {"policy": '{"Statement": [}'}, True),
    ("resource-policy-malformed", "aws_kms_key",
     {"policy": _policy({k: v for k, v in KEY_ROOT.items() if k != "Principal"})}, True),
    ("resource-policy-malformed", "aws_s3_bucket_policy",
     {"policy": _policy({k: v for k, v in KEY_ROOT.items() if k != "Action"})}, True),
    ("resource-policy-malformed", "aws_kms_key", {"policy": _policy(KEY_ROOT)}, False),
    ("resource-policy-malformed", "aws_kms_key", {"policy": None}, False),
]  # fmt: skip


@pytest.mark.parametrize(("rule_id", "type_name", "values", "refused"), CASES)
def test_rule_refuses_its_failing_case_and_accepts_its_passing_one(
    rule_id: str, type_name: str, values: dict[str, Any], refused: bool
) -> None:
    refusals = check_resource(type_name, values, WORLD)
    hits = [r for r in refusals if r.rule_id == rule_id]
    if refused:
        assert hits, f"{rule_id} did not refuse {values}"
        rule = RULES_BY_ID[rule_id]
        prefix = rule.error.split("{", 1)[0]
        assert all(hit.error.startswith(prefix) and "{" not in hit.error for hit in hits)
    else:
        assert not hits, hits


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    failing = {rule_id for rule_id, _, _, refused in CASES if refused}
    passing = {rule_id for rule_id, _, _, refused in CASES if not refused}
    ids = {rule.rule_id for rule in RULES}
    assert ids - failing == set()
    assert ids - passing == set()
    assert (failing | passing) - ids == set()


def test_every_rule_names_resource_types_that_are_checked_and_a_source() -> None:
    for rule in RULES:
        assert set(rule.resource_types) <= checked_resource_types(), rule.rule_id
        assert rule.source and rule.refuses and rule.error
    assert len(RULES_BY_ID) == len(RULES)


def test_valid_node_group_with_an_ekstf_style_custom_ami_template_passes() -> None:
    values = _ng("lt-0image", ami_type="CUSTOM", instance_types=None)
    assert check_resource("aws_eks_node_group", values, WORLD) == []


def test_refusal_carries_aws_text_and_attribute_path() -> None:
    [refusal] = check_resource("aws_eks_node_group", _ng("lt-0image", version="1.34", ami_type="CUSTOM"), WORLD)
    assert refusal.error == (
        "InvalidParameterException: You cannot specify a kubernetes version to use when specifying an image id "
        "to use within the launch template."
    )
    assert refusal.attribute == ("version",)
    [malformed] = check_resource("aws_iam_policy", {"policy": _policy({"Effect": "Allow", "Action": "s3:*"})}, WORLD)
    assert malformed.error == "MalformedPolicyDocument: Policy statement must contain resources."


def test_launch_template_found_by_name_when_the_group_names_it() -> None:
    values = _ng(None, version="1.34")
    values["launch_template"] = [{"id": None, "name": "image", "version": "$Latest"}]
    assert [r.rule_id for r in check_resource("aws_eks_node_group", values, WORLD)] == ["eks-ng-image-with-version"]


@pytest.mark.parametrize(
    ("type_name", "values"),
    [
        ("aws_eks_node_group", _ng("lt-0image", version=UNKNOWN, ami_type=UNKNOWN, release_version=UNKNOWN)),
        ("aws_eks_node_group", {**_ng(None, version="1.34"), "launch_template": [{"id": UNKNOWN, "name": UNKNOWN}]}),
        ("aws_eks_node_group", {**_ng(None, ami_type="CUSTOM"), "launch_template": UNKNOWN}),
        ("aws_eks_node_group", _ng("lt-0unknownyet", version="1.34", ami_type="AL2023_x86_64_STANDARD")),
        ("aws_eks_cluster", _cluster(["subnet-0a1", UNKNOWN])),
        ("aws_eks_cluster", {**_cluster([]), "vpc_config": UNKNOWN, "version": UNKNOWN}),
        ("aws_eks_fargate_profile", {"selector": UNKNOWN}),
        ("aws_eks_fargate_profile", {"selector": [{"namespace": UNKNOWN}]}),
        ("aws_eks_access_entry", {"type": UNKNOWN, "kubernetes_groups": ["system:masters"]}),
        ("aws_eks_access_entry", {"type": "EC2_LINUX", "kubernetes_groups": UNKNOWN}),
        ("aws_eks_access_policy_association", _assoc(policy_arn=UNKNOWN, principal_arn=UNKNOWN)),
        ("aws_iam_policy", {"policy": UNKNOWN}),
        ("aws_iam_role", {"assume_role_policy": UNKNOWN, "inline_policy": UNKNOWN}),
        ("aws_kms_key", {"policy": UNKNOWN}),
        ("aws_eks_addon", {"cluster_name": "fg", "addon_name": "coredns", "configuration_values": UNKNOWN}),
    ],
)
def test_unknown_values_skip_the_check(type_name: str, values: dict[str, Any]) -> None:
    assert check_resource(type_name, values, WORLD) == []


def test_unchecked_types_and_odd_shapes_never_raise() -> None:
    assert check_resource("aws_vpc", {"cidr_block": "10.0.0.0/16"}, WORLD) == []
    odd: list[Any] = [None, 3, "x", [], {}, [None], [{"id": 5}], {"subnet_ids": "subnet-1"}, UNKNOWN, [UNKNOWN]]
    keys = ("launch_template", "vpc_config", "selector", "type", "kubernetes_groups", "policy", "assume_role_policy",
            "inline_policy", "access_scope", "policy_arn", "version", "ami_type", "outpost_config", "role_arn",
            "pod_execution_role_arn", "cluster_name", "addon_name", "configuration_values", "principal_arn",
            "remote_access", "disk_size", "instance_types", "release_version")  # fmt: skip
    for type_name in sorted(checked_resource_types()):
        for value in odd:
            check_resource(type_name, dict.fromkeys(keys, value), WORLD)
        if not type_name.startswith("aws_eks_"):
            continue
        for key in keys:  # one odd value at a time next to otherwise plausible ones
            for value in odd:
                check_resource(type_name, {**_ng("lt-0image"), **_cluster(["subnet-0a1"]), key: value}, WORLD)


def test_user_data_bootstrap_detection_reads_gzip_and_each_user_data_family() -> None:
    import gzip

    from generator.sandbox.aws_rules import _user_data_bootstraps

    al2 = "#!/bin/bash\n/etc/eks/bootstrap.sh my-cluster --kubelet-extra-args '--max-pods=17'\n"
    bottlerocket = '[settings.kubernetes]\ncluster-name = "c"\n'
    windows = "<powershell>\n[string]$EKSBootstrapScriptName = 'Start-EKSBootstrap.ps1'\n</powershell>\n"
    for text in (al2, bottlerocket, windows):
        assert _user_data_bootstraps(_b64(text))
    assert _user_data_bootstraps(base64.b64encode(gzip.compress(al2.encode())).decode())
    assert _user_data_bootstraps(AL2023_USER_DATA)
    assert not _user_data_bootstraps(_b64("#!/bin/bash\nyum install -y htop\n"))
    assert _user_data_bootstraps(UNKNOWN)


def test_docs_rule_table_is_in_step_with_the_rules() -> None:
    docs = REPO_ROOT / "docs" / "sandbox.md"
    text = docs.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- BEGIN AWS RULES TABLE[^\n]*-->\n)(.*?)(<!-- END AWS RULES TABLE -->)", re.DOTALL)
    match = pattern.search(text)
    assert match, "docs/sandbox.md lost its AWS rules table markers"
    if os.environ.get("EKSTF_UPDATE_DOCS"):
        docs.write_text(pattern.sub(lambda m: m.group(1) + rules_markdown_table() + m.group(3), text), encoding="utf-8")
        text = docs.read_text(encoding="utf-8")
        match = pattern.search(text)
        assert match
    assert match.group(2) == rules_markdown_table(), "docs/sandbox.md rule table is stale: EKSTF_UPDATE_DOCS=1 pytest"
    assert "## AWS rules" in text


# --- end to end: real Terraform planning and applying small configurations against the provider double -------------

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "sandbox_rules"
E2E_CASES = [
    ("refused_at_plan", 1, "FAILED at plan",
     ["eks-cluster-version", "eks-fargate-selector-count", "eks-access-entry-node-groups", "iam-policy-malformed"]),
    ("refused_at_apply", 1, "FAILED at apply",
     ["eks-ng-image-with-version", "eks-cluster-subnet-azs", "eks-fargate-role-trust"]),
    ("coredns_fargate_only", 1, "FAILED at apply", ["eks-addon-coredns-fargate-only"]),
    ("accepted", 0, "the plan after apply shows no changes", []),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("fixture", "exit_code", "verdict", "rule_ids"), E2E_CASES, ids=[c[0] for c in E2E_CASES])
def test_sandbox_refuses_with_aws_text_through_the_cli(
    fixture: str, exit_code: int, verdict: str, rule_ids: list[str]
) -> None:
    result = run_ekstf("sandbox", FIXTURES / fixture, "--apply", timeout=300)
    assert result.returncode == exit_code, result.output[-3000:]
    assert verdict in result.output
    for rule_id in rule_ids:
        refusal = RULES_BY_ID[rule_id].error.split("{", 1)[0].strip()
        assert f"[{rule_id}] {refusal}" in result.output, rule_id
    if not rule_ids:
        assert "Refused by the ekstf sandbox" not in result.output
    assert "Traceback" not in result.output
