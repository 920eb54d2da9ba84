"""eksctl cluster-level fields → the spec's `cluster` and `vpc` sections (eks-facts §1 defaults applied)."""

from __future__ import annotations

import contextlib
import ipaddress
import re
from dataclasses import replace
from typing import Any, Literal

from generator.migrate import common_fields
from generator.migrate.context import Context, SubnetAlias
from generator.migrate.map_outpost import LOCAL_CLUSTER_NOTE, is_local_cluster, map_outpost
from generator.migrate.spec_paths import SpecNode
from generator.spec import catalog
from generator.spec.positions import KeyPath

EKSCTL_DEFAULT_VPC_CIDR = "192.168.0.0/16"
_NAT = {"highlyavailable": "per-az", "single": "single", "disable": "none"}
_AUTH_MODES = {"API", "API_AND_CONFIG_MAP"}
_MASTERS = "system:masters"
_NODE_GROUPS = {"system:bootstrappers", "system:nodes"}


def map_cluster(ctx: Context, spec: dict[str, Any]) -> None:
    report = ctx.report
    cluster = SpecNode.root(spec).child("cluster")
    name = ctx.str_(("metadata", "name")) or ""
    cluster["name"] = name
    ctx.cluster_name = name
    report.mapped(("metadata", "name"), "cluster.name")
    region = ctx.str_(("metadata", "region")) or ""
    cluster["region"] = region
    ctx.region = region
    report.mapped(("metadata", "region"), "cluster.region")
    _version(ctx, cluster)
    tags = ctx.str_map(("metadata", "tags"))
    if tags:
        cluster["tags"] = tags
        report.mapped(("metadata", "tags"), "cluster.tags", "applied to every resource (provider default_tags)")
    if ctx.has(("metadata", "annotations")):
        report.unsupported(
            ("metadata", "annotations"), "eksctl stores these on its CloudFormation stacks; nothing to carry over"
        )
    for key in ("forceUpdateVersion", "rollbackConfig"):
        if ctx.has(("metadata", key)):
            report.approximated(
                ("metadata", key), "", "eksctl upgrade behaviour; Terraform updates in place, nothing to set"
            )
    _endpoint(ctx, cluster)
    _logging(ctx, cluster)
    _encryption(ctx, cluster)
    _network(ctx, cluster)
    _access(ctx, cluster)
    _small_features(ctx, cluster)
    map_outpost(ctx, cluster)
    _unsupported_sections(ctx)


def _version(ctx: Context, cluster: SpecNode) -> None:
    report = ctx.report
    path: KeyPath = ("metadata", "version")
    written = ctx.str_(path)
    newest = catalog.OFFERED_KUBERNETES_VERSIONS[-1]
    if ctx.kubernetes_version_override:
        version = ctx.kubernetes_version_override
        note = f"--kubernetes-version {version}" + (f" (the file says {written})" if written else "")
        report.approximated(path, "cluster.version", note) if written else report.defaulted(
            path, "cluster.version", note
        )
    elif written is None:
        al2 = _uses_al2(ctx)
        version = f"1.{catalog.AL2_LAST_MINOR}" if al2 else catalog.DEFAULT_KUBERNETES_VERSION
        reason = " (the newest that still has Amazon Linux 2 AMIs, which node groups here use)" if al2 else ""
        report.defaulted(path, "cluster.version", f"{version}{reason}")
    elif written.lower() in ("auto", "default"):
        version = catalog.DEFAULT_KUBERNETES_VERSION
        report.mapped(path, "cluster.version", f"`{written}` = eksctl's default {version}")
    elif written.lower() == "latest":
        version = newest
        report.mapped(path, "cluster.version", f"`latest` = {version}, the newest EKS offers")
    elif re.fullmatch(r"1\.\d{1,2}", written):
        version = written
        if version in catalog.OFFERED_KUBERNETES_VERSIONS:
            report.mapped(path, "cluster.version")
        else:
            note = (
                f"kept: EKS no longer offers Kubernetes {version} (offered: {', '.join(catalog.OFFERED_KUBERNETES_VERSIONS)}); "
                "a new cluster needs an offered version (--kubernetes-version), a live one an upgrade one minor at a time"
            )
            report.mapped(path, "cluster.version", note)
            report.warn(f"Kubernetes {version} is not offered by EKS any more")
    elif "${" in written or "{{" in written or "<" in written:
        version = written
        report.mapped(path, "cluster.version", "unresolved placeholder kept")
    else:
        version = catalog.DEFAULT_KUBERNETES_VERSION
        report.approximated(path, "cluster.version", f"{written!r} is not a Kubernetes minor version; wrote {version}")
    cluster["version"] = version
    ctx.version = version
    match = re.fullmatch(r"1\.(\d+)", version)
    ctx.minor = int(match.group(1)) if match else 34


