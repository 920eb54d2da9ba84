"""eksctl IAM for workloads, addons, Fargate profiles and Karpenter → the spec's matching sections."""

from __future__ import annotations

from typing import Any

from generator.migrate import common_fields
from generator.migrate.context import Context
from generator.migrate.map_nodes import WorkloadNeed
from generator.migrate.map_outpost import LOCAL_CLUSTER_NOTE, is_local_cluster
from generator.migrate.spec_paths import ITEM, SpecNode, SpecPath
from generator.spec import catalog
from generator.spec.positions import KeyPath

# eksctl wellKnownPolicies → ekstf well-known policy names (terraform-aws-iam attach_* inputs, eks-facts §2).
WELL_KNOWN = {
    "imageBuilder": "imageBuilder",
    "autoScaler": "clusterAutoscaler",
    "awsLoadBalancerController": "loadBalancerController",
    "externalDNS": "externalDNS",
    "certManager": "certManager",
    "ebsCSIController": "ebsCSI",
    "efsCSIController": "efsCSI",
}
DEFAULT_ADDONS = ("coredns", "kube-proxy", "metrics-server", "vpc-cni")
# Well-known policies of the addons whose default Pod Identity associations eksctl creates.
_ADDON_DEFAULT_POLICIES = {"vpc-cni": "vpcCNI", "aws-ebs-csi-driver": "ebsCSI", "aws-efs-csi-driver": "efsCSI"}


def map_workloads(ctx: Context, spec_data: dict[str, Any], needs: list[WorkloadNeed]) -> None:
    spec = SpecNode.root(spec_data)
    _cluster_iam(ctx, spec)
    _service_accounts(ctx, spec, needs)
    _pod_identities(ctx, spec)
    _fargate(ctx, spec)
    _karpenter(ctx, spec)
    _addons(ctx, spec)
    _one_role_per_service_account(ctx, spec)


def _one_role_per_service_account(ctx: Context, spec: SpecNode) -> None:
    """An addon's IRSA role and a serviceAccounts entry for the same service account become one role.

    eksctl lets both ask for it (an addon's wellKnownPolicies and iam.serviceAccounts, or a node group's addon
    policies moved to IRSA); two roles for one service account cannot both be used, and would give the generated
    repo two modules of one name. The addon's role is kept, because EKS hands it to the addon, with every policy.
    """
    accounts = spec.get("serviceAccounts", [])
    addon_paths = {
        str(raw.get("name")): ("addons", index)
        for index, raw in enumerate(ctx.list_(("addons",)))
        if isinstance(raw, dict)
    }
    for name, addon in spec.get("addons", {}).items():
        account_name = (addon.get("irsa") or {}).get("serviceAccount") or catalog.ADDON_SERVICE_ACCOUNTS.get(name)
        if addon.get("irsa") is None or account_name is None:
            continue
        irsa = SpecNode.at(("addons", name, "irsa"), addon["irsa"])
        namespace = catalog.addon_namespace(name)
        same = [a for a in accounts if (a["namespace"], a["name"]) == (namespace, account_name)]
        for account in same:
            for key in ("wellKnownPolicies", "policyArns", "statements"):
                merged = list(irsa.get(key, []))
                merged += [item for item in account.get(key, []) if item not in merged]
                if merged:
                    irsa[key] = merged
            for key in ("roleName", "permissionsBoundary"):
                if key in account and key not in irsa:
                    irsa[key] = account[key]
            accounts.remove(account)
            where = ctx.service_account_paths.get((namespace, account_name))
            if where is not None:
                for key in ("serviceAccounts[].name", "serviceAccounts[].namespace"):
                    ctx.report.retarget(where, key, f"addons.{name}.irsa")
                ctx.report.retarget(where, "serviceAccounts[]", f"addons.{name}.irsa")
            for key in ("labels", "annotations"):
                if account.get(key) and where is not None:
                    ctx.report.reclassify(
                        (*where, "metadata", key),
                        "unsupported",
                        f"the {name} addon creates kube-system/{account_name} itself: put these on it by hand",
                    )
            ctx.report.approximated(
                addon_paths.get(name, ("addons",)),
                f"addons.{name}.irsa",
                f"kube-system/{account_name} is also in iam.serviceAccounts (or a node group's addon policies): "
                "one role with every policy, the addon's",
            )
    if "serviceAccounts" in spec and not accounts:
        spec.pop("serviceAccounts")


