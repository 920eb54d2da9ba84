"""Matchers of the rules about how a team reaches its cluster and how pods and nodes get their identity:
authentication mode, endpoints, control-plane logs, aws-auth mappings, node group capacity, the NAT route, the
cluster security group's HTTPS rule, addon upgrades that skip versions. Each yields `Finding`s; `rules.py` holds
the table that gives them ids, severities and consequences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.review.eks_values import addon_version_key
from generator.review.masking import SENSITIVE
from generator.review.model import ResourceChange
from generator.review.rule_context import Finding, RuleContext

CONFIG_MAP_TYPES = ("kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_config_map_v1_data")
AWS_AUTH = ("aws-auth", "kube-system")
NODE_GROUPS = frozenset({"system:nodes", "system:bootstrappers"})
ADMIN_GROUP = "system:masters"
AUDIT_LOG_TYPES = frozenset({"audit", "authenticator"})
DEFAULT_ROUTE = "0.0.0.0/0"
HTTPS = 443
SG_RULE_TYPES = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _block(obj: Any, key: str) -> Any:
    """The first (only) nested block `key` of a provider object (`access_config[0]`), or None."""
    blocks = _get(obj, key)
    if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict):
        return blocks[0]
    return blocks if isinstance(blocks, dict) else None


def _strings(val: Any) -> set[str]:
    return {v for v in val if isinstance(v, str) and v != SENSITIVE} if isinstance(val, list) else set()


def _updated_clusters(context: RuleContext) -> Iterator[tuple[ResourceChange, Any, Any]]:
    for cluster in context.of_type("aws_eks_cluster"):
        if cluster.action == "update":
            yield cluster, cluster.before_value(), cluster.after_value()


def authentication_mode(context: RuleContext) -> Iterator[Finding]:
    for cluster, before, after in _updated_clusters(context):
        old = _get(_block(before, "access_config"), "authentication_mode")
        new = _get(_block(after, "access_config"), "authentication_mode")
        if not isinstance(old, str) or not isinstance(new, str) or old == new:
            continue
        severity = "critical" if "CONFIG_MAP" in old and "CONFIG_MAP" not in new else None
        detail = f"{old} → {new}"
        if severity:
            detail += ": aws-auth ConfigMap mappings stop working; principals without an access entry lose access"
        yield Finding((cluster.address,), detail, severity)


def control_plane_logs(context: RuleContext) -> Iterator[Finding]:
    for cluster, before, after in _updated_clusters(context):
        removed = _strings(_get(before, "enabled_cluster_log_types")) - _strings(
            _get(after, "enabled_cluster_log_types")
        )
        if removed:
            severity = "high" if removed & AUDIT_LOG_TYPES else None
            yield Finding((cluster.address,), "log types no longer sent: " + ", ".join(sorted(removed)), severity)


def public_endpoint(context: RuleContext) -> Iterator[Finding]:
    for cluster, before, after in _updated_clusters(context):
        old, new = _block(before, "vpc_config"), _block(after, "vpc_config")
        if _get(old, "endpoint_public_access") is True and _get(new, "endpoint_public_access") is False:
            yield Finding((cluster.address,), "the public endpoint is turned off")
            continue
        if _get(new, "endpoint_public_access") is False:
            continue
        narrowed = _strings(_get(old, "public_access_cidrs")) - _strings(_get(new, "public_access_cidrs"))
        if narrowed and _strings(_get(new, "public_access_cidrs")):
            yield Finding((cluster.address,), "CIDRs no longer allowed: " + ", ".join(sorted(narrowed)))


def private_endpoint(context: RuleContext) -> Iterator[Finding]:
    for cluster, before, after in _updated_clusters(context):
        old, new = _block(before, "vpc_config"), _block(after, "vpc_config")
        if _get(old, "endpoint_private_access") is True and _get(new, "endpoint_private_access") is False:
            public = _get(new, "endpoint_public_access") is True
            how = "nodes must now reach the API server over the public endpoint" if public else "no endpoint is left"
            yield Finding((cluster.address,), f"the private endpoint is turned off: {how}")


# --- aws-auth -----------------------------------------------------------------------------------------------------


def _is_aws_auth(resource: ResourceChange) -> bool:
    for obj in (resource.before_value(), resource.after_value()):
        metadata = _block(obj, "metadata")
        if _get(metadata, "name") == AWS_AUTH[0] and _get(metadata, "namespace") in (AWS_AUTH[1], None):
            return True
    return False


MAP_KEYS = (("mapRoles", "rolearn"), ("mapUsers", "userarn"))


def _mappings(obj: Any, keys: tuple[tuple[str, str], ...] = MAP_KEYS) -> dict[str, set[str]]:
    """principal ARN → groups, from the `mapRoles` and `mapUsers` YAML strings of an aws-auth `data` map."""
    data = _get(obj, "data")
    found: dict[str, set[str]] = {}
    for key, arn_key in keys:
        text = _get(data, key)
        if not isinstance(text, str) or text == SENSITIVE:
            continue
        from generator.review.structured import parse_yaml

        entries = parse_yaml(text)
        for entry in entries if isinstance(entries, list) else ():
            arn = _get(entry, arn_key)
            if isinstance(arn, str):
                groups = _get(entry, "groups")
                found.setdefault(arn, set()).update(_strings(groups))
                if str(_get(entry, "username") or "").startswith("system:node:"):
                    found[arn].add("system:nodes")
    return found


def _unknown_map_keys(config_map: ResourceChange) -> tuple[tuple[str, str], ...]:
    """The mapping keys whose new value is known only after apply (a node role created in the same plan)."""
    if config_map.action == "delete":
        return ()
    data = _get(config_map.after_unknown(), "data")
    return tuple(k for k in MAP_KEYS if data is True or _get(data, k[0]) is True)


def aws_auth_mappings(context: RuleContext) -> Iterator[Finding]:
    for config_map in context.of_type(*CONFIG_MAP_TYPES):
        if config_map.action not in ("update", "replace", "delete") or not _is_aws_auth(config_map):
            continue
        unknown = _unknown_map_keys(config_map)
        known = tuple(k for k in MAP_KEYS if k not in unknown)
        before = _mappings(config_map.before_value(), known)
        after = {} if config_map.action == "delete" else _mappings(config_map.after_value(), known)
        lost_nodes = sorted(
            arn for arn, groups in before.items() if groups & NODE_GROUPS and not after.get(arn, set()) & NODE_GROUPS
        )
        lost_admins = sorted(
            arn for arn, groups in before.items() if ADMIN_GROUP in groups and ADMIN_GROUP not in after.get(arn, set())
        )
        if lost_nodes:
            yield Finding(
                (config_map.address,),
                "node roles losing their mapping (nodes stop joining): " + ", ".join(f"`{a}`" for a in lost_nodes),
                "critical",
            )
        if lost_admins:
            yield Finding(
                (config_map.address,),
                "admin (system:masters) mappings removed: " + ", ".join(f"`{a}`" for a in lost_admins),
            )
        unchecked = _mappings(config_map.before_value(), unknown) if unknown else {}
        if unchecked:
            keys = ", ".join(f"`{key}`" for key, _ in unknown)
            yield Finding(
                (config_map.address,),
                f"the new {keys} is known only after apply: whether its {len(unchecked)} mapped principal(s) keep "
                "their mapping cannot be checked",
                "medium",
            )


# --- capacity, network, addons --------------------------------------------------------------------------------------


def _number(val: Any) -> int | float | None:
    return val if isinstance(val, int | float) and not isinstance(val, bool) else None


def node_group_capacity(context: RuleContext) -> Iterator[Finding]:
    for group in context.of_type("aws_eks_node_group"):
        if group.action != "update":
            continue
        old, new = _block(group.before_value(), "scaling_config"), _block(group.after_value(), "scaling_config")
        sizes = {k: (_number(_get(old, k)), _number(_get(new, k))) for k in ("desired_size", "min_size", "max_size")}
        current = sizes["desired_size"][0]
        new_max = sizes["max_size"][1]
        if current is not None and new_max is not None and new_max < current:
            yield Finding((group.address,), f"max_size {new_max} is below the {current} nodes running now", "high")
            continue
        reduced = [
            f"{k} {b} → {a}"
            for k, (b, a) in sizes.items()
            if k != "max_size" and b is not None and a is not None and a < b
        ]
        if reduced:
            yield Finding((group.address,), ", ".join(reduced))


def nat_default_route(context: RuleContext) -> Iterator[Finding]:
    for route in context.of_type("aws_route"):
        if route.action not in ("delete", "replace"):
            continue
        before = route.before_value()
        if _get(before, "destination_cidr_block") == DEFAULT_ROUTE and _get(before, "nat_gateway_id"):
            yield Finding(
                (route.address,),
                f"default route via {_get(before, 'nat_gateway_id')} in {_get(before, 'route_table_id') or 'its route table'}",
            )


def _cluster_security_groups(context: RuleContext) -> set[str]:
    groups: set[str] = set()
    for cluster in context.of_type("aws_eks_cluster"):
        for obj in (cluster.before_value(), cluster.after_value()):
            vpc = _block(obj, "vpc_config")
            groups |= _strings(_get(vpc, "security_group_ids"))
            if isinstance(cluster_sg := _get(vpc, "cluster_security_group_id"), str):
                groups.add(cluster_sg)
    for group in context.of_type("aws_security_group"):
        if "cluster" in group.name and isinstance(sg_id := _get(group.before_value(), "id"), str):
            groups.add(sg_id)
    return groups


def _covers_https(rule: Any) -> bool:
    """An ingress rule letting 443/tcp in: `aws_security_group_rule` (`type`, `protocol`) or
    `aws_vpc_security_group_ingress_rule` (`ip_protocol`; all traffic, "-1", has null ports)."""
    if _get(rule, "type") not in ("ingress", None):
        return False
    protocol = str(_get(rule, "protocol") or _get(rule, "ip_protocol") or "tcp").lower()
    if protocol in ("-1", "all"):
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = _number(_get(rule, "from_port")), _number(_get(rule, "to_port"))
    return low is not None and high is not None and low <= HTTPS <= high


def cluster_https_rule(context: RuleContext) -> Iterator[Finding]:
    cluster_groups = _cluster_security_groups(context)
    for rule in context.of_type(*SG_RULE_TYPES):
        if rule.action not in ("delete", "replace"):
            continue
        before = rule.before_value()
        group = _get(before, "security_group_id")
        # By the rule's own name only when its group is unknown: the eks module's node group rule
        # `aws_security_group_rule.node["ingress_cluster_443"]` names the cluster in its key, not its group.
        known = isinstance(group, str) and group != SENSITIVE and bool(cluster_groups)
        on_cluster = group in cluster_groups if known else "cluster" in rule.name
        if _covers_https(before) and on_cluster:
            yield Finding((rule.address,), f"HTTPS (443) ingress to {group or 'the cluster security group'} goes away")
    yield from _inline_https_rules(context, cluster_groups)


_SOURCES = ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups")


def _https_sources(group: Any) -> set[str]:
    """Who may reach 443 through a security group's inline `ingress` blocks: CIDRs, prefix lists, groups, self."""
    sources: set[str] = set()
    for entry in _get(group, "ingress") or ():
        if _covers_https(entry):
            sources |= {source for key in _SOURCES for source in _strings(_get(entry, key))}
            if _get(entry, "self") is True:
                sources.add("self")
    return sources


