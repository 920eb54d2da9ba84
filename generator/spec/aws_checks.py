"""`ekstf validate --aws`: check a valid spec against the AWS account with boto3 (read-only calls).

- availability zones: offered in the region, `available`, and opted in;
- an existing VPC, its subnets (each in that VPC) and security groups exist;
- node groups' custom AMIs and launch templates exist;
- KMS keys named in the spec exist and are enabled;
- every instance type is offered in the AZs its node group uses;
- EKS offers the cluster's Kubernetes version (`eks:DescribeClusterVersions`).

Findings are `Problem`s with key paths and positions (exit 2). Missing or rejected credentials are
bad input too (exit 2, with the hint every AWS command gives); an unreachable endpoint or a denied call raises
`ToolError` (exit 1) with a plain message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from generator.aws_credentials import ACCESS_DENIED, BAD_CREDENTIALS, CREDENTIALS_HINT, REFRESH_HINT
from generator.errors import Problem, ToolError, UserInputError
from generator.spec.models import NodeGroupBase, Spec
from generator.spec.positions import KeyPath, LoadedYaml, format_key_path

T = TypeVar("T")


@dataclass
class _Findings:
    loaded: LoadedYaml
    problems: list[Problem] = field(default_factory=list)

    def error(self, path: KeyPath, message: str, hint: str = "", expected: str = "") -> None:
        self.problems.append(
            Problem(message, self.loaded.location(path), format_key_path(path), expected, hint, "error")
        )

    def warn(self, path: KeyPath, message: str, hint: str = "") -> None:
        self.problems.append(Problem(message, self.loaded.location(path), format_key_path(path), "", hint, "warning"))


@dataclass
class _Subnet:
    vpc_id: str
    availability_zone: str


def check_against_aws(spec: Spec, loaded: LoadedYaml) -> list[Problem]:
    """Every problem the account reveals; raises ToolError when AWS cannot be asked at all."""
    import boto3

    region = spec.cluster.region
    session = boto3.session.Session(region_name=region)
    ec2 = session.client("ec2")
    kms = session.client("kms")
    eks = session.client("eks")
    findings = _Findings(loaded)
    offered_azs = _call(lambda: _available_zones(ec2, findings, spec))
    _call(lambda: check_kubernetes_version(eks, findings, spec))
    subnets = _call(lambda: _check_existing_network(ec2, findings, spec))
    _call(lambda: _check_kms_keys(kms, findings, spec))
    _call(lambda: _check_node_images_and_templates(ec2, findings, spec))
    _call(lambda: _check_instance_types(ec2, findings, spec, offered_azs, subnets))
    return findings.problems


def _call(action: Callable[[], T]) -> T:
    """Run AWS calls, turning credential and connection failures into one clear ToolError."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

    try:
        return action()
    except (NoCredentialsError, PartialCredentialsError):
        raise UserInputError(
            Problem("no AWS credentials found for `validate --aws`", hint=f"{CREDENTIALS_HINT}; or run without --aws")
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code in BAD_CREDENTIALS:
            raise UserInputError(
                Problem(f"AWS rejected the credentials for `validate --aws` ({code}): {message}", hint=REFRESH_HINT)
            ) from None
        if code in ACCESS_DENIED:
            raise ToolError(
                f"AWS denied the request ({code}): {message}", output="check the role's permissions"
            ) from None
        raise ToolError(f"AWS call failed ({code}): {message}") from None
    except BotoCoreError as error:
        raise ToolError(f"cannot reach AWS: {error}", output="check the network, AWS_ENDPOINT_URL and region") from None


def check_kubernetes_version(eks: Any, findings: _Findings, spec: Spec) -> None:
    """Ask EKS whether it offers the cluster's minor for new clusters (it adds minors between ekstf releases)."""
    from botocore.exceptions import ClientError

    version = spec.cluster.version
    path: KeyPath = ("cluster", "version")
    if spec.cluster.outpost is not None:
        return  # local clusters on Outposts have their own version list (clusterType eks-local-outposts)
    try:
        response = eks.describe_cluster_versions(clusterVersions=[version], includeAll=True)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in BAD_CREDENTIALS | ACCESS_DENIED:
            raise
        findings.warn(path, f"EKS did not say whether it offers Kubernetes {version} ({code or 'no answer'})")
        return
    found = [v for v in response.get("clusterVersions", []) if v.get("clusterVersion") == version]
    status = str(found[0].get("versionStatus") or found[0].get("status") or "").upper() if found else ""
    if not found or status.replace("-", "_") == "UNSUPPORTED":
        findings.error(
            path,
            f"EKS does not offer Kubernetes {version} in {spec.cluster.region} (eks:DescribeClusterVersions)",
            hint="pick a version `aws eks describe-cluster-versions` lists",
        )
    elif status.replace("-", "_") == "EXTENDED_SUPPORT":
        end = found[0].get("endOfExtendedSupportDate")
        until = f" until {end:%Y-%m-%d}" if hasattr(end, "strftime") else ""
        findings.warn(
            path,
            f"Kubernetes {version} is in extended support{until}: EKS charges extra per cluster hour",
            hint="create new clusters on a version in standard support",
        )


def _available_zones(ec2: Any, findings: _Findings, spec: Spec) -> list[str]:
    """The AZs the account can use in the region; reports pinned AZs that are not among them."""
    zones = ec2.describe_availability_zones(AllAvailabilityZones=True)["AvailabilityZones"]
    by_name = {z["ZoneName"]: z for z in zones if z.get("ZoneType", "availability-zone") == "availability-zone"}
    usable = sorted(
        name
        for name, zone in by_name.items()
        if zone.get("State") == "available" and zone.get("OptInStatus", "opt-in-not-required") != "not-opted-in"
    )
    region = spec.cluster.region
    pinned: list[tuple[KeyPath, str]] = []
    if spec.vpc.availability_zones is not None and not spec.vpc.existing:
        pinned += [(("vpc", "availabilityZones", i), az) for i, az in enumerate(spec.vpc.availability_zones)]
    for section, index, group in _groups(spec):
        pinned += [
            ((section, index, "availabilityZones", i), az) for i, az in enumerate(group.availability_zones or [])
        ]
    for path, az in pinned:
        zone = by_name.get(az)
        if zone is None:
            findings.error(
                path,
                f"availability zone {az} does not exist in {region} for this account",
                expected="one of: " + ", ".join(usable),
            )
        elif zone.get("OptInStatus") == "not-opted-in":
            findings.error(path, f"availability zone {az} needs opting in first", hint="opt in, or pick another AZ")
        elif zone.get("State") != "available":
            findings.error(path, f"availability zone {az} is {zone.get('State')}", expected=", ".join(usable))
    if not spec.vpc.existing and spec.vpc.availability_zones is None and len(usable) < spec.vpc.az_count:
        findings.error(
            ("vpc", "azCount"),
            f"{region} offers this account {len(usable)} availability zones, azCount asks for {spec.vpc.az_count}",
        )
    return usable


def _check_existing_network(ec2: Any, findings: _Findings, spec: Spec) -> dict[str, _Subnet]:
    """Existing VPC, subnets and security groups; returns the subnets found, by id."""
    vpc = spec.vpc
    wanted: list[tuple[KeyPath, str]] = []
    if vpc.existing:
        for key, ids in (
            ("privateSubnetIds", vpc.private_subnet_ids),
            ("publicSubnetIds", vpc.public_subnet_ids),
            ("controlPlaneSubnetIds", vpc.control_plane_subnet_ids),
        ):
            wanted += [(("vpc", key, i), subnet) for i, subnet in enumerate(ids)]
        for section, index, group in _groups(spec):
            if isinstance(group.subnets, list):
                wanted += [((section, index, "subnets", i), s) for i, s in enumerate(group.subnets)]
        for index, profile in enumerate(spec.fargate_profiles):
            wanted += [(("fargateProfiles", index, "subnets", i), s) for i, s in enumerate(profile.subnets or [])]
    if vpc.existing and vpc.id is not None:
        found_vpcs = _existing_ids(ec2.describe_vpcs, "vpc-id", [vpc.id], "Vpcs", "VpcId")
        if vpc.id not in found_vpcs:
            findings.error(("vpc", "id"), f"VPC {vpc.id} does not exist in {spec.cluster.region}")
    subnets: dict[str, _Subnet] = {}
    ids = sorted({subnet_id for _, subnet_id in wanted})
    if ids:
        for page in _paginate(ec2, "describe_subnets", Filters=[{"Name": "subnet-id", "Values": ids}]):
            for subnet in page["Subnets"]:
                subnets[subnet["SubnetId"]] = _Subnet(subnet["VpcId"], subnet["AvailabilityZone"])
    for path, subnet_id in wanted:
        subnet = subnets.get(subnet_id)
        if subnet is None:
            findings.error(path, f"subnet {subnet_id} does not exist in {spec.cluster.region}")
        elif vpc.id is not None and subnet.vpc_id != vpc.id:
            findings.error(path, f"subnet {subnet_id} belongs to {subnet.vpc_id}, not to {vpc.id}")
    if vpc.existing and vpc.id is None:
        vpcs = sorted({subnet.vpc_id for subnet in subnets.values()})
        if len(vpcs) > 1:
            findings.error(
                ("vpc",),
                f"the subnets are in different VPCs ({', '.join(vpcs)}); a cluster uses one VPC",
                hint="set vpc.id and list only that VPC's subnets",
            )
    _check_control_plane_zones(findings, spec, subnets)
    groups_wanted: list[tuple[KeyPath, str]] = [
        (("vpc", "securityGroupIds", i), sg) for i, sg in enumerate(vpc.security_group_ids)
    ]
    for section, index, group in _groups(spec):
        groups_wanted += [
            ((section, index, "securityGroupIds", i), sg) for i, sg in enumerate(group.security_group_ids)
        ]
        if group.ssh is not None:
            groups_wanted += [
                ((section, index, "ssh", "sourceSecurityGroupIds", i), sg)
                for i, sg in enumerate(group.ssh.source_security_group_ids)
            ]
    if groups_wanted:
        found = _existing_ids(
            ec2.describe_security_groups, "group-id", [sg for _, sg in groups_wanted], "SecurityGroups", "GroupId"
        )
        for path, sg in groups_wanted:
            if sg not in found:
                findings.error(path, f"security group {sg} does not exist in {spec.cluster.region}")
    return subnets


def _check_control_plane_zones(findings: _Findings, spec: Spec, subnets: dict[str, _Subnet]) -> None:
    """EKS puts control-plane ENIs in these subnets and refuses them unless they span two AZs."""
    vpc = spec.vpc
    if not vpc.existing:
        return
    key = "controlPlaneSubnetIds" if vpc.control_plane_subnet_ids else "privateSubnetIds"
    ids = vpc.control_plane_subnet_ids or vpc.private_subnet_ids
    zones = sorted({subnets[s].availability_zone for s in ids if s in subnets})
    if len(zones) == 1 and all(s in subnets for s in ids):
        findings.error(
            ("vpc", key),
            f"every subnet in {key} is in {zones[0]}; EKS needs subnets in at least two availability zones",
            hint="add a subnet from another AZ",
        )


def _check_node_images_and_templates(ec2: Any, findings: _Findings, spec: Spec) -> None:
    """Custom AMIs and existing launch templates of node groups exist (an AMI must also be visible to the account)."""
    from botocore.exceptions import ClientError

    region = spec.cluster.region
    amis = [((s, i, "ami", "id"), g.ami.id) for s, i, g in _groups(spec) if g.ami is not None]
    if amis:
        found = _existing_ids(ec2.describe_images, "image-id", [a for _, a in amis], "Images", "ImageId")
        for path, ami in amis:
            if ami not in found:
                findings.error(path, f"AMI {ami} does not exist in {region} or is not shared with this account")
    for section, index, group in _groups(spec):
        template = getattr(group, "launch_template", None)
        if template is None:
            continue
        try:
            exists = bool(ec2.describe_launch_templates(LaunchTemplateIds=[template.id])["LaunchTemplates"])
        except ClientError as error:
            if not str(error.response.get("Error", {}).get("Code", "")).startswith("InvalidLaunchTemplateId"):
                raise
            exists = False  # AWS answers NotFound or Malformed for an id it does not know
        if not exists:
            findings.error(
                (section, index, "launchTemplate", "id"), f"launch template {template.id} does not exist in {region}"
            )
            continue
        _check_template_contents(ec2, findings, (section, index), group)


def _check_template_contents(ec2: Any, findings: _Findings, base: KeyPath, group: Any) -> None:
    """What the group's own launch template sets must be what the spec says it sets: EKS rejects a node group that
    sends an instance type or AMI type next to a template that sets them."""
    template = group.launch_template
    version = template.version or "$Default"
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template.id, Versions=[version])
    items = versions.get("LaunchTemplateVersions", [])
    if not items:
        findings.error((*base, "launchTemplate", "version"), f"launch template {template.id} has no version {version}")
        return
    data = items[0].get("LaunchTemplateData", {})
    image, instance_type = data.get("ImageId"), data.get("InstanceType")
    if instance_type and not template.sets_instance_type:
        findings.error(
            (*base, "launchTemplate"),
            f"launch template {template.id} sets the instance type {instance_type}, so the node group must not",
            hint="add `setsInstanceType: true` to launchTemplate",
        )
    if not instance_type and template.sets_instance_type:
        findings.error((*base, "launchTemplate", "setsInstanceType"), f"launch template {template.id} sets none")
    if image and group.ami is None:
        findings.error(
            (*base, "launchTemplate"),
            f"launch template {template.id} boots the image {image}: the node group must then send no AMI type "
            "and no Kubernetes version",
            hint=f"declare it on the group: `ami: {{id: {image}, family: <al2023|al2|bottlerocket|windows>}}`",
        )
    elif group.ami is not None and image != group.ami.id:
        findings.error(
            (*base, "ami", "id"),
            f"launch template {template.id} boots {image or 'no image of its own'}, not {group.ami.id}",
        )


