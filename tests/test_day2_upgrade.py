"""`ekstf upgrade` through the CLI on the examples: the path, preflight, the three stage edits and their diffs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import EXAMPLES, run_ekstf
from day2_support import example_at, spec_lines_kept

PIN = "# pinned by ekstf upgrade"


def _tf(repo: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(repo.glob("*.tf")))


def _group_versions(repo: Path) -> list[str]:
    return re.findall(r'^\s{6}kubernetes_version = "([0-9.]+)"', (repo / "eks.tf").read_text(), flags=re.M)


def _cluster_version(repo: Path) -> str:
    match = re.search(r'^  kubernetes_version = "([0-9.]+)"', (repo / "eks.tf").read_text(), flags=re.M)
    assert match
    return match.group(1)


def test_plan_has_one_step_per_minor_and_writes_upgrade_doc(tmp_path: Path) -> None:
    spec = example_at("mixed-compute", "1.33", tmp_path)
    repo = tmp_path / "repo"
    result = run_ekstf("upgrade", spec, "--to", "1.35", "-o", repo, "--json")
    assert result.returncode == 0, result.output
    plan = json.loads(result.stdout)
    assert [(s["from"], s["to"]) for s in plan["steps"]] == [("1.33", "1.34"), ("1.34", "1.35")]
    assert plan["blocked"] is False
    doc = (repo / "UPGRADE.md").read_text()
    for stage in ("control-plane", "nodes", "addons"):
        assert f"ekstf upgrade {spec} --to 1.35 --stage {stage} -o {repo}" in doc
        assert f"--stage {stage} --check-plan {repo}/.ekstf/plan.json" in doc
    assert doc.index("## Step 1: 1.33 → 1.34") < doc.index("## Step 2: 1.34 → 1.35")
    assert "cannot downgrade a control plane" in doc
    assert "33% of the nodes" in doc  # the groups' updateConfig decides the rollout


def test_downgrade_skipped_and_unknown_versions_are_refused(tmp_path: Path) -> None:
    spec = example_at("quickstart", "1.34", tmp_path)
    before = spec.read_text()
    down = run_ekstf("upgrade", spec, "--to", "1.32", "--stage", "control-plane")
    assert down.returncode == 2, down.output
    assert "EKS cannot downgrade a control plane" in down.stderr and "Traceback" not in down.output
    unknown = run_ekstf("upgrade", spec, "--to", "1.99")
    assert unknown.returncode == 2 and "EKS does not offer Kubernetes 1.99" in unknown.stderr
    assert "1.35" in unknown.stderr  # the offered versions are listed
    garbage = run_ekstf("upgrade", spec, "--to", "latest")
    assert garbage.returncode == 2 and "is not a Kubernetes minor version" in garbage.stderr
    stage = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "everything")
    assert stage.returncode == 2 and "unknown stage 'everything'" in stage.stderr
    missing = run_ekstf("upgrade", tmp_path / "nope.yaml", "--to", "1.35")
    assert missing.returncode == 2 and "Traceback" not in missing.output
    assert spec.read_text() == before


def test_skipped_minor_becomes_one_stage_at_a_time(tmp_path: Path) -> None:
    """--to 1.35 from 1.33 edits only the next minor: EKS refuses skipped minors."""
    spec = example_at("quickstart", "1.33", tmp_path)
    result = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "control-plane")
    assert result.returncode == 0, result.output
    assert 'version: "1.34"' in spec.read_text() and "1.35" not in spec.read_text()


def test_three_stages_on_mixed_compute_keep_the_yaml_and_generate_each_diff(tmp_path: Path) -> None:
    spec = example_at("mixed-compute", "1.34", tmp_path)
    original = spec.read_text()
    repo = tmp_path / "repo"
    assert run_ekstf("generate", spec, "-o", repo).returncode == 0
    before = _tf(repo)
    assert _group_versions(repo) == []  # groups follow the cluster's version

    one = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "control-plane", "-o", repo)
    assert one.returncode == 0, one.output
    edited = spec.read_text()
    assert spec_lines_kept(original, edited) == ['  version: "1.34"  # the minor of the cluster']
    assert '  version: "1.35"  # the minor of the cluster' in edited  # the comment stays on its line
    assert edited.count(PIN) == 5
    assert edited.count('    version: "1.34"  # pinned by ekstf upgrade') == 5
    assert _cluster_version(repo) == "1.35"
    assert _group_versions(repo) == ["1.34"] * 5  # the nodes stay: no roll with the control plane
    assert "bottlerocketToml: |\n        [settings.kernel]" in edited  # block scalars and their indentation kept

    two = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "nodes", "-o", repo)
    assert two.returncode == 0, two.output
    assert spec.read_text() == original.replace('version: "1.34"', 'version: "1.35"')
    assert _group_versions(repo) == []

    three = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "addons", "-o", repo, "--json")
    assert three.returncode == 0, three.output
    assert json.loads(three.stdout)["changes"] == []  # every addon is `latest`: nothing pinned to move
    after = _tf(repo)
    assert after == before.replace('kubernetes_version = "1.34"', 'kubernetes_version = "1.35"')
    assert (repo / "UPGRADE.md").is_file()
    again = run_ekstf("generate", spec, "-o", repo, "--check")
    assert again.returncode == 0, again.output  # the repository is exactly what the final spec generates


def test_self_managed_nodes_keep_their_ami_until_the_nodes_stage(tmp_path: Path) -> None:
    spec = example_at("self-managed", "1.33", tmp_path)
    repo = tmp_path / "repo"
    assert run_ekstf("upgrade", spec, "--to", "1.34", "--stage", "control-plane", "-o", repo).returncode == 0
    templates = (repo / "launch_templates.tf").read_text()
    assert "/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/" in templates
    assert "/1.34/" not in templates
    assert run_ekstf("upgrade", spec, "--to", "1.34", "--stage", "nodes", "-o", repo).returncode == 0
    templates = (repo / "launch_templates.tf").read_text()
    assert "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/" in templates


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ekstf.yaml"
    path.write_text(text, encoding="utf-8")
    return path


PINNED_ADDONS = """\
# pinned addons, two indentation styles
cluster:
  name: platform
  region: eu-west-1
  version: "1.32"