def _uses_al2(ctx: Context) -> bool:
    for section in ("nodeGroups", "managedNodeGroups"):
        for group in ctx.list_((section,)):
            if isinstance(group, dict) and str(group.get("amiFamily", "")) == "AmazonLinux2":
                return True
    return False


def _endpoint(ctx: Context, cluster: SpecNode) -> None:
    report = ctx.report
    base: KeyPath = ("vpc", "clusterEndpoints")
    private_cluster = ctx.bool_(("privateCluster", "enabled")) is True
    public = ctx.bool_((*base, "publicAccess"))
    private = ctx.bool_((*base, "privateAccess"))
    if private_cluster:
        report.approximated(
            ("privateCluster", "enabled"),
            "cluster.endpoint",
            "private endpoint only; ekstf does not create the VPC endpoints (ECR, S3, STS, logs, SSM...) eksctl adds "
            "for a fully-private cluster: add them (terraform-aws-modules/vpc vpc-endpoints) before nodes can join",
        )
        for key in ("skipEndpointCreation", "additionalEndpointServices"):
            if ctx.has(("privateCluster", key)):
                report.approximated(
                    ("privateCluster", key), "", "ekstf creates no VPC endpoints; see privateCluster.enabled"
                )
        public, private = False, True
    elif ctx.has(("privateCluster",)):
        report.mapped(("privateCluster",), "", "not a private cluster")
    if is_local_cluster(ctx):
        _local_endpoint(ctx, cluster)
        return
    for key, default, spec_key in (("publicAccess", True, "public"), ("privateAccess", False, "private")):
        if ctx.has((*base, key)):
            note = "privateCluster decides" if private_cluster else ""
            report.add(
                (*base, key), "approximated" if private_cluster else "mapped", f"cluster.endpoint.{spec_key}", note
            )
        elif not private_cluster:
            report.defaulted((*base, key), f"cluster.endpoint.{spec_key}", f"eksctl default {str(default).lower()}")
    cidrs = ctx.strs(("vpc", "publicAccessCIDRs"))
    if cidrs:
        report.mapped(("vpc", "publicAccessCIDRs"), "cluster.endpoint.publicCidrs")
    cluster["endpoint"] = common_fields.endpoint(
        True if public is None else public, False if private is None else private, cidrs
    )


def _logging(ctx: Context, cluster: SpecNode) -> None:
    report = ctx.report
    base: KeyPath = ("cloudWatch", "clusterLogging")
    types = ctx.strs((*base, "enableTypes"))
    chosen: list[str] = []
    if types is None:
        report.defaulted(
            (*base, "enableTypes"), "cluster.logging.types", "[]: eksctl enables no control-plane logs by default"
        )
    else:
        for index, log_type in enumerate(types):
            if log_type in ("all", "*"):
                chosen = list(catalog.LOG_TYPES)
            elif log_type in catalog.LOG_TYPES:
                chosen.append(log_type)
            else:
                report.unsupported((*base, "enableTypes", index), f"unknown log type {log_type!r}")
        report.mapped((*base, "enableTypes"), "cluster.logging.types")
    retention = ctx.int_((*base, "logRetentionInDays"))
    if retention is not None:
        report.mapped((*base, "logRetentionInDays"), "cluster.logging.retentionDays")
    elif chosen:
        report.defaulted(
            (*base, "logRetentionInDays"), "cluster.logging.retentionDays", "90 days (eksctl kept logs forever)"
        )
    cluster["logging"] = common_fields.logging(chosen, retention)


def _local_endpoint(ctx: Context, cluster: SpecNode) -> None:
    """eksctl creates a local cluster with private-only endpoint access, whatever clusterEndpoints says."""
    base: KeyPath = ("vpc", "clusterEndpoints")
    for key, spec_key in (("publicAccess", "public"), ("privateAccess", "private")):
        if ctx.has((*base, key)):
            ctx.report.approximated(
                (*base, key), f"cluster.endpoint.{spec_key}", f"{LOCAL_CLUSTER_NOTE} is private-only"
            )
        else:
            ctx.report.defaulted((*base, key), f"cluster.endpoint.{spec_key}", f"{LOCAL_CLUSTER_NOTE} is private-only")
    if ctx.has(("vpc", "publicAccessCIDRs")):
        ctx.report.unsupported(("vpc", "publicAccessCIDRs"), f"{LOCAL_CLUSTER_NOTE} has no public endpoint")
    cluster["endpoint"] = common_fields.endpoint(public=False, private=True)


