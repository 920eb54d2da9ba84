"""Specs that refer to existing resources (what `ekstf migrate` writes) generate a repo that adopts them.

The generator must use the existing roles and launch templates instead of creating its own, keep imported node
group names exact, and declare every address the migration's `import` blocks point at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import boto3
import hcl2
import pytest
from adoption_support import Config, import_addresses, load_config, undeclared
from conftest import MotoServer, TerraformEnv, run_ekstf
from migrate_support import CLUSTER, REGION, Seeded, seed_eksctl_cluster
from test_migrate_live import _recorded_eks

from generator.generate import names
from generator.migrate.aws import make_clients
from generator.migrate.discovery import discover
from generator.migrate.live import migration_from
from generator.migrate.live_spec import imports_tf

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "generate" / "existing-resources.yaml"
ACCOUNT = "arn:aws:iam::123456789012"


def _hcl(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = hcl2.load(handle)
    return data


def _unquote(value: Any) -> Any:
    if isinstance(value, str) and value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    return value


def _plain_inputs(body: dict[str, Any]) -> dict[str, Any]:
    return {k: _unquote(v) for k, v in body.items() if not k.startswith("__")}


def _eks(repo: Path) -> dict[str, Any]:
    (module,) = _hcl(repo / "eks.tf")["module"]
    eks: dict[str, Any] = module['"eks"']
    return eks


def _conformant(repo: Path) -> None:
    from generator.conformance import check_repo

    report = check_repo(repo)
    assert report.ok, "\n".join(f"{f.check} {f.file}:{f.line} {f.message}" for f in report.findings)


def _all_imports_declared(imports: Path, repo: Path) -> list[str]:
    addresses = import_addresses(imports)
    config = load_config(repo)
    missing = {a: undeclared(a, config) for a in addresses}
    assert {a: why for a, why in missing.items() if why} == {}
    return addresses


@pytest.fixture
def seeded(aws: MotoServer) -> Seeded:
    return seed_eksctl_cluster(boto3.session.Session(region_name=REGION))


@pytest.mark.slow
def test_existing_resources_are_used_not_created(tmp_path: Path, terraform_env: TerraformEnv) -> None:
    repo = tmp_path / "infra"
    result = run_ekstf("generate", FIXTURE, "-o", repo)
    assert result.returncode == 0, result.output
    # The group's own launch template holds its security groups: said, not silently dropped.
    assert "managedNodeGroups[0].securityGroupIds: ignored: the group uses its own launch template" in result.stderr
    _conformant(repo)

    eks = _eks(repo)
    assert _unquote(eks["create_iam_role"]) is False
    assert _unquote(eks["iam_role_arn"]) == f"{ACCOUNT}:role/eksctl-adopted-cluster-ServiceRole-ABC"
    assert "iam_role_permissions_boundary" not in eks

    adopted = _plain_inputs(eks["eks_managed_node_groups"]["ng-1"])
    assert {k: adopted[k] for k in adopted if k.startswith(("launch_template", "create_", "use_", "iam_"))} == {
        "use_name_prefix": False,
        "create_launch_template": False,
        "use_custom_launch_template": True,
        "launch_template_id": "lt-0123456789abcdef0",
        "launch_template_version": "3",
        "create_iam_role": False,
        "iam_role_arn": f"{ACCOUNT}:role/eksctl-adopted-nodegroup-ng-1-NodeInstanceRole-XYZ",
    }
    new = _plain_inputs(eks["eks_managed_node_groups"]["ng-new"])
    assert "use_name_prefix" not in new  # new groups keep the module's name prefix (create before destroy)
    assert new["launch_template_id"] == "${aws_launch_template.ng-new.id}"
    assert new["iam_role_permissions_boundary"] == f"{ACCOUNT}:policy/boundary"
    assert "create_iam_role" not in new and "iam_role_arn" not in new

    self_managed = _plain_inputs(eks["self_managed_node_groups"]["ng-self"])
    assert self_managed["use_name_prefix"] is False
    node_role = _hcl(repo / "node_iam.tf")["module"][0]['"node_role_ng_self"']
    assert _unquote(node_role["permissions_boundary"]) == f"{ACCOUNT}:policy/boundary"
    assert undeclared(names.self_managed_node_role_address("ng-self"), load_config(repo)) is None

    profile = _plain_inputs(eks["fargate_profiles"]["fp-default"])
    assert (profile["create_iam_role"], profile["iam_role_arn"]) == (
        False, f"{ACCOUNT}:role/eksctl-adopted-FargatePodExecutionRole-QRS",
    )  # fmt: skip

    # One launch template per group ekstf owns; none for the group that brings its own.
    templates = {
        name for block in _hcl(repo / "launch_templates.tf")["resource"] for name in block['"aws_launch_template"']
    }
    assert templates == {'"ng-new"', '"ng-self"'}
    lt_text = (repo / "launch_templates.tf").read_text(encoding="utf-8")
    assert re.search(
        r'vpc_security_group_ids += \[module\.eks\.node_security_group_id, "sg-0123456789abcdef1"\]', lt_text
    )
    assert re.search(
        r'vpc_security_group_ids += \[module\.eks\.node_security_group_id, "sg-0123456789abcdef2"\]', lt_text
    )
    assert "sg-0123456789abcdef0" not in "".join(p.read_text(encoding="utf-8") for p in repo.glob("*.tf"))

    addons = eks["addons"]
    assert _unquote(addons["vpc-cni"]["service_account_role_arn"]) == f"{ACCOUNT}:role/cni"
    (association,) = addons["aws-ebs-csi-driver"]["pod_identity_association"]
    assert _unquote(association["role_arn"]) == f"{ACCOUNT}:role/ebs"

    pod_identity = _hcl(repo / "pod_identity.tf")
    modules = {name for block in pod_identity["module"] for name in block}
    assert modules == {'"pod_identity_apps_worker"'}  # no role for apps/web nor for the EBS CSI driver
    associations = {
        _unquote(name): _plain_inputs(body)
        for block in pod_identity["resource"]
        for name, body in block['"aws_eks_pod_identity_association"'].items()
    }
    assert associations["apps_web"] == {
        "cluster_name": "${module.eks.cluster_name}",
        "namespace": "apps",
        "service_account": "web",
        "role_arn": f"{ACCOUNT}:role/web",
        "target_role_arn": "arn:aws:iam::444455556666:role/b",
        "disable_session_tags": True,
    }
    assert associations["apps_worker"]["role_arn"] == "${module.pod_identity_apps_worker.arn}"
    assert "irsa.tf" not in {p.name for p in repo.iterdir()}  # the only IRSA role (vpc-cni) exists already


def test_settings_of_existing_resources_are_reported(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(
        f"""\
