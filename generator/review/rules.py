"""EKS danger rules: one table, one row per rule. Add a rule by adding a row.

A row is `Rule(id, severity, consequence, matcher)`. A matcher takes the `RuleContext` (the plan's resources
indexed by type) and yields `Finding`s (affected addresses, an optional detail and an optional severity override).
`type_rule(...)` builds the common row "these resource types with these actions". Resource types no rule covers
for a delete or replace fall back to the low-severity generic rules at the end of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from generator.review import cluster_rules
from generator.review.diff import format_value
from generator.review.eks_values import (
    addon_version_key,
    kubernetes_minor,
    minor_distance,
    parse_policy,
    role_kind,
    trusted_service_accounts,
)
from generator.review.masking import SENSITIVE
from generator.review.model import (
    CREATE_THEN_FORGET,
    REPLACE_CREATE_FIRST,
    SEVERITY_RANK,
    Danger,
    ResourceChange,
)
from generator.review.rule_context import Finding, RuleContext
from generator.review.wiring import node_groups_using

DESTROYING = frozenset({"delete", "replace"})
REPLACING = frozenset({"replace"})
MAX_DETAIL_DIFF = 200  # attributes looked at to show what forces a replacement
MAX_NODE_SKEW = 3  # kubelet may be up to 3 minors older than the API server (Kubernetes ≥ 1.28 skew policy)

RuleSeverity = Literal["critical", "high", "medium", "low"]  # model.SEVERITIES, most severe first


Matcher = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: RuleSeverity
    consequence: str
    matcher: Matcher
    covers: frozenset[tuple[str, str]] = frozenset()  # (type, action) pairs the generic rules must not repeat


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _replace_detail(resource: ResourceChange) -> str:
    parts = []
    if resource.action == "replace":
        if resource.replace_paths:
            changed = resource.diff(limit=MAX_DETAIL_DIFF)
            forcing = []
            for path in resource.replace_paths:
                entry = next(
                    (d for d in changed if d.path == path or d.path.startswith((path + "[", path + "."))), None
                )
                shown = f"`{path}`"
                if entry is not None and not isinstance(entry.before, dict | list):
                    where = "" if entry.path == path else f" (`{entry.path}`)"
                    shown += f"{where} {format_value(entry.before, 60)} → {format_value(entry.after, 60)}"
                forcing.append(shown)
            parts.append("forced by " + ", ".join(forcing))
        if resource.reason:
            parts.append(resource.reason)
    elif resource.action == "delete" and resource.reason:
        parts.append(resource.reason)
    return "; ".join(parts)


def on_types(
    types: Iterable[str], actions: frozenset[str], detail: Callable[[ResourceChange], str] = _replace_detail
) -> Matcher:
    """Matcher: one finding per resource of `types` whose action is in `actions`."""
    type_tuple = tuple(types)

    def match(context: RuleContext) -> Iterator[Finding]:
        for resource in context.of_type(*type_tuple):
            if resource.action in actions and resource.replace_order != CREATE_THEN_FORGET:  # forget destroys nothing
                yield Finding((resource.address,), detail(resource))

    return match


def type_rule(
    rule_id: str,
    severity: RuleSeverity,
    consequence: str,
    types: Iterable[str],
    actions: frozenset[str],
    detail: Callable[[ResourceChange], str] = _replace_detail,
) -> Rule:
    """The common row: resources of `types` with one of `actions`; the generic fallback then skips them."""
    type_tuple = tuple(types)
    covers = frozenset((t, a) for t in type_tuple for a in actions)
    return Rule(rule_id, severity, consequence, on_types(type_tuple, actions, detail), covers)


# --- detail functions and whole-plan matchers -----------------------------------------------------------------


def _node_group_detail(resource: ResourceChange) -> str:
    detail = _replace_detail(resource)
    after = resource.after_value()
    if resource.replace_order == REPLACE_CREATE_FIRST and isinstance(_get(after, "node_group_name"), str):
        detail += "; create-before-destroy with a fixed node_group_name fails on the name conflict"
    return detail.strip("; ")


def _access_entry_detail(resource: ResourceChange) -> str:
    before = resource.before_value()
    principal = _get(before, "principal_arn") or "unknown principal"
    policy = _get(before, "policy_arn")
    text = f"principal {principal}" + (
        f" loses {str(policy).rsplit('/', 1)[-1]}" if policy else " loses its access entry"
    )
    extra = _replace_detail(resource)
    return f"{text} ({extra})" if extra else text


def _kms_detail(resource: ResourceChange) -> str:
    window = _get(resource.before_value(), "deletion_window_in_days")
    # Unset, AWS schedules the deletion 30 days out (kms:ScheduleKeyDeletion PendingWindowInDays default).
    return f"deletion window {window} days" if window else "deletion window 30 days (AWS default)"


def _with_reason(resource: ResourceChange, *parts: str) -> str:
    return "; ".join(part for part in (*parts, _replace_detail(resource)) if part)


def _namespace_detail(resource: ResourceChange) -> str:
    metadata = _get(resource.before_value(), "metadata")
    name = _get(metadata[0], "name") if isinstance(metadata, list) and metadata else None
    return _with_reason(resource, f"namespace `{name}`" if isinstance(name, str) else "")


def _secret_detail(resource: ResourceChange) -> str:
    before = resource.before_value()
    window = _get(before, "recovery_window_in_days")
    # The provider's default is 30 days (Secrets Manager's RecoveryWindowInDays default); 0 deletes at once.
    if window == 0 or _get(before, "force_delete_without_recovery") is True:
        when = "deleted at once: no recovery window"
    else:
        when = f"recoverable for {window if isinstance(window, int) else 30} days"
    name = _get(before, "name")
    return _with_reason(resource, f"`{name}`" if isinstance(name, str) else "", when)


def _database_detail(resource: ResourceChange) -> str:
    before = resource.before_value()
    name = _get(before, "identifier") or _get(before, "cluster_identifier")
    if _get(before, "deletion_protection") is True:
        snapshot = "deletion_protection is on: the delete fails until it is turned off"
    elif _get(before, "skip_final_snapshot") is True:
        snapshot = "skip_final_snapshot: no final snapshot, the data is lost"
    elif isinstance(final := _get(before, "final_snapshot_identifier"), str):
        snapshot = f"final snapshot `{final}`"
    else:
        snapshot = ""
    return _with_reason(resource, f"`{name}`" if isinstance(name, str) else "", snapshot)


def _ecr_detail(resource: ResourceChange) -> str:
    before = resource.before_value()
    name = _get(before, "name")
    # Without force_delete the provider calls DeleteRepository without force: AWS refuses a repository with images.
    force = (
        "force_delete: its images are deleted with it"
        if _get(before, "force_delete") is True
        else "without force_delete the delete fails while it holds images"
    )
    return _with_reason(resource, f"`{name}`" if isinstance(name, str) else "", force)


def _role_detail(resource: ResourceChange) -> str:
    policy = parse_policy(_get(resource.before_value(), "assume_role_policy"))
    text = role_kind(policy)
    accounts = sorted(trusted_service_accounts(policy)) if policy else []
    if accounts:
        text += " of " + ", ".join(f"`{a}`" for a in accounts)
    return text + (f"; {extra}" if (extra := _replace_detail(resource)) else "")


def _addon_detail(resource: ResourceChange) -> str:
    name = _get(resource.before_value(), "addon_name") or _get(resource.after_value(), "addon_name")
    version = _get(resource.before_value(), "addon_version")
    text = f"addon `{name}`" + (f" {version}" if isinstance(version, str) else "") if isinstance(name, str) else ""
    extra = _replace_detail(resource)
    return "; ".join(part for part in (text, extra) if part)


def _launch_templates(context: RuleContext) -> Iterator[Finding]:
    node_groups = list(context.of_type("aws_eks_node_group"))
    for template in context.of_type("aws_launch_template"):
        if template.action not in ("update", "replace"):
            continue
        users, how = node_groups_using(template, node_groups, context.configuration)
        if users:
            detail = f"nodes roll in {len(users)} node group(s) (found {how})"
        else:
            detail = "no node group using it was found in the plan"
        yield Finding((template.address, *users), detail)


def _cluster_versions(context: RuleContext) -> Iterator[Finding]:
    for cluster in context.of_type("aws_eks_cluster"):
        if cluster.action != "update":
            continue
        old = kubernetes_minor(_get(cluster.before_value(), "version"))
        new = kubernetes_minor(_get(cluster.after_value(), "version"))
        if old is None or new is None or old == new:
            continue
        step = minor_distance(old, new)
        if step > 1:
            yield Finding(
                (cluster.address,),
                f"Kubernetes {old[0]}.{old[1]} → {new[0]}.{new[1]} skips {step - 1} minor version(s): "
                "EKS upgrades one minor at a time and rejects the update",
            )
        elif step < 0:
            yield Finding(
                (cluster.address,),
                f"Kubernetes {old[0]}.{old[1]} → {new[0]}.{new[1]} is a downgrade, which EKS does not support",
            )


def _planned_cluster_minor(context: RuleContext) -> dict[str, tuple[int, int]]:
    minors: dict[str, tuple[int, int]] = {}
    for cluster in context.of_type("aws_eks_cluster"):
        after = cluster.after_value() if cluster.action != "delete" else None
        minor = kubernetes_minor(_get(after, "version"))
        name = _get(after, "name")
        if minor is not None:
            minors[name if isinstance(name, str) else cluster.address] = minor
    return minors


def _node_skew(context: RuleContext) -> Iterator[Finding]:
    clusters = _planned_cluster_minor(context)
    if not clusters:
        return
    only_cluster = next(iter(clusters.values())) if len(clusters) == 1 else None
    for group in context.of_type("aws_eks_node_group"):
        if group.action == "delete":
            continue
        after = group.after_value()
        node_minor = kubernetes_minor(_get(after, "version"))
        cluster_minor = clusters.get(str(_get(after, "cluster_name")), only_cluster)
        if node_minor is None or cluster_minor is None or node_minor == cluster_minor:
            continue
        behind = minor_distance(node_minor, cluster_minor)
        versions = f"node group {node_minor[0]}.{node_minor[1]}, control plane {cluster_minor[0]}.{cluster_minor[1]}"
        if behind < 0:
            yield Finding((group.address,), f"{versions}: nodes cannot be newer than the control plane", "high")
        elif behind > MAX_NODE_SKEW:
            yield Finding((group.address,), f"{versions}: beyond the allowed skew of {MAX_NODE_SKEW} minors", "high")
        else:
            yield Finding(
                (group.address,),
                f"{versions}: nodes fall behind; the next control-plane upgrade is blocked until they catch up",
            )


def _addon_downgrades(context: RuleContext) -> Iterator[Finding]:
    for addon in context.of_type("aws_eks_addon"):
        if addon.action not in ("update", "replace"):
            continue
        before = _get(addon.before_value(), "addon_version")
        after = _get(addon.after_value(), "addon_version")
        old, new = addon_version_key(before), addon_version_key(after)
        if old is not None and new is not None and new < old:
            name = _get(addon.before_value(), "addon_name") or addon.address
            yield Finding((addon.address,), f"{name} {before} → {after}")


def _trust_policy_changes(context: RuleContext) -> Iterator[Finding]:
    for role in context.of_type("aws_iam_role"):
        if role.action != "update":
            continue
        raw_before = _get(role.before_value(), "assume_role_policy")
        raw_after = _get(role.after_value(), "assume_role_policy")
        unknown_after = _get(role.after_unknown(), "assume_role_policy") is True
        if raw_before == raw_after and not unknown_after:
            continue
        if SENSITIVE in (raw_before, raw_after):
            yield Finding((role.address,), "the trust policy (sensitive) changes", "medium")
            continue
        before = parse_policy(raw_before)
        if unknown_after:
            yield Finding((role.address,), "the new trust policy is known only after apply", "medium")
            continue
        after = parse_policy(raw_after)
        if before is None or after is None or before == after:
            continue
        lost = sorted(trusted_service_accounts(before) - trusted_service_accounts(after))
        if lost:
            accounts = ", ".join(f"`{context.masker.text(a)}`" for a in lost)
            yield Finding((role.address,), f"service accounts losing access: {accounts}", "high")
        else:
            yield Finding((role.address,), f"{role_kind(before)} trust policy changes", "medium")


# --- the table ------------------------------------------------------------------------------------------------

NETWORK_TYPES = ("aws_subnet", "aws_nat_gateway", "aws_route_table", "aws_internet_gateway")
ACCESS_TYPES = ("aws_eks_access_entry", "aws_eks_access_policy_association")

RULES: tuple[Rule, ...] = (
    type_rule(
        "eks-cluster-destroyed",
        "critical",
        "the EKS cluster is destroyed, and every workload in it with it",
        ["aws_eks_cluster"],
        DESTROYING,
    ),
    type_rule(
        "oidc-provider-removed",
        "critical",
        "every IRSA role stops working at once (pods lose their AWS credentials)",
        ["aws_iam_openid_connect_provider"],
        DESTROYING,
    ),
    type_rule(
        "kms-key-deleted",
        "critical",
        "the key is scheduled for deletion: secrets encrypted with it become unreadable after the window",
        ["aws_kms_key"],
        DESTROYING,
        _kms_detail,
    ),
    type_rule(
        "vpc-destroyed",
        "critical",
        "the cluster network is destroyed: nodes, load balancers and the control plane lose connectivity",
        ["aws_vpc"],
        DESTROYING,
    ),
    type_rule(
        "node-group-replaced",
        "high",
        "all nodes of the group are replaced and capacity drops while it happens",
        ["aws_eks_node_group"],
        REPLACING,
        _node_group_detail,
    ),
    type_rule(
        "node-group-deleted",
        "high",
        "the group's nodes are drained and terminated; their pods need room on other nodes",
        ["aws_eks_node_group"],
        frozenset({"delete"}),
    ),
    type_rule(
        "self-managed-nodes-removed",
        "high",
        "self-managed nodes are removed with their Auto Scaling group",
        ["aws_autoscaling_group"],
        DESTROYING,
    ),
    type_rule(
        "access-removed",
        "high",
        "operators or CI can lose access to the cluster",
        ACCESS_TYPES,
        DESTROYING,
        _access_entry_detail,
    ),
    type_rule(
        "iam-role-removed",
        "high",
        "pods or nodes using the role lose their AWS access",
        ["aws_iam_role"],
        DESTROYING,
        _role_detail,
    ),
    Rule(
        "irsa-trust-changed",
        "high",
        "pods of service accounts no longer trusted lose their AWS access",
        _trust_policy_changes,
    ),
    type_rule(
        "addon-removed",
        "high",
        "cluster networking, DNS or storage provided by the addon breaks",
        ["aws_eks_addon"],
        DESTROYING,
        _addon_detail,
    ),
    Rule(
        "addon-downgraded",
        "high",
        "an addon downgrade can break networking, DNS or storage of the cluster",
        _addon_downgrades,
    ),
    Rule(
        "kubernetes-version-jump",
        "high",
        "EKS rejects the version change or the upgrade breaks nodes",
        _cluster_versions,
    ),
    Rule(
        "node-version-skew",
        "medium",
        "node groups behind the control plane block upgrades or run unsupported kubelets",
        _node_skew,
    ),
    type_rule(
        "network-path-removed",
        "high",
        "egress or in-cluster networking is interrupted for nodes in the affected subnets",
        NETWORK_TYPES,
        DESTROYING,
    ),
    type_rule(
        "security-group-replaced",
        "high",
        "ENIs and pods lose the group's rules while it is replaced",
        ["aws_security_group"],
        REPLACING,
    ),
    Rule(
        "launch-template-rollout",
        "medium",
        "a new launch template version rolls every node of the node groups using it",
        _launch_templates,
    ),
    type_rule(
        "node-policy-detached",
        "medium",
        "roles lose permissions (nodes failing to join, pods losing AWS access)",
        ["aws_iam_role_policy_attachment"],
        frozenset({"delete"}),
    ),
    type_rule(
        "fargate-profile-replaced",
        "medium",
        "pods scheduled on the Fargate profile are evicted and rescheduled",
        ["aws_eks_fargate_profile"],
        DESTROYING,
    ),
    Rule(
        "authentication-mode-changed",
        "high",
        "who can reach the cluster changes; leaving CONFIG_MAP (aws-auth) cannot be undone",
        cluster_rules.authentication_mode,
    ),
    Rule(
        "aws-auth-mapping-removed",
        "high",
        "principals mapped in the aws-auth ConfigMap lose access to the cluster",
        cluster_rules.aws_auth_mappings,
    ),
    Rule(
        "public-endpoint-restricted",
        "high",
        "CI and operators outside the remaining networks are locked out of the API server",
        cluster_rules.public_endpoint,
    ),
    Rule(
        "private-endpoint-disabled",
        "high",
        "nodes and pods that reach the API server privately lose it",
        cluster_rules.private_endpoint,
    ),
    type_rule(
        "pod-identity-association-removed",
        "high",
        "pods of the service account lose their AWS credentials (as when an IRSA role goes)",
        ["aws_eks_pod_identity_association"],
        DESTROYING,
    ),
    Rule(
        "nat-default-route-removed",
        "high",
        "nodes in private subnets lose internet egress: image pulls and AWS API calls fail",
        cluster_rules.nat_default_route,
    ),
    Rule(
        "cluster-https-rule-removed",
        "high",
        "nodes (or operators) can no longer reach the API server on 443; nodes go NotReady",
        cluster_rules.cluster_https_rule,
    ),
    type_rule(
        "namespace-deleted",
        "high",
        "everything in the namespace is deleted with it: workloads, secrets, volume claims",
        ["kubernetes_namespace", "kubernetes_namespace_v1"],
        DESTROYING,
        _namespace_detail,
    ),
    type_rule(
        "secret-deleted",
        "high",
        "the secret is scheduled for deletion: applications reading it fail, and its value is lost after the window",
        ["aws_secretsmanager_secret"],
        DESTROYING,
        _secret_detail,
    ),
    type_rule(
        "database-deleted",
        "high",
        "the database instance and (without a final snapshot) its data are destroyed",
        ["aws_db_instance", "aws_rds_cluster"],
        DESTROYING,
        _database_detail,
    ),
    type_rule(
        "ecr-repository-deleted",
        "high",
        "the repository and its images are deleted: pods pulling them fail to start",
        ["aws_ecr_repository"],
        DESTROYING,
        _ecr_detail,
    ),
    Rule(
        "node-group-capacity-reduced",
        "medium",
        "fewer nodes: pods may become unschedulable (high when max_size is below the nodes running now)",
        cluster_rules.node_group_capacity,
    ),
    Rule(
        "control-plane-logs-removed",
        "medium",
        "control-plane logs stop (high for audit/authenticator: who did what is no longer recorded)",
        cluster_rules.control_plane_logs,
    ),
    Rule(
        "addon-version-skipped",
        "medium",
        "an addon upgrade that skips minor versions can fail or break the addon; upgrade one minor at a time",
        cluster_rules.addon_skipped_versions,
    ),
    type_rule(
        "log-group-deleted",
        "medium",
        "control-plane audit logs stored in the log group are lost",
        ["aws_cloudwatch_log_group"],
        DESTROYING,
    ),
)

GENERIC_RULES: tuple[tuple[str, str, str], ...] = (
    ("resource-destroyed", "delete", "resources are destroyed"),
    ("resource-replaced", "replace", "resources are destroyed and re-created"),
)
GENERIC_SEVERITY: RuleSeverity = "low"


def _generic_findings(
    context: RuleContext, covered: frozenset[tuple[str, str]], reported: set[str], action: str
) -> Iterator[Finding]:
    """One finding per resource type: a 5,000-resource delete is one line, not 5,000. Resources a specific rule
    already reported (a deleted 443 rule of the cluster security group) are left out."""
    for type_name, resources in sorted(context.by_type.items()):
        if (type_name, action) in covered:
            continue
        addresses = tuple(r.address for r in resources if r.action == action and r.address not in reported)
        if addresses:
            yield Finding(addresses, f"{len(addresses)} of type {type_name}")


def _grouped(dangers: list[Danger]) -> list[Danger]:
    """Single-address findings with the same rule, severity and message become one danger listing every address
    (a finding naming several addresses, trigger first, stays as it is)."""
    groups: dict[tuple[str, ...], list[Danger]] = {}
    for index, danger in enumerate(dangers):
        key = (danger.rule, danger.severity, danger.message) if len(danger.addresses) == 1 else (str(index),)
        groups.setdefault(key, []).append(danger)
    grouped = []
    for members in groups.values():
        first = members[0]
        addresses = tuple(dict.fromkeys(a for d in members for a in d.addresses))
        grouped.append(Danger(first.rule, first.severity, first.message, addresses))
    return grouped


def evaluate(context: RuleContext, rules: tuple[Rule, ...] = RULES) -> list[Danger]:
    """All dangers of the plan, most severe first; repeated findings grouped (one danger, N addresses)."""
    dangers: list[Danger] = []
    covered: frozenset[tuple[str, str]] = frozenset().union(*(rule.covers for rule in rules))
    for rule in rules:
        for finding in rule.matcher(context):
            message = rule.consequence + (f" — {finding.detail}" if finding.detail else "")
            dangers.append(
                Danger(rule.id, finding.severity or rule.severity, context.masker.text(message), finding.addresses)
            )
    reported = {address for danger in dangers for address in danger.addresses}
    for rule_id, action, consequence in GENERIC_RULES:
        for finding in _generic_findings(context, covered, reported, action):
            dangers.append(Danger(rule_id, GENERIC_SEVERITY, f"{consequence} — {finding.detail}", finding.addresses))
    dangers = _grouped(dangers)
    dangers.sort(key=lambda d: SEVERITY_RANK[d.severity])
    return dangers