def _encryption(ctx: Context, cluster: SpecNode) -> None:
    key_arn = ctx.str_(("secretsEncryption", "keyARN"))
    cluster["secretsEncryption"] = common_fields.secrets_encryption(key_arn)
    if key_arn:
        ctx.report.mapped(("secretsEncryption", "keyARN"), "cluster.secretsEncryption.kmsKeyArn", "mode existing")
    else:
        ctx.report.defaulted(
            ("secretsEncryption",), "cluster.secretsEncryption.mode", "off: eksctl adds no KMS envelope encryption"
        )


def _network(ctx: Context, cluster: SpecNode) -> None:
    report = ctx.report
    base: KeyPath = ("kubernetesNetworkConfig",)
    family = ctx.str_((*base, "ipFamily"))
    if family is not None:
        if family.lower() in ("ipv4", "ipv6"):
            report.mapped((*base, "ipFamily"), "cluster.kubernetesNetwork.ipFamily")
        else:
            report.unsupported((*base, "ipFamily"), f"unknown IP family {family!r} (IPv4 or IPv6)")
            family = None
    service = ctx.str_((*base, "serviceIPv4CIDR"))
    if service:
        report.mapped((*base, "serviceIPv4CIDR"), "cluster.kubernetesNetwork.serviceCidr")
    if ctx.has((*base, "serviceIPv6CIDR")):
        report.unsupported((*base, "serviceIPv6CIDR"), "EKS assigns the IPv6 service range itself; nothing to set")
    network = common_fields.kubernetes_network(family, service)
    if network is not None:
        cluster["kubernetesNetwork"] = network


def _access(ctx: Context, cluster: SpecNode) -> None:
    report = ctx.report
    base: KeyPath = ("accessConfig",)
    if is_local_cluster(ctx):
        _local_access(ctx, cluster)
        return
    mode = ctx.str_((*base, "authenticationMode"))
    if mode is None:
        cluster["authenticationMode"] = "API_AND_CONFIG_MAP"
        report.defaulted(
            (*base, "authenticationMode"), "cluster.authenticationMode", "API_AND_CONFIG_MAP (eksctl default)"
        )
    elif mode.upper() in _AUTH_MODES:
        cluster["authenticationMode"] = mode.upper()
        report.mapped((*base, "authenticationMode"), "cluster.authenticationMode")
    else:
        cluster["authenticationMode"] = "API_AND_CONFIG_MAP"
        report.approximated(
            (*base, "authenticationMode"),
            "cluster.authenticationMode",
            f"{mode} is not offered by ekstf (CONFIG_MAP is deprecated by EKS); API_AND_CONFIG_MAP keeps aws-auth working",
        )
    creator = ctx.bool_((*base, "bootstrapClusterCreatorAdminPermissions"))
    cluster["creatorAdmin"] = True if creator is None else creator
    if creator is None:
        report.defaulted(
            (*base, "bootstrapClusterCreatorAdminPermissions"), "cluster.creatorAdmin", "true (eksctl default)"
        )
    else:
        report.mapped((*base, "bootstrapClusterCreatorAdminPermissions"), "cluster.creatorAdmin")
    entries: list[SpecNode] = []
    by_arn: dict[str, SpecNode] = {}
    for index, raw in enumerate(ctx.list_((*base, "accessEntries"))):
        entry = _access_entry(ctx, (*base, "accessEntries", index), raw)
        if entry is not None:
            if entry["principalArn"] in by_arn:
                report.approximated((*base, "accessEntries", index), "", "same principal listed twice: merged")
                _merge_entry(by_arn[entry["principalArn"]], entry)
                continue
            by_arn[entry["principalArn"]] = entry
            entries.append(entry)
    for index, raw in enumerate(ctx.list_(("iamIdentityMappings",))):
        entry = _identity_mapping(ctx, ("iamIdentityMappings", index), raw)
        if entry is not None:
            if entry["principalArn"] in by_arn:
                _merge_entry(by_arn[entry["principalArn"]], entry)
            else:
                by_arn[entry["principalArn"]] = entry
                entries.append(entry)
    if entries:
        cluster["accessEntries"] = entries