def _cluster_iam(ctx: Context, spec: SpecNode) -> None:
    report = ctx.report
    cluster = SpecNode.at("cluster", spec["cluster"])
    oidc = ctx.bool_(("iam", "withOIDC"))
    if oidc:
        report.mapped(("iam", "withOIDC"), "", "ekstf always creates the cluster's OIDC provider (IRSA)")
    elif oidc is False:
        report.approximated(
            ("iam", "withOIDC"), "", "ekstf always creates the cluster's OIDC provider (IRSA); harmless"
        )
    role = ctx.str_(("iam", "serviceRoleARN"))
    if role:
        cluster["serviceRoleArn"] = role
        report.mapped(("iam", "serviceRoleARN"), "cluster.serviceRoleArn", "existing role; ekstf creates none")
    boundary = ctx.str_(("iam", "serviceRolePermissionsBoundary"))
    if boundary:
        cluster["serviceRolePermissionsBoundary"] = boundary
        report.mapped(("iam", "serviceRolePermissionsBoundary"), "cluster.serviceRolePermissionsBoundary")
    if ctx.has(("iam", "vpcResourceControllerPolicy")):
        report.mapped(
            ("iam", "vpcResourceControllerPolicy"), "", "the cluster role always has AmazonEKSVPCResourceController"
        )
    if ctx.has(("iam", "fargatePodExecutionRolePermissionsBoundary")):
        report.unsupported(
            ("iam", "fargatePodExecutionRolePermissionsBoundary"),
            "not in the ekstf spec: set iam_role_permissions_boundary on the Fargate profiles by hand, or give an "
            "existing role with iam.fargatePodExecutionRoleARN",
        )


def _policy_statements(ctx: Context, path: KeyPath, role: SpecPath) -> list[SpecNode] | None:
    """An IAM policy document → spec statements; None (reported) when it uses what the spec cannot express."""
    document = ctx.dict_(path)
    if document is None:
        return None
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    statements: list[SpecNode] = []
    for item in items:
        statement = common_fields.policy_statement(role, item)
        if statement is None:
            ctx.report.unsupported(
                path,
                "this inline policy uses Condition/NotAction/Principal or another form the ekstf spec cannot express: "
                "create it (aws iam create-policy) and list its ARN in policyArns",
            )
            return None
        statements.append(statement)
    if not statements:
        ctx.report.unsupported(path, "empty inline policy")
        return None
    return statements


def _well_known(ctx: Context, path: KeyPath, target: str) -> list[str]:
    chosen: list[str] = []
    for key in ctx.dict_(path) or {}:
        enabled = ctx.bool_((*path, key))
        if key in WELL_KNOWN:
            if enabled:
                chosen.append(WELL_KNOWN[key])
                ctx.report.mapped((*path, key), f"{target}.wellKnownPolicies", WELL_KNOWN[key])
            else:
                ctx.report.mapped((*path, key), "", "off: not requested")
        else:
            ctx.report.unsupported((*path, key), f"unknown well-known policy {key!r}")
    return chosen


def _role_fields(ctx: Context, path: KeyPath, role: SpecNode, keys: dict[str, str], target: str) -> None:
    """Shared permission keys of service accounts, pod identities and addons."""
    report = ctx.report
    arns = ctx.strs((*path, keys["arns"])) if "arns" in keys else None
    if arns:
        role["policyArns"] = arns
        report.mapped((*path, keys["arns"]), f"{target}.policyArns")
    well_known = _well_known(ctx, (*path, "wellKnownPolicies"), target)
    if well_known:
        role["wellKnownPolicies"] = well_known
    if "inline" in keys and ctx.has((*path, keys["inline"])):
        statements = _policy_statements(ctx, (*path, keys["inline"]), role.path)
        if statements:
            role["statements"] = statements
            report.mapped((*path, keys["inline"]), f"{target}.statements")
    if "boundary" in keys:
        boundary = ctx.str_((*path, keys["boundary"]))
        if boundary:
            role["permissionsBoundary"] = boundary
            report.mapped((*path, keys["boundary"]), f"{target}.permissionsBoundary")
    if ctx.has((*path, "tags")):
        report.approximated(
            (*path, "tags"), "", "not tagged separately: everything gets the cluster's tags (provider default_tags)"
        )