cluster:
  name: demo
  region: eu-west-1
  serviceRoleArn: {ACCOUNT}:role/cluster
  serviceRolePermissionsBoundary: {ACCOUNT}:policy/b
managedNodeGroups:
  - name: ng-1
    launchTemplate: {{id: lt-0123456789abcdef0}}
    disk: {{size: 200}}
    iam:
      roleArn: {ACCOUNT}:role/node
      additionalPolicyArns: [{ACCOUNT}:policy/extra]
nodeGroups:
  - name: ng-2
    iam: {{roleArn: {ACCOUNT}:role/node}}
podIdentities:
  - {{namespace: a, serviceAccount: b, roleArn: {ACCOUNT}:role/b, policyArns: [{ACCOUNT}:policy/p]}}
""",
        encoding="utf-8",
    )
    result = run_ekstf("generate", spec, "-o", tmp_path / "infra")
    assert result.returncode == 0, result.output
    for expected in (
        "cluster.serviceRolePermissionsBoundary: ignored",
        "managedNodeGroups[0].disk: ignored: the group uses its own launch template lt-0123456789abcdef0",
        "managedNodeGroups[0].iam.additionalPolicyArns: ignored",
        "nodeGroups[0].iam.roleArn: ignored: ekstf creates the node role of a self-managed group",
        "podIdentities[0].policyArns: ignored",
    ):
        assert expected in result.stderr

    both = tmp_path / "both.yaml"
    both.write_text(
        f"cluster: {{name: demo, region: eu-west-1}}\n"
        f"addons:\n  vpc-cni:\n    serviceAccountRoleArn: {ACCOUNT}:role/cni\n    irsa: {{wellKnownPolicies: [vpcCNI]}}\n",
        encoding="utf-8",
    )
    refused = run_ekstf("generate", both, "-o", tmp_path / "other")
    assert refused.returncode == 2, refused.output
    assert "addons.vpc-cni.serviceAccountRoleArn" in refused.stderr
    assert not (tmp_path / "other").exists()


def test_address_check_is_not_vacuous(tmp_path: Path) -> None:
    """The checker the migration tests rely on refuses addresses the configuration does not declare."""
    repo = tmp_path / "infra"
    assert run_ekstf("generate", FIXTURE, "-o", repo).returncode == 0
    config: Config = load_config(repo)
    assert undeclared(names.managed_node_group_address("ng-1"), config) is None
    assert "name suffix" in str(undeclared(names.managed_node_group_address("ng-new"), config))
    assert "no eks_managed_node_group key" in str(undeclared(names.managed_node_group_address("ng-x"), config))
    assert undeclared(names.addon_address("vpc-cni", True), config) is None
    assert "before_compute" in str(undeclared(names.addon_address("vpc-cni", False), config))
    assert undeclared(names.pod_identity_association_resource("apps", "web"), config) is None
    assert "no resource" in str(undeclared(names.pod_identity_association_resource("apps", "nope"), config))
    assert "no module" in str(undeclared(names.irsa_role_address("kube-system", "x"), config))
    assert "no access entry" in str(undeclared(names.access_entry_address("role_admin"), config))


@pytest.mark.slow
def test_live_migration_generates_a_repo_that_declares_every_import(
    seeded: Seeded, tmp_path: Path, terraform_env: TerraformEnv
) -> None:
    infra = tmp_path / "infra"
    migrated = run_ekstf(
        "migrate", "--from-cluster", CLUSTER, "--region", REGION, "-o", tmp_path / "ekstf.yaml",
        "--imports", infra / "imports.tf", "--runbook", tmp_path / "MIGRATION.md",
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.output
    generated = run_ekstf("generate", tmp_path / "ekstf.yaml", "-o", infra)
    assert generated.returncode == 0, generated.output

    addresses = _all_imports_declared(infra / "imports.tf", infra)
    assert names.managed_node_group_address("ng-1") in addresses
    assert names.fargate_profile_address("fp-default") in addresses
    _conformant(infra)

    eks = _eks(infra)
    assert (_unquote(eks["create_iam_role"]), _unquote(eks["iam_role_arn"])) == (False, seeded.cluster_role_arn)
    group = _plain_inputs(eks["eks_managed_node_groups"]["ng-1"])
    assert (group["use_name_prefix"], group["launch_template_id"], group["iam_role_arn"]) == (
        False, seeded.launch_template_id, seeded.node_role_arn,
    )  # fmt: skip
    assert _plain_inputs(eks["fargate_profiles"]["fp-default"])["iam_role_arn"] == seeded.fargate_role_arn
    assert not (infra / "launch_templates.tf").exists()  # the only group keeps eksctl's launch template


@pytest.mark.slow
def test_recorded_live_migration_declares_addon_access_and_pod_identity_imports(
    seeded: Seeded, tmp_path: Path, terraform_env: TerraformEnv
) -> None:
    """Addons, access entries and Pod Identity come from recorded EKS responses (moto lacks those APIs)."""
    clients = make_clients(REGION)
    eks_client, stub = _recorded_eks(seeded)
    clients.eks = eks_client
    with stub:
        migration = migration_from(discover(clients, CLUSTER))
    infra = tmp_path / "infra"
    infra.mkdir()
    (tmp_path / "ekstf.yaml").write_text(migration.spec_text, encoding="utf-8")
    (infra / "imports.tf").write_text(imports_tf(migration.mapping, CLUSTER), encoding="utf-8")
    generated = run_ekstf("generate", tmp_path / "ekstf.yaml", "-o", infra)
    assert generated.returncode == 0, generated.output

    addresses = _all_imports_declared(infra / "imports.tf", infra)
    assert names.pod_identity_association_resource("apps", "web") in addresses
    assert sum(a.startswith("module.eks.aws_eks_access_policy_association.") for a in addresses) == 2
    assert sum(a.startswith("module.eks.aws_eks_addon.") for a in addresses) == 2
    _conformant(infra)
    text = (infra / "pod_identity.tf").read_text(encoding="utf-8")
    assert 'target_role_arn = "arn:aws:iam::444455556666:role/b"' in text
    assert "module " not in text  # the association uses the existing role


def test_file_migration_keeps_managed_group_names(tmp_path: Path) -> None:
    """eksctl names managed node groups exactly; the migrated spec keeps them so existing groups can be imported."""
    from generator.spec.loader import load_spec

    config = tmp_path / "cluster.yaml"
    config.write_text(
        """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: files, region: us-west-2}