def _inline_https_rules(context: RuleContext, cluster_groups: set[str]) -> Iterator[Finding]:
    """A cluster security group's inline `ingress` blocks losing sources of 443 on an update (the group kept)."""
    for group in context.of_type("aws_security_group"):
        if group.action != "update" or _get(group.before_value(), "id") not in cluster_groups:
            continue
        after = group.after_value()
        if _get(group.after_unknown(), "ingress") is True or not isinstance(_get(after, "ingress"), list):
            continue
        lost = _https_sources(group.before_value()) - _https_sources(after)
        if lost:
            sg_id = _get(group.before_value(), "id")
            yield Finding(
                (group.address,), f"HTTPS (443) ingress to {sg_id} no longer allowed from " + ", ".join(sorted(lost))
            )


MAX_ADDON_MINOR_STEP = 1


def addon_skipped_versions(context: RuleContext) -> Iterator[Finding]:
    for addon in context.of_type("aws_eks_addon"):
        if addon.action not in ("update", "replace"):
            continue
        before = _get(addon.before_value(), "addon_version")
        after = _get(addon.after_value(), "addon_version")
        old, new = addon_version_key(before), addon_version_key(after)
        if old is None or new is None or new <= old:
            continue
        step = (new[0] - old[0]) * 100 + new[1] - old[1]
        if step > MAX_ADDON_MINOR_STEP:
            name = _get(addon.before_value(), "addon_name") or addon.address
            yield Finding((addon.address,), f"{name} {before} → {after} skips {step - 1} minor version(s)")