def _has_permissions(role: SpecNode) -> bool:
    return bool(
        role.get("policyArns") or role.get("wellKnownPolicies") or role.get("statements") or role.get("roleArn")
    )


def _service_accounts(ctx: Context, spec: SpecNode, needs: list[WorkloadNeed]) -> None:
    report = ctx.report
    accounts: list[SpecNode] = []
    by_identity: dict[tuple[str, str], SpecNode] = {}
    for index, raw in enumerate(ctx.list_(("iam", "serviceAccounts"))):
        path: KeyPath = ("iam", "serviceAccounts", index)
        name = ctx.str_((*path, "metadata", "name")) if isinstance(raw, dict) else None
        if not name:
            report.unsupported(path, "a service account needs metadata.name; skipped")
            continue
        namespace = ctx.str_((*path, "metadata", "namespace"))
        account = SpecNode("serviceAccounts[]", {"name": name, "namespace": namespace or "default"})
        report.mapped((*path, "metadata", "name"), "serviceAccounts[].name")
        if namespace:
            report.mapped((*path, "metadata", "namespace"), "serviceAccounts[].namespace")
        else:
            report.defaulted((*path, "metadata", "namespace"), "serviceAccounts[].namespace", "default")
        for key in ("labels", "annotations"):
            values = ctx.str_map((*path, "metadata", key))
            if values:
                account[key] = values
                report.mapped((*path, "metadata", key), f"serviceAccounts[].{key}", "on the ServiceAccount manifest")
        _role_fields(
            ctx,
            path,
            account,
            {"arns": "attachPolicyARNs", "inline": "attachPolicy", "boundary": "permissionsBoundary"},
            "serviceAccounts[]",
        )
        role_name = ctx.str_((*path, "roleName"))
        if role_name:
            account["roleName"] = role_name
            report.mapped((*path, "roleName"), "serviceAccounts[].roleName")
        if ctx.has((*path, "roleOnly")):
            report.mapped((*path, "roleOnly"), "", "ekstf only ever creates the role")
        for key, reason in (
            ("status", "eksctl's recorded state; nothing to carry over"),
            (
                "subjectPattern",
                "wildcard trust subjects are not in the ekstf spec: edit the role's trust policy by hand",
            ),
        ):
            if ctx.has((*path, key)):
                report.add((*path, key), "approximated" if key == "status" else "unsupported", "", reason)
        existing_role = ctx.str_((*path, "attachRoleARN"))
        if existing_role:
            account["roleArn"] = existing_role
            report.mapped(
                (*path, "attachRoleARN"),
                "serviceAccounts[].roleArn",
                "an existing role: ekstf creates none and puts its ARN on the ServiceAccount",
            )
        if not _has_permissions(account):
            report.unsupported(path, "a service account without permissions; skipped")
            continue
        identity = (account["namespace"], name)
        if identity in by_identity:
            report.approximated(path, "serviceAccounts[]", "listed twice: merged")
            continue
        by_identity[identity] = account
        ctx.service_account_paths[identity] = path
        accounts.append(account)
    for need in needs:
        identity = (need.namespace, need.service_account)
        found = by_identity.get(identity)
        if found is None:
            found = SpecNode(
                "serviceAccounts[]",
                {"name": need.service_account, "namespace": need.namespace, "wellKnownPolicies": []},
            )
            by_identity[identity] = found
            accounts.append(found)
        well_known = found.get("wellKnownPolicies", [])
        if need.well_known not in well_known:
            found["wellKnownPolicies"] = [*well_known, need.well_known]
    if accounts:
        spec["serviceAccounts"] = accounts
        report.warn(
            "IRSA: Terraform creates the IAM roles, not the Kubernetes ServiceAccounts; annotate each with "
            "eks.amazonaws.com/role-arn (the generated repo outputs the role ARNs)"
        )


