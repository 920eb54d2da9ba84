"""`ekstf migrate` over the 49 official eksctl example ClusterConfigs: every one converts, every field is reported
on by a rule, and the spec loads (or, where eksctl's sample ids are not real AWS ids, generate refuses naming them)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from conftest import SHARED, run_ekstf

from generator.errors import UserInputError
from generator.migrate.api import Migration, migrate_file
from generator.migrate.document import load_document
from generator.migrate.report import leaves
from generator.spec.loader import load_spec, load_spec_text

EXAMPLES = sorted((SHARED / "eksctl-examples").glob("*.yaml"))
# Examples that use documentation ids (`ami-custom`, `lt-1234`, `sg-1`, `vpc-1234`, a subnet with no id):
# migration keeps them as `<...>` placeholders that `ekstf generate` refuses.
PLACEHOLDER_EXAMPLES = {
    "15-managed-nodes.yaml",
    "22-managed-nodes-launch-template.yaml",
    "24-nodegroup-subnets.yaml",
    "31-override-bootstrap-command-unmanaged-nodegroup.yaml",
    "36-outposts-vpc.yaml",
    "38-cluster-subnets-sgs.yaml",
}
FALLBACK_NOTE = "not carried over by ekstf migrate"
_PLACEHOLDER = re.compile(r"<[A-Za-z][\w .-]*>")


def test_the_shared_examples_are_all_here() -> None:
    assert len(EXAMPLES) == 49


def _migrate(path: Path) -> Migration:
    return migrate_file(path, env={})


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
    if example.name in PLACEHOLDER_EXAMPLES:
        assert report.spec_problems
        marked = set(_PLACEHOLDER.findall(migration.spec_text))
        assert marked
        with pytest.raises(UserInputError) as raised:
            load_spec(spec_file)
        assert any(p in raised.value.render() for p in marked)
    else:
        assert report.spec_problems == []
        loaded = load_spec(spec_file)
        assert loaded.spec.cluster.name == document.data["metadata"]["name"]
        # Deterministic: the same input gives the same bytes.
        assert _migrate(example).spec_text == migration.spec_text


@pytest.mark.slow
@pytest.mark.parametrize(
    "example",
    [e for e in EXAMPLES if e.name not in PLACEHOLDER_EXAMPLES],
    ids=lambda p: p.name,
)
def test_migrated_example_generates_a_conforming_repo(example: Path) -> None:
    """What `ekstf validate` does: generate into a temporary directory, run the offline conformance checks."""
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
    example = SHARED / "eksctl-examples" / "23-kubeflow-spot-instance.yaml"
    result = run_ekstf("migrate", example, "-o", tmp_path / "ekstf.yaml", "--report", tmp_path / "report.md")
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    spec = load_spec(tmp_path / "ekstf.yaml").spec
    assert spec.cluster.version == "1.14"  # kept, and flagged
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert (
        "| `metadata.version` | 25 | mapped | `cluster.version` | kept: EKS no longer offers Kubernetes 1.14" in report
    )
    assert "albIngress" in result.stderr  # deprecated field warned about
    assert "| `nodeGroups[0].iam.withAddonPolicies.albIngress` |" in report


def test_cli_json_report_and_kubernetes_version_override(tmp_path: Path) -> None:
    example = SHARED / "eksctl-examples" / "25-addons.yaml"
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
    assert rows["addons[3].wellKnownPolicies.ebsCSIController"]["ekstfKey"] == "wellKnownPolicies"
    assert set(document["summary"]) == {"mapped", "defaulted", "approximated", "unsupported"}


def test_cli_placeholder_example_migrates_then_generate_names_the_placeholder(tmp_path: Path) -> None:
    example = SHARED / "eksctl-examples" / "31-override-bootstrap-command-unmanaged-nodegroup.yaml"
    result = run_ekstf("migrate", example, "-o", tmp_path / "ekstf.yaml")
    assert result.returncode == 0, result.output
    assert "<ami-12345>" in result.stderr
    generated = run_ekstf("generate", tmp_path / "ekstf.yaml", "-o", tmp_path / "repo")
    assert generated.returncode == 2, generated.output
    assert "<ami-12345>" in generated.stderr
    assert "Traceback" not in generated.output


def test_cli_migrated_spec_passes_ekstf_validate(tmp_path: Path) -> None:
    example = SHARED / "eksctl-examples" / "13-iamserviceaccounts.yaml"
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