def _local_access(ctx: Context, cluster: SpecNode) -> None:
    """EKS accepts only CONFIG_MAP for a local cluster and bootstraps the creator's admin itself (no access entries)."""
    report = ctx.report
    base: KeyPath = ("accessConfig",)
    cluster["authenticationMode"] = "CONFIG_MAP"
    note = f"CONFIG_MAP: the only mode EKS accepts for {LOCAL_CLUSTER_NOTE}"
    if ctx.has((*base, "authenticationMode")):
        mode = (ctx.str_((*base, "authenticationMode")) or "").upper()
        report.add((*base, "authenticationMode"), "mapped" if mode == "CONFIG_MAP" else "approximated", "", note)
    else:
        report.defaulted((*base, "authenticationMode"), "cluster.authenticationMode", note)
    creator_note = "EKS gives the creator admin through aws-auth itself; no access entry"
    if ctx.has((*base, "bootstrapClusterCreatorAdminPermissions")):
        report.approximated((*base, "bootstrapClusterCreatorAdminPermissions"), "cluster.creatorAdmin", creator_note)
    for index, _ in enumerate(ctx.list_((*base, "accessEntries"))):
        report.unsupported(
            (*base, "accessEntries", index), f"{LOCAL_CLUSTER_NOTE} has no access entries: map it in aws-auth by hand"
        )
    for index, _ in enumerate(ctx.list_(("iamIdentityMappings",))):
        report.unsupported(
            ("iamIdentityMappings", index),
            f"{LOCAL_CLUSTER_NOTE} uses aws-auth: add this mapping to the aws-auth ConfigMap after the cluster exists",
        )


def _merge_entry(into: SpecNode, other: SpecNode) -> None:
    for key in ("kubernetesGroups", "policies"):
        merged = into.get(key, []) + [v for v in other.get(key, []) if v not in into.get(key, [])]
        if merged:
            into[key] = merged
    if "username" in other and "username" not in into:
        into["username"] = other["username"]


def _access_entry(ctx: Context, path: KeyPath, raw: Any) -> SpecNode | None:
    report = ctx.report
    if not isinstance(raw, dict):
        report.unsupported(path, "an access entry must be a mapping")
        return None
    arn = ctx.str_((*path, "principalARN"))
    if not arn:
        report.unsupported(path, "an access entry needs principalARN")
        return None
    report.mapped((*path, "principalARN"), "cluster.accessEntries[].principalArn")
    entry_type = (ctx.str_((*path, "type")) or "STANDARD").upper()
    if ctx.has((*path, "type")):
        if entry_type in common_fields.ACCESS_ENTRY_TYPES:
            report.mapped((*path, "type"), "cluster.accessEntries[].type")
        elif entry_type == "EC2":
            report.approximated(
                (*path, "type"), "cluster.accessEntries[].type", "EC2 (Auto Mode nodes) written as EC2_LINUX"
            )
            entry_type = "EC2_LINUX"
        else:
            report.unsupported(
                (*path, "type"), f"access entry type {entry_type} is not offered by ekstf; entry skipped"
            )
            return None
    entry = common_fields.access_entry(arn, entry_type)
    groups = ctx.strs((*path, "kubernetesGroups"))
    policies = []
    for p_index, policy in enumerate(ctx.list_((*path, "accessPolicies"))):
        mapped = _access_policy(ctx, (*path, "accessPolicies", p_index), policy)
        if mapped is not None:
            policies.append(mapped)
    if entry_type != "STANDARD" and (groups or policies):
        for key in ("kubernetesGroups", "accessPolicies"):
            if ctx.has((*path, key)):
                report.approximated(
                    (*path, key), "", f"{entry_type} entries take no groups or policies: EKS assigns them"
                )
        groups, policies = None, []
    elif groups:
        entry["kubernetesGroups"] = groups
        report.mapped((*path, "kubernetesGroups"), "cluster.accessEntries[].kubernetesGroups")
    if policies:
        entry["policies"] = policies
    username = ctx.str_((*path, "kubernetesUsername"))
    if username:
        entry["username"] = username
        report.mapped((*path, "kubernetesUsername"), "cluster.accessEntries[].username")
    return entry


def _access_policy(ctx: Context, path: KeyPath, raw: Any) -> SpecNode | None:
    report = ctx.report
    arn = ctx.str_((*path, "policyARN")) if isinstance(raw, dict) else None
    if not arn:
        report.unsupported(path, "an access policy needs policyARN")
        return None
    report.mapped((*path, "policyARN"), "cluster.accessEntries[].policies[].policy")
    scope = (ctx.str_((*path, "accessScope", "type")) or "cluster").lower()
    namespaces = None
    if scope == "namespace":
        namespaces = ctx.strs((*path, "accessScope", "namespaces")) or []
        report.mapped((*path, "accessScope"), "cluster.accessEntries[].policies[].scope")
    elif ctx.has((*path, "accessScope")):
        report.mapped((*path, "accessScope"), "cluster.accessEntries[].policies[].scope", "cluster")
    return common_fields.access_policy(arn, namespaces)


