"""Each EKS fact is written once: in generator/spec/catalog.py (module pins: generator/resources.py).

Read from the string literals of the package (ast, so comments do not count): a fact value that shows up anywhere
else is a second copy that can drift from the first. The few places that legitimately spell a value out say why below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import generator
from generator import resources
from generator.spec import catalog

PACKAGE = Path(generator.__file__).resolve().parent
HOMES = {PACKAGE / "spec" / "catalog.py", PACKAGE / "resources.py"}

# Values that are facts of their own and must come from the catalog / resources.
EXACT_FACTS = {
    catalog.DEFAULT_AMI_TYPE: "the default AMI type",
    catalog.DEFAULT_WINDOWS_AMI_TYPE: "the default Windows AMI type",
    resources.EKS_MODULE_VERSION: "the eks module pin",
    resources.VPC_MODULE_VERSION: "the vpc module pin",
    resources.IAM_MODULE_VERSION: "the iam module pin",
    catalog.POD_IDENTITY_AGENT: "the Pod Identity agent addon",
    catalog.ALL_HOSTED_ZONES: "the all-zones ARN",
    **{log_type: "a control-plane log type" for log_type in catalog.LOG_TYPES if log_type not in {"api", "audit"}},
    **{account: "an addon's service account" for account in catalog.ADDON_SERVICE_ACCOUNTS.values() if "-" in account},
}
# Values that count inside a longer text too (a hint or help text naming the default goes stale with it).
SUBSTRING_FACTS = {
    catalog.DEFAULT_AMI_TYPE: "the default AMI type",
    catalog.DEFAULT_WINDOWS_AMI_TYPE: "the default Windows AMI type",
    catalog.AWS_MANAGED_POLICY_PREFIX: "AWS managed policy ARNs (catalog.MANAGED_POLICY_ARNS)",
    catalog.ACCESS_POLICY_PREFIX: "EKS access policy ARNs",
}
# (file relative to the package, value) → why it is spelled out there.
ALLOWED = {
    ("spec/starter.py", catalog.AWS_MANAGED_POLICY_PREFIX): "the commented starter spec shows a user's own policy ARN",
    ("spec/starter.py", catalog.DEFAULT_AMI_TYPE): "the commented starter spec is example YAML for the user to edit",
    # importing generator.spec runs its __init__, which loads pydantic: too slow for `ekstf review`'s start-up
    ("review/cluster_rules.py", "authenticator"): "the review's audit log types (review must not import the spec)",
    ("migrate/map_nodes.py", catalog.DEFAULT_WINDOWS_AMI_TYPE): "eksctl amiFamily → EKS amiType translation table",
    # service account names that are also the controller's own name (and its Helm release / namespace)
    ("migrate/map_nodes.py", "aws-load-balancer-controller"): "eksctl withAddonPolicies → IRSA controller table",
    ("migrate/map_nodes.py", "external-dns"): "eksctl withAddonPolicies → IRSA controller table",
    ("migrate/map_nodes.py", "cert-manager"): "eksctl withAddonPolicies → IRSA controller table",
}


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _copies() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in HOMES:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        for line, value in _string_literals(path):
            hits = [(value, what) for fact, what in EXACT_FACTS.items() if value == fact]
            hits += [(part, what) for part, what in SUBSTRING_FACTS.items() if part in value]
            for fact, what in hits:
                if (relative, fact) not in ALLOWED:
                    found.append(f"{relative}:{line}: {fact!r} ({what}) is written here as well as in its home")
    return found


def test_each_eks_fact_is_written_once() -> None:
    assert _copies() == []


def test_the_scan_sees_a_copy() -> None:
    """The scan itself works: a literal copy of a fact in a module is reported."""
    source = f"DEFAULT = {catalog.DEFAULT_AMI_TYPE!r}\nARN = {catalog.AWS_MANAGED_POLICY_PREFIX + 'X'!r}\n"
    tree = ast.parse(source)
    values = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    assert catalog.DEFAULT_AMI_TYPE in values & set(EXACT_FACTS)
    assert any(prefix in str(v) for v in values for prefix in SUBSTRING_FACTS)


def test_allowed_copies_are_still_there() -> None:
    """An exemption whose copy is gone goes too, so the list stays the list of real exceptions."""
    for relative, value in ALLOWED:
        literals = [v for _, v in _string_literals(PACKAGE / relative)]
        assert any(value == v or value in v for v in literals), (relative, value)


def _version_fallbacks(tree: ast.AST) -> list[int]:
    """Lines of `<x>.version or <y>.cluster.version`: a node group's version derived outside Spec.node_version."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
            first, second = node.values
            if (
                isinstance(first, ast.Attribute)
                and first.attr == "version"
                and isinstance(second, ast.Attribute)
                and second.attr == "version"
                and isinstance(second.value, ast.Attribute)
                and second.value.attr == "cluster"
            ):
                found.append(node.lineno)
    return found


def test_a_node_groups_version_is_derived_in_one_place() -> None:
    home = PACKAGE / "spec" / "models.py"
    copies = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != home
        for line in _version_fallbacks(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert copies == [], f"use Spec.node_version(group): {copies}"
    assert _version_fallbacks(ast.parse("v = group.version or spec.cluster.version")) == [1]
    assert len(_version_fallbacks(ast.parse(home.read_text(encoding="utf-8")))) == 1
