"""The EKS access, identity, capacity and network rules, each on a plan that triggers it and one that must not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_ekstf

CLUSTER = "module.eks.aws_eks_cluster.this[0]"
NODE_ROLE = "arn:aws:iam::111122223333:role/nodes"
ADMIN_ROLE = "arn:aws:iam::111122223333:role/admins"
MAP_ROLES = f"""- rolearn: {NODE_ROLE}
  username: system:node:{{{{EC2PrivateDNSName}}}}
  groups:
    - system:bootstrappers
    - system:nodes
- rolearn: {ADMIN_ROLE}
  username: admin
  groups:
    - system:masters
"""


def _change(address: str, type_: str, actions: list[str], before: Any, after: Any) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": type_,
        "name": address.rsplit(".", 1)[-1].split("[")[0],
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}},
    }


def _cluster(mode: str, logs: list[str], public: bool, cidrs: list[str], private: bool) -> dict[str, Any]:
    return {
        "name": "prod",
        "version": "1.31",
        "access_config": [{"authentication_mode": mode}],
        "enabled_cluster_log_types": logs,
        "vpc_config": [
            {
                "endpoint_public_access": public,
                "endpoint_private_access": private,
                "public_access_cidrs": cidrs,
                "security_group_ids": [],
                "cluster_security_group_id": "sg-cluster",
            }
        ],
    }


def _aws_auth(map_roles: str) -> dict[str, Any]:
    return {"metadata": [{"name": "aws-auth", "namespace": "kube-system"}], "data": {"mapRoles": map_roles}}


def _scaling(desired: int, low: int, high: int) -> dict[str, Any]:
    return {
        "node_group_name": "default",
        "scaling_config": [{"desired_size": desired, "min_size": low, "max_size": high}],
    }


def dangerous_plan() -> dict[str, Any]:
    all_logs = ["api", "audit", "authenticator"]
    addon = {"addon_name": "vpc-cni", "addon_version": "v1.16.0-eksbuild.1"}
    route = {"destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1", "route_table_id": "rtb-1"}
    https = {"type": "ingress", "from_port": 443, "to_port": 443, "protocol": "tcp", "security_group_id": "sg-cluster"}
    changes = [
        _change(
            CLUSTER,
            "aws_eks_cluster",
            ["update"],
            _cluster("API_AND_CONFIG_MAP", all_logs, True, ["0.0.0.0/0"], True),
            _cluster("API", ["api"], True, ["203.0.113.0/24"], False),
        ),
        _change(
            "kubernetes_config_map_v1_data.aws_auth",
            "kubernetes_config_map_v1_data",
            ["update"],
            _aws_auth(MAP_ROLES),
            _aws_auth("[]\n"),
        ),
        _change(
            "aws_eks_pod_identity_association.s3",
            "aws_eks_pod_identity_association",
            ["delete"],
            {"service_account": "s3"},
            None,
        ),
        _change(
            'aws_eks_node_group.this["default"]',
            "aws_eks_node_group",
            ["update"],
            _scaling(6, 3, 10),
            _scaling(2, 1, 4),
        ),
        _change(
            'aws_eks_node_group.this["batch"]', "aws_eks_node_group", ["update"], _scaling(4, 2, 8), _scaling(2, 1, 8)
        ),
        _change("aws_route.private_nat[0]", "aws_route", ["delete"], route, None),
        _change(
            'aws_security_group_rule.cluster["ingress_nodes_443"]', "aws_security_group_rule", ["delete"], https, None
        ),
        _change(
            'aws_eks_addon.this["vpc-cni"]',
            "aws_eks_addon",
            ["update"],
            addon,
            {**addon, "addon_version": "v1.19.2-eksbuild.1"},
        ),
        _change(
            "kubernetes_namespace_v1.apps",
            "kubernetes_namespace_v1",
            ["delete"],
            {"metadata": [{"name": "apps"}]},
            None,
        ),
        _change("aws_secretsmanager_secret.db", "aws_secretsmanager_secret", ["delete"], {"name": "db"}, None),
        _change("aws_db_instance.main", "aws_db_instance", ["delete"], {"identifier": "main"}, None),
        _change("aws_ecr_repository.app", "aws_ecr_repository", ["delete"], {"name": "app"}, None),
    ]
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}


def safe_plan() -> dict[str, Any]:
    """The same resources changed in harmless directions: nothing of the new rules may fire."""
    addon = {"addon_name": "vpc-cni", "addon_version": "v1.18.0-eksbuild.1"}
    more_roles = MAP_ROLES + "- rolearn: arn:aws:iam::111122223333:role/ci\n  groups: [ci]\n"
    changes = [
        _change(
            CLUSTER,
            "aws_eks_cluster",
            ["update"],
            _cluster("API_AND_CONFIG_MAP", ["api"], True, ["203.0.113.0/24"], False),
            _cluster("API_AND_CONFIG_MAP", ["api", "audit"], True, ["203.0.113.0/24", "198.51.100.0/24"], True),
        ),
        _change(
            "kubernetes_config_map_v1_data.aws_auth",
            "kubernetes_config_map_v1_data",
            ["update"],
            _aws_auth(MAP_ROLES),
            _aws_auth(more_roles),
        ),
        _change(
            'aws_eks_node_group.this["default"]', "aws_eks_node_group", ["update"], _scaling(2, 1, 4), _scaling(3, 2, 6)
        ),
        _change(
            'aws_eks_addon.this["vpc-cni"]',
            "aws_eks_addon",
            ["update"],
            addon,
            {**addon, "addon_version": "v1.19.2-eksbuild.1"},
        ),
    ]
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}


EXPECTED = {
    # rule: (severity, first address, words in the message)
    "authentication-mode-changed": ("critical", CLUSTER, "API_AND_CONFIG_MAP → API"),
    "control-plane-logs-removed": ("high", CLUSTER, "audit, authenticator"),
    "public-endpoint-restricted": ("high", CLUSTER, "0.0.0.0/0"),
    "private-endpoint-disabled": ("high", CLUSTER, "the private endpoint is turned off"),
    "aws-auth-mapping-removed": ("critical", "kubernetes_config_map_v1_data.aws_auth", NODE_ROLE),
    "pod-identity-association-removed": ("high", "aws_eks_pod_identity_association.s3", "lose their AWS credentials"),
    "node-group-capacity-reduced": ("high", 'aws_eks_node_group.this["default"]', "max_size 4 is below the 6 nodes"),
    "nat-default-route-removed": ("high", "aws_route.private_nat[0]", "nat-1"),
    "cluster-https-rule-removed": ("high", 'aws_security_group_rule.cluster["ingress_nodes_443"]', "sg-cluster"),
    "addon-version-skipped": ("medium", 'aws_eks_addon.this["vpc-cni"]', "skips 2 minor version(s)"),
    "namespace-deleted": ("high", "kubernetes_namespace_v1.apps", "namespace"),
    "secret-deleted": ("high", "aws_secretsmanager_secret.db", "scheduled for deletion"),
    "database-deleted": ("high", "aws_db_instance.main", "database"),
    "ecr-repository-deleted": ("high", "aws_ecr_repository.app", "images"),
}


@pytest.fixture(scope="module")
def dangers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    path = tmp_path_factory.mktemp("rules") / "plan.json"
    path.write_text(json.dumps(dangerous_plan()), encoding="utf-8")
    result = run_ekstf("review", path, "--format", "json")
    assert result.returncode == 0, result.output
    found: dict[str, list[dict[str, Any]]] = {}
    for danger in json.loads(result.stdout)["dangers"]:
        found.setdefault(danger["rule"], []).append(danger)
    return found


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_rule_fires_with_its_severity_and_consequence(dangers: dict[str, list[dict[str, Any]]], rule: str) -> None:
    severity, address, words = EXPECTED[rule]
    assert rule in dangers, sorted(dangers)
    danger = next(d for d in dangers[rule] if d["addresses"][0] == address)
    assert danger["severity"] == severity
    assert words in danger["message"], danger["message"]


def test_the_admin_mapping_and_a_plain_capacity_cut_are_reported_too(dangers: dict[str, list[dict[str, Any]]]) -> None:
    auth = {d["severity"]: d["message"] for d in dangers["aws-auth-mapping-removed"]}
    assert ADMIN_ROLE in auth["high"] and "system:masters" in auth["high"]
    batch = next(d for d in dangers["node-group-capacity-reduced"] if "batch" in d["addresses"][0])
    assert batch["severity"] == "medium" and "desired_size 4 → 2, min_size 2 → 1" in batch["message"]
    for rule in ("namespace-deleted", "secret-deleted", "database-deleted", "ecr-repository-deleted"):
        assert dangers[rule][0]["severity"] != "low"
    assert "resource-destroyed" not in {r for r, ds in dangers.items() for d in ds if "aws_db_instance" in str(d)}


def test_harmless_changes_trigger_none_of_them(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(safe_plan()), encoding="utf-8")
    result = run_ekstf("review", path, "--format", "json")
    assert result.returncode == 0, result.output
    fired = {d["rule"] for d in json.loads(result.stdout)["dangers"]}
    assert not fired & set(EXPECTED), fired


def test_a_deleted_aws_auth_config_map_loses_every_mapping(tmp_path: Path) -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            _change("kubernetes_config_map.aws_auth", "kubernetes_config_map", ["delete"], _aws_auth(MAP_ROLES), None)
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    document = json.loads(run_ekstf("review", path, "--format", "json").stdout)
    severities = sorted(d["severity"] for d in document["dangers"] if d["rule"] == "aws-auth-mapping-removed")
    assert severities == ["critical", "high"]


@pytest.mark.parametrize(
    ("type_", "before", "words"),
    [
        ("aws_db_instance", {"identifier": "main", "deletion_protection": True}, "deletion_protection is on"),
        ("aws_rds_cluster", {"cluster_identifier": "main", "skip_final_snapshot": True}, "no final snapshot"),
        ("aws_secretsmanager_secret", {"name": "db", "recovery_window_in_days": 0}, "deleted at once"),
        ("aws_secretsmanager_secret", {"name": "db", "recovery_window_in_days": 7}, "recoverable for 7 days"),
        ("aws_ecr_repository", {"name": "app", "force_delete": True}, "its images are deleted with it"),
    ],
)
def test_data_deletes_say_what_is_lost(tmp_path: Path, type_: str, before: dict[str, Any], words: str) -> None:
    plan = {"format_version": "1.2", "resource_changes": [_change(f"{type_}.x", type_, ["delete"], before, None)]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    dangers = json.loads(run_ekstf("review", path, "--format", "json").stdout)["dangers"]
    assert [d["severity"] for d in dangers] == ["high"], dangers
    assert words in dangers[0]["message"], dangers[0]["message"]