def _pod_identities(ctx: Context, spec: SpecNode) -> None:
    identities: list[SpecNode] = []
    for index, raw in enumerate(ctx.list_(("iam", "podIdentityAssociations"))):
        path: KeyPath = ("iam", "podIdentityAssociations", index)
        identity = _pod_identity(ctx, path, raw, "podIdentities[]", ("podIdentities", ITEM))
        if identity is not None:
            identities.append(identity)
    if identities:
        spec["podIdentities"] = identities


def _pod_identity(ctx: Context, path: KeyPath, raw: Any, target: str, node_path: SpecPath) -> SpecNode | None:
    """`target` names the spec key in the report; `node_path` is where the identity is written."""
    report = ctx.report
    addon = target.startswith("addons.")
    namespace = ctx.str_((*path, "namespace")) if isinstance(raw, dict) else None
    account = ctx.str_((*path, "serviceAccountName")) if isinstance(raw, dict) else None
    if not account or not (namespace or addon):
        report.unsupported(path, "a pod identity association needs namespace and serviceAccountName; skipped")
        return None
    identity = SpecNode(node_path)
    if namespace and not addon:
        identity["namespace"] = namespace
    identity["serviceAccount"] = account
    if namespace:
        report.mapped((*path, "namespace"), f"{target}.namespace", "the addon's namespace" if addon else "")
    report.mapped((*path, "serviceAccountName"), f"{target}.serviceAccount")
    _role_fields(
        ctx,
        path,
        identity,
        {"arns": "permissionPolicyARNs", "inline": "permissionPolicy", "boundary": "permissionsBoundaryARN"},
        target,
    )
    kept = [p for p in identity.get("wellKnownPolicies", []) if p in catalog.POD_IDENTITY_WELL_KNOWN_POLICIES]
    for key in ctx.dict_((*path, "wellKnownPolicies")) or {}:
        dropped = WELL_KNOWN.get(key)
        if dropped in identity.get("wellKnownPolicies", []) and dropped not in catalog.POD_IDENTITY_WELL_KNOWN_POLICIES:
            report.reclassify(
                (*path, "wellKnownPolicies", key),
                "unsupported",
                f"{dropped} has no AWS managed policy for a Pod Identity role (eksctl wrote an inline policy): use an "
                "IRSA service account for this controller, or create the policy and list it in policyArns",
            )
    if kept:
        identity["wellKnownPolicies"] = kept
    else:
        identity.pop("wellKnownPolicies", None)
    role_arn = ctx.str_((*path, "roleARN"))
    if role_arn:
        identity["roleArn"] = role_arn
        report.mapped((*path, "roleARN"), f"{target}.roleArn", "existing role; ekstf creates none")
    role_name = ctx.str_((*path, "roleName"))
    if role_name:
        identity["roleName"] = role_name
        report.mapped((*path, "roleName"), f"{target}.roleName")
    target_role = ctx.str_((*path, "targetRoleARN"))
    if target_role and not addon:
        identity["targetRoleArn"] = target_role
        report.mapped((*path, "targetRoleARN"), f"{target}.targetRoleArn")
    elif target_role:
        report.unsupported((*path, "targetRoleARN"), "cross-account roles for addons are not in the ekstf spec")
    session_tags = ctx.bool_((*path, "disableSessionTags"))
    if session_tags is not None and not addon:
        identity["disableSessionTags"] = session_tags
        report.mapped((*path, "disableSessionTags"), f"{target}.disableSessionTags")
    elif session_tags is not None:
        report.unsupported((*path, "disableSessionTags"), "not offered for addon Pod Identity in the ekstf spec")
    if ctx.has((*path, "createServiceAccount")):
        report.approximated(
            (*path, "createServiceAccount"),
            "",
            "Terraform does not create Kubernetes ServiceAccounts: apply a manifest",
        )
    for key in ("permissionPolicyName", "policy"):
        if ctx.has((*path, key)):
            report.approximated((*path, key), "", "ekstf names the inline policy / uses no session policy")
    if not _has_permissions(identity):
        report.unsupported(path, "a pod identity association without a role or permissions; skipped")
        return None
    return identity


