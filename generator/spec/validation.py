"""Checks across fields of a structurally valid, completed spec; every problem carries its key path and position.

The spec given here has its defaults filled in (spec/defaults.py). Checks about what the user wrote themselves
(a key set explicitly, a value a default then replaced) read the YAML as written: `given`, `raw` and `written`.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from collections.abc import Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.errors import Problem, Severity
from generator.spec import catalog
from generator.spec.models import Cluster, Disk, NodeGroupBase, Spec, Vpc, WorkloadRole
from generator.spec.positions import KeyPath, LoadedYaml, format_key_path
from generator.suggest import did_you_mean

PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\{\{[^}]*\}\}|<[A-Za-z][\w .-]*>|__[A-Z][A-Z0-9_]*__")
# Free-text fields where `${` and friends are legitimate content, not unresolved placeholders.
_FREE_TEXT_KEYS = {"userData", "configuration", "tags", "labels", "statements", "extraConfig"}
# AWS resource ids: this prefix, then 8 (older resources) or 17 lowercase hex digits.
ID_KINDS = {"vpc-": "VPC", "subnet-": "subnet", "sg-": "security group", "ami-": "AMI", "lt-": "launch template"}
_HEX_ID = re.compile(r"[0-9a-f]{8}|[0-9a-f]{17}")
_ADDON_VERSION = re.compile(r"^(latest|v?\d+\.\d+\.\d+(-eksbuild\.\d+)?)$")
M = TypeVar("M", bound=BaseModel)


class _Checks:
    def __init__(self, loaded: LoadedYaml) -> None:
        self.loaded = loaded
        self.problems: list[Problem] = []

    def error(self, path: KeyPath, message: str, expected: str = "", hint: str = "") -> None:
        self._add(path, message, expected, hint, "error")

    def warn(self, path: KeyPath, message: str, hint: str = "") -> None:
        self._add(path, message, "", hint, "warning")

    def _add(self, path: KeyPath, message: str, expected: str, hint: str, severity: Severity) -> None:
        self.problems.append(
            Problem(message, self.loaded.location(path), format_key_path(path), expected, hint, severity)
        )

    def given(self, *path: str | int) -> bool:
        """Whether the user wrote this key (as opposed to it having its default)."""
        node: Any = self.loaded.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return False
            elif not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def raw(self, *path: str | int) -> Any:
        """The YAML value the user wrote at this key path (None when absent)."""
        node: Any = self.loaded.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return None
            elif not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def written(self, model: type[M], *path: str | int) -> M | None:
        """The section at this key path as the user wrote it, before defaults were filled in (None when absent)."""
        try:
            return model.model_validate(self.raw(*path))
        except ValidationError:
            return None


def find_placeholders(data: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Unresolved template placeholders (`${VAR}`, `{{var}}`, `<vpc-id>`, `__X__`) outside free text."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in _FREE_TEXT_KEYS:
                yield from find_placeholders(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from find_placeholders(value, (*path, index))
    elif isinstance(data, str):
        match = PLACEHOLDER.search(data)
        if match:
            yield path, match.group(0)


def validate_spec(spec: Spec, loaded: LoadedYaml) -> list[Problem]:
    """Every problem of `spec`, the completed spec (defaults.complete) loaded from `loaded`."""
    checks = _Checks(loaded)
    for path, placeholder in find_placeholders(loaded.data):
        checks.error(
            path,
            f"unresolved placeholder {placeholder}",
            hint="set the real value (ekstf migrate --set VAR=VALUE substitutes ${VAR} placeholders)",
        )
    _check_cluster(spec, checks)
    _check_local_cluster(spec, checks)
    vpc_azs = _check_vpc(spec, checks)
    _check_node_groups(spec, checks, vpc_azs)
    _check_windows(spec, checks)
    _check_fargate(spec, checks)
    _check_fargate_only(spec, checks)
    _check_access(spec, checks)
    _check_workload_roles(spec, checks)
    _check_well_known_policies(spec, checks)
    _check_policy_companions(spec, checks)
    _check_identifiers(spec, checks)
    _check_addons(spec, checks)
    _check_existing_resources(spec, checks)
    _check_single_ids(spec, checks)
    _check_terraform(spec, checks)
    _check_formats(spec, checks)
    return checks.problems


def _cidr(checks: _Checks, path: KeyPath, value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        hint = "host bits must be zero" if "host bits" in str(error) else "write a network such as 10.0.0.0/16"
        checks.error(path, f"invalid CIDR {value!r}", expected="a CIDR block like 10.0.0.0/16", hint=hint)
        return None


def _check_cluster(spec: Spec, checks: _Checks) -> None:
    cluster = spec.cluster
    _check_kubernetes_version(spec, checks)
    endpoint = cluster.endpoint
    if not endpoint.public and not endpoint.private:
        checks.error(
            ("cluster", "endpoint"),
            "the API endpoint must be public, private or both",
            hint="set `private: true` (reach it through a VPN, bastion or SSM)",
        )
    for index, cidr in enumerate(endpoint.public_cidrs):
        _cidr(checks, ("cluster", "endpoint", "publicCidrs", index), cidr)
    if endpoint.public and "0.0.0.0/0" in endpoint.public_cidrs and cluster.outpost is None:
        given = checks.given("cluster", "endpoint", "publicCidrs")
        checks.warn(
            ("cluster", "endpoint", "publicCidrs") if given else ("cluster",),
            "the public endpoint is open to the whole internet" + ("" if given else " (the default publicCidrs)"),
            hint="restrict cluster.endpoint.publicCidrs to your office/VPN/CI ranges, or set `public: false`",
        )
    # mode and kmsKeyArn as written: a local cluster's completed spec has encryption turned off.
    written = checks.written(Cluster, "cluster")
    encryption = (written or cluster).secrets_encryption
    if encryption.mode == "existing" and not encryption.kms_key_arn:
        checks.error(
            ("cluster", "secretsEncryption", "kmsKeyArn"),
            "mode `existing` needs the key's ARN",
            hint="set kmsKeyArn, or use mode `create`",
        )
    if encryption.mode != "existing" and encryption.kms_key_arn:
        checks.error(
            ("cluster", "secretsEncryption", "mode"),
            f"kmsKeyArn is set but mode is `{encryption.mode}`",
            hint="remove mode (it defaults to `existing` when a key ARN is given)",
        )
    service_cidr = cluster.kubernetes_network.service_cidr
    if service_cidr:
        network = _cidr(checks, ("cluster", "kubernetesNetwork", "serviceCidr"), service_cidr)
        if network is not None and not (isinstance(network, ipaddress.IPv4Network) and 12 <= network.prefixlen <= 24):
            checks.error(
                ("cluster", "kubernetesNetwork", "serviceCidr"),
                f"service CIDR {service_cidr} must be an IPv4 block between /12 and /24",
                hint="for example 172.20.0.0/16",
            )
    if cluster.remote_network is not None:
        checks.warn(("cluster", "remoteNetwork"), "hybrid nodes are parsed but not generated yet by ekstf")
        _check_remote_network(spec, checks)
    if cluster.auto_mode is not None and cluster.auto_mode.enabled:
        checks.warn(("cluster", "autoMode"), "EKS Auto Mode is parsed but not generated yet by ekstf")


def _check_kubernetes_version(spec: Spec, checks: _Checks) -> None:
    """EKS creates clusters only on the minors it offers: an older one fails CreateCluster, so it is refused."""
    version = spec.cluster.version
    offered = catalog.OFFERED_KUBERNETES_VERSIONS
    if version in offered:
        return
    path: KeyPath = ("cluster", "version")
    if catalog.minor_number(version) > catalog.minor_number(offered[-1]):
        checks.warn(
            path,
            f"Kubernetes {version} is newer than the versions this ekstf release knows ({', '.join(offered)}, "
            f"as of {catalog.KUBERNETES_CATALOG_DATE})",
            hint="`ekstf validate --aws` asks EKS whether it offers it in the region",
        )
        return
    dates = catalog.KUBERNETES_SUPPORT.get(version)
    why = f"its extended support ended {dates[2]}" if dates else "its support has ended"
    source = "" if checks.given("cluster", "version") else " (the default)"
    checks.error(
        path,
        f"EKS does not create clusters on Kubernetes {version}{source}: {why}",
        expected="one of: " + ", ".join(offered),
        hint="set cluster.version to an offered version (`ekstf migrate --kubernetes-version` for a migrated config); "
        "a running cluster is upgraded one minor at a time (`ekstf upgrade`)",
    )


_OUTPOST_ARN = re.compile(
    r"^arn:aws[a-z-]*:outposts:(?P<region>[a-z0-9-]+):(?P<account>\d+):outpost/op-(?P<id>[0-9a-zA-Z]+)$"
)
_REAL_OUTPOST_ARN_PARTS = (re.compile(r"\d{12}"), re.compile(r"[0-9a-f]{17}"))
_LOCAL_CLUSTER_HINT = (
    "not supported on EKS local clusters (eksctl's Outposts guide: features unsupported on local clusters)"
)


def _check_local_cluster(spec: Spec, checks: _Checks) -> None:
    """What an EKS local cluster on Outposts requires and forbids (eksctl's Outposts guide, the EKS API)."""
    cluster = spec.cluster
    outpost = cluster.outpost
    if outpost is None:
        if cluster.authentication_mode == "CONFIG_MAP":
            checks.error(
                ("cluster", "authenticationMode"),
                "CONFIG_MAP needs EKS to bootstrap the creator's admin access, which terraform-aws-modules/eks v21 "
                "turns off; EKS rejects the cluster",
                expected="API or API_AND_CONFIG_MAP",
                hint="use API_AND_CONFIG_MAP to keep aws-auth working alongside access entries",
            )
        return
    base: KeyPath = ("cluster", "outpost")
    for index, arn in enumerate(outpost.arns):
        _check_outpost_arn(spec, checks, (*base, "arns", index), arn)
    checks.warn(
        base,
        "terraform-aws-modules/eks v21 creates the cluster with bootstrapClusterCreatorAdminPermissions=false; "
        "EKS accepts a local cluster only with true and CONFIG_MAP (module issue #2925), so `apply` fails "
        "until the pinned module allows it",
        hint="check the module's release notes before applying; plan and validate work offline",
    )

    def forbid(path: KeyPath, what: str, hint: str = _LOCAL_CLUSTER_HINT) -> None:
        checks.error(path, f"a local cluster on Outposts cannot have {what}", hint=hint)

    # The completed spec has the values a local cluster requires; what the user wrote is in the YAML.
    written = checks.written(Cluster, "cluster") or cluster
    endpoint = written.endpoint
    if endpoint.public and checks.given("cluster", "endpoint", "public"):
        forbid(("cluster", "endpoint", "public"), "a public API endpoint", "local clusters are private-only: remove it")
    if checks.given("cluster", "endpoint", "private") and not endpoint.private:
        forbid(("cluster", "endpoint", "private"), "the private endpoint turned off", "remove `private: false`")
    if checks.given("cluster", "endpoint", "publicCidrs"):
        forbid(("cluster", "endpoint", "publicCidrs"), "public endpoint CIDRs", "remove them: the endpoint is private")
    if checks.given("cluster", "authenticationMode") and written.authentication_mode != "CONFIG_MAP":
        forbid(
            ("cluster", "authenticationMode"),
            f"authentication mode {written.authentication_mode}",
            "EKS accepts only CONFIG_MAP (aws-auth) for a local cluster: remove the key",
        )
    if cluster.access_entries:
        forbid(
            ("cluster", "accessEntries"),
            "access entries",
            "a CONFIG_MAP cluster has none: map IAM principals in the aws-auth ConfigMap instead",
        )
    if written.creator_admin and checks.given("cluster", "creatorAdmin"):
        forbid(
            ("cluster", "creatorAdmin"),
            "a creator access entry",
            "EKS itself gives the creator admin on a local cluster: remove the key",
        )
    if checks.given("cluster", "secretsEncryption") and written.secrets_encryption.mode != "off":
        forbid(("cluster", "secretsEncryption"), "KMS secrets encryption", "set `mode: off` or remove the key")
    if cluster.kubernetes_network.ip_family == "ipv6":
        forbid(("cluster", "kubernetesNetwork", "ipFamily"), "IPv6", "use ipv4")
    if checks.given("cluster", "kubernetesNetwork", "serviceCidr"):
        checks.warn(
            ("cluster", "kubernetesNetwork", "serviceCidr"),
            "the service CIDR is ignored: terraform-aws-modules/eks sends no Kubernetes network config for a local "
            "cluster",
        )
    compute_and_identity: tuple[tuple[str, list[Any], str, str], ...] = (
        ("managedNodeGroups", spec.managed_node_groups, "EKS managed node groups", "use self-managed `nodeGroups`"),
        ("fargateProfiles", spec.fargate_profiles, "Fargate profiles", _LOCAL_CLUSTER_HINT),
        ("serviceAccounts", spec.service_accounts, "IRSA service accounts (no OIDC provider)", _LOCAL_CLUSTER_HINT),
    )
    for key, items, what, hint in compute_and_identity:
        if items:
            forbid((key, 0), what, hint)
    if spec.karpenter is not None and spec.karpenter.enabled:
        forbid(("karpenter", "enabled"), "Karpenter")
    for name in spec.addons or {}:
        forbid(
            ("addons", name),
            "EKS add-ons",
            "EKS installs vpc-cni, kube-proxy and CoreDNS itself; install others with Helm or manifests",
        )
    for index in range(len(spec.node_groups)):
        disk = checks.written(Disk, "nodeGroups", index, "disk")
        if checks.given("nodeGroups", index, "disk", "type") and disk is not None and disk.type != "gp2":
            forbid(("nodeGroups", index, "disk", "type"), f"{disk.type} volumes", "Outposts offer EBS gp2 only")
    if not spec.vpc.existing:
        checks.warn(
            ("vpc",),
            "the new VPC's subnets are regional, not on the Outpost; a local cluster needs a private subnet "
            "on the Outpost (and the VPC associated with the Outpost's local gateway)",
            hint="create the Outpost subnet and use `vpc.id` with `privateSubnetIds: [<the Outpost subnet>]`",
        )


def _check_outpost_arn(spec: Spec, checks: _Checks, path: KeyPath, arn: str) -> None:
    """An Outposts ARN is required; a made-up account or Outpost id (as in eksctl's samples) is only a warning."""
    if PLACEHOLDER.search(arn):
        return
    match = _OUTPOST_ARN.match(arn)
    if match is None:
        checks.error(
            path,
            f"{arn!r} is not an Outpost ARN",
            expected="arn:aws:outposts:REGION:ACCOUNT:outpost/op-<17 hex digits>",
            hint="`aws outposts list-outposts` shows the ARN",
        )
        return
    if match["region"] != spec.cluster.region:
        checks.error(
            path,
            f"the Outpost is homed in {match['region']}, but the cluster is in {spec.cluster.region}",
            hint="a local cluster is created in the Outpost's parent region",
        )
    account_shape, id_shape = _REAL_OUTPOST_ARN_PARTS
    if not (account_shape.fullmatch(match["account"]) and id_shape.fullmatch(match["id"])):
        checks.warn(
            path,
            f"`{arn}` does not look like a real Outpost ARN (a 12-digit account and op- + 17 hex digits)",
        )


def _check_remote_network(spec: Spec, checks: _Checks) -> None:
    """Hybrid node and pod CIDRs must be valid and must not overlap each other, the VPC or the service CIDR."""
    remote = spec.cluster.remote_network
    assert remote is not None
    seen: list[tuple[KeyPath, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    kubernetes = spec.cluster.kubernetes_network
    if kubernetes.service_cidr:
        with contextlib.suppress(ValueError):
            seen.append(
                (("cluster", "kubernetesNetwork", "serviceCidr"), ipaddress.ip_network(kubernetes.service_cidr))
            )
    if not spec.vpc.existing:
        with contextlib.suppress(ValueError):
            seen.append((("vpc", "cidr"), ipaddress.ip_network(spec.vpc.cidr)))
    for key, cidrs in (("nodeCidrs", remote.node_cidrs), ("podCidrs", remote.pod_cidrs)):
        for index, cidr in enumerate(cidrs):
            path: KeyPath = ("cluster", "remoteNetwork", key, index)
            network = _cidr(checks, path, cidr)
            if network is None:
                continue
            for other_path, other in seen:
                if other.version == network.version and other.overlaps(network):
                    checks.error(
                        path,
                        f"{cidr} overlaps {other} ({format_key_path(other_path)})",
                        hint="remote node and pod networks must be disjoint from each other and from the cluster's",
                    )
            seen.append((path, network))


def _check_vpc(spec: Spec, checks: _Checks) -> list[str] | None:
    """Checks the network; returns the pinned AZs of a new VPC (None when not known)."""
    vpc = spec.vpc
    if vpc.existing:
        for key in ("cidr", "availabilityZones", "azCount", "nat", "subnetPrefixLength"):
            if checks.given("vpc", key):
                checks.error(
                    ("vpc", key),
                    f"`{key}` only applies to a new VPC, but the spec names an existing one (`id` or subnet ids)",
                    hint="remove it, or remove `id` and the subnet ids to create a VPC",
                )
        if spec.cluster.outpost is not None:
            if not vpc.private_subnet_ids:
                checks.error(
                    ("vpc", "privateSubnetIds"),
                    "a local cluster on Outposts needs a private subnet on the Outpost",
                    expected="a list with at least one subnet id on the Outpost",
                )
        elif vpc.public_only and len(vpc.public_subnet_ids) >= 2:
            checks.warn(
                ("vpc", "publicSubnetIds"),
                "no private subnets: the control plane's network interfaces and the nodes go in the public subnets, "
                "where nodes are reachable from the internet if their security groups allow it",
                hint="prefer private subnets with a NAT gateway; keep node security groups closed",
            )
            if spec.fargate_profiles:
                checks.error(("fargateProfiles", 0), "Fargate runs pods in private subnets only; the VPC lists none")
        elif len(vpc.private_subnet_ids) < 2:
            checks.error(
                ("vpc", "privateSubnetIds"),
                "an existing VPC needs at least two private subnets (in two AZs), or two public ones only",
                expected="a list of subnet ids, e.g. [subnet-0abc..., subnet-0def...]",
            )
        for key, ids in (
            ("privateSubnetIds", vpc.private_subnet_ids),
            ("publicSubnetIds", vpc.public_subnet_ids),
            ("controlPlaneSubnetIds", vpc.control_plane_subnet_ids),
        ):
            _check_ids(checks, ("vpc", key), ids, "subnet-")
        _check_ids(checks, ("vpc", "securityGroupIds"), vpc.security_group_ids, "sg-")
        return None
    for key in ("privateSubnetIds", "publicSubnetIds", "controlPlaneSubnetIds"):
        if checks.given("vpc", key):
            checks.error(
                ("vpc", key),
                f"`{key}` needs an existing VPC",
                hint="set `vpc.id` to use existing subnets, or remove the key to let ekstf create them",
            )
    network = _cidr(checks, ("vpc", "cidr"), vpc.cidr)
    azs = vpc.availability_zones
    count = len(azs) if azs is not None else vpc.az_count
    if count < 2:
        path: KeyPath = ("vpc", "availabilityZones") if azs is not None else ("vpc", "azCount")
        checks.error(path, f"EKS needs at least two availability zones, got {count}", expected="2 or more AZs")
    if azs is not None:
        for index, az in enumerate(azs):
            if not re.fullmatch(rf"{re.escape(spec.cluster.region)}[a-z]", az):
                checks.error(
                    ("vpc", "availabilityZones", index),
                    f"{az!r} is not an availability zone of {spec.cluster.region}",
                    expected=f"a name like {spec.cluster.region}a",
                )
        if len(set(azs)) != len(azs):
            checks.error(("vpc", "availabilityZones"), "availability zones are listed twice")
    if network is not None:
        if not isinstance(network, ipaddress.IPv4Network) or not 16 <= network.prefixlen <= 24:
            checks.error(("vpc", "cidr"), f"VPC CIDR {vpc.cidr} must be IPv4 between /16 and /24")
        elif vpc.subnet_prefix_length is not None:
            prefix = vpc.subnet_prefix_length
            needed = 2 * count
            available = 2 ** (prefix - network.prefixlen) if prefix > network.prefixlen else 0
            if needed > available:
                checks.error(
                    ("vpc", "subnetPrefixLength") if checks.given("vpc", "subnetPrefixLength") else ("vpc", "cidr"),
                    f"{needed} subnets of /{prefix} do not fit in {vpc.cidr}",
                    hint="use a larger VPC CIDR, fewer AZs or a longer subnetPrefixLength",
                )
            _check_overlap(spec, checks, network)
    return azs


def _check_overlap(spec: Spec, checks: _Checks, vpc_network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> None:
    service_cidr = spec.cluster.kubernetes_network.service_cidr
    if not service_cidr:
        return
    try:
        service = ipaddress.ip_network(service_cidr)
    except ValueError:
        return
    if service.version == vpc_network.version and service.overlaps(vpc_network):
        checks.error(
            ("cluster", "kubernetesNetwork", "serviceCidr"),
            f"service CIDR {service_cidr} overlaps the VPC CIDR {vpc_network}",
            hint="pick a range outside the VPC, e.g. 172.20.0.0/16",
        )


def _check_ids(checks: _Checks, path: KeyPath, ids: list[str], prefix: str) -> None:
    for index, value in enumerate(ids):
        check_id(checks, (*path, index), value, prefix)
    if len(set(ids)) != len(ids):
        checks.error(path, "an id is listed twice")


def check_id(checks: _Checks, path: KeyPath, value: str, prefix: str) -> None:
    """The resource-type prefix is required; a remainder that is not 8 or 17 hex digits only earns a warning.

    Offline, ekstf cannot know whether an id exists (eksctl's own examples use ids like `sg-1`), so only
    `ekstf validate --aws` decides; a missing prefix is a plain mistake (often a name given instead of an id).
    """
    if PLACEHOLDER.search(value):
        return  # reported as an unresolved placeholder
    kind = ID_KINDS[prefix]
    if not value.startswith(prefix) or not re.fullmatch(r"[0-9A-Za-z]+", value[len(prefix) :]):
        checks.error(
            path,
            f"{value!r} is not a {kind} id",
            expected=f"{prefix}<8 or 17 hex digits>",
            hint=f"give the {kind}'s id (it starts with {prefix}), not its name",
        )
    elif not looks_real_id(value, prefix):
        checks.warn(
            path,
            f"`{value}` does not look like a real {kind} id ({prefix} + 8 or 17 hex digits); "
            "`ekstf validate --aws` checks that it exists",
        )


def looks_real_id(value: str, prefix: str) -> bool:
    """Whether `value` has the shape of a real AWS id: the prefix and 8 or 17 lowercase hex digits."""
    return value.startswith(prefix) and _HEX_ID.fullmatch(value[len(prefix) :]) is not None


def _check_single_ids(spec: Spec, checks: _Checks) -> None:
    """Ids whose prefix the models already enforce: only the shape of the rest is checked here."""
    if spec.vpc.id is not None:
        check_id(checks, ("vpc", "id"), spec.vpc.id, "vpc-")
    sections: list[tuple[str, list[Any]]] = [
        ("managedNodeGroups", list(spec.managed_node_groups)),
        ("nodeGroups", list(spec.node_groups)),
    ]
    for section, groups in sections:
        for index, group in enumerate(groups):
            base: KeyPath = (section, index)
            if group.ami is not None:
                check_id(checks, (*base, "ami", "id"), group.ami.id, "ami-")
            template = getattr(group, "launch_template", None)
            if template is not None:
                check_id(checks, (*base, "launchTemplate", "id"), template.id, "lt-")
            _check_ids(checks, (*base, "securityGroupIds"), group.security_group_ids, "sg-")


def _check_node_groups(spec: Spec, checks: _Checks, vpc_azs: list[str] | None) -> None:
    seen: dict[str, KeyPath] = {}
    groups: list[tuple[str, int, NodeGroupBase]] = [
        *(("managedNodeGroups", i, g) for i, g in enumerate(spec.managed_node_groups)),
        *(("nodeGroups", i, g) for i, g in enumerate(spec.node_groups)),
    ]
    minor = int(spec.cluster.version.split(".")[1])
    for section, index, group in groups:
        base: KeyPath = (section, index)
        if group.name in seen:
            checks.error(
                (*base, "name"),
                f"node group name {group.name!r} is used twice (also at {format_key_path(seen[group.name])})",
                hint="node group names must be unique across managedNodeGroups and nodeGroups",
            )
        seen[group.name] = (*base, "name")
        _check_sizes(checks, base, group)
        _check_group_version(checks, base, group, minor)
        _check_ami(checks, base, group, int(spec.node_version(group).split(".")[1]))
        _check_disk(checks, base, group, spec.cluster.outpost is not None)
        _check_subnets(spec, checks, base, group, vpc_azs)
        if group.ssh is not None:
            _check_ssh(checks, (*base, "ssh"), group)
        for t_index, taint in enumerate(group.taints):
            if not taint.key:
                checks.error((*base, "taints", t_index, "key"), "taint key must not be empty")
        if getattr(group, "capacity_type", None) == "SPOT" and len(group.instance_types) == 1:
            checks.warn(
                (*base, "instanceTypes"),
                "a spot node group with a single instance type is interrupted more often",
                hint="list several instance types of the same size",
            )


def _check_group_version(checks: _Checks, base: KeyPath, group: NodeGroupBase, cluster_minor: int) -> None:
    """A pinned group may lag the control plane by the kubelet skew Kubernetes allows, never lead it."""
    if group.version is None:
        return
    minor = int(group.version.split(".")[1])
    if minor > cluster_minor:
        checks.error(
            (*base, "version"),
            f"node group version {group.version} is newer than cluster.version 1.{cluster_minor}",
            expected=f"1.{cluster_minor} or older",
            hint="EKS refuses nodes newer than the control plane; upgrade the cluster first (ekstf upgrade)",
        )
    elif cluster_minor - minor > catalog.KUBELET_MAX_SKEW:
        checks.error(
            (*base, "version"),
            f"node group version {group.version} is {cluster_minor - minor} minors behind cluster.version "
            f"1.{cluster_minor}; Kubernetes allows {catalog.KUBELET_MAX_SKEW}",
            expected=f"1.{cluster_minor - catalog.KUBELET_MAX_SKEW} .. 1.{cluster_minor}",
            hint="upgrade the group's nodes first (ekstf upgrade SPEC --to VERSION --stage nodes)",
        )


def _check_windows(spec: Spec, checks: _Checks) -> None:
    groups: list[tuple[KeyPath, NodeGroupBase]] = [
        *((("managedNodeGroups", i), g) for i, g in enumerate(spec.managed_node_groups)),
        *((("nodeGroups", i), g) for i, g in enumerate(spec.node_groups)),
    ]
    windows = [(path, g) for path, g in groups if g.os_family == "windows"]
    if not windows:
        return
    first = windows[0][0]
    if len(windows) == len(groups) and not spec.fargate_profiles:
        checks.warn(
            first,
            "every node group is Windows: CoreDNS and other system pods need Linux nodes",
            hint="add a small Linux managed node group",
        )
    if spec.cluster.kubernetes_network.ip_family == "ipv6":
        checks.warn(first, "EKS does not support Windows pods on IPv6 clusters", hint="use an IPv4 cluster")
    # An `addons` map the user wrote can leave vpc-cni out (a local cluster's EKS-installed one is not an addon).
    if checks.raw("addons") is not None and "vpc-cni" not in (spec.addons or {}):
        checks.warn(
            first,
            "Windows pods get IP addresses only with Windows IPAM, which ekstf turns on in the vpc-cni addon; "
            "`addons` leaves vpc-cni out",
            hint='add vpc-cni to addons, or set enable-windows-ipam: "true" in the amazon-vpc-cni ConfigMap yourself',
        )


def _check_sizes(checks: _Checks, base: KeyPath, group: NodeGroupBase) -> None:
    desired = group.desired_size
    if group.min_size > group.max_size:
        checks.error(
            (*base, "minSize"),
            f"minSize {group.min_size} is greater than maxSize {group.max_size}",
            expected="minSize <= desiredSize <= maxSize",
        )
    elif desired is not None and not group.min_size <= desired <= group.max_size:
        checks.error(
            (*base, "desiredSize"),
            f"desiredSize {desired} is outside minSize {group.min_size} .. maxSize {group.max_size}",
            expected="minSize <= desiredSize <= maxSize",
        )


def _check_ami(checks: _Checks, base: KeyPath, group: NodeGroupBase, minor: int) -> None:
    # The completed amiType is CUSTOM with a custom AMI and derived from the instance types otherwise: the checks
    # of the amiType itself are about the one the user wrote.
    written = checks.written(type(group), *base)
    ami_type_given = checks.given(*base, "amiType")
    if group.ami is not None and ami_type_given and written is not None and written.ami_type != "CUSTOM":
        checks.error(
            (*base, "amiType"),
            "set either amiType or a custom `ami`, not both",
            hint="a custom AMI gets no EKS amiType; its user data must bootstrap the node fully",
        )
    if group.ami is None and group.ami_type == "CUSTOM":
        checks.error((*base, "amiType"), "amiType CUSTOM needs `ami: {id, family}`")
    arm = [t for t in group.instance_types if catalog.is_arm_instance_type(t)]
    x86 = [t for t in group.instance_types if not catalog.is_arm_instance_type(t)]
    if arm and x86:
        checks.error(
            (*base, "instanceTypes"),
            f"mixes ARM ({', '.join(arm)}) and x86 ({', '.join(x86)}) instance types",
            hint="a node group uses one AMI, so one architecture; split it into two groups",
        )
    if group.ami_type and ami_type_given:
        arch = catalog.ami_arch(group.ami_type)
        if arch == "x86_64" and arm:
            checks.error(
                (*base, "amiType"),
                f"{group.ami_type} is an x86_64 AMI but {', '.join(arm)} are ARM (Graviton) instance types",
                hint=f"use {group.ami_type.replace('x86_64', 'ARM_64')} or x86 instance types",
            )
        if arch == "arm64" and x86:
            checks.error(
                (*base, "amiType"),
                f"{group.ami_type} is an ARM64 AMI but {', '.join(x86)} are x86_64 instance types",
                hint="use Graviton instance types (for example m7g.large) or an x86_64 amiType",
            )
    family = group.os_family
    if family == "al2" and minor > catalog.AL2_LAST_MINOR:
        checks.error(
            (*base, "amiType" if group.ami is None else "ami"),
            f"Amazon Linux 2 AMIs are not published for Kubernetes 1.{minor} (the last is 1.{catalog.AL2_LAST_MINOR})",
            hint="use an AL2023 or Bottlerocket amiType",
        )
    user_data = group.user_data
    if user_data is not None and user_data.bootstrap_script is not None:
        full = base[0] == "nodeGroups" or group.ami is not None
        if not full:
            checks.error(
                (*base, "userData", "bootstrapScript"),
                "a managed group on an EKS-optimized AMI is bootstrapped by EKS, which appends its own bootstrap",
                hint="use `ami: {id, family}` (a custom AMI) to bootstrap the nodes yourself, or use `shell` for "
                "commands before EKS's bootstrap",
            )
        if family == "bottlerocket":
            checks.error(
                (*base, "userData", "bootstrapScript"),
                "Bottlerocket nodes take TOML settings, not a bootstrap script",
                hint="use bottlerocketToml",
            )
        replaced = [
            k
            for k, v in (("nodeConfig", user_data.node_config), ("bootstrapExtraArgs", user_data.bootstrap_extra_args))
            if v
        ]
        if group.kubelet is not None and (group.kubelet.max_pods is not None or group.kubelet.extra_config):
            replaced.append("kubelet")
        for key in replaced:
            checks.warn(
                (*base, "kubelet") if key == "kubelet" else (*base, "userData", key),
                "ignored: bootstrapScript replaces the bootstrap that would apply it",
                hint="pass the setting in your bootstrap script",
            )
    if user_data is not None:
        allowed = {
            "al2023": {"shell", "node_config", "bootstrap_script"},
            "al2": {"shell", "bootstrap_extra_args", "bootstrap_script"},
            "bottlerocket": {"bottlerocket_toml", "bootstrap_script"},
            "windows": {"bootstrap_script"},
        }.get(family, {"shell", "node_config", "bottlerocket_toml", "bootstrap_extra_args", "bootstrap_script"})
        for name in ("shell", "node_config", "bottlerocket_toml", "bootstrap_extra_args"):
            if getattr(user_data, name) is not None and name not in allowed:
                key = {"node_config": "nodeConfig", "bottlerocket_toml": "bottlerocketToml"}.get(
                    name, "bootstrapExtraArgs" if name == "bootstrap_extra_args" else name
                )
                checks.error(
                    (*base, "userData", key),
                    f"`{key}` does not apply to {family} nodes",
                    hint=f"{family} accepts: {', '.join(sorted(allowed)) or 'no extra user data'}",
                )


def _check_disk(checks: _Checks, base: KeyPath, group: NodeGroupBase, outpost: bool) -> None:
    disk = group.disk
    # On an Outpost the completed type is gp2 whatever was written. A written other type is refused by the
    # local-cluster checks, which covers its throughput and iops; an unwritten one is explained here.
    written = checks.written(Disk, *base, "disk") if outpost else None
    outpost_type_refused = written is not None and checks.given(*base, "disk", "type") and written.type != "gp2"
    forced = " (Outposts offer EBS gp2 only, so this volume is gp2)" if outpost and disk.type == "gp2" else ""
    if disk.throughput is not None and disk.type != "gp3" and not outpost_type_refused:
        checks.error((*base, "disk", "throughput"), "throughput applies to gp3 volumes only" + forced)
    if disk.iops is not None and disk.type == "gp2" and not outpost_type_refused:
        checks.error(
            (*base, "disk", "iops"),
            "gp2 volumes do not take provisioned IOPS" + forced,
            hint="" if forced else "use gp3",
        )
    if disk.type in ("io1", "io2") and disk.iops is None:
        checks.error((*base, "disk", "iops"), f"{disk.type} volumes need iops")
    if disk.kms_key_id and disk.encrypted:
        checks.warn(
            (*base, "disk", "kmsKeyId"),
            "the key policy of a customer-managed key must let the AutoScaling service-linked role "
            "(AWSServiceRoleForAutoScaling) use it (kms:CreateGrant, Decrypt, DescribeKey, GenerateDataKey*, "
            "ReEncrypt*), or nodes fail to launch",
            hint="add that statement to the key policy (see the generated README); ekstf does not manage the key",
        )


def _check_subnets(spec: Spec, checks: _Checks, base: KeyPath, group: NodeGroupBase, vpc_azs: list[str] | None) -> None:
    vpc: Vpc = spec.vpc
    if isinstance(group.subnets, list):
        if not vpc.existing:
            checks.error(
                (*base, "subnets"),
                "subnet ids need an existing VPC (`vpc.id`)",
                hint="use `private` or `public` with a new VPC",
            )
        _check_ids(checks, (*base, "subnets"), group.subnets, "subnet-")
    elif group.subnets == "public" and vpc.existing and not vpc.public_subnet_ids:
        checks.error((*base, "subnets"), "`public` needs vpc.publicSubnetIds", hint="list the public subnets")
    if group.availability_zones is not None:
        if vpc.existing:
            checks.error(
                (*base, "availabilityZones"),
                "availabilityZones needs a new VPC; with an existing VPC, list the subnet ids instead",
            )
        elif vpc_azs is not None:
            for index, az in enumerate(group.availability_zones):
                if az not in vpc_azs:
                    checks.error(
                        (*base, "availabilityZones", index),
                        f"{az!r} is not one of the VPC's availability zones",
                        expected=", ".join(vpc_azs),
                    )
        else:
            checks.error(
                (*base, "availabilityZones"),
                "availabilityZones needs the VPC's AZs pinned",
                hint="set vpc.availabilityZones so node groups can pick from them",
            )


def _check_ssh(checks: _Checks, path: KeyPath, group: NodeGroupBase) -> None:
    ssh = group.ssh
    assert ssh is not None
    for index, cidr in enumerate(ssh.source_cidrs):
        network = _cidr(checks, (*path, "sourceCidrs", index), cidr)
        if network is not None and network.prefixlen == 0 and not ssh.allow_open_to_world:
            checks.error(
                (*path, "sourceCidrs", index),
                f"SSH open to {cidr} exposes every node to the internet",
                hint="use SSM Session Manager, restrict the CIDR, or set `allowOpenToWorld: true` deliberately",
            )
    if ssh.key_name is None and (ssh.source_cidrs or ssh.source_security_group_ids):
        checks.error((*path, "keyName"), "SSH sources are set but no keyName", hint="name an EC2 key pair")
    _check_ids(checks, (*path, "sourceSecurityGroupIds"), ssh.source_security_group_ids, "sg-")


def _check_fargate(spec: Spec, checks: _Checks) -> None:
    names: set[str] = set()
    for index, profile in enumerate(spec.fargate_profiles):
        if profile.name in names:
            checks.error(("fargateProfiles", index, "name"), f"Fargate profile {profile.name!r} is defined twice")
        names.add(profile.name)
        if profile.subnets is not None:
            if not spec.vpc.existing:
                checks.error(("fargateProfiles", index, "subnets"), "subnet ids need an existing VPC (`vpc.id`)")
            _check_ids(checks, ("fargateProfiles", index, "subnets"), profile.subnets, "subnet-")


_COREDNS_POD_LABELS = {"k8s-app": "kube-dns"}


def _check_fargate_only(spec: Spec, checks: _Checks) -> None:
    """With no EC2 node group, CoreDNS has nowhere to run unless a Fargate profile takes kube-system's DNS pods."""
    if not spec.fargate_only or "coredns" not in (spec.addons or {}):
        return
    for profile in spec.fargate_profiles:
        for selector in profile.selectors:
            labels = selector.labels.items()
            if selector.namespace == "kube-system" and all(_COREDNS_POD_LABELS.get(k) == v for k, v in labels):
                return
    checks.error(
        ("fargateProfiles",),
        "no EC2 node group and no Fargate profile selects kube-system: CoreDNS would stay Pending and the coredns "
        "addon never becomes active",
        expected="a selector `{namespace: kube-system}` (labels, if any, matching k8s-app: kube-dns)",
        hint="add a Fargate profile for kube-system, or a managed node group",
    )


def _check_access(spec: Spec, checks: _Checks) -> None:
    principals: set[str] = set()
    for index, entry in enumerate(spec.cluster.access_entries):
        base: KeyPath = ("cluster", "accessEntries", index)
        if entry.principal_arn in principals:
            checks.error((*base, "principalArn"), f"{entry.principal_arn} has two access entries", hint="merge them")
        principals.add(entry.principal_arn)
        if not re.fullmatch(r"arn:aws[a-z-]*:(iam|sts)::\d{12}:(role|user|assumed-role)/.+", entry.principal_arn):
            checks.error(
                (*base, "principalArn"),
                f"{entry.principal_arn!r} is not an IAM role or user ARN",
                expected="arn:aws:iam::123456789012:role/NAME",
            )
        for p_index, policy in enumerate(entry.policies):
            ppath = (*base, "policies", p_index)
            if not policy.policy.startswith("arn:") and policy.policy not in catalog.ACCESS_POLICIES:
                checks.error(
                    (*ppath, "policy"),
                    f"unknown access policy {policy.policy!r}",
                    expected=", ".join(catalog.ACCESS_POLICIES),
                    hint=did_you_mean(policy.policy, catalog.ACCESS_POLICIES) or "give a listed name or an ARN",
                )
            if policy.scope == "namespace" and not policy.namespaces:
                checks.error((*ppath, "namespaces"), "scope `namespace` needs at least one namespace")
            if policy.scope == "cluster" and policy.namespaces:
                checks.error(
                    (*ppath, "scope"), "namespaces are listed but scope is `cluster`", hint="set scope: namespace"
                )
        if entry.type != "STANDARD" and (entry.policies or entry.kubernetes_groups):
            checks.error((*base, "type"), f"{entry.type} entries take no policies or groups; EKS assigns them")
        if entry.type == "STANDARD" and not entry.policies and not entry.kubernetes_groups:
            checks.warn(base, "this access entry grants nothing", hint="add policies or kubernetesGroups")


def _check_workload_roles(spec: Spec, checks: _Checks) -> None:
    seen: set[tuple[str, str]] = set()
    roles: list[tuple[KeyPath, tuple[str, str], WorkloadRole]] = [
        *((("serviceAccounts", i), (s.namespace, s.name), s) for i, s in enumerate(spec.service_accounts)),
        *((("podIdentities", i), (p.namespace, p.service_account), p) for i, p in enumerate(spec.pod_identities)),
    ]
    for path, identity, role in roles:
        if identity in seen:
            checks.error(path, f"service account {identity[0]}/{identity[1]} is given two roles")
        seen.add(identity)
        if not (role.policy_arns or role.well_known_policies or role.statements or getattr(role, "role_arn", None)):
            checks.error(
                path,
                "the role has no permissions",
                hint="add policyArns, wellKnownPolicies or statements",
            )


def _check_identifiers(spec: Spec, checks: _Checks) -> None:
    """Two spec entries must never give the same Terraform identifier or AWS name (by `generate.names`, which
    names every block the generator writes); exact duplicates are reported by the checks of their section."""
    from generator.generate import names

    reported: set[tuple[KeyPath, KeyPath]] = set()
    for what, ident, first, path in names.duplicates(spec):
        if (first, path) in reported or _same_entry_name(spec, first, path):
            continue
        reported.add((first, path))
        where = checks.loaded.location(first)
        workloads = {first[0], path[0]} <= {"serviceAccounts", "podIdentities", "addons"}
        checks.error(
            path,
            f"the {what} `{ident}` ekstf derives from this entry is also derived from {format_key_path(first)} "
            f"(line {where.line}): the generated repository would declare it twice",
            hint=("for one service account, merge the two entries' policies into one; otherwise " if workloads else "")
            + "rename one of them (ekstf derives Terraform names from these names; `-`, `_` and `.` give the same)",
        )


def _same_entry_name(spec: Spec, first: KeyPath, path: KeyPath) -> bool:
    """Whether both paths name the same node group or the same service account in serviceAccounts/podIdentities
    (reported as a duplicate by their own checks)."""

    def entry(key: KeyPath) -> tuple[str, ...] | None:
        section, index = key[0], key[1]
        if section in ("managedNodeGroups", "nodeGroups") and isinstance(index, int):
            groups = spec.managed_node_groups if section == "managedNodeGroups" else spec.node_groups
            return ("group", groups[index].name)
        if section == "serviceAccounts" and isinstance(index, int):
            return ("sa", spec.service_accounts[index].namespace, spec.service_accounts[index].name)
        if section == "podIdentities" and isinstance(index, int):
            pod = spec.pod_identities[index]
            return ("sa", pod.namespace, pod.service_account)
        return None

    a, b = entry(first), entry(path)
    return a is not None and a == b


def _all_workload_roles(spec: Spec) -> list[tuple[KeyPath, WorkloadRole]]:
    roles: list[tuple[KeyPath, WorkloadRole]] = [
        *((("serviceAccounts", i), r) for i, r in enumerate(spec.service_accounts)),
        *((("podIdentities", i), r) for i, r in enumerate(spec.pod_identities)),
    ]
    for name, addon in (spec.addons or {}).items():
        roles += [
            (("addons", name, key), role)
            for key, role in (("irsa", addon.irsa), ("podIdentity", addon.pod_identity))
            if role
        ]
    return roles


def _check_well_known_policies(spec: Spec, checks: _Checks) -> None:
    """Well-known policies a role ekstf creates cannot carry: IRSA has no Karpenter controller policy in ekstf,
    and a Pod Identity role gets AWS managed policies only (catalog.POD_IDENTITY_WELL_KNOWN_POLICIES)."""
    for path, role in _all_workload_roles(spec):
        if getattr(role, "role_arn", None):
            continue  # an existing role: its settings are ignored (warned by _check_existing_resources)
        pod_identity = path[0] == "podIdentities" or path[-1] == "podIdentity"
        for index, name in enumerate(role.well_known_policies):
            policy_path: KeyPath = (*path, "wellKnownPolicies", index)
            if pod_identity and name not in catalog.POD_IDENTITY_WELL_KNOWN_POLICIES:
                checks.error(
                    policy_path,
                    f"wellKnownPolicies `{name}` has no AWS managed policy to attach to a Pod Identity role",
                    expected="one of: " + ", ".join(catalog.POD_IDENTITY_WELL_KNOWN_POLICIES),
                    hint="use an IRSA role (serviceAccounts / addon `irsa`) for this controller, or list policyArns",
                )
            elif not pod_identity and name == "karpenterController":
                checks.error(
                    policy_path,
                    "wellKnownPolicies `karpenterController` is not an IRSA policy in ekstf",
                    hint="enable `karpenter:` instead; its controller role comes from the EKS module's karpenter "
                    "submodule",
                )


_HOSTED_ZONE_ARN = re.compile(r"^arn:aws[a-z-]*:route53:::hostedzone/[A-Za-z0-9*]+$")


def _check_policy_companions(spec: Spec, checks: _Checks) -> None:
    """What a well-known policy needs beside its name: the hosted zones of externalDNS and certManager."""
    for path, role in _all_workload_roles(spec):
        uses_zones = [p for p in role.well_known_policies if p in catalog.HOSTED_ZONE_POLICIES]
        if role.hosted_zone_arns is None:
            if uses_zones:
                checks.warn(
                    (*path, "wellKnownPolicies"),
                    f"{' and '.join(uses_zones)} may change records in every Route 53 hosted zone of the account "
                    f"({catalog.ALL_HOSTED_ZONES})",
                    hint="list the zones in hostedZoneArns (arn:aws:route53:::hostedzone/ZONEID)",
                )
            continue
        if not uses_zones:
            checks.warn(
                (*path, "hostedZoneArns"),
                "ignored: only the externalDNS and certManager well-known policies use hosted zones",
            )
        if not role.hosted_zone_arns:
            checks.error(
                (*path, "hostedZoneArns"),
                "an empty list gives the policy a statement with no Resource (IAM: MalformedPolicyDocument)",
                hint="list at least one zone, or remove the key to allow every zone",
            )
        for index, arn in enumerate(role.hosted_zone_arns):
            if not _HOSTED_ZONE_ARN.fullmatch(arn):
                checks.error(
                    (*path, "hostedZoneArns", index),
                    f"{arn!r} is not a Route 53 hosted zone ARN",
                    expected="arn:aws:route53:::hostedzone/ZONEID",
                )


def _check_addons(spec: Spec, checks: _Checks) -> None:
    if checks.raw("addons") is None:
        if spec.addons_defaults is not None:
            checks.warn(("addonsDefaults",), "ignored: there is no `addons` map, so the defaults are installed")
    elif spec.addons_defaults is None and spec.cluster.outpost is None:
        essential = [a for a in catalog.ESSENTIAL_ADDONS if a not in (spec.addons or {})]
        if essential:
            checks.warn(
                ("addons",),
                f"the addons map replaces ekstf's defaults, so {', '.join(essential)} will not be installed, and "
                "terraform-aws-eks v21 creates the cluster without EKS's own copies (bootstrap_self_managed_addons "
                "= false): " + "; ".join(f"without {a}, {catalog.ESSENTIAL_ADDONS[a]}" for a in essential),
                hint="set `addonsDefaults: keep` to add the defaults to the map, or `addonsDefaults: replace` if "
                "you install them another way",
            )
    for name, addon in (spec.addons or {}).items():
        if not _ADDON_VERSION.fullmatch(addon.version):
            checks.error(
                ("addons", name, "version"),
                f"invalid addon version {addon.version!r}",
                expected="`latest` or an exact version like v1.19.2-eksbuild.1",
            )
        if addon.irsa is not None and addon.pod_identity is not None:
            checks.error(("addons", name), "use irsa or podIdentity for an addon, not both")
    _check_pod_identity(spec, checks)


def pod_identity_users(spec: Spec) -> list[tuple[KeyPath, str, str]]:
    """Everything whose pods get AWS credentials by EKS Pod Identity: (key path, namespace, what it is)."""
    users: list[tuple[KeyPath, str, str]] = [
        (("podIdentities", i), p.namespace, f"service account {p.namespace}/{p.service_account}")
        for i, p in enumerate(spec.pod_identities)
    ]
    for name, addon in (spec.addons or {}).items():
        if addon.pod_identity is not None:
            users.append((("addons", name, "podIdentity"), catalog.addon_namespace(name), f"addon {name}"))
    if spec.karpenter is not None and spec.karpenter.enabled:
        users.append((("karpenter",), spec.karpenter.namespace, "the Karpenter controller"))
    return users


def _check_pod_identity(spec: Spec, checks: _Checks) -> None:
    """Pod Identity works only with the eks-pod-identity-agent addon, and not on Fargate."""
    if spec.cluster.outpost is not None:
        return  # a local cluster has no add-ons at all; reported by the local-cluster checks
    # Only an `addons` map the user wrote can leave the agent out (Fargate-only clusters get no agent by default).
    agent_missing = checks.raw("addons") is not None and catalog.POD_IDENTITY_AGENT not in (spec.addons or {})
    for path, namespace, what in pod_identity_users(spec):
        if agent_missing:
            checks.error(
                path,
                f"Pod Identity ({what}) needs the eks-pod-identity-agent addon, which `addons` leaves out",
                hint="add `eks-pod-identity-agent: latest` to addons (or `addonsDefaults: keep`)",
            )
        for profile in spec.fargate_profiles:
            for selector in profile.selectors:
                if selector.namespace != namespace:
                    continue
                message = (
                    f"{what} uses Pod Identity, but Fargate profile {profile.name!r} runs pods of namespace "
                    f"{namespace} on Fargate, which does not support EKS Pod Identity"
                )
                hint = "use IRSA instead (serviceAccounts, or the addon's `irsa`), or run these pods on EC2 nodes"
                if selector.labels:
                    checks.warn(path, message + " (the pods carrying the selector's labels)", hint=hint)
                else:
                    checks.error(path, message, hint=hint)


# The major versions ekstf's templates are written for; a pin may move within the line, not off it.
_MODULE_LINES = {"eks": 21, "vpc": 6, "iam": 6}


def _check_module_pins(spec: Spec, checks: _Checks) -> None:
    modules = spec.terraform.modules
    for name, major in _MODULE_LINES.items():
        pin = getattr(modules, name)
        if not re.fullmatch(rf"\s*(=|~>)?\s*{major}\.\d+(\.\d+)?\s*", pin):
            checks.error(
                ("terraform", "modules", name),
                f"ekstf generates code for terraform-aws-modules/{name} {major}.x; {pin!r} is not on that line",
                expected=f"an exact {major}.x version such as {getattr(type(modules)(), name)}, or `~> {major}.N`",
                hint="other major versions rename inputs; upgrade the pin within the line only",
            )


def _check_terraform(spec: Spec, checks: _Checks) -> None:
    _check_module_pins(spec, checks)
    backend = spec.terraform.backend
    if backend.type == "s3" and not backend.bucket:
        checks.error(
            ("terraform", "backend", "bucket"),
            "an S3 backend needs a bucket",
            hint="create one with `ekstf bootstrap-state --bucket NAME --region REGION`",
        )
    if backend.type == "local" and backend.bucket:
        checks.error(("terraform", "backend", "type"), "bucket is set but the backend type is local", hint="type: s3")
    if (
        spec.karpenter is not None
        and spec.karpenter.enabled
        and not (spec.managed_node_groups or spec.fargate_profiles)
    ):
        checks.warn(
            ("karpenter",),
            "Karpenter's controller needs somewhere to run before it can make nodes",
            hint="add a small managed node group or a Fargate profile for its namespace",
        )


_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
_IAM_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def _check_formats(spec: Spec, checks: _Checks) -> None:
    """Values AWS or Kubernetes would reject at apply time, caught before anything is written."""
    for section, groups in (("managedNodeGroups", spec.managed_node_groups), ("nodeGroups", spec.node_groups)):
        for index, group in enumerate(groups):
            for t_index, instance_type in enumerate(group.instance_types):
                if not _INSTANCE_TYPE.fullmatch(instance_type):
                    checks.error(
                        (section, index, "instanceTypes", t_index),
                        f"{instance_type!r} is not an EC2 instance type",
                        expected="family.size in lower case, e.g. m6i.large",
                    )
            ami_type = (group.ami_type or "") if checks.given(section, index, "amiType") else ""
            if "NVIDIA" in ami_type or ami_type == "AL2_x86_64_GPU":
                plain = [t for t in group.instance_types if not catalog.is_gpu_instance_type(t)]
                if plain:
                    checks.warn(
                        (section, index, "amiType"),
                        f"{ami_type} is a GPU AMI but {', '.join(plain)} have no NVIDIA GPU",
                        hint="use a STANDARD amiType for these instance types",
                    )
            _check_labels_and_taints(checks, (section, index), group)
    for path, role in _all_workload_roles(spec):
        if role.role_name is not None and not _IAM_ROLE_NAME.fullmatch(role.role_name):
            checks.error(
                (*path, "roleName"),
                f"{role.role_name!r} is not a valid IAM role name",
                expected="1 to 64 letters, digits and +=,.@_-",
            )
    names: list[tuple[KeyPath, str]] = []
    for index, account in enumerate(spec.service_accounts):
        names += [(("serviceAccounts", index, "name"), account.name)]
        names += [(("serviceAccounts", index, "namespace"), account.namespace)]
    for index, identity in enumerate(spec.pod_identities):
        names += [(("podIdentities", index, "namespace"), identity.namespace)]
        names += [(("podIdentities", index, "serviceAccount"), identity.service_account)]
    for path, value in names:
        if len(value) > 253 or not _K8S_NAME.fullmatch(value):
            checks.error(
                path,
                f"{value!r} is not a valid Kubernetes name",
                expected="lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit",
            )
    backend = spec.terraform.backend
    if backend.bucket is not None and (not _BUCKET.fullmatch(backend.bucket) or ".." in backend.bucket):
        checks.error(
            ("terraform", "backend", "bucket"),
            f"{backend.bucket!r} is not a valid S3 bucket name",
            expected="3 to 63 lower-case letters, digits, `.` and `-`",
        )


_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _label_key_ok(key: str) -> bool:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        return False
    return bool(_LABEL_NAME.fullmatch(name))


def _label_value_ok(value: str) -> bool:
    return value == "" or bool(_LABEL_NAME.fullmatch(value))


def _check_labels_and_taints(checks: _Checks, base: KeyPath, group: NodeGroupBase) -> None:
    """Kubernetes label and taint syntax: EKS rejects bad ones only when the node group is created."""
    syntax = "[prefix/]name: name up to 63 letters, digits, `-`, `_`, `.`, starting and ending alphanumeric"
    for key, value in group.labels.items():
        if not _label_key_ok(key):
            checks.error((*base, "labels", key), f"{key!r} is not a valid Kubernetes label key", expected=syntax)
        elif not _label_value_ok(value):
            checks.error(
                (*base, "labels", key),
                f"{value!r} is not a valid Kubernetes label value",
                expected="up to 63 letters, digits, `-`, `_`, `.`, starting and ending alphanumeric (or empty)",
            )
    for index, taint in enumerate(group.taints):
        if taint.key and not _label_key_ok(taint.key):
            checks.error((*base, "taints", index, "key"), f"{taint.key!r} is not a valid taint key", expected=syntax)
        if taint.value and not _label_value_ok(taint.value):
            checks.error(
                (*base, "taints", index, "value"),
                f"{taint.value!r} is not a valid taint value",
                expected="up to 63 letters, digits, `-`, `_`, `.`, starting and ending alphanumeric",
            )


# Settings ekstf writes into a launch template: with the group's own template (`launchTemplate`) they live there.
# (`ami` is not one: with a launch template it declares the image the template boots.)
_TEMPLATE_SETTINGS = (
    "securityGroupIds", "disk", "ssh", "userData", "kubelet", "imdsHopLimit", "efa", "placementGroup",
    "detailedMonitoring",
)  # fmt: skip
_ROLE_SETTINGS = ("policyArns", "wellKnownPolicies", "statements", "permissionsBoundary", "roleName")


def _check_existing_resources(spec: Spec, checks: _Checks) -> None:
    """Existing resources the spec refers to (roles, launch templates): settings ekstf would give them are ignored."""
    if spec.cluster.service_role_arn and spec.cluster.service_role_permissions_boundary:
        checks.warn(
            ("cluster", "serviceRolePermissionsBoundary"),
            "ignored: the cluster uses the existing role serviceRoleArn, ekstf creates none",
        )
    sections: list[tuple[str, list[Any]]] = [
        ("managedNodeGroups", list(spec.managed_node_groups)),
        ("nodeGroups", list(spec.node_groups)),
    ]
    for section, groups in sections:
        for index, group in enumerate(groups):
            base: KeyPath = (section, index)
            template = getattr(group, "launch_template", None)
            if template is not None and template.sets_instance_type and checks.given(*base, "instanceTypes"):
                checks.warn(
                    (*base, "instanceTypes"),
                    f"ignored: launch template {template.id} sets the instance type (launchTemplate.setsInstanceType)",
                )
            for key in _TEMPLATE_SETTINGS:
                if template is not None and checks.given(*base, key):
                    checks.warn(
                        (*base, key),
                        f"ignored: the group uses its own launch template {template.id}, which must hold this setting",
                        hint="change the launch template, or remove launchTemplate to let ekstf write one",
                    )
            if group.iam.role_arn is None:
                continue
            if section == "nodeGroups":
                checks.warn(
                    (*base, "iam", "roleArn"),
                    "ignored: ekstf creates the node role of a self-managed group with the instance profile its "
                    "launch template needs",
                    hint="use iam.additionalPolicyArns for extra permissions",
                )
                continue
            for key in ("additionalPolicyArns", "permissionsBoundary"):
                if checks.given(*base, "iam", key):
                    checks.warn((*base, "iam", key), "ignored: the group uses the existing node role iam.roleArn")
    for index, identity in enumerate(spec.pod_identities):
        if identity.role_arn:
            _warn_role_settings(checks, ("podIdentities", index))
    for index, account in enumerate(spec.service_accounts):
        if account.role_arn:
            _warn_role_settings(checks, ("serviceAccounts", index))
        if "eks.amazonaws.com/role-arn" in account.annotations:
            checks.error(
                ("serviceAccounts", index, "annotations", "eks.amazonaws.com/role-arn"),
                "ekstf writes this annotation from the role it creates (or roleArn)",
                hint="use roleArn for an existing role",
            )
    for name, addon in (spec.addons or {}).items():
        if addon.service_account_role_arn and (addon.irsa is not None or addon.pod_identity is not None):
            checks.error(
                ("addons", name, "serviceAccountRoleArn"),
                "an existing role (serviceAccountRoleArn) and a role ekstf creates (irsa / podIdentity) for one addon",
                hint="keep one of them",
            )
        for key in ("irsa", "podIdentity"):
            role = addon.irsa if key == "irsa" else addon.pod_identity
            if role is not None and role.role_arn:
                _warn_role_settings(checks, ("addons", name, key))


def _warn_role_settings(checks: _Checks, base: KeyPath) -> None:
    for key in _ROLE_SETTINGS:
        if checks.given(*base, key):
            checks.warn((*base, key), "ignored: roleArn names an existing role, ekstf creates none")
