"""`ekstf review` rules for what sits beside the EKS module — the cluster security group's 443 rules, Secrets
Manager secrets, RDS instances, ECR repositories, the aws-auth ConfigMap and namespaces — on plans real Terraform
made (the embedded engine, format 1.2), not on hand-written plan JSON.

A small configuration (no modules: nothing from ../shared is needed) is applied once against the sandbox's
provider double, which serves the real hashicorp/aws 6.47.0 schema; each edit removes or changes resources, is
planned against that state, and its `show -json` is reviewed through the CLI (rule id, severity, message, the exit
code of `--fail-on`).

No kubernetes provider runs offline, so the kubernetes resources are derived (`real_plan_support.derive_kubernetes`):
the configuration gives the built-in `terraform_data` the kubernetes resource's attributes as `input`, real
Terraform plans its update or delete, and the derivation renames `terraform_data.aws_auth` to e.g.
`kubernetes_config_map_v1_data.aws_auth` and lifts `input` to the top of before/after and their marks.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import run_ekstf
from real_plan_support import AppliedConfig, derive_kubernetes, edited, review_json

from generator.review.model import SEVERITIES, classify_actions

pytestmark = pytest.mark.slow

DB_PASSWORD = "PLANTED-DB-PASSWORD-7f3a"
NODE_ROLE = "arn:aws:iam::123456789012:role/platform-nodes"
ADMIN_ROLE = "arn:aws:iam::123456789012:role/platform-admins"
AWS_AUTH = "kubernetes_config_map_v1_data.aws_auth"

BASE_TF = f"""\
terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws" }}
  }}
}}

provider "aws" {{
  region = "eu-west-1"
}}

locals {{
  node_role  = {{ rolearn = "{NODE_ROLE}", username = "system:node:{{{{EC2PrivateDNSName}}}}", groups = ["system:bootstrappers", "system:nodes"] }}
  admin_role = {{ rolearn = "{ADMIN_ROLE}", username = "admin", groups = ["system:masters"] }}
  ci_role    = {{ rolearn = "arn:aws:iam::123456789012:role/platform-ci", username = "ci", groups = ["ci-deployers"] }}
  map_roles  = [local.node_role, local.admin_role]
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.0.0.0/16"
}}

resource "aws_subnet" "private" {{
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.${{count.index}}.0/24"
  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
}}

resource "aws_iam_role" "control_plane" {{
  name = "platform-control-plane"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["sts:AssumeRole", "sts:TagSession"], Principal = {{ Service = "eks.amazonaws.com" }} }}]
  }})
}}

# Neither group's address names "cluster": the rule must find them through the cluster's vpc_config.
resource "aws_security_group" "control_plane" {{
  name   = "platform-control-plane"
  vpc_id = aws_vpc.main.id
}}

resource "aws_security_group" "nodes" {{
  name   = "platform-nodes"
  vpc_id = aws_vpc.main.id
}}

resource "aws_security_group" "web" {{
  name   = "platform-web"
  vpc_id = aws_vpc.main.id
}}