def _existing_ids(
    describe: Callable[..., Any], filter_name: str, ids: Iterable[str], key: str, id_key: str
) -> set[str]:
    response = describe(Filters=[{"Name": filter_name, "Values": sorted(set(ids))}])
    return {item[id_key] for item in response[key]}


def _paginate(client: Any, operation: str, **kwargs: Any) -> Iterable[Any]:
    return client.get_paginator(operation).paginate(**kwargs)  # type: ignore[no-any-return]


def _check_kms_keys(kms: Any, findings: _Findings, spec: Spec) -> None:
    keys: list[tuple[KeyPath, str]] = []
    encryption = spec.cluster.secrets_encryption
    if encryption.mode == "existing" and encryption.kms_key_arn:
        keys.append((("cluster", "secretsEncryption", "kmsKeyArn"), encryption.kms_key_arn))
    for section, index, group in _groups(spec):
        if group.disk.kms_key_id:
            keys.append(((section, index, "disk", "kmsKeyId"), group.disk.kms_key_id))
    from botocore.exceptions import ClientError

    for path, key_id in keys:
        try:
            metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("NotFoundException", "InvalidArnException"):
                findings.error(path, f"KMS key {key_id} does not exist in {spec.cluster.region}")
                continue
            raise
        state = metadata.get("KeyState", "Enabled")
        if state != "Enabled":
            findings.error(path, f"KMS key {key_id} is {state}", hint="use an enabled key")


