"""`ekstf review` on change plans that real Terraform (embedded 1.15) made with the real terraform-aws-modules code:
a spec is applied once against the sandbox's simulated AWS, then each test edits the spec as a user would, plans the
edit against that state and runs `ekstf review PLAN --format json` through the CLI. The rules must fire on the
attributes Terraform really writes (`access_config[0].authentication_mode`, `scaling_config[0].min_size`, …), not on
a hand-written guess of them.

Edits that touch unrelated resources share one plan (each plan costs ~15 s); every rule asserted is checked on its own
address and message, so one rule cannot stand in for another.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import run_ekstf
from real_plan_support import AppliedBase, edited, module_cache, review_json

from generator.review.model import classify_actions

pytestmark = pytest.mark.slow

CLUSTER = "module.eks.aws_eks_cluster.this[0]"
GROUP = 'module.eks.module.eks_managed_node_group["general"]'
MARKDOWN_LIMIT = 65_000
TERMINAL_COLUMNS = 100

BASE_SPEC = """\
# The applied base: API_AND_CONFIG_MAP access, two public CIDRs, audit logs, an access entry, IRSA and Pod Identity.
cluster:
  name: platform
  region: eu-west-1
  version: "1.33"
  authenticationMode: API_AND_CONFIG_MAP
  endpoint:
    public: true
    private: true
    publicCidrs: [203.0.113.0/24, 198.51.100.0/24]
  logging:
    types: [api, audit, authenticator]
  accessEntries:
    - principalArn: arn:aws:iam::123456789012:role/platform-admins
      policies:
        - policy: AmazonEKSClusterAdminPolicy

managedNodeGroups:
  - name: general
    instanceTypes: [m6i.large]
    minSize: 3
    maxSize: 5
    disk:
      size: 80

addons:
  coredns: v1.11.4-eksbuild.33
  kube-proxy: latest
  vpc-cni: latest
  eks-pod-identity-agent: latest
  aws-ebs-csi-driver:
    version: latest
    irsa:
      wellKnownPolicies: [ebsCSI]

serviceAccounts:
  - name: external-dns
    namespace: external-dns
    roleName: platform-external-dns
    wellKnownPolicies: [externalDNS]
    hostedZoneArns: ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]

podIdentities:
  - namespace: orders
    serviceAccount: orders-api
    policyArns: [arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess]
"""


def _chain(*edits: tuple[str, str]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        for old, new in edits:
            text = edited(text, old, new)
        return text

    return apply


@dataclass(frozen=True)
class Expect:
    rule: str
    address_part: str
    """A substring of one of the finding's addresses."""
    message_part: str
    """A substring of its message (what the reviewer reads)."""


@dataclass(frozen=True)
class Edit:
    name: str
    change: Callable[[str], str]
    expected: tuple[Expect, ...]
    files: dict[str, str] = field(default_factory=dict)
    """Files the user adds to the generated repository (name → content)."""