def _identity_mapping(ctx: Context, path: KeyPath, raw: Any) -> SpecNode | None:
    report = ctx.report
    if not isinstance(raw, dict):
        report.unsupported(path, "an identity mapping must be a mapping")
        return None
    if ctx.has((*path, "noDuplicateARNs")):
        report.approximated(
            (*path, "noDuplicateARNs"), "", "eksctl-only safety check; access entries are unique per principal"
        )
    account = ctx.str_((*path, "account"))
    if account:
        report.unsupported(
            path,
            f"aws-auth mapAccounts (account {account}) has no access-entry equivalent: create an access entry for each "
            "role of that account that needs access (cluster.accessEntries)",
        )
        return None
    service = ctx.str_((*path, "serviceName"))
    if service:
        namespace = ctx.str_((*path, "namespace")) or "?"
        report.unsupported(
            path,
            f"service mapping {service} (namespace {namespace}): add an access entry for the service's role by hand, "
            "e.g. EMR on EKS: AWSServiceRoleForAmazonEMRContainers with the namespace-scoped AmazonEMRJobPolicy",
        )
        return None
    arn = ctx.str_((*path, "arn"))
    if not arn:
        report.unsupported(path, "an identity mapping needs arn")
        return None
    report.mapped((*path, "arn"), "cluster.accessEntries[].principalArn", "aws-auth mapping → access entry")
    groups = ctx.strs((*path, "groups")) or []
    node_role = bool(_NODE_GROUPS & set(groups))
    entry = common_fields.access_entry(arn, "EC2_LINUX" if node_role else "STANDARD")
    if node_role:
        report.approximated(
            (*path, "groups"), "cluster.accessEntries[].type", "node role mapping → an EC2_LINUX access entry"
        )
        if ctx.has((*path, "username")):
            report.approximated((*path, "username"), "", "EKS sets node user names itself")
        return entry
    other = [g for g in groups if g != _MASTERS]
    if _MASTERS in groups:
        entry["policies"] = [common_fields.access_policy("AmazonEKSClusterAdminPolicy", None)]
        report.approximated(
            (*path, "groups"),
            "cluster.accessEntries[].policies",
            "system:masters has no access-entry group: mapped to AmazonEKSClusterAdminPolicy at cluster scope"
            + (f"; other groups → kubernetesGroups {other}" if other else ""),
        )
    elif groups:
        report.mapped((*path, "groups"), "cluster.accessEntries[].kubernetesGroups")
    if other:
        entry["kubernetesGroups"] = other
    username = ctx.str_((*path, "username"))
    if username:
        if "{{" in username:
            report.approximated((*path, "username"), "", "templated user names are derived by EKS for access entries")
        else:
            entry["username"] = username
            report.mapped((*path, "username"), "cluster.accessEntries[].username")
    return entry


def _small_features(ctx: Context, cluster: SpecNode) -> None:
    report = ctx.report
    zonal = ctx.bool_(("zonalShiftConfig", "enabled"))
    if zonal is not None:
        cluster["zonalShift"] = zonal
        report.mapped(("zonalShiftConfig", "enabled"), "cluster.zonalShift")
    support = ctx.str_(("upgradePolicy", "supportType"))
    if support:
        if support.upper() in ("STANDARD", "EXTENDED"):
            cluster["upgradePolicy"] = common_fields.upgrade_policy(support.upper())
            report.mapped(("upgradePolicy", "supportType"), "cluster.upgradePolicy.supportType")
        else:
            report.unsupported(("upgradePolicy", "supportType"), f"unknown support type {support!r}")
    tier = ctx.str_(("controlPlaneScalingConfig", "tier"))
    if tier:
        if tier in ("standard", "tier-xl", "tier-2xl", "tier-4xl"):
            cluster["controlPlaneScaling"] = SpecNode("cluster.controlPlaneScaling", {"tier": tier})
            report.mapped(("controlPlaneScalingConfig", "tier"), "cluster.controlPlaneScaling.tier")
        else:
            report.unsupported(("controlPlaneScalingConfig", "tier"), f"unknown tier {tier!r}")
    _auto_mode_and_hybrid_nodes(ctx)