def _check_instance_types(
    ec2: Any, findings: _Findings, spec: Spec, usable_azs: list[str], subnets: dict[str, _Subnet]
) -> None:
    groups = list(_groups(spec))
    types = sorted({t for _, _, g in groups for t in g.instance_types})
    if not types:
        return
    offered: dict[str, set[str]] = {t: set() for t in types}
    for page in _paginate(
        ec2,
        "describe_instance_type_offerings",
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": types}],
    ):
        for offering in page["InstanceTypeOfferings"]:
            offered.setdefault(offering["InstanceType"], set()).add(offering["Location"])
    for section, index, group in groups:
        zones = _group_zones(spec, group, usable_azs, subnets)
        if not zones:
            continue
        for t_index, instance_type in enumerate(group.instance_types):
            path: KeyPath = (section, index, "instanceTypes", t_index)
            missing = [z for z in zones if z not in offered.get(instance_type, set())]
            if len(missing) == len(zones):
                findings.error(
                    path,
                    f"instance type {instance_type} is not offered in {', '.join(zones)}",
                    hint="check the type's spelling and regional availability, or pick another type",
                )
            elif missing:
                findings.warn(
                    path,
                    f"instance type {instance_type} is not offered in {', '.join(missing)}",
                    hint="nodes of this type cannot start there; restrict availabilityZones or add other types",
                )
        for zone in zones:
            if not any(zone in offered.get(t, set()) for t in group.instance_types):
                findings.error(
                    (section, index, "instanceTypes"),
                    f"none of the instance types is offered in {zone}",
                    hint="add a type offered there, or leave that AZ out of the group's availabilityZones",
                )


def _group_zones(spec: Spec, group: NodeGroupBase, usable_azs: list[str], subnets: dict[str, _Subnet]) -> list[str]:
    """The AZs a node group's nodes may start in (as far as the spec and the account tell)."""
    if group.availability_zones:
        return [z for z in group.availability_zones if z in usable_azs]
    vpc = spec.vpc
    if not vpc.existing:
        if vpc.availability_zones is not None:
            return [z for z in vpc.availability_zones if z in usable_azs]
        return usable_azs[: vpc.az_count]
    if isinstance(group.subnets, list):
        ids = group.subnets
    else:
        ids = vpc.public_subnet_ids if group.subnets == "public" else vpc.private_subnet_ids
    return sorted({subnets[s].availability_zone for s in ids if s in subnets})


def _groups(spec: Spec) -> Iterable[tuple[str, int, NodeGroupBase]]:
    yield from (("managedNodeGroups", i, g) for i, g in enumerate(spec.managed_node_groups))
    yield from (("nodeGroups", i, g) for i, g in enumerate(spec.node_groups))