managedNodeGroups:
  - name: ng-lt
    launchTemplate: {id: lt-0123456789abcdef0, version: "2"}
  - name: ng-plain
    instanceType: m5.large
nodeGroups:
  - name: ng-self
    instanceType: m5.large
""",
        encoding="utf-8",
    )
    spec = tmp_path / "ekstf.yaml"
    migrated = run_ekstf("migrate", config, "-o", spec)
    assert migrated.returncode == 0, migrated.output
    loaded = load_spec(spec).spec
    assert [(g.name, g.name_prefix) for g in loaded.managed_node_groups] == [("ng-lt", False), ("ng-plain", False)]
    assert [(g.name, g.name_prefix) for g in loaded.node_groups] == [("ng-self", True)]  # CloudFormation names its ASG
    generated = run_ekstf("generate", spec, "-o", tmp_path / "infra")
    assert generated.returncode == 0, generated.output
    groups = _eks(tmp_path / "infra")["eks_managed_node_groups"]
    assert groups["ng-lt"]["use_name_prefix"] is False and groups["ng-plain"]["use_name_prefix"] is False
    assert _unquote(groups["ng-lt"]["launch_template_id"]) == "lt-0123456789abcdef0"
    assert "use_name_prefix" not in _eks(tmp_path / "infra")["self_managed_node_groups"]["ng-self"]