def _auto_mode_and_hybrid_nodes(ctx: Context) -> None:
    """Not generated by ekstf (the module's compute_config / remote_network_config are not wired): each field is
    reported unsupported, with what the generated cluster does instead, and nothing is written to the spec."""
    report = ctx.report
    if ctx.has(("autoModeConfig",)):
        enabled = ctx.bool_(("autoModeConfig", "enabled"))
        reason = (
            "EKS Auto Mode is not generated by ekstf: the cluster gets no Auto Mode compute, storage or load "
            "balancing; add node groups or Karpenter to the spec, or set the EKS module's compute_config by hand"
            if enabled
            else "Auto Mode off: nothing to generate"
        )
        if enabled:
            report.warn(f"{ctx.doc.loaded.location(('autoModeConfig',))}: {reason}")
        report.unsupported(("autoModeConfig",), reason)
    if ctx.has(("remoteNetworkConfig",)):
        reason = (
            "EKS hybrid nodes are not generated by ekstf: the cluster gets no remote node or pod networks; set the "
            "EKS module's remote_network_config, the hybrid nodes IAM role and the gateway routes by hand"
        )
        report.warn(f"{ctx.doc.loaded.location(('remoteNetworkConfig',))}: {reason}")
        report.unsupported(("remoteNetworkConfig",), reason)


_UNSUPPORTED_SECTIONS: dict[str, str] = {
    "identityProviders": "OIDC identity providers are not in the ekstf spec: add aws_eks_identity_provider_config "
    "(or the EKS module's identity_providers input) by hand",
    "gitops": "eksctl's Flux bootstrap is not part of infrastructure: run `flux bootstrap` after the cluster exists",
    "git": "eksctl's removed git/Flux bootstrap: run `flux bootstrap` after the cluster exists",
    "localZones": "Local Zone subnets are not generated by ekstf: add them to the VPC by hand",
    "capabilities": "EKS capabilities (ACK, KRO, Argo CD) are not generated by ekstf: create them with the AWS CLI or "
    "console after the cluster exists",
    "kubeAPIServerConfig": "control-plane component settings are not offered by ekstf",
    "kubeSchedulerConfig": "control-plane component settings are not offered by ekstf",
    "kubeControllerManagerConfig": "control-plane component settings are not offered by ekstf",
}


def _unsupported_sections(ctx: Context) -> None:
    for key, reason in _UNSUPPORTED_SECTIONS.items():
        if ctx.has((key,)):
            ctx.report.unsupported((key,), reason)


# --- VPC ---------------------------------------------------------------------------------------------


def map_vpc(ctx: Context, spec: dict[str, Any]) -> None:
    report = ctx.report
    vpc = SpecNode.root(spec).child("vpc")
    vpc_id = ctx.str_(("vpc", "id"))
    aliases = _subnet_aliases(ctx)
    ctx.subnet_aliases = aliases
    any_subnet_id = any(a.id for a in aliases.values())
    if vpc_id or any_subnet_id:
        ctx.existing_vpc = True
        if vpc_id:
            vpc["id"] = ctx.aws_id(("vpc", "id"), vpc_id, "vpc")
            report.mapped(("vpc", "id"), "vpc.id", "existing VPC: ekstf creates no network")
        else:
            # As eksctl does, the VPC is the one the subnets are in (the generated repo reads it from a subnet).
            report.defaulted(("vpc", "id"), "", "not given: the existing VPC is the one the subnets are in")
        _existing_vpc(ctx, vpc, aliases)
    else:
        _new_vpc(ctx, vpc, aliases)
    _vpc_common(ctx, vpc)


def _subnet_aliases(ctx: Context) -> dict[str, SubnetAlias]:
    aliases: dict[str, SubnetAlias] = {}
    kinds: tuple[Literal["private", "public"], ...] = ("private", "public")
    for kind in kinds:
        mapping = ctx.dict_(("vpc", "subnets", kind)) or {}
        for alias, spec in mapping.items():
            path: KeyPath = ("vpc", "subnets", kind, alias)
            given = (
                {key: ctx.str_((*path, key)) or None for key in ("id", "az", "cidr")} if isinstance(spec, dict) else {}
            )
            az = given.get("az")
            if az is None and re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-\d+[a-z]", str(alias)):
                az = str(alias)
            aliases[f"{kind}/{alias}"] = SubnetAlias(
                kind=kind, alias=str(alias), id=given.get("id"), az=az, cidr=given.get("cidr")
            )
    return aliases