def _fargate(ctx: Context, spec: SpecNode) -> None:
    report = ctx.report
    default_role = ctx.str_(("iam", "fargatePodExecutionRoleARN"))
    profiles: list[SpecNode] = []
    for index, raw in enumerate(ctx.list_(("fargateProfiles",))):
        path: KeyPath = ("fargateProfiles", index)
        name = ctx.str_((*path, "name")) if isinstance(raw, dict) else None
        if not name:
            report.unsupported(path, "a Fargate profile needs a name; skipped")
            continue
        profile = SpecNode("fargateProfiles[]", {"name": name})
        report.mapped((*path, "name"), "fargateProfiles[].name")
        selectors = []
        for s_index, selector in enumerate(ctx.list_((*path, "selectors"))):
            s_path: KeyPath = (*path, "selectors", s_index)
            namespace = ctx.str_((*s_path, "namespace")) if isinstance(selector, dict) else None
            if not namespace:
                report.unsupported(s_path, "a selector needs a namespace")
                continue
            selectors.append(common_fields.fargate_selector(namespace, ctx.str_map((*s_path, "labels"))))
            report.mapped(s_path, "fargateProfiles[].selectors[]")
        if not selectors:
            report.unsupported(path, "a Fargate profile without selectors; skipped")
            continue
        profile["selectors"] = selectors[:5]
        if len(selectors) > 5:
            report.approximated((*path, "selectors"), "", "EKS allows 5 selectors per profile: the first 5 kept")
        subnets = ctx.strs((*path, "subnets"))
        if subnets:
            if ctx.existing_vpc:
                _profile_subnets(ctx, path, subnets, profile)
            else:
                report.approximated((*path, "subnets"), "", "new VPC: the profile uses the private subnets")
        tags = ctx.str_map((*path, "tags"))
        if tags:
            profile["tags"] = tags
            report.mapped((*path, "tags"), "fargateProfiles[].tags")
        role = ctx.str_((*path, "podExecutionRoleARN")) or default_role
        if role:
            profile["podExecutionRoleArn"] = role
            report.mapped((*path, "podExecutionRoleARN"), "fargateProfiles[].podExecutionRoleArn") if ctx.has(
                (*path, "podExecutionRoleARN")
            ) else None
        if ctx.has((*path, "status")):
            report.approximated((*path, "status"), "", "eksctl's recorded state; nothing to carry over")
        profiles.append(profile)
    if default_role:
        report.mapped(("iam", "fargatePodExecutionRoleARN"), "fargateProfiles[].podExecutionRoleArn", "existing role")
    if profiles:
        spec["fargateProfiles"] = profiles