EDITS = (
    Edit(
        "cluster-access",
        _chain(
            (r"^  authenticationMode: API_AND_CONFIG_MAP$", "  authenticationMode: API"),
            (r"^    types: \[api, audit, authenticator\]$", "    types: [api]"),
            (r"^    publicCidrs: \[203.0.113.0/24, 198.51.100.0/24\]$", "    publicCidrs: [203.0.113.0/24]"),
            (r"^    private: true$", "    private: false"),
            (r"^    instanceTypes: \[m6i.large\]$", "    instanceTypes: [m6i.xlarge]"),
        ),
        (
            Expect("authentication-mode-changed", CLUSTER, "API_AND_CONFIG_MAP → API"),
            Expect("control-plane-logs-removed", CLUSTER, "audit, authenticator"),
            Expect("public-endpoint-restricted", CLUSTER, "198.51.100.0/24"),
            Expect("private-endpoint-disabled", CLUSTER, "public endpoint"),
            Expect("node-group-replaced", GROUP, "instance_types"),
        ),
    ),
    Edit(
        "workloads",
        _chain(
            (r"^    minSize: 3$", "    minSize: 2"),
            (r"^      size: 80$", "      size: 100"),
            (r"^  coredns: v1.11.4-eksbuild.33$", "  coredns: v1.13.2-eksbuild.4"),
            (r"^  aws-ebs-csi-driver:\n    version: latest\n    irsa:\n      wellKnownPolicies: \[ebsCSI\]\n", ""),
            (r"^  accessEntries:\n(    .*\n|      .*\n|        .*\n)+", ""),
            (r"^podIdentities:\n(  .*\n|    .*\n)+", ""),
        ),
        (
            Expect("node-group-capacity-reduced", GROUP, "min_size 3 → 2"),
            Expect("launch-template-rollout", "aws_launch_template", "nodes roll in 1 node group"),
            Expect("addon-version-skipped", 'aws_eks_addon.this["coredns"]', "skips 1 minor"),
            Expect("addon-removed", "aws-ebs-csi-driver", "aws-ebs-csi-driver"),
            Expect("iam-role-removed", "aws_iam_role", "ebs-csi-controller-sa"),
            Expect("access-removed", "aws_eks_access_entry", "platform-admins"),
            Expect("pod-identity-association-removed", "aws_eks_pod_identity_association", ""),
        ),
    ),
    Edit(
        "version-jump",
        _chain(
            (r'^  version: "1.33"$', '  version: "1.35"'),
            (r"^    public: true$", "    public: false"),
            (r"^    publicCidrs: .*\n", ""),
            (r"^    namespace: external-dns$", "    namespace: dns"),
        ),
        (
            Expect("kubernetes-version-jump", CLUSTER, "1.33 → 1.35 skips 1 minor"),
            Expect("public-endpoint-restricted", CLUSTER, "public endpoint is turned off"),
            # The namespace is part of the role module's key: the old role goes (a trust change in place is the
            # cluster rename below).
            Expect("iam-role-removed", "irsa_external_dns_external_dns", "external-dns:external-dns"),
        ),
    ),
    Edit(
        "network-and-logs",
        _chain(
            (r"^  logging:\n    types: \[api, audit, authenticator\]$", "  logging:\n    types: []"),
            (r"^managedNodeGroups:$", "vpc:\n  nat: none\n\nmanagedNodeGroups:"),
            (r"^  coredns: v1.11.4-eksbuild.33$", "  coredns: v1.11.4-eksbuild.2"),
        ),
        (
            Expect("nat-default-route-removed", "aws_route.private_nat_gateway", "default route via nat-"),
            Expect("control-plane-logs-removed", CLUSTER, "api, audit, authenticator"),
            Expect("log-group-deleted", "aws_cloudwatch_log_group", ""),
            Expect("addon-downgraded", 'aws_eks_addon.this["coredns"]', "v1.11.4-eksbuild.33 → v1.11.4-eksbuild.2"),
        ),
    ),
    Edit(
        "encryption-off-nodes-pinned",
        _chain(
            (r"^  logging:$", "  secretsEncryption:\n    mode: off\n  logging:"),
            (r"^  - name: general$", '  - name: general\n    version: "1.32"'),
        ),
        (
            Expect("kms-key-deleted", "aws_kms_key", "scheduled for deletion"),
            Expect("node-version-skew", GROUP, "node group 1.32, control plane 1.33"),
        ),
    ),
    Edit(
        "max-below-current",
        _chain((r"^    minSize: 3$", "    minSize: 1"), (r"^    maxSize: 5$", "    maxSize: 2")),
        (Expect("node-group-capacity-reduced", GROUP, "max_size 2 is below the 3 nodes running now"),),
    ),
    Edit(
        # A Terraform override file of the user's turns the module's node security group off: the module's rule
        # letting the nodes reach the API server on 443 goes with it.
        "node-security-group-off",
        _chain(),
        (Expect("cluster-https-rule-removed", 'aws_security_group_rule.cluster["ingress_nodes_443"]', "443"),),
        files={"zz_user_override.tf": 'module "eks" {\n  create_node_security_group = false\n}\n'},
    ),
    Edit(
        "cluster-renamed",
        _chain((r"^  name: platform$", "  name: platform2")),
        (Expect("eks-cluster-destroyed", CLUSTER, "name"),),
    ),
    Edit(
        "benign",
        _chain(
            # Only the node group's maximum: cluster tags would reach the launch template and roll the nodes.
            (r"^    maxSize: 5$", "    maxSize: 6"),
        ),
        (),
    ),
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppliedBase]:
    module_cache()  # skips the module in a plain clone (no ../shared/tf-modules)
    applied = AppliedBase(tmp_path_factory.mktemp("real-plans"), BASE_SPEC)
    yield applied
    applied.close()
    times = ", ".join(f"{name} {seconds:.0f}s" for name, seconds in applied.timings.items())
    print(f"\nreal-plan timings: {times}")