managedNodeGroups:
- name: general
  instanceTypes: [m6i.large]
addons:
  coredns: v1.11.4-eksbuild.33   # pinned on purpose
  kube-proxy:
    version: 'v1.32.13-eksbuild.5'
  vpc-cni: v1.19.2-eksbuild.1
  eks-pod-identity-agent: latest
"""


def test_addons_stage_moves_pins_to_the_catalog_defaults_keeping_quotes(tmp_path: Path) -> None:
    spec = _write(tmp_path, PINNED_ADDONS)
    planned = run_ekstf("upgrade", spec, "--to", "1.33", "--json")
    assert planned.returncode == 0, planned.output
    codes = {(f["code"], f["subject"]) for f in json.loads(planned.stdout)["steps"][0]["findings"]}
    assert ("addon-incompatible", "addons.coredns.version") in codes
    assert ("addon-incompatible", "addons.kube-proxy.version") in codes
    assert ("addon-unknown", "addons.vpc-cni.version") in codes  # no offline data: said so, not guessed
    assert run_ekstf("upgrade", spec, "--to", "1.33", "--stage", "control-plane").returncode == 0
    assert '- name: general\n  version: "1.32"  # pinned' in spec.read_text()  # "- key" style kept
    result = run_ekstf("upgrade", spec, "--to", "1.33", "--stage", "addons")
    assert result.returncode == 0, result.output
    text = spec.read_text()
    assert "coredns: v1.13.2-eksbuild.4" in text and "# pinned on purpose" in text
    assert "version: 'v1.33.10-eksbuild.2'" in text  # single quotes kept
    assert "vpc-cni: v1.19.2-eksbuild.1" in text and "no default version of vpc-cni" in result.stderr
    assert "eks-pod-identity-agent: latest" in text


def test_al2_nodes_block_the_nodes_stage_but_not_the_control_plane(tmp_path: Path) -> None:
    spec = _write(
        tmp_path,
        'cluster:\n  name: old\n  region: eu-west-1\n  version: "1.32"\n'
        "managedNodeGroups:\n  - name: legacy\n    amiType: AL2_x86_64\n",
    )
    planned = run_ekstf("upgrade", spec, "--to", "1.33")
    assert planned.returncode == 1
    assert "Amazon Linux 2" in planned.stdout and "AL2023" in planned.stdout
    assert run_ekstf("upgrade", spec, "--to", "1.33", "--stage", "control-plane").returncode == 0
    before = spec.read_text()
    blocked = run_ekstf("upgrade", spec, "--to", "1.33", "--stage", "nodes")
    assert blocked.returncode == 1, blocked.output
    assert "nodes stage is blocked" in blocked.stderr and "fix: move the group to AL2023" in blocked.stderr
    assert spec.read_text() == before  # nothing written


def test_kubelet_skew_blocks_the_control_plane(tmp_path: Path) -> None:
    spec = _write(
        tmp_path,
        'cluster:\n  name: skew\n  region: eu-west-1\n  version: "1.33"\n'
        'managedNodeGroups:\n  - name: old\n    version: "1.30"\n',
    )
    before = spec.read_text()
    result = run_ekstf("upgrade", spec, "--to", "1.34", "--stage", "control-plane")
    assert result.returncode == 1, result.output
    assert "would be 4 minors behind" in result.stderr and "--stage nodes" in result.stderr
    assert spec.read_text() == before


def test_spec_rejects_groups_newer_or_too_far_behind(tmp_path: Path) -> None:
    for version, message in (("1.35", "newer than cluster.version"), ("1.29", "4 minors behind")):
        spec = _write(
            tmp_path,
            'cluster:\n  name: skew\n  region: eu-west-1\n  version: "1.33"\n'
            f'managedNodeGroups:\n  - name: g\n    version: "{version}"\n',
        )
        result = run_ekstf("validate", spec)
        assert result.returncode == 2, result.output
        assert "ekstf.yaml:7:" in result.stderr and message in result.stderr


def test_stage_all_edits_the_whole_step(tmp_path: Path) -> None:
    spec = _write(tmp_path, PINNED_ADDONS)
    result = run_ekstf("upgrade", spec, "--to", "1.33", "--stage", "all", "--json")
    assert result.returncode == 0, result.output
    text = spec.read_text()
    assert 'version: "1.33"' in text and "pinned by ekstf" not in text  # pins of this run removed again
    assert "coredns: v1.13.2-eksbuild.4" in text


def test_examples_round_trip_unchanged_without_edits(tmp_path: Path) -> None:
    """Loading and dumping every example changes no byte: the edits touch only their own lines."""
    from generator.day2.roundtrip import SpecDocument

    for path in sorted(EXAMPLES.glob("*/ekstf.yaml")):
        document = SpecDocument.load(path)
        assert document.dump() == document.original, path


def test_a_stage_that_cannot_generate_leaves_the_spec_untouched(tmp_path: Path) -> None:
    spec = example_at("quickstart", "1.34", tmp_path)
    repo = tmp_path / "repo"
    assert run_ekstf("generate", spec, "-o", repo).returncode == 0
    eks = repo / "eks.tf"
    eks.write_text(eks.read_text() + "\n# a hand edit\n", encoding="utf-8")
    before = spec.read_text()
    result = run_ekstf("upgrade", spec, "--to", "1.35", "--stage", "control-plane", "-o", repo)
    assert result.returncode == 1, result.output
    assert "eks.tf" in result.output and "Traceback" not in result.output
    assert spec.read_text() == before  # the edit is not kept when its repository could not be written
    assert not list(tmp_path.glob(".ekstf.yaml.*"))  # no temporary spec left behind