def _addons(ctx: Context, spec: SpecNode) -> None:
    report = ctx.report
    addons: dict[str, SpecNode] = {}
    disable_defaults = ctx.bool_(("addonsConfig", "disableDefaultAddons"))
    if disable_defaults is not None:
        report.mapped(("addonsConfig", "disableDefaultAddons"), "addons")
    if ctx.has(("addonsConfig", "autoApplyPodIdentityAssociations")):
        report.approximated(
            ("addonsConfig", "autoApplyPodIdentityAssociations"),
            "addons.*.podIdentity",
            "set podIdentity per addon in the spec; see useDefaultPodIdentityAssociations",
        )
    if is_local_cluster(ctx):
        _local_cluster_addons(ctx, spec)
        return
    # Auto Mode is not generated (reported unsupported), so the cluster needs eksctl's default addons to work.
    if not disable_defaults:
        for name in DEFAULT_ADDONS:
            addons[name] = common_fields.addon(name, "latest", None)
        report.defaulted(("addons",), "addons", f"eksctl's default addons: {', '.join(DEFAULT_ADDONS)}")
    for index, raw in enumerate(ctx.list_(("addons",))):
        path: KeyPath = ("addons", index)
        addon_name = ctx.str_((*path, "name")) if isinstance(raw, dict) else None
        if not addon_name:
            report.unsupported(path, "an addon needs a name; skipped")
            continue
        addons[addon_name] = _addon(ctx, path, addon_name)
    # The Karpenter controller gets its credentials through Pod Identity in the generated repo, like eksctl's.
    users = [
        *(["podIdentityAssociations"] if spec.get("podIdentities") else []),
        *(["an addon's podIdentityAssociations"] if any("podIdentity" in a for a in addons.values()) else []),
        *(["karpenter"] if spec.get("karpenter", {}).get("enabled") else []),
    ]
    if users and catalog.POD_IDENTITY_AGENT not in addons:
        addons[catalog.POD_IDENTITY_AGENT] = common_fields.addon(catalog.POD_IDENTITY_AGENT, "latest", None)
        report.defaulted(
            ("addons",),
            f"addons.{catalog.POD_IDENTITY_AGENT}",
            f"Pod Identity ({', '.join(users)}) needs the agent addon",
        )
    spec["addons"] = SpecNode("addons", dict(sorted(addons.items())))


def _local_cluster_addons(ctx: Context, spec: SpecNode) -> None:
    """eksctl installs no EKS add-ons on a local cluster: EKS installs vpc-cni, kube-proxy and CoreDNS itself."""
    report = ctx.report
    report.defaulted(
        ("addons",),
        "addons",
        f"none: {LOCAL_CLUSTER_NOTE} has no EKS add-ons API (EKS installs vpc-cni, kube-proxy, CoreDNS)",
    )
    for index, _ in enumerate(ctx.list_(("addons",))):
        report.unsupported(
            ("addons", index), f"{LOCAL_CLUSTER_NOTE} has no EKS add-ons API: install it with Helm or manifests"
        )
    spec["addons"] = SpecNode("addons")


def _addon(ctx: Context, path: KeyPath, name: str) -> SpecNode:
    report = ctx.report
    report.mapped((*path, "name"), f"addons.{name}")
    version = ctx.str_((*path, "version"))
    if version:
        report.mapped((*path, "version"), f"addons.{name}.version")
    else:
        report.defaulted((*path, "version"), f"addons.{name}.version", "latest (eksctl picked the default version)")
    role_arn = ctx.str_((*path, "serviceAccountRoleARN"))
    if role_arn:
        report.mapped((*path, "serviceAccountRoleARN"), f"addons.{name}.serviceAccountRoleArn")
    addon = common_fields.addon(name, version or "latest", role_arn)
    irsa = SpecNode(("addons", name, "irsa"))
    _role_fields(
        ctx,
        path,
        irsa,
        {"arns": "attachPolicyARNs", "inline": "attachPolicy", "boundary": "permissionsBoundary"},
        f"addons.{name}.irsa",
    )
    associations = ctx.list_((*path, "podIdentityAssociations"))
    if associations:
        identity = _pod_identity(
            ctx,
            (*path, "podIdentityAssociations", 0),
            associations[0],
            f"addons.{name}.podIdentity",
            ("addons", name, "podIdentity"),
        )
        if identity is not None:
            addon["podIdentity"] = identity
        if len(associations) > 1:
            report.unsupported(
                (*path, "podIdentityAssociations"), "ekstf gives an addon one Pod Identity role; add the others by hand"
            ) if identity is None else report.approximated(
                (*path, "podIdentityAssociations"), f"addons.{name}.podIdentity", "only the first association is kept"
            )
    use_default = ctx.bool_((*path, "useDefaultPodIdentityAssociations"))
    if use_default:
        if name in _ADDON_DEFAULT_POLICIES and "podIdentity" not in addon:
            addon["podIdentity"] = {
                "serviceAccount": catalog.ADDON_SERVICE_ACCOUNTS[name],
                "wellKnownPolicies": [_ADDON_DEFAULT_POLICIES[name]],
            }
            report.mapped((*path, "useDefaultPodIdentityAssociations"), f"addons.{name}.podIdentity")
        else:
            report.unsupported((*path, "useDefaultPodIdentityAssociations"), f"no default role known for {name}")
    if irsa and "podIdentity" not in addon:
        addon["irsa"] = irsa
    elif irsa:
        report.approximated(
            path, f"addons.{name}.podIdentity", "both IRSA permissions and Pod Identity: Pod Identity kept"
        )
    config = ctx.get((*path, "configurationValues"))
    if config is not None:
        parsed = common_fields.addon_configuration(config)
        if parsed is None:
            report.unsupported(
                (*path, "configurationValues"), "not a JSON/YAML object; set addons.*.configuration by hand"
            )
        else:
            addon["configuration"] = parsed
            report.mapped((*path, "configurationValues"), f"addons.{name}.configuration")
    resolve = ctx.str_((*path, "resolveConflicts"))
    if resolve:
        if resolve.upper() in ("NONE", "OVERWRITE", "PRESERVE"):
            addon["resolveConflicts"] = resolve.upper()
            report.mapped((*path, "resolveConflicts"), f"addons.{name}.resolveConflicts")
        else:
            report.unsupported((*path, "resolveConflicts"), f"unknown value {resolve!r}")
    for key in ("publishers", "types", "owners"):
        if ctx.has((*path, key)):
            report.approximated((*path, key), "", "eksctl's addon discovery filter; nothing to carry over")
    if ctx.has((*path, "namespaceConfig")):
        report.unsupported((*path, "namespaceConfig"), "custom addon namespaces are not in the ekstf spec")
    return addon