def _existing_vpc(ctx: Context, vpc: SpecNode, aliases: dict[str, SubnetAlias]) -> None:
    report = ctx.report
    if ctx.has(("vpc", "cidr")):
        report.mapped(("vpc", "cidr"), "", "the existing VPC keeps its CIDR; nothing to set")
    for kind in ("private", "public"):
        ids: list[str] = []
        for key, entry in list(aliases.items()):
            if entry.kind != kind:
                continue
            alias = entry.alias
            path: KeyPath = ("vpc", "subnets", kind, alias)
            if not entry.id:
                aliases[key] = replace(entry, lookup=_subnet_looked_up(ctx, vpc, entry, path))
                continue
            subnet_id = ctx.aws_id((*path, "id"), entry.id, "subnet")
            aliases[key] = replace(entry, resolved=subnet_id)
            ids.append(subnet_id)
            report.mapped((*path, "id"), f"vpc.{kind}SubnetIds")
            for key in ("az", "cidr"):
                if ctx.has((*path, key)):
                    report.mapped((*path, key), "", f"the subnet's own {key}; nothing to set")
        if ids:
            vpc[f"{kind}SubnetIds"] = ids
        looked_up = [e.alias for e in aliases.values() if e.kind == kind and e.lookup]
        if kind == "private" and looked_up and len(ids) < 2:
            report.warn(
                f"only {len(ids)} private subnet id(s) left after leaving out {', '.join(looked_up)} (no id): "
                "add their ids to vpc.privateSubnetIds; EKS needs subnets in two AZs"
            )
    if ctx.has(("vpc", "nat")):
        report.approximated(("vpc", "nat"), "", "an existing VPC keeps its own NAT/routing; ekstf does not manage it")
    azs = ctx.strs(("availabilityZones",))
    if azs is not None:
        report.approximated(("availabilityZones",), "", "an existing VPC's AZs come from its subnets")
    cp_subnets = ctx.strs(("vpc", "controlPlaneSubnetIDs"))
    if cp_subnets:
        vpc["controlPlaneSubnetIds"] = [
            ctx.aws_id(("vpc", "controlPlaneSubnetIDs", i), s, "subnet") for i, s in enumerate(cp_subnets)
        ]
        report.mapped(("vpc", "controlPlaneSubnetIDs"), "vpc.controlPlaneSubnetIds")


def _subnet_looked_up(ctx: Context, vpc: SpecNode, entry: SubnetAlias, path: KeyPath) -> str:
    """A subnet of an existing VPC given without an id: eksctl finds it at run time, the spec cannot.

    It is left out of the subnet lists (never written as a placeholder); the report says how to add it. Returns
    how eksctl would look it up.
    """
    kind, alias = entry.kind, entry.alias
    criteria = [f"CIDR {entry.cidr}" if entry.cidr else "", f"in {entry.az}" if entry.az else ""]
    described = " ".join(c for c in criteria if c) or f"named {alias}"
    lookup = f"eksctl looks up the subnet with {described} in {vpc.get('id', 'the VPC of the other subnets')}"
    users = [f"vpc.{kind}SubnetIds", *_subnet_users(ctx, alias)]
    ctx.report.approximated(
        path,
        f"vpc.{kind}SubnetIds",
        f"{lookup}; the spec names subnets by id only: add its id to {' and to '.join(users)}",
    )
    ctx.report.warn(f"{ctx.doc.loaded.location(path)}: subnet {alias} has no id and was left out: {lookup}")
    return lookup


def _subnet_users(ctx: Context, alias: str) -> list[str]:
    """The ekstf keys whose subnet lists name this eksctl subnet alias."""
    users = []
    for section in ("managedNodeGroups", "nodeGroups", "fargateProfiles"):
        for index, item in enumerate(ctx.list_((section,))):
            refs = item.get("subnets") if isinstance(item, dict) else None
            if isinstance(refs, list) and alias in [str(r) for r in refs]:
                users.append(f"{section}[{index}].subnets")
    return users


