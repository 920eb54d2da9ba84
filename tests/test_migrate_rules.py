"""Mapping rules of `ekstf migrate` one by one: defaults, placeholders, key repair, deprecations, each outcome."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_ekstf

from generator.errors import UserInputError
from generator.migrate.api import Migration, migrate_text
from generator.migrate.report import SAMPLE_ID_NOTE, Row
from generator.spec.loader import load_spec_text

HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: eu-west-1\n"


def migrate(body: str = "", **kwargs: Any) -> Migration:
    return migrate_text(HEAD + body, **kwargs)


def row(migration: Migration, key: str) -> Row:
    from generator.spec.positions import format_key_path

    found = [r for r in migration.report.rows if format_key_path(r.path) == key]
    assert found, f"no report row for {key}: {[format_key_path(r.path) for r in migration.report.rows]}"
    return found[-1]


def spec_of(migration: Migration) -> Any:
    assert migration.report.spec_problems == []
    return load_spec_text(migration.spec_text).spec


# --- eksctl defaults (eks-facts §1) -----------------------------------------------------------------------


def test_defaults_of_an_almost_empty_config_match_what_eksctl_builds() -> None:
    migration = migrate("nodeGroups:\n  - name: ng\nmanagedNodeGroups:\n  - name: mng\n")
    spec = spec_of(migration)
    assert spec.cluster.version == "1.34"
    assert spec.vpc.cidr == "192.168.0.0/16"
    assert spec.vpc.subnet_prefix_length == 19
    assert spec.vpc.az_count == 3
    assert spec.vpc.nat == "single"
    assert (spec.cluster.endpoint.public, spec.cluster.endpoint.private) == (True, False)
    assert spec.cluster.authentication_mode == "API_AND_CONFIG_MAP"
    assert spec.cluster.logging.types == []
    assert spec.cluster.secrets_encryption.mode == "off"
    assert sorted(spec.addons) == ["coredns", "kube-proxy", "metrics-server", "vpc-cni"]
    for group in (spec.node_groups[0], spec.managed_node_groups[0]):
        assert group.instance_types == ["m5.large"]
        assert (group.min_size, group.max_size, group.desired_size) == (2, 2, 2)
        assert (group.disk.size, group.disk.type) == (80, "gp3")
        assert group.ami_type == "AL2023_x86_64_STANDARD"
        assert group.imds_hop_limit == 2
        assert group.subnets == "public"
        assert group.labels["alpha.eksctl.io/nodegroup-name"] == group.name
    assert row(migration, "vpc.cidr").outcome == "defaulted"
    assert row(migration, "nodeGroups[0].instanceType").note.startswith("m5.large")
    assert row(migration, "managedNodeGroups[0].volumeSize").outcome == "defaulted"


def test_us_east_1_gets_two_azs() -> None:
    spec = spec_of(migrate_text(HEAD.replace("eu-west-1", "us-east-1")))
    assert spec.vpc.az_count == 2


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ("desiredCapacity: 4", (4, 4, 4)),
        ("minSize: 1\n    maxSize: 5", (1, 5, 1)),
        ("maxSize: 1", (1, 1, 1)),
        ("desiredCapacity: 0", (0, 1, 0)),
        ("minSize: 0\n    maxSize: 3\n    desiredCapacity: 2", (0, 3, 2)),
    ],
)
def test_node_group_size_rules(sizes: str, expected: tuple[int, int, int]) -> None:
    group = spec_of(migrate(f"managedNodeGroups:\n  - name: ng\n    {sizes}\n")).managed_node_groups[0]
    assert (group.min_size, group.max_size, group.desired_size) == expected


def test_disable_pod_imds_gives_hop_limit_one() -> None:
    migration = migrate("managedNodeGroups:\n  - name: ng\n    disablePodIMDS: true\n")
    assert spec_of(migration).managed_node_groups[0].imds_hop_limit == 1
    assert row(migration, "managedNodeGroups[0].disablePodIMDS").outcome == "mapped"


def test_disable_default_addons_and_pod_identity_agent_added_when_needed() -> None:
    migration = migrate(
        "addonsConfig:\n  disableDefaultAddons: true\naddons:\n  - name: coredns\n    version: v1.11.4-eksbuild.2\n"
        "iam:\n  podIdentityAssociations:\n    - namespace: app\n      serviceAccountName: web\n"
        "      roleARN: arn:aws:iam::111122223333:role/web\n"
    )
    spec = spec_of(migration)
    assert sorted(spec.addons) == ["coredns", "eks-pod-identity-agent"]
    assert spec.addons["coredns"].version == "v1.11.4-eksbuild.2"
    assert spec.pod_identities[0].role_arn == "arn:aws:iam::111122223333:role/web"


def test_al2_nodes_without_a_version_pick_the_last_version_with_al2() -> None:
    migration = migrate("nodeGroups:\n  - name: ng\n    amiFamily: AmazonLinux2\n")
    spec = spec_of(migration)
    assert spec.cluster.version == "1.32"
    assert spec.node_groups[0].ami_type == "AL2_x86_64"
    assert "Amazon Linux 2" in row(migration, "metadata.version").note


def test_al2_on_a_recent_version_is_approximated_as_al2023() -> None:
    migration = migrate("managedNodeGroups:\n  - name: ng\n    amiFamily: AmazonLinux2\n", kubernetes_version="1.34")
    assert spec_of(migration).managed_node_groups[0].ami_type == "AL2023_x86_64_STANDARD"
    assert row(migration, "managedNodeGroups[0].amiFamily").outcome == "approximated"


# --- versions -------------------------------------------------------------------------------------------


def test_old_version_is_kept_and_flagged_and_the_override_wins() -> None:
    text = HEAD + '  version: "1.16"\n'
    migration = migrate_text(text)
    assert "version: '1.16'" in migration.spec_text
    # Kept and reported; `generate` refuses it, so the report lists that as the one thing to fix.
    assert len(migration.report.spec_problems) == 1
    assert "EKS does not create clusters on Kubernetes 1.16" in migration.report.spec_problems[0]
    assert "no longer offers Kubernetes 1.16" in row(migration, "metadata.version").note
    assert any("1.16" in w for w in migration.report.warnings)
    override = migrate_text(text, kubernetes_version="1.33")
    assert spec_of(override).cluster.version == "1.33"
    assert row(override, "metadata.version").outcome == "approximated"


def test_float_version_keeps_its_trailing_zero() -> None:
    assert "version: '1.30'" in migrate_text(HEAD + "  version: 1.30\n").spec_text
    assert "version: '1.20'" in migrate_text(HEAD + "  version: 1.20\n").spec_text


# --- placeholders ------------------------------------------------------------------------------------------


def test_dollar_placeholders_come_from_set_then_named_environment_variables() -> None:
    text = (
        HEAD.replace("demo", "${NAME}")
        + "vpc:\n  cidr: ${CIDR}\nmanagedNodeGroups:\n  - name: ng\n    desiredCapacity: ${COUNT}\n"
    )
    migration = migrate_text(
        text, sets={"NAME": "from-set", "COUNT": "5"}, env={"NAME": "from-env", "CIDR": "10.20.0.0/16"}
    )
    spec = spec_of(migration)
    assert spec.cluster.name == "from-set"
    assert str(spec.vpc.cidr) == "10.20.0.0/16"
    assert spec.managed_node_groups[0].desired_size == 5
    sources = {p.text: p.note for p in migration.report.placeholders}
    assert sources == {"${NAME}": "from --set", "${CIDR}": "from --env", "${COUNT}": "from --set"}


def test_unresolved_placeholders_are_kept_listed_and_refused_by_generate() -> None:
    text = (
        HEAD
        + "vpc:\n  id: ${VPC_ID}\n  subnets:\n    private:\n      a:\n        id: <subnet-a>\n      b:\n        id: __SUBNET_B__\n"
    )
    text += "secretsEncryption:\n  keyARN: '{{kms_arn}}'\n"
    migration = migrate_text(text)
    found = {p.text for p in migration.report.placeholders if not p.resolved}
    assert {"${VPC_ID}", "<subnet-a>", "__SUBNET_B__", "{{kms_arn}}"} <= found
    assert "${VPC_ID}" in migration.spec_text
    assert migration.report.spec_problems
    with pytest.raises(UserInputError) as raised:
        load_spec_text(migration.spec_text)
    assert "{{kms_arn}}" in raised.value.render() or "${VPC_ID}" in raised.value.render()


def test_shell_variables_in_scripts_are_not_taken_from_the_environment() -> None:
    text = HEAD + "managedNodeGroups:\n  - name: ng\n    preBootstrapCommands:\n      - echo ${HOME} ${GREETING}\n"
    migration = migrate_text(text, sets={"GREETING": "hi"}, env={"HOME": "/root"})
    shell = spec_of(migration).managed_node_groups[0].user_data.shell
    assert shell.strip() == "echo ${HOME} hi"


# --- key repair, nulls, unknown and deprecated fields ---------------------------------------------------------


def test_wrong_case_keys_are_mapped_with_a_warning() -> None:
    migration = migrate("managedNodeGroups:\n  - name: ng\n    volumesize: 120\n    InstanceType: m6i.xlarge\n")
    group = spec_of(migration).managed_node_groups[0]
    assert group.disk.size == 120
    assert group.instance_types == ["m6i.xlarge"]
    assert any("`managedNodeGroups[0].volumesize` is spelled `volumeSize`" in w for w in migration.report.warnings)
    assert row(migration, "managedNodeGroups[0].volumeSize").line == 8


def test_nulls_are_treated_as_omitted() -> None:
    migration = migrate("vpc: null\nmanagedNodeGroups:\n  - name: ng\n    instanceType: null\n    labels: ~\n")
    spec = spec_of(migration)
    assert spec.managed_node_groups[0].instance_types == ["m5.large"]
    assert row(migration, "managedNodeGroups[0].instanceType").outcome == "defaulted"


def test_unknown_fields_are_reported_not_fatal() -> None:
    migration = migrate("managedNodeGroups:\n  - name: ng\n    instanceTyp: m5.xlarge\nfoo: bar\n")
    assert row(migration, "foo").outcome == "unsupported"
    note = row(migration, "managedNodeGroups[0].instanceTyp").note
    assert "unknown field" in note and "instanceType" in note
    spec_of(migration)


def test_deprecated_fields_are_warned_about_and_mapped() -> None:
    migration = migrate(
        "nodeGroups:\n  - name: ng\n    ssh:\n      enableSsm: true\n    iam:\n      withAddonPolicies:\n"
        "        albIngress: true\n        ebs: true\n        fsx: true\ngit:\n  repo: {}\n"
    )
    spec = spec_of(migration)
    warnings = " ".join(migration.report.warnings)
    assert "albIngress" in warnings and "enableSsm" in warnings
    accounts = {(s.namespace, s.name): s for s in spec.service_accounts}
    assert accounts[("kube-system", "aws-load-balancer-controller")].well_known_policies == ["loadBalancerController"]
    assert spec.node_groups[0].iam.additional_policy_arns == [
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
    ]
    assert row(migration, "nodeGroups[0].iam.withAddonPolicies.albIngress").outcome == "approximated"
    assert row(migration, "nodeGroups[0].iam.withAddonPolicies.fsx").outcome == "unsupported"
    assert row(migration, "git").outcome == "unsupported"


# --- feature mappings -----------------------------------------------------------------------------------------


def test_both_taint_forms() -> None:
    migration = migrate(
        "nodeGroups:\n  - name: a\n    taints:\n      dedicated: gpu:NoSchedule\n      spot: ':PreferNoSchedule'\n"
        "managedNodeGroups:\n  - name: b\n    taints:\n      - {key: k, value: v, effect: NO_EXECUTE}\n"
    )
    spec = spec_of(migration)
    assert [(t.key, t.value, t.effect) for t in spec.node_groups[0].taints] == [
        ("dedicated", "gpu", "NoSchedule"),
        ("spot", None, "PreferNoSchedule"),
    ]
    assert [(t.key, t.value, t.effect) for t in spec.managed_node_groups[0].taints] == [("k", "v", "NoExecute")]


def test_service_accounts_with_metadata_and_well_known_policies() -> None:
    migration = migrate(
        "iam:\n  withOIDC: true\n  serviceAccounts:\n"
        "    - metadata: {name: dns, namespace: kube-system, labels: {a: b}}\n"
        "      wellKnownPolicies: {externalDNS: true, certManager: false}\n"
        "      permissionsBoundary: arn:aws:iam::111122223333:policy/boundary\n"
        "      roleName: dns-role\n"
        "    - metadata: {name: app}\n"
        "      attachPolicy:\n        Version: '2012-10-17'\n        Statement:\n"
        "          - {Effect: Allow, Action: 's3:GetObject', Resource: '*'}\n"
        "    - metadata: {name: cond}\n"
        "      attachPolicy:\n        Statement:\n"
        "          - {Effect: Allow, Action: 's3:*', Resource: '*', Condition: {Bool: {x: 'true'}}}\n"
        "    - metadata: {name: existing}\n      attachRoleARN: arn:aws:iam::111122223333:role/existing\n"
    )
    spec = spec_of(migration)
    dns, app, existing = spec.service_accounts
    assert (dns.namespace, dns.name, dns.role_name) == ("kube-system", "dns", "dns-role")
    assert dns.well_known_policies == ["externalDNS"]
    assert dns.permissions_boundary == "arn:aws:iam::111122223333:policy/boundary"
    assert (app.namespace, app.statements[0].actions) == ("default", ["s3:GetObject"])
    assert dns.labels == {"a": "b"}
    assert row(migration, "iam.serviceAccounts[0].metadata.labels").outcome == "mapped"
    assert "Condition" in row(migration, "iam.serviceAccounts[2].attachPolicy").note
    assert (existing.name, existing.role_arn) == ("existing", "arn:aws:iam::111122223333:role/existing")
    assert row(migration, "iam.serviceAccounts[3].attachRoleARN").outcome == "mapped"


def test_identity_mappings_become_access_entries() -> None:
    migration = migrate(
        "iamIdentityMappings:\n"
        "  - {arn: 'arn:aws:iam::111122223333:role/admin', groups: [system:masters, ops], username: admin}\n"
        "  - {arn: 'arn:aws:iam::111122223333:role/nodes', groups: [system:bootstrappers, system:nodes],"
        " username: 'system:node:{{EC2PrivateDNSName}}'}\n"
        "  - {account: '111122223333'}\n"
        "  - {serviceName: emr-containers, namespace: emr}\n"
    )
    spec = spec_of(migration)
    admin, nodes = spec.cluster.access_entries
    assert [p.policy for p in admin.policies] == ["AmazonEKSClusterAdminPolicy"]
    assert (admin.kubernetes_groups, admin.username) == (["ops"], "admin")
    assert (nodes.type, nodes.username) == ("EC2_LINUX", None)
    assert spec.cluster.authentication_mode == "API_AND_CONFIG_MAP"
    assert row(migration, "iamIdentityMappings[2]").outcome == "unsupported"
    assert "AmazonEMRJobPolicy" in row(migration, "iamIdentityMappings[3]").note


def test_access_config_entries_and_policies() -> None:
    migration = migrate(
        "accessConfig:\n  authenticationMode: API\n  bootstrapClusterCreatorAdminPermissions: false\n  accessEntries:\n"
        "    - principalARN: arn:aws:iam::111122223333:role/viewer\n      accessPolicies:\n"
        "        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy\n"
        "          accessScope: {type: namespace, namespaces: [dev]}\n"
    )
    cluster = spec_of(migration).cluster
    assert (cluster.authentication_mode, cluster.creator_admin) == ("API", False)
    policy = cluster.access_entries[0].policies[0]
    assert (policy.policy, policy.scope, policy.namespaces) == ("AmazonEKSViewPolicy", "namespace", ["dev"])


def test_existing_vpc_subnet_aliases_and_invalid_ids() -> None:
    migration = migrate(
        "vpc:\n  id: vpc-0123456789abcdef0\n  subnets:\n    private:\n"
        "      eu-west-1a: {id: subnet-0123456789abcdef0}\n      eu-west-1b: {id: subnet-0123456789abcdef1}\n"
        "    public:\n      pub: {id: subnet-bad}\n"
        "managedNodeGroups:\n  - name: ng\n    privateNetworking: true\n    availabilityZones: [eu-west-1b]\n"
    )
    # A sample-looking id is kept verbatim (no `<...>` placeholder), and the warning and its row say so.
    assert "<subnet-bad>" not in migration.spec_text
    assert any(f"subnet id 'subnet-bad' {SAMPLE_ID_NOTE}" in w for w in migration.report.warnings)
    assert SAMPLE_ID_NOTE in row(migration, "vpc.subnets.public.pub.id").note
    assert migration.report.spec_problems == []  # only a warning: `ekstf validate --aws` decides
    assert any("`subnet-bad` does not look like a real subnet id" in w for w in migration.report.warnings)
    data = load_yaml_data(migration.spec_text)
    assert data["vpc"]["privateSubnetIds"] == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    assert data["vpc"]["publicSubnetIds"] == ["subnet-bad"]
    assert data["managedNodeGroups"][0]["subnets"] == ["subnet-0123456789abcdef1"]


def test_a_name_where_an_id_belongs_is_kept_and_refused_by_the_spec() -> None:
    migration = migrate(
        "vpc:\n  id: vpc-0123456789abcdef0\n  subnets:\n    private:\n"
        "      a: {id: subnet-0123456789abcdef0}\n      b: {id: subnet-0123456789abcdef1}\n"
        "managedNodeGroups:\n  - name: ng\n    privateNetworking: true\n    subnets: [my-private-subnet]\n"
    )
    assert load_yaml_data(migration.spec_text)["managedNodeGroups"][0]["subnets"] == ["my-private-subnet"]
    assert any(
        "managedNodeGroups[0].subnets[0]: 'my-private-subnet' is not a subnet id" in p
        for p in migration.report.spec_problems
    ), migration.report.spec_problems


def test_subnet_given_only_by_cidr_is_left_out_and_a_group_without_ids_falls_back_to_private() -> None:
    migration = migrate(
        "vpc:\n  id: vpc-0123456789abcdef0\n  subnets:\n    private:\n"
        "      a: {id: subnet-0123456789abcdef0}\n      b: {id: subnet-0123456789abcdef1}\n"
        "      c: {cidr: 10.0.96.0/19}\n"
        "nodeGroups:\n  - name: ng\n    privateNetworking: true\n    subnets: [c]\n"
        "fargateProfiles:\n  - name: fp\n    selectors: [{namespace: default}]\n    subnets: [c, a]\n"
    )
    assert migration.report.spec_problems == []
    assert "<" not in migration.spec_text
    data = load_yaml_data(migration.spec_text)
    assert data["vpc"]["privateSubnetIds"] == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    assert data["nodeGroups"][0]["subnets"] == "private"
    assert data["fargateProfiles"][0]["subnets"] == ["subnet-0123456789abcdef0"]
    vpc_row = row(migration, "vpc.subnets.private.c")
    assert vpc_row.outcome == "approximated"
    assert vpc_row.note == (
        "eksctl looks up the subnet with CIDR 10.0.96.0/19 in vpc-0123456789abcdef0; the spec names subnets by id "
        "only: add its id to vpc.privateSubnetIds and to nodeGroups[0].subnets and to fargateProfiles[0].subnets"
    )
    group_row = row(migration, "nodeGroups[0].subnets")
    assert group_row.outcome == "approximated"
    assert "the group uses all private subnets of the spec instead" in group_row.note
    assert row(migration, "fargateProfiles[0].subnets[0]").outcome == "approximated"


def load_yaml_data(text: str) -> Any:
    from generator.spec.positions import load_yaml

    return load_yaml(text, "x.yaml").data


def test_spot_ssh_bottlerocket_launch_template_and_misc() -> None:
    migration = migrate(
        "managedNodeGroups:\n  - name: spot\n    instanceTypes: [c5.large, c5a.large]\n    spot: true\n"
        "    launchTemplate: {id: lt-0123456789abcdef0, version: '3'}\n    securityGroups: {attachIDs: [sg-0123456789abcdef0]}\n"
        "nodeGroups:\n  - name: br\n    amiFamily: Bottlerocket\n    ssh: {publicKeyName: ops, allow: true}\n"
        "    bottlerocket: {enableAdminContainer: true, settings: {motd: hi}}\n"
        "    instancesDistribution: {instanceTypes: [m5.large, m5a.large], onDemandPercentageAboveBaseCapacity: 20,"
        " maxPrice: 0.05}\n    asgSuspendProcesses: [AZRebalance]\n"
    )
    spec = spec_of(migration)
    spot = spec.managed_node_groups[0]
    assert spot.capacity_type == "SPOT"
    assert (spot.launch_template.id, spot.launch_template.version) == ("lt-0123456789abcdef0", "3")
    assert spot.security_group_ids == ["sg-0123456789abcdef0"]
    br = spec.node_groups[0]
    assert br.ami_type == "BOTTLEROCKET_x86_64"
    assert br.ssh.key_name == "ops" and br.ssh.source_cidrs == ["0.0.0.0/0"] and br.ssh.allow_open_to_world
    assert 'motd = "hi"' in br.user_data.bottlerocket_toml
    assert "[settings.host-containers.admin]\nenabled = true" in br.user_data.bottlerocket_toml
    assert br.instance_types == ["m5.large", "m5a.large"]
    assert br.instances_distribution.on_demand_percentage_above_base_capacity == 20
    assert br.instances_distribution.spot_max_price == "0.05"
    assert row(migration, "nodeGroups[0].asgSuspendProcesses").outcome == "unsupported"
    assert row(migration, "nodeGroups[0].ssh.allow").outcome == "approximated"


def test_logging_encryption_network_and_cluster_features() -> None:
    migration = migrate(
        "cloudWatch:\n  clusterLogging: {enableTypes: ['*'], logRetentionInDays: 30}\n"
        "secretsEncryption: {keyARN: 'arn:aws:kms:eu-west-1:111122223333:key/abc'}\n"
        "kubernetesNetworkConfig: {ipFamily: IPv4, serviceIPv4CIDR: 172.20.0.0/16}\n"
        "vpc:\n  nat: {gateway: HighlyAvailable}\n  clusterEndpoints: {publicAccess: true, privateAccess: true}\n"
        "  publicAccessCIDRs: [203.0.113.0/24]\n"
        "zonalShiftConfig: {enabled: true}\nupgradePolicy: {supportType: EXTENDED}\n"
        "controlPlaneScalingConfig: {tier: tier-xl}\nkarpenter: {version: '1.0.0'}\n"
        "fargateProfiles:\n  - name: fp\n    selectors: [{namespace: batch}]\nmanagedNodeGroups:\n  - name: ng\n"
        "availabilityZones: [eu-west-1a, eu-west-1b]\n"
    )
    spec = spec_of(migration)
    cluster = spec.cluster
    assert cluster.logging.types == ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    assert cluster.logging.retention_days == 30
    assert cluster.secrets_encryption.kms_key_arn == "arn:aws:kms:eu-west-1:111122223333:key/abc"
    assert str(cluster.kubernetes_network.service_cidr) == "172.20.0.0/16"
    assert spec.vpc.nat == "per-az"
    assert cluster.endpoint.public_cidrs == ["203.0.113.0/24"]
    assert (cluster.zonal_shift, cluster.upgrade_policy.support_type) == (True, "EXTENDED")
    assert cluster.control_plane_scaling.tier == "tier-xl"
    assert spec.karpenter is not None and spec.fargate_profiles[0].name == "fp"
    assert spec.vpc.availability_zones == ["eu-west-1a", "eu-west-1b"]


def test_every_outcome_appears_in_markdown_and_json_reports() -> None:
    migration = migrate(
        "identityProviders:\n  - {name: idp, type: oidc, issuerURL: 'https://x', clientID: y}\n"
        "managedNodeGroups:\n  - name: ng\n    instanceType: m5.xlarge\n"
    )
    markdown = migration.report.to_markdown()
    for outcome in ("mapped", "defaulted", "approximated", "unsupported"):
        assert f"| {outcome} |" in markdown
    assert "| `managedNodeGroups[0].instanceType` | 10 | mapped | `managedNodeGroups[].instanceTypes` |" in markdown
    document = json.loads(migration.report.to_json())
    assert document["summary"]["unsupported"] >= 1
    idp = next(r for r in document["rows"] if r["eksctlKey"] == "identityProviders")
    assert idp["outcome"] == "unsupported" and "aws_eks_identity_provider_config" in idp["note"]


# --- bad input through the CLI -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("apiVersion: v1\nkind: Pod\n", "not an eksctl ClusterConfig"),
        ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {region: eu-west-1}\n", "metadata.name"),
        ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: [\n", "invalid YAML"),
        ("- just\n- a list\n", "expected an eksctl ClusterConfig mapping"),
    ],
)
def test_cli_bad_input_exits_2_with_a_position(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "cluster.yaml"
    config.write_text(text, encoding="utf-8")
    result = run_ekstf("migrate", config, "-o", tmp_path / "ekstf.yaml")
    assert result.returncode == 2, result.output
    assert message in result.stderr
    assert "cluster.yaml:" in result.stderr or "metadata" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "ekstf.yaml").exists()


def test_cli_bad_set_and_conflicting_arguments(tmp_path: Path) -> None:
    config = tmp_path / "cluster.yaml"
    config.write_text(HEAD, encoding="utf-8")
    bad_set = run_ekstf("migrate", config, "--set", "no-equals-sign", "-o", tmp_path / "o.yaml")
    assert bad_set.returncode == 2 and "VAR=VALUE" in bad_set.stderr
    both = run_ekstf("migrate", config, "--from-cluster", "x", "--region", "eu-west-1")
    assert both.returncode == 2 and "not both" in both.stderr
    neither = run_ekstf("migrate")
    assert neither.returncode == 2
    bad_version = run_ekstf("migrate", config, "--kubernetes-version", "latest", "-o", tmp_path / "o.yaml")
    assert bad_version.returncode == 2 and "1.34" in bad_version.stderr
    ok = run_ekstf("migrate", config, "--set", "A=1", "-o", tmp_path / "o.yaml")
    assert ok.returncode == 0, ok.output