def _karpenter(ctx: Context, spec: SpecNode) -> None:
    report = ctx.report
    if ctx.dict_(("karpenter",)) is None:
        return
    spec["karpenter"] = SpecNode("karpenter", {"enabled": True})
    report.mapped(("karpenter",), "karpenter.enabled") if not ctx.get(("karpenter",)) else None
    if ctx.has(("karpenter", "version")):
        report.approximated(
            ("karpenter", "version"),
            "karpenter",
            "ekstf creates Karpenter's AWS resources; install the chart version with Helm",
        )
    if ctx.has(("karpenter", "createServiceAccount")):
        report.approximated(
            ("karpenter", "createServiceAccount"), "karpenter.serviceAccount", "the Helm chart creates it"
        )
    queue = ctx.bool_(("karpenter", "withSpotInterruptionQueue"))
    if queue is not None:
        report.add(
            ("karpenter", "withSpotInterruptionQueue"),
            "mapped" if queue else "approximated",
            "karpenter",
            "the karpenter module always creates the interruption queue",
        )
    if ctx.has(("karpenter", "defaultInstanceProfile")):
        report.unsupported(
            ("karpenter", "defaultInstanceProfile"), "Karpenter v1 uses a node role, not an instance profile"
        )


def _profile_subnets(ctx: Context, path: KeyPath, subnets: list[str], profile: SpecNode) -> None:
    """Subnet ids of a profile in an existing VPC; a subnet eksctl would look up by CIDR or AZ is left out."""
    ids = []
    for index, ref in enumerate(subnets):
        alias = ctx.alias(ref, "private")
        if alias is not None and alias.lookup:
            ctx.report.approximated((*path, "subnets", index), "fargateProfiles[].subnets", f"left out: {alias.lookup}")
        elif alias is not None and alias.resolved:
            ids.append(alias.resolved)
        else:
            ids.append(ctx.aws_id((*path, "subnets", index), ref, "subnet"))
    if ids:
        profile["subnets"] = ids
        ctx.report.mapped((*path, "subnets"), "fargateProfiles[].subnets")
    else:
        ctx.report.approximated(
            (*path, "subnets"), "", "none of the listed subnets has an id: the profile uses the private subnets"
        )
