"""`ekstf migrate` over the 49 official eksctl example ClusterConfigs: every one converts, every field is reported
on by a rule, the spec loads, and the repo generated from it passes the offline conformance checks."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from conftest import run_ekstf, shared_available, shared_files, shared_path
from migrate_support import mapped_fields_not_generated

from generator.migrate.api import Migration, migrate_file
from generator.migrate.document import load_document
from generator.migrate.report import SAMPLE_ID_NOTE, leaves
from generator.spec import catalog
from generator.spec.loader import load_spec, load_spec_text

EXAMPLES = shared_files("eksctl-examples")
# Examples whose ids are eksctl documentation samples (`sg-1`, `ami-custom`, `lt-1234`, `vpc-1234`, ...).
SAMPLE_ID_EXAMPLES = {
    "15-managed-nodes.yaml",
    "22-managed-nodes-launch-template.yaml",
    "31-override-bootstrap-command-unmanaged-nodegroup.yaml",
    "36-outposts-vpc.yaml",
    "38-cluster-subnets-sgs.yaml",
}
FALLBACK_NOTE = "not carried over by ekstf migrate"


def test_the_shared_examples_are_all_here() -> None:
    if not shared_available("eksctl-examples"):
        pytest.skip("needs ../shared/eksctl-examples (the reference data beside the clone; a plain git clone has none)")
    assert len(EXAMPLES) == 49


VERSION_REFUSED = "EKS does not create clusters on Kubernetes"


def _migrate(path: Path) -> Migration:
    """The example as a user would migrate it: an old Kubernetes version eksctl's file pins (EKS no longer creates
    clusters on it, so `generate` refuses it) is replaced with --kubernetes-version, as the report says to."""
    migration = migrate_file(path, env={})
    if any(VERSION_REFUSED in problem for problem in migration.report.spec_problems):
        # Without the flag the version is kept and reported; the refusal is the only problem.
        assert [p for p in migration.report.spec_problems if VERSION_REFUSED not in p] == []
        assert any("no longer offers" in r.note for r in migration.report.rows)
        return migrate_file(path, env={}, kubernetes_version=catalog.DEFAULT_KUBERNETES_VERSION)
    return migration


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_migrates_and_every_field_has_an_outcome(example: Path, tmp_path: Path) -> None:
    migration = _migrate(example)
    report = migration.report
    document = load_document(path=example, env={})
    all_leaves = list(leaves(document.data, ()))
    assert all_leaves
    for leaf in all_leaves:
        assert report.covered(leaf), f"{leaf} has no outcome"
    # Every field is handled by a mapping rule, not by the safety net.
    assert not [r for r in report.rows if FALLBACK_NOTE in r.note]
    assert {r.outcome for r in report.rows} <= {"mapped", "defaulted", "approximated", "unsupported"}
    assert all(r.line for r in report.rows if r.outcome != "defaulted")
    spec_file = tmp_path / "ekstf.yaml"
    spec_file.write_text(migration.spec_text, encoding="utf-8")
    if example.name in SAMPLE_ID_EXAMPLES:
        # Sample ids are kept verbatim, and both the row and the warnings say so.
        assert any(SAMPLE_ID_NOTE in r.note for r in report.rows)
        assert any(SAMPLE_ID_NOTE in w for w in report.warnings)
    assert report.spec_problems == []
    loaded = load_spec(spec_file)
    assert loaded.spec.cluster.name == document.data["metadata"]["name"]
    # "mapped" is a promise: the field reached the spec, in a key the generator writes.
    assert mapped_fields_not_generated(migration) == []
    # Deterministic: the same input gives the same bytes.
    assert _migrate(example).spec_text == migration.spec_text


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_migrated_example_generates_a_conforming_repo(example: Path) -> None:
    """What `ekstf validate` does: load, generate into a temporary directory, run the offline conformance checks."""
    from generator.conformance.check import check_repo
    from generator.generate.render import render_repo

    spec = load_spec_text(_migrate(example).spec_text).spec
    with tempfile.TemporaryDirectory() as directory:
        for relative, data in render_repo(spec).items():
            target = Path(directory) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        result = check_repo(Path(directory))
    assert result.ok, result.render()


def test_cli_file_migration_writes_spec_and_markdown_report(tmp_path: Path) -> None:
    example = shared_path("eksctl-examples") / "23-kubeflow-spot-instance.yaml"
    result = run_ekstf("migrate", example, "-o", tmp_path / "ekstf.yaml", "--report", tmp_path / "report.md")
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    # Kept and flagged; `ekstf generate` refuses a version EKS no longer creates clusters on, so the report says so.
    assert "version: '1.14'" in (tmp_path / "ekstf.yaml").read_text(encoding="utf-8")
    assert "EKS does not create clusters on Kubernetes 1.14" in result.stderr
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert (
        "| `metadata.version` | 25 | mapped | `cluster.version` | kept: EKS no longer offers Kubernetes 1.14" in report
    )
    assert "albIngress" in result.stderr  # deprecated field warned about
    assert "| `nodeGroups[0].iam.withAddonPolicies.albIngress` |" in report


def test_cli_json_report_and_kubernetes_version_override(tmp_path: Path) -> None:
    example = shared_path("eksctl-examples") / "25-addons.yaml"
    result = run_ekstf(
        "migrate",
        example,
        "-o",
        tmp_path / "ekstf.yaml",
        "--report",
        tmp_path / "r.json",
        "--kubernetes-version",
        "1.33",
    )
    assert result.returncode == 0, result.output
    assert load_spec(tmp_path / "ekstf.yaml").spec.cluster.version == "1.33"
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    rows = {row["eksctlKey"]: row for row in document["rows"]}
    assert rows["metadata.version"]["outcome"] == "approximated"
    assert "the file says 1.18" in rows["metadata.version"]["note"]
    wanted = "addons.aws-ebs-csi-driver.irsa.wellKnownPolicies"
    assert rows["addons[3].wellKnownPolicies.ebsCSIController"]["ekstfKey"] == wanted
    assert set(document["summary"]) == {"mapped", "defaulted", "approximated", "unsupported"}


@pytest.mark.slow
def test_cli_sample_ids_are_kept_and_ekstf_validate_passes_with_a_warning(tmp_path: Path) -> None:
    example = shared_path("eksctl-examples") / "22-managed-nodes-launch-template.yaml"
    report_file = tmp_path / "report.md"
    result = run_ekstf("migrate", example, "-o", tmp_path / "ekstf.yaml", "--report", report_file)
    assert result.returncode == 0, result.output
    assert f"launch template id 'lt-1234' {SAMPLE_ID_NOTE}" in result.stderr
    spec = load_spec(tmp_path / "ekstf.yaml").spec
    assert spec.managed_node_groups[0].launch_template is not None
    assert spec.managed_node_groups[0].launch_template.id == "lt-1234"
    assert spec.managed_node_groups[1].security_group_ids == ["sg-123", "sg-321"]
    report = report_file.read_text(encoding="utf-8")
    assert f"'lt-1234' {SAMPLE_ID_NOTE}" in report
    validated = run_ekstf("validate", tmp_path / "ekstf.yaml")
    assert validated.returncode == 0, validated.output
    assert "`lt-1234` does not look like a real launch template id (lt- + 8 or 17 hex digits)" in validated.stderr
    assert "`ekstf validate --aws` checks that it exists" in validated.stderr
    assert "Traceback" not in result.output + validated.output


@pytest.mark.slow
def test_cli_subnet_given_by_cidr_is_left_out_with_the_manual_step(tmp_path: Path) -> None:
    example = shared_path("eksctl-examples") / "24-nodegroup-subnets.yaml"
    result = run_ekstf("migrate", example, "-o", tmp_path / "ekstf.yaml", "--report", tmp_path / "r.json")
    assert result.returncode == 0, result.output
    spec = load_spec(tmp_path / "ekstf.yaml").spec
    assert spec.vpc.private_subnet_ids == ["subnet-00110ffa3ef259d0c", "subnet-0a96e24163ef2c9c3"]
    assert spec.node_groups[1].subnets == ["subnet-0a96e24163ef2c9c3"]
    rows = {row["eksctlKey"]: row for row in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["rows"]}
    row = rows["vpc.subnets.private.private-one"]
    assert row["outcome"] == "approximated"
    assert row["note"] == (
        "eksctl looks up the subnet with CIDR 192.168.160.0/19 in vpc-0c24b1cc77da8f463; the spec names subnets by "
        "id only: add its id to vpc.privateSubnetIds and to nodeGroups[1].subnets"
    )
    assert rows["nodeGroups[1].subnets[0]"]["outcome"] == "approximated"
    validated = run_ekstf("validate", tmp_path / "ekstf.yaml")
    assert validated.returncode == 0, validated.output


def test_cli_migrated_spec_passes_ekstf_validate(tmp_path: Path) -> None:
    example = shared_path("eksctl-examples") / "13-iamserviceaccounts.yaml"
    assert run_ekstf("migrate", example, "-o", tmp_path / "ekstf.yaml").returncode == 0
    validated = run_ekstf("validate", tmp_path / "ekstf.yaml")
    assert validated.returncode == 0, validated.output


MIGRATION_EXAMPLES = {
    "basic": {"ENV": "staging"},
    "platform": {},
    "existing-vpc": {"VPC_ID": "vpc-0a1b2c3d4e5f60000"},
}


@pytest.mark.parametrize("name", sorted(MIGRATION_EXAMPLES))
def test_examples_eksctl_outputs_are_current(name: str) -> None:
    """examples/eksctl/NAME holds exactly what `ekstf migrate` writes today (see its README for the commands)."""
    from conftest import EXAMPLES

    from generator.migrate.api import migrate_text

    directory = EXAMPLES / "eksctl" / name
    text = (directory / "cluster.yaml").read_text(encoding="utf-8")
    migration = migrate_text(text, file="cluster.yaml", sets=MIGRATION_EXAMPLES[name])
    assert migration.report.spec_problems == []
    assert not [r for r in migration.report.rows if FALLBACK_NOTE in r.note]
    assert (directory / "ekstf.yaml").read_text(encoding="utf-8") == migration.spec_text
    assert (directory / "report.md").read_text(encoding="utf-8") == migration.report.to_markdown()


@pytest.mark.slow
def test_examples_eksctl_specs_pass_validate() -> None:
    from conftest import EXAMPLES

    for name in sorted(MIGRATION_EXAMPLES):
        result = run_ekstf("validate", EXAMPLES / "eksctl" / name / "ekstf.yaml")
        assert result.returncode == 0, result.output