def _new_vpc(ctx: Context, vpc: SpecNode, aliases: dict[str, SubnetAlias]) -> None:
    report = ctx.report
    cidr = ctx.str_(("vpc", "cidr"))
    vpc["cidr"] = cidr or EKSCTL_DEFAULT_VPC_CIDR
    if cidr:
        report.mapped(("vpc", "cidr"), "vpc.cidr")
    else:
        report.defaulted(("vpc", "cidr"), "vpc.cidr", f"{EKSCTL_DEFAULT_VPC_CIDR} (eksctl default)")
    report.defaulted(
        ("vpc", "subnets"),
        "vpc.subnetPrefixLength",
        "one public and one private subnet per AZ, each the VPC prefix + 3 (a /19 in a /16), public first",
    ) if not aliases else None
    azs = ctx.strs(("availabilityZones",))
    subnet_azs = sorted({a.az for a in aliases.values() if a.az})
    if azs:
        vpc["availabilityZones"] = azs
        report.mapped(("availabilityZones",), "vpc.availabilityZones")
    elif subnet_azs:
        vpc["availabilityZones"] = subnet_azs
    else:
        count = 2 if ctx.region == "us-east-1" else 3
        vpc["azCount"] = count
        report.defaulted(("availabilityZones",), "vpc.azCount", f"{count} AZs (eksctl: 3, 2 in us-east-1)")
    ctx.vpc_azs = vpc.get("availabilityZones")
    if aliases:
        prefixes = set()
        for entry in aliases.values():
            path: KeyPath = ("vpc", "subnets", entry.kind, entry.alias)
            if entry.cidr:
                with contextlib.suppress(ValueError):
                    prefixes.add(ipaddress.ip_network(entry.cidr, strict=False).prefixlen)
            report.approximated(
                path,
                "vpc.availabilityZones",
                "ekstf lays out one public and one private subnet per AZ from the VPC CIDR; per-subnet CIDRs are not "
                "configurable (the AZ is kept)",
            )
        if len(prefixes) == 1:
            vpc["subnetPrefixLength"] = prefixes.pop()
    nat = ctx.str_(("vpc", "nat", "gateway"))
    if nat is None:
        vpc["nat"] = "single"
        report.defaulted(("vpc", "nat", "gateway"), "vpc.nat", "single (eksctl default Single)")
    elif nat.lower() in _NAT:
        vpc["nat"] = _NAT[nat.lower()]
        report.mapped(("vpc", "nat", "gateway"), "vpc.nat")
    else:
        vpc["nat"] = "single"
        report.approximated(("vpc", "nat", "gateway"), "vpc.nat", f"unknown NAT mode {nat!r}; wrote single")
    if ctx.has(("vpc", "controlPlaneSubnetIDs")):
        report.unsupported(
            ("vpc", "controlPlaneSubnetIDs"),
            "control-plane subnet ids need an existing VPC (vpc.id); in a new VPC ekstf places the control plane in "
            "the private subnets",
        )


def _vpc_common(ctx: Context, vpc: SpecNode) -> None:
    report = ctx.report
    groups = ctx.strs(("vpc", "controlPlaneSecurityGroupIDs")) or []
    if groups:
        report.mapped(("vpc", "controlPlaneSecurityGroupIDs"), "vpc.securityGroupIds")
    sg = ctx.str_(("vpc", "securityGroup"))
    if sg:
        groups = [sg, *groups]
        report.approximated(
            ("vpc", "securityGroup"),
            "vpc.securityGroupIds",
            "added as an extra control-plane security group; the EKS module still creates its own cluster security group",
        )
    if groups:
        vpc["securityGroupIds"] = [ctx.aws_id(("vpc", "controlPlaneSecurityGroupIDs"), g, "sg") for g in groups]
    on_private = ctx.bool_(("vpc", "controlPlaneOnPrivateSubnets"))
    if on_private is True:
        report.mapped(
            ("vpc", "controlPlaneOnPrivateSubnets"),
            "",
            "ekstf's default: the control-plane ENIs use the private subnets",
        )
    elif on_private is False:
        report.approximated(
            ("vpc", "controlPlaneOnPrivateSubnets"), "", "ekstf places the control-plane ENIs in the private subnets"
        )
    reasons = {
        "sharedNodeSecurityGroup": "the EKS module creates its own node security group; attach this one with "
        "securityGroupIds on each node group if you need it",
        "manageSharedNodeSecurityGroupRules": "the EKS module manages its own node security group rules",
        "extraCIDRs": "secondary VPC CIDRs are not in the ekstf spec: add them to the VPC by hand",
        "extraIPv6CIDRs": "secondary VPC CIDRs are not in the ekstf spec: add them to the VPC by hand",
        "ipv6Cidr": "a BYO IPv6 pool is not in the ekstf spec",
        "ipv6Pool": "a BYO IPv6 pool is not in the ekstf spec",
        "hostnameType": "subnet hostname type is not in the ekstf spec (default ip-name)",
        "autoAllocateIPv6": "IPv6 auto-assignment on subnets is not in the ekstf spec",
        "controlPlaneEgressMode": "control-plane egress mode is not in the ekstf spec",
    }
    for key, reason in reasons.items():
        if ctx.has(("vpc", key)):
            report.unsupported(("vpc", key), reason)
