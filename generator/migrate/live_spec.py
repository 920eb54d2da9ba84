"""A discovered eksctl cluster → an ekstf spec that references what must not be replaced, plus import blocks.

Kept by reference (existing resources, no import): the VPC and subnets, security groups, the cluster, node and
Fargate roles, launch templates and KMS keys. Imported into the generated repo: the cluster, its OIDC provider and
log group, managed node groups, Fargate profiles, addons, access entries and their policies, Pod Identity
associations and IRSA roles. Addresses come from `generator.generate.names`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import UserInputError
from generator.generate import names
from generator.generate.hcl import Block, Expr, quote, render_block
from generator.migrate import common_fields
from generator.migrate.discovery import LiveCluster
from generator.migrate.report import Report
from generator.migrate.spec_paths import SpecNode
from generator.spec import catalog
from generator.spec.models import API_VERSION

_EKSCTL_TAG_PREFIXES = ("alpha.eksctl.io/", "eksctl.cluster.k8s.io/", "aws:", "eksctl.io/")


@dataclass(frozen=True)
class ImportBlock:
    address: str
    id: str
    what: str


@dataclass
class LiveMapping:
    spec: dict[str, Any]
    report: Report
    imports: list[ImportBlock]


def build(live: LiveCluster, kubernetes_version: str | None = None) -> LiveMapping:
    report = Report(source=f"eks cluster {live.name} ({live.region})")
    imports: list[ImportBlock] = []
    mapper = _Mapper(live, report, imports)
    spec = mapper.run(kubernetes_version)
    for note in live.notes:
        report.warn(note)
    return LiveMapping(spec=spec, report=report, imports=imports)


def _user_tags(tags: dict[str, str] | None) -> dict[str, str]:
    return {k: v for k, v in (tags or {}).items() if not k.startswith(_EKSCTL_TAG_PREFIXES)}


class _Mapper:
    def __init__(self, live: LiveCluster, report: Report, imports: list[ImportBlock]) -> None:
        self.live = live
        self.report = report
        self.imports = imports

    def imported(self, address: str, resource_id: str, what: str) -> None:
        self.imports.append(ImportBlock(address, resource_id, what))

    def run(self, kubernetes_version: str | None) -> dict[str, Any]:
        spec = SpecNode.root({"apiVersion": API_VERSION})
        spec["cluster"] = self.cluster(kubernetes_version)
        spec["vpc"] = self.vpc()
        groups = [self.nodegroup(g) for g in self.live.nodegroups]
        if groups:
            spec["managedNodeGroups"] = groups
        profiles = [self.fargate(p) for p in self.live.fargate_profiles]
        if profiles:
            spec["fargateProfiles"] = profiles
        addons = self.addons()
        spec["addons"] = addons
        accounts = self.irsa()
        if accounts:
            spec["serviceAccounts"] = accounts
        identities = self.pod_identities()
        if identities:
            spec["podIdentities"] = identities
            if catalog.POD_IDENTITY_AGENT not in addons:
                addons[catalog.POD_IDENTITY_AGENT] = common_fields.addon(catalog.POD_IDENTITY_AGENT, "latest", None)
                self.report.defaulted(("addons",), "addons.eks-pod-identity-agent", "needed by Pod Identity")
        self.stacks()
        for arn, policies in sorted(self.live.role_policies.items()):
            short = ", ".join(p.rsplit("/", 1)[-1] for p in policies) or "none"
            self.report.mapped(
                ("iam", "roles", arn.rsplit("/", 1)[-1]), "", f"kept by reference; attached policies: {short}"
            )
        return spec.data

    # --- cluster ------------------------------------------------------------------------------------

    def cluster(self, kubernetes_version: str | None) -> SpecNode:
        live, report = self.live, self.report
        raw = live.cluster
        version = str(raw.get("version", catalog.DEFAULT_KUBERNETES_VERSION))
        cluster = SpecNode("cluster", {"name": live.name, "region": live.region, "version": version})
        report.mapped(("cluster", "name"), "cluster.name")
        report.mapped(("cluster", "version"), "cluster.version")
        if kubernetes_version and kubernetes_version != version:
            cluster["version"] = _upgrade_target(version, kubernetes_version)
            report.approximated(
                ("cluster", "version"),
                "cluster.version",
                f"--kubernetes-version {kubernetes_version} (the cluster runs {version}): the first apply upgrades "
                "the control plane",
            )
        tags = _user_tags(raw.get("tags"))
        if tags:
            cluster["tags"] = tags
            report.mapped(("cluster", "tags"), "cluster.tags")
        if set(tags) != set(raw.get("tags") or {}):
            report.approximated(("cluster", "tags"), "", "eksctl's own tags (alpha.eksctl.io/...) are not carried over")
        vpc_config = raw.get("resourcesVpcConfig", {})
        cluster["endpoint"] = common_fields.endpoint(
            bool(vpc_config.get("endpointPublicAccess", True)),
            bool(vpc_config.get("endpointPrivateAccess", False)),
            list(vpc_config.get("publicAccessCidrs") or []),
        )
        report.mapped(("cluster", "resourcesVpcConfig", "endpoint"), "cluster.endpoint")
        self.imported(names.CLUSTER_ADDRESS, live.name, "the EKS cluster")
        cluster["logging"] = self.logging()
        encryption = raw.get("encryptionConfig") or []
        key_arn = encryption[0].get("provider", {}).get("keyArn") if encryption else None
        cluster["secretsEncryption"] = common_fields.secrets_encryption(key_arn)
        report.mapped(
            ("cluster", "encryptionConfig"), "cluster.secretsEncryption", "existing key" if key_arn else "off"
        )
        network = raw.get("kubernetesNetworkConfig") or {}
        kube_network = common_fields.kubernetes_network(
            str(network["ipFamily"]) if network.get("ipFamily") else None, network.get("serviceIpv4Cidr")
        )
        if kube_network is not None:
            cluster["kubernetesNetwork"] = kube_network
            report.mapped(("cluster", "kubernetesNetworkConfig"), "cluster.kubernetesNetwork")
        mode = str((raw.get("accessConfig") or {}).get("authenticationMode", "API_AND_CONFIG_MAP"))
        if mode in ("API", "API_AND_CONFIG_MAP"):
            cluster["authenticationMode"] = mode
            report.mapped(("cluster", "accessConfig", "authenticationMode"), "cluster.authenticationMode")
        else:
            cluster["authenticationMode"] = "API_AND_CONFIG_MAP"
            report.approximated(
                ("cluster", "accessConfig", "authenticationMode"),
                "cluster.authenticationMode",
                f"{mode} → API_AND_CONFIG_MAP (an in-place, one-way switch; aws-auth keeps working)",
            )
        cluster["creatorAdmin"] = False
        report.defaulted(
            ("cluster", "accessConfig", "bootstrapClusterCreatorAdminPermissions"),
            "cluster.creatorAdmin",
            "false: the existing access entries are imported instead",
        )
        entries = self.access_entries()
        if entries:
            cluster["accessEntries"] = entries
        if raw.get("roleArn"):
            cluster["serviceRoleArn"] = raw["roleArn"]
            report.mapped(
                ("cluster", "roleArn"),
                "cluster.serviceRoleArn",
                "eksctl's role kept (replacing it would replace the cluster)",
            )
        if (raw.get("upgradePolicy") or {}).get("supportType"):
            cluster["upgradePolicy"] = common_fields.upgrade_policy(raw["upgradePolicy"]["supportType"])
            report.mapped(("cluster", "upgradePolicy"), "cluster.upgradePolicy")
        if (raw.get("zonalShiftConfig") or {}).get("enabled") is not None:
            cluster["zonalShift"] = bool(raw["zonalShiftConfig"]["enabled"])
            report.mapped(("cluster", "zonalShiftConfig"), "cluster.zonalShift")
        if (raw.get("computeConfig") or {}).get("enabled"):
            report.unsupported(("cluster", "computeConfig"), "EKS Auto Mode clusters are not generated by ekstf yet")
        if live.oidc_provider_arn:
            self.imported(names.OIDC_PROVIDER_ADDRESS, live.oidc_provider_arn, "the cluster's IAM OIDC provider")
            report.mapped(("iam", "oidcProvider"), "", "imported (IRSA keeps working)")
        else:
            report.approximated(("iam", "oidcProvider"), "", "the cluster has no IAM OIDC provider: ekstf creates one")
        return cluster

    def logging(self) -> SpecNode:
        live, report = self.live, self.report
        types: list[str] = []
        for setting in (live.cluster.get("logging") or {}).get("clusterLogging", []):
            if setting.get("enabled"):
                types += setting.get("types", [])
        report.mapped(("cluster", "logging"), "cluster.logging.types")
        group = live.log_group
        retention_days = None
        if group is not None:
            retention = group.get("retentionInDays")
            if retention:
                retention_days = int(retention)
                report.mapped(("logs", "retentionInDays"), "cluster.logging.retentionDays")
            else:
                retention_days = 3653
                report.approximated(
                    ("logs", "retentionInDays"),
                    "cluster.logging.retentionDays",
                    "never-expiring logs → 10 years (3653 days)",
                )
            self.imported(names.CLUSTER_LOG_GROUP_ADDRESS, str(group["logGroupName"]), "the control-plane log group")
        return common_fields.logging(types, retention_days)

    def access_entries(self) -> list[SpecNode]:
        live, report = self.live, self.report
        if live.access_entries is None:
            return []
        managed_roles = {str(g.get("nodeRole")) for g in live.nodegroups}
        managed_roles |= {str(p.get("podExecutionRoleArn")) for p in live.fargate_profiles}
        entries = []
        for entry, policies in live.access_entries:
            arn = str(entry["principalArn"])
            entry_type = str(entry.get("type", "STANDARD"))
            if entry_type in ("EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX") and arn in managed_roles:
                report.mapped(
                    ("accessEntries", arn), "", "created by EKS for a node group / Fargate profile; not managed"
                )
                continue
            if entry_type not in common_fields.ACCESS_ENTRY_TYPES:
                report.unsupported(("accessEntries", arn), f"{entry_type} access entries are not in the ekstf spec")
                continue
            spec_entry = common_fields.access_entry(arn, entry_type)
            groups = [g for g in entry.get("kubernetesGroups", []) if entry_type == "STANDARD"]
            if groups:
                spec_entry["kubernetesGroups"] = groups
            username = entry.get("username")
            if username and entry_type == "STANDARD" and ":" not in str(username).removeprefix("arn:"):
                spec_entry["username"] = username
            key = names.access_entry_key(arn)
            self.imported(names.access_entry_address(key), f"{live.name}:{arn}", f"access entry of {arn}")
            spec_policies = []
            for policy in policies:
                policy_arn = str(policy["policyArn"])
                scope = policy.get("accessScope") or {}
                namespaces = list(scope.get("namespaces", [])) if scope.get("type") == "namespace" else None
                spec_policies.append(common_fields.access_policy(policy_arn, namespaces))
                self.imported(
                    names.access_policy_association_address(key, names.access_policy_key(policy_arn)),
                    f"{live.name}#{arn}#{policy_arn}",
                    f"access policy {policy_arn.rsplit('/', 1)[-1]} of {arn}",
                )
            if spec_policies:
                spec_entry["policies"] = spec_policies
            entries.append(spec_entry)
            report.mapped(("accessEntries", arn), "cluster.accessEntries[]", "imported")
        return entries

    # --- network --------------------------------------------------------------------------------------

    def vpc(self) -> SpecNode:
        live, report = self.live, self.report
        config = live.cluster.get("resourcesVpcConfig", {})
        vpc = SpecNode("vpc", {"id": config.get("vpcId")})
        public: list[str] = []
        private: list[str] = []
        for subnet in sorted(live.subnets, key=lambda s: (s.get("AvailabilityZone", ""), s["SubnetId"])):
            tags = {t["Key"]: t["Value"] for t in subnet.get("Tags") or []}
            is_public = subnet.get("MapPublicIpOnLaunch") or "kubernetes.io/role/elb" in tags
            (public if is_public else private).append(subnet["SubnetId"])
        vpc["privateSubnetIds"] = private
        if public:
            vpc["publicSubnetIds"] = public
        cluster_subnets = list(config.get("subnetIds", []))
        if cluster_subnets:
            vpc["controlPlaneSubnetIds"] = cluster_subnets
        groups = list(config.get("securityGroupIds", []))
        if groups:
            vpc["securityGroupIds"] = groups
        report.mapped(
            ("vpc", str(vpc["id"])),
            "vpc.id",
            "kept as an existing VPC (subnets, routes, NAT and security groups stay as they are, outside Terraform)",
        )
        report.mapped(("cluster", "resourcesVpcConfig", "subnetIds"), "vpc.controlPlaneSubnetIds")
        if groups:
            report.approximated(
                ("cluster", "resourcesVpcConfig", "securityGroupIds"),
                "vpc.securityGroupIds",
                "eksctl's control-plane security group kept; the EKS module adds its own cluster and node security groups",
            )
        return vpc

    # --- compute -----------------------------------------------------------------------------------------

    def nodegroup(self, raw: dict[str, Any]) -> SpecNode:
        live, report = self.live, self.report
        name = str(raw["nodegroupName"])
        scaling = raw.get("scalingConfig") or {}
        group = SpecNode(
            "managedNodeGroups[]",
            {
                "name": name,
                # The imported group keeps its exact name (a `<name>-<suffix>` name would replace it).
                "namePrefix": False,
                "instanceTypes": list(raw.get("instanceTypes") or ["m5.large"]),
            },
        )
        common_fields.scaling(
            group,
            int(scaling.get("minSize", 1)),
            int(scaling.get("maxSize", 1)),
            int(scaling.get("desiredSize", scaling.get("minSize", 1))),
        )
        capacity = raw.get("capacityType")
        if capacity and capacity != "ON_DEMAND":
            group["capacityType"] = capacity
        ami_type = raw.get("amiType")
        if ami_type and ami_type in catalog.AMI_TYPES and ami_type != "CUSTOM":
            group["amiType"] = ami_type
        if raw.get("labels"):
            group["labels"] = common_fields.node_labels(raw["labels"])
        taints = [
            common_fields.taint(
                group.path,
                str(t["key"]),
                t.get("value"),
                common_fields.taint_effect(str(t["effect"])) or str(t["effect"]),
                value_before_effect=True,
            )
            for t in raw.get("taints") or []
        ]
        if taints:
            group["taints"] = taints
        tags = _user_tags(raw.get("tags"))
        if tags:
            group["tags"] = tags
        group["subnets"] = list(raw.get("subnets", []))
        template = raw.get("launchTemplate") or {}
        if template.get("id"):
            version = template.get("version")
            group["launchTemplate"] = common_fields.launch_template(template["id"], str(version) if version else None)
            report.mapped(
                ("nodegroups", name, "launchTemplate"),
                "managedNodeGroups[].launchTemplate",
                "eksctl's launch template kept (a different template id would replace the node group)",
            )
        elif raw.get("diskSize"):
            group["disk"] = {"size": int(raw["diskSize"])}
        if raw.get("nodeRole"):
            group["iam"] = {"roleArn": raw["nodeRole"]}
            report.mapped(
                ("nodegroups", name, "nodeRole"),
                "managedNodeGroups[].iam.roleArn",
                "eksctl's node role kept by reference",
            )
        update = raw.get("updateConfig") or {}
        # EKS reports the one it has; a 0 or absent value is no setting.
        config = common_fields.update_config(
            int(update["maxUnavailable"]) if update.get("maxUnavailable") else None,
            int(update["maxUnavailablePercentage"]) if update.get("maxUnavailablePercentage") else None,
        )
        if config is not None:
            group["updateConfig"] = config
        if (raw.get("nodeRepairConfig") or {}).get("enabled") is not None:
            group["nodeRepair"] = bool(raw["nodeRepairConfig"]["enabled"])
        remote = raw.get("remoteAccess") or {}
        if remote.get("ec2SshKey") and not template.get("id"):
            group["ssh"] = common_fields.ssh(
                group.path, str(remote["ec2SshKey"]), list(remote.get("sourceSecurityGroups") or [])
            )
        report.mapped(("nodegroups", name), "managedNodeGroups[]", "imported")
        self.imported(names.managed_node_group_address(name), f"{live.name}:{name}", f"managed node group {name}")
        return group

    def fargate(self, raw: dict[str, Any]) -> SpecNode:
        name = str(raw["fargateProfileName"])
        selectors = [
            common_fields.fargate_selector(s.get("namespace"), s.get("labels")) for s in raw.get("selectors", [])
        ]
        profile = SpecNode("fargateProfiles[]", {"name": name, "selectors": selectors})
        if raw.get("subnets"):
            profile["subnets"] = list(raw["subnets"])
        tags = _user_tags(raw.get("tags"))
        if tags:
            profile["tags"] = tags
        if raw.get("podExecutionRoleArn"):
            profile["podExecutionRoleArn"] = raw["podExecutionRoleArn"]
        self.report.mapped(
            ("fargateProfiles", name), "fargateProfiles[]", "imported; pod execution role kept by reference"
        )
        self.imported(names.fargate_profile_address(name), f"{self.live.name}:{name}", f"Fargate profile {name}")
        return profile

    # --- addons and workload IAM ----------------------------------------------------------------------------

    def addons(self) -> SpecNode:
        live, report = self.live, self.report
        addons = SpecNode("addons")
        if live.addons is None:
            return addons
        for raw in sorted(live.addons, key=lambda a: str(a["addonName"])):
            name = str(raw["addonName"])
            addon = common_fields.addon(
                name, str(raw.get("addonVersion") or "latest"), raw.get("serviceAccountRoleArn")
            )
            if raw.get("configurationValues"):
                parsed = common_fields.addon_configuration(raw["configurationValues"])
                if parsed is not None:
                    addon["configuration"] = parsed
                else:
                    report.unsupported(
                        ("addons", name, "configurationValues"),
                        "not a JSON or YAML object: copy it into the spec by hand",
                    )
            if raw.get("podIdentityAssociations"):
                report.unsupported(
                    ("addons", name, "podIdentityAssociations"),
                    "addon Pod Identity associations are imported as podIdentities only when listed by the EKS API",
                )
            addons[name] = addon
            before = name in catalog.BEFORE_COMPUTE_ADDONS
            self.imported(names.addon_address(name, before), f"{live.name}:{name}", f"addon {name}")
            report.mapped(("addons", name), f"addons.{name}", "imported at its current version")
        return addons

    def irsa(self) -> list[SpecNode]:
        accounts = []
        for role in self.live.irsa_roles:
            account = SpecNode(
                "serviceAccounts[]",
                {"name": role.service_account, "namespace": role.namespace, "roleName": role.role_name},
            )
            if role.policy_arns:
                account["policyArns"] = list(role.policy_arns)
            statements = []
            for document in role.inline_policies:
                for item in (
                    document.get("Statement", [])
                    if isinstance(document.get("Statement"), list)
                    else [document.get("Statement")]
                ):
                    # The live mapper has never carried Sids over; keeping them would change its output.
                    statement = common_fields.policy_statement(account.path, item, keep_sid=False)
                    if statement is not None:
                        statements.append(statement)
                    else:
                        self.report.unsupported(
                            ("irsa", role.role_name, "inlinePolicy"),
                            "an inline policy statement with conditions: recreate it as a managed policy by hand",
                        )
            if statements:
                account["statements"] = statements
            if not (account.get("policyArns") or statements):
                self.report.unsupported(("irsa", role.role_name), "an IRSA role without permissions ekstf can express")
                continue
            accounts.append(account)
            self.imported(
                names.irsa_role_address(role.namespace, role.service_account),
                role.role_name,
                f"IRSA role of {role.namespace}/{role.service_account}",
            )
            self.report.mapped(("irsa", role.role_name), "serviceAccounts[]", f"imported (stack {role.stack})")
        return accounts

    def pod_identities(self) -> list[SpecNode]:
        identities = []
        for raw in self.live.pod_identities or []:
            if raw.get("ownerArn"):
                self.report.mapped(("podIdentityAssociations", raw["associationId"]), "", "owned by an addon")
                continue
            namespace, account = str(raw["namespace"]), str(raw["serviceAccount"])
            identity = SpecNode(
                "podIdentities[]", {"namespace": namespace, "serviceAccount": account, "roleArn": raw["roleArn"]}
            )
            if raw.get("targetRoleArn"):
                identity["targetRoleArn"] = raw["targetRoleArn"]
            if raw.get("disableSessionTags") is not None:
                identity["disableSessionTags"] = bool(raw["disableSessionTags"])
            identities.append(identity)
            self.imported(
                names.pod_identity_association_resource(namespace, account),
                f"{self.live.name},{raw['associationId']}",
                f"Pod Identity association of {namespace}/{account}",
            )
            self.report.mapped(
                ("podIdentityAssociations", raw["associationId"]), "podIdentities[]", "imported; role kept by reference"
            )
        return identities

    def stacks(self) -> None:
        for stack in self.live.stacks:
            kinds = sorted({str(r.get("ResourceType")) for r in stack.resources})
            self.report.mapped(
                ("cloudformation", stack.name),
                "",
                f"eksctl stack ({stack.status}) with {len(stack.resources)} resource(s): {', '.join(kinds)}; "
                "retire it with MIGRATION.md (retain, then delete)",
            )
            if "-nodegroup-" in stack.name and any(
                r.get("ResourceType") == "AWS::AutoScaling::AutoScalingGroup" for r in stack.resources
            ):
                self.report.unsupported(
                    ("cloudformation", stack.name, "AutoScalingGroup"),
                    "self-managed node groups are not migrated from a live cluster: add them to nodeGroups and "
                    f"import their Auto Scaling group at {names.self_managed_asg_address('NAME')}, with the "
                    "group named after the Auto Scaling group and namePrefix: false",
                )


def imports_tf(mapping: LiveMapping, cluster: str) -> str:
    lines = [
        f"# Import blocks written by `ekstf migrate --from-cluster {cluster}` (Terraform >= 1.5).",
        "# The first `ekstf plan` then reports these resources as imports instead of creates.",
        "# Delete this file after the first successful apply.",
        "",
    ]
    for block in mapping.imports:
        # The address comes from `names`; the id is quoted (never a heredoc) by the generator's HCL writer.
        lines += [
            f"# {block.what}",
            render_block(Block("import", {"to": Expr(block.address), "id": Expr(quote(block.id))})),
            "",
        ]
    return "\n".join(lines)


def _upgrade_target(running: str, requested: str) -> str:
    """`requested` when EKS can move a cluster running `running` there in one update: the same or the next minor."""
    try:
        step = catalog.minor_number(requested) - catalog.minor_number(running)
    except (IndexError, ValueError):
        return requested  # the live version is not a plain minor: spec validation judges the requested one
    if step < 0:
        raise UserInputError(
            f"--kubernetes-version {requested}: the cluster runs {running} and EKS cannot downgrade a cluster; "
            f"hint: omit the flag or pass {running} or a later version"
        )
    if step > 1:
        nxt = f"1.{catalog.minor_number(running) + 1}"
        raise UserInputError(
            f"--kubernetes-version {requested}: the cluster runs {running} and EKS upgrades one minor version at a "
            f"time; hint: migrate with --kubernetes-version {nxt} (or without the flag) and upgrade after the migration"
        )
    return requested