def _plan_counts(plan: dict[str, Any]) -> dict[str, int]:
    """Counts by action read straight from the plan JSON, independently of the review's own counting."""
    counts: Counter[str] = Counter()
    for resource in plan.get("resource_changes", []):
        action, _ = classify_actions(list(resource["change"]["actions"]))
        counts[action] += 1
    return {action: count for action, count in counts.items() if count}


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in line)


def _changed(plan: dict[str, Any]) -> dict[str, list[str]]:
    return {
        r["address"]: r["change"]["actions"]
        for r in plan["resource_changes"]
        if r["change"]["actions"] not in (["no-op"], ["read"])
    }


@pytest.mark.parametrize("edit", EDITS, ids=[edit.name for edit in EDITS])
def test_rule_fires_on_the_real_plan_of_the_edit(base: AppliedBase, edit: Edit) -> None:
    plan_path, plan = base.plan_edit(edit.name, edit.change(BASE_SPEC), edit.files)
    assert _changed(plan), f"the edit {edit.name} planned no change"
    review = review_json(plan_path)

    for expect in edit.expected:
        findings = [d for d in review["dangers"] if d["rule"] == expect.rule]
        assert findings, f"{expect.rule} did not fire; fired: {sorted({d['rule'] for d in review['dangers']})}"
        assert any(
            any(expect.address_part in address for address in d["addresses"]) and expect.message_part in d["message"]
            for d in findings
        ), findings
    if not edit.expected:
        assert review["dangers"] == [], review["dangers"]

    summary = {action: count for action, count in review["summary"].items() if count and action not in ("import",)}
    summary.pop("move", None)
    summary.pop("forget", None)
    assert summary == _plan_counts(plan)

    markdown = run_ekstf("review", plan_path, "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert len(markdown.stdout) <= MARKDOWN_LIMIT
    assert markdown.stdout.startswith("### ekstf review")
    for expect in edit.expected:
        assert expect.rule in markdown.stdout

    terminal = run_ekstf("review", plan_path, env={"COLUMNS": str(TERMINAL_COLUMNS)})
    assert terminal.returncode == 0, terminal.stderr
    assert max(map(_display_width, terminal.stdout.splitlines())) <= TERMINAL_COLUMNS

    gate = run_ekstf("review", plan_path, "--format", "json", "--fail-on", "high")
    assert gate.returncode == (0 if not edit.expected else 3), gate.stderr


NODE_SG_OFF = next(edit for edit in EDITS if edit.name == "node-security-group-off")


def test_the_node_security_groups_443_rule_is_not_the_clusters(base: AppliedBase) -> None:
    # The module's node group rule `node["ingress_cluster_443"]` (cluster → nodes, for webhooks) goes too; it names
    # the cluster in its key but is on the node security group.
    plan_path, plan = base.plan_edit(NODE_SG_OFF.name, NODE_SG_OFF.change(BASE_SPEC), NODE_SG_OFF.files)
    node_rule = 'module.eks.aws_security_group_rule.node["ingress_cluster_443"]'
    assert _changed(plan)[node_rule] == ["delete"]
    dangers = review_json(plan_path)["dangers"]
    https = [d["addresses"] for d in dangers if d["rule"] == "cluster-https-rule-removed"]
    assert https == [['module.eks.aws_security_group_rule.cluster["ingress_nodes_443"]']], https
    assert all(d["severity"] == "low" for d in dangers if node_rule in d["addresses"])


RENAME = next(edit for edit in EDITS if edit.name == "cluster-renamed")


def test_renaming_the_cluster_replaces_what_hangs_on_it(base: AppliedBase) -> None:
    plan_path, plan = base.plan_edit(RENAME.name, RENAME.change(BASE_SPEC))
    replaced = (["delete", "create"], ["create", "delete"])
    assert _changed(plan)["module.eks.aws_iam_openid_connect_provider.oidc_provider[0]"] in replaced
    assert _changed(plan)[f"{GROUP}.aws_eks_node_group.this[0]"] in replaced
    dangers = review_json(plan_path)["dangers"]
    fired = {d["rule"] for d in dangers}
    assert {"oidc-provider-removed", "node-group-replaced", "irsa-trust-changed"} <= fired, fired