# Inline ingress blocks (one set-typed attribute): removing a block is an update of the group.
resource "aws_security_group" "api_clients" {{
  name   = "platform-api-clients"
  vpc_id = aws_vpc.main.id
  ingress {{
    description = "office"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["192.0.2.0/24"]
  }}
  ingress {{
    description = "vpc"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }}
  ingress {{
    description = "bastion ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }}
}}

resource "aws_eks_cluster" "platform" {{
  name     = "platform"
  role_arn = aws_iam_role.control_plane.arn
  vpc_config {{
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.control_plane.id, aws_security_group.api_clients.id]
  }}
}}

resource "aws_security_group_rule" "nodes_to_api" {{
  type                     = "ingress"
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
  security_group_id        = aws_security_group.control_plane.id
  source_security_group_id = aws_security_group.nodes.id
}}

# On the security group EKS creates for the cluster (vpc_config[0].cluster_security_group_id).
resource "aws_vpc_security_group_ingress_rule" "operators_to_api" {{
  security_group_id = aws_eks_cluster.platform.vpc_config[0].cluster_security_group_id
  cidr_ipv4         = "203.0.113.0/24"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}}

# All traffic: ip_protocol "-1", and from_port/to_port null.
resource "aws_vpc_security_group_ingress_rule" "vpn_all" {{
  security_group_id = aws_security_group.control_plane.id
  cidr_ipv4         = "198.51.100.0/24"
  ip_protocol       = "-1"
}}

resource "aws_security_group_rule" "nodes_ssh" {{
  type                     = "ingress"
  from_port                = 22
  to_port                  = 22
  protocol                 = "tcp"
  security_group_id        = aws_security_group.control_plane.id
  source_security_group_id = aws_security_group.nodes.id
}}

# Cluster → nodes on 443 (webhooks), as the eks module's node["ingress_cluster_443"]: on the node group, not the cluster's.
resource "aws_security_group_rule" "node_ingress_cluster_443" {{
  type                     = "ingress"
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
  security_group_id        = aws_security_group.nodes.id
  source_security_group_id = aws_security_group.control_plane.id
}}

resource "aws_security_group_rule" "web_https" {{
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  security_group_id = aws_security_group.web.id
  cidr_blocks       = ["0.0.0.0/0"]
}}

resource "aws_secretsmanager_secret" "db" {{
  name        = "platform/db"
  description = "orders database"
}}

resource "aws_db_instance" "orders" {{
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "orders"
  password            = "{DB_PASSWORD}"
  skip_final_snapshot = true
}}

resource "aws_rds_cluster" "analytics" {{
  cluster_identifier        = "analytics"
  engine                    = "aurora-postgresql"
  master_username           = "analytics"
  master_password           = "{DB_PASSWORD}"
  final_snapshot_identifier = "analytics-final"
}}

resource "aws_ecr_repository" "app" {{
  name = "platform/app"
}}

# Derived into kubernetes_config_map_v1_data.aws_auth (or kubernetes_config_map[_v1]) by the tests.
resource "terraform_data" "aws_auth" {{
  input = {{
    metadata      = [{{ name = "aws-auth", namespace = "kube-system" }}]
    data          = {{ mapRoles = yamlencode(local.map_roles) }}
    force         = true
    field_manager = "Terraform"
  }}
}}

# Derived into kubernetes_namespace_v1.apps (or kubernetes_namespace).
resource "terraform_data" "apps" {{
  input = {{
    metadata                         = [{{ name = "apps", labels = {{ team = "orders" }}, generation = 0 }}]
    wait_for_default_service_account = false
  }}
}}
"""


SPOT_MAPPING = '{ rolearn = aws_iam_role.spot_nodes.arn, username = "system:node:{{EC2PrivateDNSName}}", groups = ["system:nodes"] }'
SPOT_ROLE = """
resource "aws_iam_role" "spot_nodes" {
  name = "platform-spot-nodes"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
"""


def _without(*addresses: str) -> Callable[[str], str]:
    """The configuration without the resource blocks of `addresses` (TYPE.NAME), as a user deletes them."""

    def change(text: str) -> str:
        for address in addresses:
            type_name, name = address.split(".")
            text = edited(text, rf'^resource "{type_name}" "{name}" \{{\n(.*\n)*?\}}\n\n?', "")
        return text

    return change


def _without_ingress(description: str) -> Callable[[str], str]:
    return lambda text: edited(text, rf'^  ingress \{{\n    description = "{description}"\n(.*\n)*?  \}}\n', "")


def _roles(*roles: str) -> Callable[[str], str]:
    listed = ", ".join(SPOT_MAPPING if role == "spot" else f"local.{role}_role" for role in roles)
    return lambda text: edited(text, r"^  map_roles  = \[.*\]$", f"  map_roles  = [{listed}]")


def _chain(*changes: Callable[[str], str]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        for change in changes:
            text = change(text)
        return text

    return apply


@dataclass(frozen=True)
class Expect:
    rule: str
    severity: str
    address: str
    message_part: str


@dataclass(frozen=True)
class Edit:
    name: str
    change: Callable[[str], str]
    expected: tuple[Expect, ...]
    worst: str
    """The most severe danger of the review: `--fail-on S` exits 3 exactly for S at or below it."""
    kinds: dict[str, str] = field(default_factory=lambda: {"aws_auth": AWS_AUTH.split(".")[0]})
    """terraform_data name → the kubernetes resource type it is derived into."""
    low_only: tuple[str, ...] = ()
    """Addresses the plan deletes that no rule above low may name (the generic fallback lists them)."""
    actions: dict[str, str] = field(default_factory=dict)
    """address → the action real Terraform must have planned for it (the premise of the edit)."""


HTTPS_RULES = (
    "aws_security_group_rule.nodes_to_api",
    "aws_vpc_security_group_ingress_rule.operators_to_api",
    "aws_vpc_security_group_ingress_rule.vpn_all",
)
DELETES = (
    "aws_secretsmanager_secret.db",
    "aws_db_instance.orders",
    "aws_ecr_repository.app",
    "aws_rds_cluster.analytics",
)
HARMLESS_RULES = (
    "aws_security_group_rule.nodes_ssh",
    "aws_security_group_rule.web_https",
    "aws_security_group_rule.node_ingress_cluster_443",
)

EDITS = (
    Edit(
        "aws-deletes",
        _without(*HTTPS_RULES, *HARMLESS_RULES, *DELETES),
        (
            *(
                Expect("cluster-https-rule-removed", "high", address, "HTTPS (443) ingress to sg-")
                for address in HTTPS_RULES
            ),
            Expect("secret-deleted", "high", DELETES[0], "`platform/db`; recoverable for 30 days"),
            Expect("database-deleted", "high", DELETES[1], "`orders`; skip_final_snapshot: no final snapshot"),
            Expect("ecr-repository-deleted", "high", DELETES[2], "without force_delete the delete fails"),
            Expect("database-deleted", "high", DELETES[3], "`analytics`; final snapshot `analytics-final`"),
        ),
        worst="high",
        low_only=HARMLESS_RULES,
        actions={address: "delete" for address in (*HTTPS_RULES, *HARMLESS_RULES, *DELETES)},
    ),
    Edit(
        "inline-https-narrowed",
        _without_ingress("office"),
        (Expect("cluster-https-rule-removed", "high", "aws_security_group.api_clients", "from 192.0.2.0/24"),),
        worst="high",
        actions={"aws_security_group.api_clients": "update"},
    ),
    Edit(
        "https-rule-replaced",
        lambda text: edited(
            text,
            r"^  source_security_group_id = aws_security_group.nodes.id\n\}\n\n# On the security group EKS",
            '  cidr_blocks              = ["10.0.0.0/16"]\n}\n\n# On the security group EKS',
        ),
        (Expect("cluster-https-rule-removed", "high", HTTPS_RULES[0], "goes away"),),
        worst="high",
        actions={HTTPS_RULES[0]: "replace"},
    ),
    Edit(
        "aws-auth-admin-removed",
        _roles("node", "ci"),
        (Expect("aws-auth-mapping-removed", "high", AWS_AUTH, f"`{ADMIN_ROLE}`"),),
        worst="high",
        actions={AWS_AUTH: "update"},
    ),
    Edit(
        "aws-auth-nodes-removed-namespace-deleted",
        _chain(_roles("admin"), _without("terraform_data.apps")),
        (
            Expect("aws-auth-mapping-removed", "critical", AWS_AUTH, f"nodes stop joining): `{NODE_ROLE}`"),
            Expect("namespace-deleted", "high", "kubernetes_namespace_v1.apps", "namespace `apps`"),
        ),
        worst="critical",
        kinds={"aws_auth": "kubernetes_config_map_v1_data", "apps": "kubernetes_namespace_v1"},
        actions={AWS_AUTH: "update", "kubernetes_namespace_v1.apps": "delete"},
    ),
    Edit(
        "config-map-deleted",
        _without("terraform_data.aws_auth", "terraform_data.apps"),
        (
            Expect("aws-auth-mapping-removed", "critical", "kubernetes_config_map.aws_auth", NODE_ROLE),
            Expect("aws-auth-mapping-removed", "high", "kubernetes_config_map.aws_auth", ADMIN_ROLE),
            Expect("namespace-deleted", "high", "kubernetes_namespace.apps", ""),
        ),
        worst="critical",
        kinds={"aws_auth": "kubernetes_config_map", "apps": "kubernetes_namespace"},
        actions={"kubernetes_config_map.aws_auth": "delete", "kubernetes_namespace.apps": "delete"},
    ),
    Edit(
        "config-map-v1-deleted",
        _without("terraform_data.aws_auth"),
        (Expect("aws-auth-mapping-removed", "critical", "kubernetes_config_map_v1.aws_auth", NODE_ROLE),),
        worst="critical",
        kinds={"aws_auth": "kubernetes_config_map_v1"},
        actions={"kubernetes_config_map_v1.aws_auth": "delete"},
    ),
    Edit(
        # A node role created in the same plan joins mapRoles: Terraform knows the new mapRoles only after apply,
        # so nothing can be said lost (it was reported as every node role and admin losing its mapping).
        "aws-auth-known-after-apply",
        lambda text: _roles("node", "admin", "spot")(text) + SPOT_ROLE,
        (Expect("aws-auth-mapping-removed", "medium", AWS_AUTH, "`mapRoles` is known only after apply"),),
        worst="medium",
        actions={AWS_AUTH: "update", "aws_iam_role.spot_nodes": "create"},
    ),
    # A new name, identifier or encryption setting the provider cannot change in place (ForceNew): replaced.
    Edit(
        "secret-renamed",
        lambda text: edited(text, r'^  name        = "platform/db"$', '  name        = "platform/orders-db"'),
        (Expect("secret-deleted", "high", DELETES[0], "`platform/db`; recoverable for 30 days; forced by `name`"),),
        worst="high",
        actions={DELETES[0]: "replace"},
    ),
    Edit(
        "ecr-repository-renamed",
        lambda text: edited(text, r'^  name = "platform/app"$', '  name = "platform/web"'),
        (Expect("ecr-repository-deleted", "high", DELETES[2], "without force_delete the delete fails"),),
        worst="high",
        actions={DELETES[2]: "replace"},
    ),
    Edit(
        "database-encrypted",
        lambda text: edited(
            text, r"^  skip_final_snapshot = true$", "  skip_final_snapshot = true\n  storage_encrypted   = true"
        ),
        (
            Expect(
                "database-deleted",
                "high",
                DELETES[1],
                "no final snapshot, the data is lost; forced by `storage_encrypted`",
            ),
        ),
        worst="high",
        actions={DELETES[1]: "replace"},
    ),
    Edit(
        "rds-cluster-renamed",
        lambda text: edited(
            text, r'^  cluster_identifier        = "analytics"$', '  cluster_identifier        = "analytics-v2"'
        ),
        (
            Expect(
                "database-deleted",
                "high",
                DELETES[3],
                "final snapshot `analytics-final`; forced by `cluster_identifier`",
            ),
        ),
        worst="high",
        actions={DELETES[3]: "replace"},
    ),
    Edit(
        "harmless",
        _chain(
            _roles("node", "admin", "ci"),
            _without(*HARMLESS_RULES),
            lambda text: edited(text, r'^  description = "orders database"$', '  description = "orders DB"'),
            _without_ingress("bastion ssh"),
        ),
        (),
        worst="low",
        low_only=HARMLESS_RULES,
        actions={AWS_AUTH: "update", DELETES[0]: "update", "aws_security_group.api_clients": "update"},
    ),
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppliedConfig]:
    applied = AppliedConfig(tmp_path_factory.mktemp("real-resource-plans"), BASE_TF)
    yield applied
    applied.close()


def _derived_plan(base: AppliedConfig, edit: Edit) -> tuple[Path, dict[str, Any]]:
    real_path, real = base.plan_edit(edit.name, edit.change(BASE_TF))
    plan = derive_kubernetes(real, edit.kinds)
    path = real_path.with_name(f"{edit.name}.derived.json")
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path, plan


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in line)


def _exit_code(worst: str, gate: str) -> int:
    return 3 if SEVERITIES.index(worst) <= SEVERITIES.index(gate) else 0


@pytest.mark.parametrize("edit", EDITS, ids=[edit.name for edit in EDITS])
def test_rule_fires_on_the_real_plan_of_the_edit(base: AppliedConfig, edit: Edit) -> None:
    path, plan = _derived_plan(base, edit)
    planned = {r["address"]: classify_actions(list(r["change"]["actions"]))[0] for r in plan["resource_changes"]}
    for address, action in edit.actions.items():
        assert planned.get(address) == action, (address, planned.get(address))

    review = review_json(path)
    dangers = review["dangers"]
    for expect in edit.expected:
        found = [d for d in dangers if d["rule"] == expect.rule and expect.address in d["addresses"]]
        assert found, f"{expect.rule} on {expect.address}: fired {[(d['rule'], d['addresses']) for d in dangers]}"
        assert any(d["severity"] == expect.severity and expect.message_part in d["message"] for d in found), found
    for address in edit.low_only:
        naming = [d for d in dangers if address in d["addresses"]]
        assert naming and all(d["severity"] == "low" for d in naming), naming
    assert min(SEVERITIES.index(d["severity"]) for d in dangers) == SEVERITIES.index(edit.worst), dangers

    terminal = run_ekstf("review", path, env={"COLUMNS": "100"})
    assert terminal.returncode == 0, terminal.stderr
    assert max(map(_display_width, terminal.stdout.splitlines())) <= 100
    for expect in edit.expected:
        assert expect.rule in terminal.stdout

    for gate in ("critical", "high", "medium"):
        result = run_ekstf("review", path, "--format", "json", "--fail-on", gate)
        assert result.returncode == _exit_code(edit.worst, gate), (gate, result.stderr)
        assert DB_PASSWORD not in result.stdout + result.stderr


def test_a_rule_reported_by_a_specific_rule_is_not_repeated_in_the_generic_fallback(base: AppliedConfig) -> None:
    edit = EDITS[0]
    path, _ = _derived_plan(base, edit)
    generic = [d for d in review_json(path)["dangers"] if d["rule"] == "resource-destroyed"]
    listed = {address for d in generic for address in d["addresses"]}
    assert set(HARMLESS_RULES) <= listed
    assert not listed & {*HTTPS_RULES, *DELETES}, generic


def test_the_derived_kubernetes_change_keeps_terraforms_shape(base: AppliedConfig) -> None:
    edit = next(e for e in EDITS if e.name == "aws-auth-admin-removed")
    _, real = base.plan_edit(edit.name, edit.change(BASE_TF))
    source = next(r for r in real["resource_changes"] if r["address"] == "terraform_data.aws_auth")
    _, plan = _derived_plan(base, edit)
    derived = next(r for r in plan["resource_changes"] if r["address"] == AWS_AUTH)
    assert derived["change"]["actions"] == source["change"]["actions"] == ["update"]
    assert derived["provider_name"] == "registry.terraform.io/hashicorp/kubernetes"
    assert derived["change"]["before"]["id"] == "kube-system/aws-auth"
    assert derived["change"]["before"]["metadata"] == [{"name": "aws-auth", "namespace": "kube-system"}]
    # Terraform's yamlencode output, quoted keys and all, is what the rule parses.
    assert re.search(
        r'"rolearn": "arn:aws:iam::123456789012:role/platform-admins"',
        source["change"]["before"]["input"]["data"]["mapRoles"],
    )
    assert derived["change"]["after_unknown"] == source["change"]["after_unknown"]["input"]


def test_the_terminal_marks_the_removed_mapping(base: AppliedConfig) -> None:
    edit = next(e for e in EDITS if e.name == "aws-auth-nodes-removed-namespace-deleted")
    path, _ = _derived_plan(base, edit)
    terminal = run_ekstf("review", path, env={"COLUMNS": "200"}).stdout
    # The node mapping (first in mapRoles) is removed, the admin one kept: one "-" line, no positional "→".
    assert '    - data.mapRoles (yaml)[0]: {"groups":["system:bootstrappers","system:nodes"]' in terminal
    assert "data.mapRoles (yaml)[1]" not in terminal


def test_renaming_the_db_instance_identifier_renames_it_in_place(base: AppliedConfig) -> None:
    # Since provider v5 `identifier` is not ForceNew: the id is the DBI resource id and ModifyDBInstance renames.
    text = edited(BASE_TF, r'^  identifier          = "orders"$', '  identifier          = "orders-v2"')
    path, plan = base.plan_edit("db-identifier-renamed", text)
    change = next(r for r in plan["resource_changes"] if r["address"] == DELETES[1])
    assert change["change"]["actions"] == ["update"]
    assert (change["change"]["before"]["identifier"], change["change"]["after"]["identifier"]) == (
        "orders",
        "orders-v2",
    )
    assert not [d for d in review_json(path)["dangers"] if d["rule"] == "database-deleted"]


def _applied_values(base: AppliedConfig) -> dict[str, dict[str, Any]]:
    """The state after the base apply, by address (as the prior state of a plan of the unchanged configuration)."""
    _, plan = base.plan_edit("unchanged", BASE_TF)
    resources = plan["prior_state"]["values"]["root_module"]["resources"]
    return {r["address"]: r["values"] for r in resources}


def test_the_values_aws_computes_have_their_real_shapes(base: AppliedConfig) -> None:
    values = _applied_values(base)
    account, region = "123456789012", "eu-west-1"

    secret = values[DELETES[0]]
    assert re.fullmatch(rf"arn:aws:secretsmanager:{region}:{account}:secret:platform/db-[0-9a-f]{{6}}", secret["arn"])
    assert secret["id"] == secret["arn"]
    assert (secret["name_prefix"], secret["policy"], secret["replica"]) == ("", "", [])
    assert secret["recovery_window_in_days"] == 30  # the SDKv2 Default, planned as the provider does

    repository = values[DELETES[2]]
    assert repository["registry_id"] == account
    assert repository["repository_url"] == f"{account}.dkr.ecr.{region}.amazonaws.com/platform/app"
    assert repository["arn"] == f"arn:aws:ecr:{region}:{account}:repository/platform/app"
    assert (repository["image_tag_mutability"], repository["force_delete"]) == ("MUTABLE", None)

    instance = values[DELETES[1]]
    host = rf"[0-9a-z]{{12}}\.{region}\.rds\.amazonaws\.com"
    assert re.fullmatch(rf"orders\.{host}", instance["address"])
    assert instance["endpoint"] == f"{instance['address']}:5432" and instance["port"] == 5432  # postgres
    assert re.fullmatch(r"\d+\.\d+", instance["engine_version"])
    assert instance["engine_version_actual"] == instance["engine_version"]
    assert re.fullmatch(r"db-[0-9A-F]{26}", instance["id"]) and instance["resource_id"] == instance["id"]
    assert instance["arn"] == f"arn:aws:rds:{region}:{account}:db:orders"
    assert (instance["status"], instance["kms_key_id"], instance["db_name"]) == ("available", "", "")
    assert instance["parameter_group_name"] == f"default.postgres{instance['engine_version'].split('.')[0]}"

    cluster = values[DELETES[3]]
    assert re.fullmatch(rf"analytics\.cluster-{host}", cluster["endpoint"])
    assert re.fullmatch(rf"analytics\.cluster-ro-{host}", cluster["reader_endpoint"])
    assert cluster["endpoint"].split(".", 2)[2] == instance["address"].split(".", 2)[2]  # one host per account/region
    assert cluster["port"] == 5432 and cluster["id"] == "analytics"
    assert cluster["arn"] == f"arn:aws:rds:{region}:{account}:cluster:analytics"
    assert cluster["availability_zones"] == [f"{region}a", f"{region}b", f"{region}c"]
    assert cluster["engine_mode"] == "provisioned"


def test_a_second_plan_of_the_applied_data_resources_changes_nothing(base: AppliedConfig) -> None:
    _, plan = base.plan_edit("unchanged", BASE_TF)
    actions = {r["address"]: r["change"]["actions"] for r in plan["resource_changes"]}
    for address in DELETES:
        assert actions[address] == ["no-op"], (address, actions[address])
