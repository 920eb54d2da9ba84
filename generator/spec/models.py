"""The ekstf spec: strict pydantic models of `ekstf.yaml` (keys are camelCase in YAML).

Only structure, types, enumerations and per-field constraints live here. Defaults that depend on other
fields are filled by `defaults.complete`; checks across fields are in `validation.py`.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from generator import resources
from generator.spec import catalog
from generator.spec.catalog import LogType

API_VERSION: Literal["ekstf.io/v1alpha1"] = "ekstf.io/v1alpha1"

Name = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$", min_length=1, max_length=63)]
ClusterName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$", min_length=1, max_length=100)]
Region = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")]
KubernetesVersion = Annotated[str, StringConstraints(pattern=r"^1\.\d{1,2}$")]
Cidr = Annotated[str, StringConstraints(min_length=9, max_length=43)]
Arn = Annotated[str, StringConstraints(pattern=r"^arn:aws[a-zA-Z-]*:[a-z0-9-]+:")]
Tags = dict[str, str]


class SpecModel(BaseModel):
    """Base of every spec object: unknown keys are errors, YAML keys are camelCase."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        validate_default=False,
        str_strip_whitespace=True,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """Pydantic reads `true` as 1 for an integer field; a boolean where a number belongs is a mistake."""
        if isinstance(value, bool) and info.field_name and _wants_number(cls.model_fields[info.field_name].annotation):
            raise ValueError(f"expected a number, got the boolean {str(value).lower()}")
        return value


def _wants_number(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    members = typing.get_args(annotation) if union else ()
    return bool(members) and bool not in members and any(m in (int, float) for m in members)


# --- cluster --------------------------------------------------------------------------------------


class Endpoint(SpecModel):
    """Who can reach the Kubernetes API."""

    public: bool = Field(True, description="Expose the API endpoint on the internet (restricted by publicCidrs).")
    private: bool = Field(True, description="Expose the API endpoint inside the VPC; nodes use it.")
    public_cidrs: list[Cidr] = Field(
        default_factory=lambda: ["0.0.0.0/0"],
        description="CIDR blocks allowed to reach the public endpoint.",
    )


def _default_log_types() -> list[LogType]:
    return list(catalog.DEFAULT_LOG_TYPES)


class Logging(SpecModel):
    types: list[LogType] = Field(
        default_factory=_default_log_types,
        description="Control-plane log types sent to CloudWatch.",
    )
    retention_days: int = Field(
        90,
        description="CloudWatch retention of the control-plane log group, in days. With no types, the log group "
        "is created only when this is set (to keep an existing group).",
        ge=1,
        le=3653,
    )


class SecretsEncryption(SpecModel):
    """Envelope encryption of Kubernetes secrets with KMS."""

    mode: Literal["create", "existing", "off"] = Field(
        "create", description="`create` a KMS key with the cluster, use an `existing` key, or `off`."
    )
    kms_key_arn: Arn | None = Field(None, description="The key to use when mode is `existing`.")

    @model_validator(mode="before")
    @classmethod
    def _existing_when_arn_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kmsKeyArn") and "mode" not in data:
            return {**data, "mode": "existing"}
        return data


class KubernetesNetwork(SpecModel):
    ip_family: Literal["ipv4", "ipv6"] = Field("ipv4", description="IP family of pods and services.")
    service_cidr: Cidr | None = Field(None, description="Service IPv4 CIDR; EKS picks 10.100.0.0/16 or 172.20.0.0/16.")


class AccessPolicy(SpecModel):
    policy: str = Field(
        description="Access policy name (AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy, AmazonEKSEditPolicy, "
        "AmazonEKSViewPolicy, ...) or its full ARN."
    )
    scope: Literal["cluster", "namespace"] = Field("cluster", description="Grant cluster-wide or in `namespaces`.")
    namespaces: list[str] = Field(default_factory=list, description="Namespaces, when scope is `namespace`.")

    @property
    def policy_arn(self) -> str:
        return self.policy if self.policy.startswith("arn:") else catalog.ACCESS_POLICY_PREFIX + self.policy


class AccessEntry(SpecModel):
    principal_arn: Arn = Field(description="IAM role or user ARN that gets access.")
    type: Literal["STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX"] = Field(
        "STANDARD", description="STANDARD for people and CI; the EC2/FARGATE types are for node roles."
    )
    kubernetes_groups: list[str] = Field(
        default_factory=list, description="Kubernetes RBAC groups the principal joins (bind them with RBAC)."
    )
    username: str | None = Field(None, description="Kubernetes user name (default: chosen by EKS).")
    policies: list[AccessPolicy] = Field(default_factory=list, description="EKS access policies to associate.")


class UpgradePolicy(SpecModel):
    support_type: Literal["STANDARD", "EXTENDED"] = Field(
        "STANDARD", description="EXTENDED keeps a version running (at extra cost) after standard support ends."
    )


class RemoteNetwork(SpecModel):
    """EKS hybrid nodes networks. Parsed, not generated yet."""

    node_cidrs: list[Cidr] = Field(default_factory=list, description="CIDRs of the on-premises nodes.")
    pod_cidrs: list[Cidr] = Field(default_factory=list, description="CIDRs of pods on the on-premises nodes.")


class AutoMode(SpecModel):
    """EKS Auto Mode compute. Parsed, not generated yet."""

    enabled: bool = Field(False, description="Let EKS manage the compute.")
    node_pools: list[str] = Field(
        default_factory=lambda: ["general-purpose", "system"], description="Built-in node pools to enable."
    )


class Outpost(SpecModel):
    """An EKS local cluster: the control plane runs on an AWS Outposts rack (eksctl `outpost`)."""

    arns: list[str] = Field(
        min_length=1,
        max_length=1,
        description="The Outpost's ARN (arn:aws:outposts:REGION:ACCOUNT:outpost/op-...); EKS accepts exactly one.",
    )
    control_plane_instance_type: str = Field(
        min_length=1,
        description="EC2 instance type of the control-plane instances, offered on the Outpost; "
        "cannot be changed after creation.",
    )
    control_plane_placement_group: str | None = Field(
        None, description="Name of an existing placement group for the control-plane instances."
    )


class ControlPlaneScaling(SpecModel):
    tier: Literal["standard", "tier-xl", "tier-2xl", "tier-4xl"] = Field(
        "standard", description="Provisioned control-plane capacity tier."
    )


class Cluster(SpecModel):
    name: ClusterName = Field(description="Cluster name; also prefixes every resource ekstf names.")
    region: Region = Field(description="AWS region, for example eu-west-1.")
    version: KubernetesVersion = Field(
        catalog.DEFAULT_KUBERNETES_VERSION, description='Kubernetes minor version, as a string: "1.34".'
    )
    tags: Tags = Field(default_factory=dict, description="Tags for every resource (provider default_tags).")
    endpoint: Endpoint = Field(default_factory=Endpoint, description="API endpoint access.")
    logging: Logging = Field(default_factory=Logging, description="Control-plane logging.")
    secrets_encryption: SecretsEncryption = Field(
        default_factory=SecretsEncryption, description="KMS envelope encryption of Kubernetes secrets."
    )
    kubernetes_network: KubernetesNetwork = Field(
        default_factory=KubernetesNetwork, description="IP family and service CIDR."
    )
    authentication_mode: Literal["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"] = Field(
        "API",
        description="API for access entries only; API_AND_CONFIG_MAP while aws-auth is still used; "
        "CONFIG_MAP only for an Outposts local cluster (its default there).",
    )
    creator_admin: bool = Field(
        True, description="Give the identity that runs Terraform cluster-admin through an access entry."
    )
    access_entries: list[AccessEntry] = Field(
        default_factory=list, description="Who may use the cluster: IAM principals and their access policies."
    )
    upgrade_policy: UpgradePolicy | None = Field(None, description="Standard or extended version support.")
    zonal_shift: bool | None = Field(None, description="Enable ARC zonal shift for the cluster.")
    deletion_protection: bool | None = Field(None, description="Refuse cluster deletion through the EKS API.")
    control_plane_scaling: ControlPlaneScaling | None = Field(None, description="Control-plane capacity tier.")
    remote_network: RemoteNetwork | None = Field(None, description="Hybrid nodes (reported as unsupported).")
    auto_mode: AutoMode | None = Field(None, description="EKS Auto Mode (reported as unsupported).")
    outpost: Outpost | None = Field(
        None,
        description="Run the control plane on an AWS Outposts rack (an EKS local cluster): private endpoint, "
        "aws-auth (CONFIG_MAP) access, self-managed node groups only, no EKS add-ons, IRSA, KMS or IPv6.",
    )
    service_role_arn: Arn | None = Field(
        None, description="An existing cluster IAM role to use instead of creating one (eksctl iam.serviceRoleARN)."
    )
    service_role_permissions_boundary: Arn | None = Field(
        None, description="Permissions boundary of the cluster IAM role ekstf creates."
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        if isinstance(value, float):
            return f"{value}"
        return value


# --- network ---------------------------------------------------------------------------------------


class Vpc(SpecModel):
    """A new VPC (default) or, when `id` is set, an existing one."""

    id: Annotated[str, StringConstraints(pattern=r"^vpc-[0-9A-Za-z]+$")] | None = Field(
        None,
        description="Existing VPC id; when set, no VPC is created. With subnet ids and no id, the VPC is the one "
        "the subnets are in.",
    )
    cidr: Cidr = Field("10.0.0.0/16", description="CIDR of a new VPC.")
    availability_zones: list[str] | None = Field(None, description="Pin AZs (names like eu-west-1a).")
    az_count: int = Field(3, ge=1, le=6, description="Number of AZs when none are pinned.")
    nat: Literal["single", "per-az", "none"] = Field(
        "single", description="NAT gateways: one for the VPC, one per AZ, or none (then use VPC endpoints)."
    )
    subnet_prefix_length: int | None = Field(
        None, ge=16, le=28, description="Size of each subnet; default the VPC prefix + 3 (a /19 in a /16)."
    )
    private_subnet_ids: list[str] = Field(default_factory=list, description="Existing VPC: node subnets.")
    public_subnet_ids: list[str] = Field(default_factory=list, description="Existing VPC: load balancer subnets.")
    control_plane_subnet_ids: list[str] = Field(
        default_factory=list, description="Subnets for the control-plane ENIs (default: the private subnets)."
    )
    security_group_ids: list[str] = Field(
        default_factory=list, description="Additional security groups for the control plane."
    )

    @property
    def existing(self) -> bool:
        """An existing network: `id` is set, or subnets are listed (the VPC is then the one they are in)."""
        return self.id is not None or bool(
            self.private_subnet_ids or self.public_subnet_ids or self.control_plane_subnet_ids
        )

    @property
    def public_only(self) -> bool:
        """An existing VPC whose cluster and nodes use public subnets (eksctl allows it): no private subnets."""
        return self.existing and not self.private_subnet_ids and bool(self.public_subnet_ids)


# --- compute ---------------------------------------------------------------------------------------

TaintEffect = Literal["NoSchedule", "NoExecute", "PreferNoSchedule"]


class Taint(SpecModel):
    key: str = Field(description="Taint key.")
    value: str | None = Field(None, description="Taint value.")
    effect: TaintEffect = Field(description="NoSchedule, NoExecute or PreferNoSchedule.")

    @property
    def eks_effect(self) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.effect).upper()


class Disk(SpecModel):
    size: int = Field(80, ge=1, le=16384, description="Root volume size in GiB.")
    type: Literal["gp3", "gp2", "io1", "io2"] = Field("gp3", description="EBS volume type.")
    iops: int | None = Field(None, ge=100, le=256000, description="Provisioned IOPS (gp3, io1, io2).")
    throughput: int | None = Field(None, ge=125, le=2000, description="MiB/s, gp3 only.")
    encrypted: bool = Field(True, description="Encrypt the root volume.")
    kms_key_id: str | None = Field(None, description="KMS key for the volume (default: the EBS default key).")


class Ssh(SpecModel):
    key_name: str | None = Field(None, description="EC2 key pair name.")
    source_cidrs: list[Cidr] = Field(default_factory=list, description="CIDRs allowed to reach port 22.")
    source_security_group_ids: list[str] = Field(
        default_factory=list, description="Security groups allowed to reach port 22."
    )
    allow_open_to_world: bool = Field(
        False, description="Accept 0.0.0.0/0 in sourceCidrs (strongly discouraged; use SSM instead)."
    )


class UserData(SpecModel):
    """Extra node bootstrap configuration; which keys apply depends on the AMI family."""

    # Scripts and TOML reach the node byte for byte (a trailing newline matters to some tools).
    model_config = ConfigDict(str_strip_whitespace=False)

    shell: str | None = Field(None, description="AL2023/AL2: a shell script run before the node joins.")
    node_config: dict[str, Any] | None = Field(
        None, description="AL2023: a NodeConfig `spec` fragment merged by nodeadm."
    )
    bottlerocket_toml: str | None = Field(None, description="Bottlerocket: extra TOML settings.")
    bootstrap_extra_args: str | None = Field(None, description="AL2: extra arguments to /etc/eks/bootstrap.sh.")
    bootstrap_script: str | None = Field(
        None,
        description="Replaces ekstf's node bootstrap (eksctl overrideBootstrapCommand): a script (PowerShell on "
        "Windows) that joins the node itself, run once after `shell`. Self-managed groups and custom AMIs only.",
    )


class Kubelet(SpecModel):
    max_pods: int | None = Field(None, ge=1, le=737, description="Maximum pods per node (kubelet maxPods).")
    extra_config: dict[str, Any] = Field(default_factory=dict, description="KubeletConfiguration fields.")


class UpdateConfig(SpecModel):
    max_unavailable: int | None = Field(None, ge=1, le=100, description="Nodes replaced at once in an update.")
    max_unavailable_percentage: int | None = Field(
        None, ge=1, le=100, description="Percentage of nodes replaced at once in an update."
    )

    @model_validator(mode="after")
    def _one_of(self) -> UpdateConfig:
        if self.max_unavailable is not None and self.max_unavailable_percentage is not None:
            raise ValueError("set maxUnavailable or maxUnavailablePercentage, not both")
        return self


class NodeIam(SpecModel):
    additional_policy_arns: list[Arn] = Field(default_factory=list, description="Extra policies for the node role.")
    role_arn: Arn | None = Field(None, description="An existing node IAM role to use instead of creating one.")
    permissions_boundary: Arn | None = Field(None, description="Permissions boundary of the node role ekstf creates.")


class CustomAmi(SpecModel):
    id: Annotated[str, StringConstraints(pattern=r"^ami-[0-9A-Za-z]+$")] = Field(description="AMI id.")
    family: Literal["al2023", "bottlerocket", "al2", "windows"] = Field(
        description="Which bootstrap the AMI expects (decides the user data ekstf writes)."
    )


SubnetSelector = Literal["private", "public"]


class NodeGroupBase(SpecModel):
    name: Name = Field(description="Node group name, unique across managedNodeGroups and nodeGroups.")
    version: KubernetesVersion | None = Field(
        None,
        description='Kubernetes minor of the nodes, as a string ("1.33"); default cluster.version. Pins the group '
        "while the control plane is upgraded (`ekstf upgrade`); at most 3 minors behind the control plane.",
    )
    instance_types: list[str] = Field(
        default_factory=lambda: ["m6i.large"], min_length=1, description="EC2 instance types (one architecture)."
    )
    min_size: int = Field(1, ge=0, le=1000, description="Minimum number of nodes.")
    max_size: int = Field(3, ge=1, le=1000, description="Maximum number of nodes.")
    desired_size: int | None = Field(
        None,
        ge=0,
        le=1000,
        description="Nodes at creation (default: minSize). Only used when the group is created: the module ignores "
        "later changes (so Terraform does not undo the autoscaler); change the running size with "
        "`ekstf scale SPEC GROUP --desired N`.",
    )
    ami_type: Literal[catalog.AMI_TYPES] | None = Field(  # type: ignore[valid-type]
        None, description="EKS AMI type; default derived from the instance types' architecture."
    )
    ami: CustomAmi | None = Field(None, description="A custom AMI instead of an EKS-optimized ami_type.")
    disk: Disk = Field(default_factory=Disk, description="Root volume.")
    labels: dict[str, str] = Field(default_factory=dict, description="Kubernetes node labels.")
    taints: list[Taint] = Field(default_factory=list, description="Kubernetes node taints.")
    tags: Tags = Field(default_factory=dict, description="Tags for the node group and its instances.")
    subnets: SubnetSelector | list[str] = Field("private", description="`private`, `public`, or a list of subnet ids.")
    availability_zones: list[str] | None = Field(None, description="Only use subnets in these AZs.")
    ssh: Ssh | None = Field(None, description="SSH access (off by default; prefer SSM).")
    imds_hop_limit: int = Field(
        1, ge=1, le=2, description="IMDSv2 hop limit: 1 keeps pods away from node credentials, 2 lets them in."
    )
    user_data: UserData | None = Field(None, description="Extra bootstrap configuration.")
    kubelet: Kubelet | None = Field(None, description="Kubelet settings.")
    iam: NodeIam = Field(default_factory=NodeIam, description="The node IAM role.")
    efa: bool = Field(False, description="Enable EFA network interfaces (needs a supported instance type).")
    placement_group: str | None = Field(None, description="Existing cluster placement group name.")
    detailed_monitoring: bool = Field(False, description="EC2 detailed (1-minute) monitoring.")
    security_group_ids: list[str] = Field(
        default_factory=list, description="Extra security groups for the nodes (eksctl securityGroups.attachIDs)."
    )

    @property
    def os_family(self) -> str:
        """al2023, bottlerocket, al2 or windows: decides the user data, device names and networking needs."""
        if self.ami is not None:
            return self.ami.family
        return catalog.ami_family(self.ami_type or catalog.DEFAULT_AMI_TYPE)

    name_prefix: bool = Field(
        True,
        description="Name the group `<name>-<suffix>` so a replacement can be created before the old one goes; "
        "false keeps the exact name (needed to adopt an existing group; `ekstf migrate` sets it).",
    )


class LaunchTemplateRef(SpecModel):
    """An existing launch template a managed node group uses instead of one ekstf writes."""

    id: Annotated[str, StringConstraints(pattern=r"^lt-[0-9A-Za-z]+$")] = Field(description="Launch template id.")
    version: str | None = Field(None, description="Template version (default: its default version).")
    sets_instance_type: bool = Field(
        False,
        description="The template sets the instance type: the node group then sends none (EKS rejects both). "
        "A template that sets the image is declared with the group's `ami: {id, family}`. "
        "`ekstf validate --aws` reads the template and says when these do not match it.",
    )


class ManagedNodeGroup(NodeGroupBase):
    capacity_type: Literal["ON_DEMAND", "SPOT", "CAPACITY_BLOCK"] = Field(
        "ON_DEMAND", description="ON_DEMAND, SPOT or CAPACITY_BLOCK (on-demand/spot also accepted)."
    )
    update_config: UpdateConfig = Field(
        default_factory=lambda: UpdateConfig(max_unavailable_percentage=33),
        description="How many nodes a rolling update replaces at once (default 33%).",
    )
    node_repair: bool | None = Field(None, description="Enable EKS node auto repair.")
    launch_template: LaunchTemplateRef | None = Field(
        None, description="Use this existing launch template; ekstf then writes none for the group."
    )

    @field_validator("capacity_type", mode="before")
    @classmethod
    def _capacity_spelling(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().upper().replace("-", "_")
        return value


class InstancesDistribution(SpecModel):
    on_demand_base_capacity: int = Field(0, ge=0, description="On-demand nodes before any spot.")
    on_demand_percentage_above_base_capacity: int = Field(
        100, ge=0, le=100, description="Percentage of on-demand nodes above the base."
    )
    spot_allocation_strategy: Literal[
        "price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized", "lowest-price"
    ] = Field("price-capacity-optimized", description="How the Auto Scaling group picks spot pools.")
    spot_max_price: str | None = Field(None, description="Maximum spot price (default: the on-demand price).")


class SelfManagedNodeGroup(NodeGroupBase):
    """An Auto Scaling group of nodes ekstf manages (eksctl's `nodeGroups`)."""

    instances_distribution: InstancesDistribution | None = Field(
        None, description="Mix on-demand and spot across instanceTypes."
    )
    cluster_autoscaler_tags: bool = Field(
        False,
        description="Tag the Auto Scaling group for Cluster Autoscaler auto-discovery "
        "(k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/<cluster>; eksctl propagateASGTags).",
    )


class FargateSelector(SpecModel):
    namespace: str = Field(min_length=1, description="Pods in this namespace run on Fargate.")
    labels: dict[str, str] = Field(default_factory=dict, description="Pods must also carry all these labels.")


class FargateProfile(SpecModel):
    name: Name = Field(description="Profile name.")
    selectors: list[FargateSelector] = Field(
        min_length=1, max_length=5, description="Which pods run on Fargate (1 to 5 selectors)."
    )
    subnets: list[str] | None = Field(None, description="Private subnet ids (default: the cluster's private subnets).")
    tags: Tags = Field(default_factory=dict, description="Tags for the profile.")
    pod_execution_role_arn: Arn | None = Field(
        None, description="An existing pod execution role to use instead of creating one."
    )


class Karpenter(SpecModel):
    enabled: bool = Field(True, description="Create Karpenter's AWS resources (Helm install is up to you).")
    namespace: str = Field("kube-system", description="Namespace of the Karpenter controller.")
    service_account: str = Field("karpenter", description="Service account of the controller (Pod Identity).")


# --- IAM for workloads -------------------------------------------------------------------------------


class PolicyStatement(SpecModel):
    sid: str | None = Field(None, description="Statement id.")
    effect: Literal["Allow", "Deny"] = Field("Allow", description="Allow or Deny.")
    actions: list[str] = Field(min_length=1, description="IAM actions, e.g. s3:GetObject.")
    resources: list[str] = Field(default_factory=lambda: ["*"], description="Resource ARNs.")


class WorkloadRole(SpecModel):
    """Permissions of a Kubernetes service account, by IRSA or by Pod Identity."""

    role_name: str | None = Field(None, description="IAM role name (default: <cluster>-<namespace>-<name>).")
    policy_arns: list[Arn] = Field(default_factory=list, description="Managed policies to attach.")
    well_known_policies: list[Literal[catalog.WELL_KNOWN_POLICIES]] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="Policies by name, from terraform-aws-iam (e.g. loadBalancerController, ebsCSI, externalDNS).",
    )
    statements: list[PolicyStatement] = Field(default_factory=list, description="An inline policy.")
    permissions_boundary: Arn | None = Field(None, description="Permissions boundary policy of the role.")
    hosted_zone_arns: list[Arn] | None = Field(
        None,
        description="Route 53 hosted zones the externalDNS / certManager policies may change records in "
        "(arn:aws:route53:::hostedzone/ZONEID); default every zone, with a warning.",
    )


class ServiceAccount(WorkloadRole):
    """An IAM role for a service account trusting the cluster's OIDC provider (IRSA)."""

    name: str = Field(min_length=1, description="Service account name.")
    namespace: str = Field("default", min_length=1, description="Service account namespace.")
    role_arn: Arn | None = Field(
        None, description="An existing IAM role to annotate instead of creating one (eksctl attachRoleARN)."
    )
    labels: dict[str, str] = Field(default_factory=dict, description="Labels of the ServiceAccount manifest.")
    annotations: dict[str, str] = Field(
        default_factory=dict, description="Annotations of the ServiceAccount manifest (the role ARN one is ekstf's)."
    )


class PodIdentity(WorkloadRole):
    """An EKS Pod Identity association: a role trusted by pods.eks.amazonaws.com."""

    namespace: str = Field(min_length=1, description="Namespace of the service account.")
    service_account: str = Field(min_length=1, description="Service account name.")
    role_arn: Arn | None = Field(None, description="An existing IAM role to associate instead of creating one.")
    target_role_arn: Arn | None = Field(None, description="A role in another account to chain into.")
    disable_session_tags: bool | None = Field(None, description="Do not add EKS session tags to the role session.")


class AddonIdentity(WorkloadRole):
    service_account: str | None = Field(None, description="The addon's service account (default: known per addon).")
    role_arn: Arn | None = Field(None, description="Pod Identity: an existing IAM role instead of creating one.")


class Addon(SpecModel):
    version: str = Field("latest", description="`latest` or an exact version such as v1.19.2-eksbuild.1.")
    configuration: dict[str, Any] | None = Field(None, description="Addon configuration values.")
    resolve_conflicts: Literal["NONE", "OVERWRITE", "PRESERVE"] = Field(
        "OVERWRITE", description="What EKS does with fields changed outside the addon API."
    )
    before_compute: bool | None = Field(None, description="Install before node groups (default per addon).")
    irsa: AddonIdentity | None = Field(None, description="An IRSA role for the addon's service account.")
    pod_identity: AddonIdentity | None = Field(None, description="A Pod Identity role for the addon.")
    service_account_role_arn: Arn | None = Field(
        None, description="An existing IRSA role for the addon's service account (instead of `irsa`)."
    )

    @model_validator(mode="before")
    @classmethod
    def _version_shorthand(cls, data: Any) -> Any:
        if data is None:
            return {}
        if isinstance(data, str | int | float):
            return {"version": str(data)}
        return data


# --- Terraform settings --------------------------------------------------------------------------------


class Backend(SpecModel):
    type: Literal["local", "s3"] = Field("local", description="Where Terraform keeps state.")
    bucket: str | None = Field(None, description="S3 bucket (type s3).")
    key: str | None = Field(None, description="State object key (default: <cluster>/terraform.tfstate).")
    region: Region | None = Field(None, description="Bucket region (default: the cluster's).")
    use_lockfile: bool = Field(True, description="S3-native state locking (Terraform >= 1.10).")
    kms_key_id: str | None = Field(None, description="KMS key for the state object.")


class ModuleVersions(SpecModel):
    eks: str = Field(resources.EKS_MODULE_VERSION, description="terraform-aws-modules/eks/aws version (21.x).")
    vpc: str = Field(resources.VPC_MODULE_VERSION, description="terraform-aws-modules/vpc/aws version.")
    iam: str = Field(resources.IAM_MODULE_VERSION, description="terraform-aws-modules/iam/aws version.")


class ProviderVersions(SpecModel):
    terraform: str = Field(">= 1.5.7", description="required_version constraint.")
    aws: str = Field(">= 6.28, < 7.0", description="hashicorp/aws constraint.")
    tls: str = Field(">= 4.0", description="hashicorp/tls constraint.")
    time: str = Field(">= 0.9", description="hashicorp/time constraint.")


class TerraformSettings(SpecModel):
    engine: Literal["terraform", "tofu"] = Field("terraform", description="terraform or tofu (OpenTofu).")
    backend: Backend = Field(default_factory=Backend, description="State backend.")
    modules: ModuleVersions = Field(default_factory=ModuleVersions, description="Registry module versions.")
    versions: ProviderVersions = Field(default_factory=ProviderVersions, description="Version constraints.")


# --- the whole spec ----------------------------------------------------------------------------------


class Spec(SpecModel):
    """An ekstf cluster spec (`ekstf.yaml`)."""

    api_version: Literal["ekstf.io/v1alpha1"] = Field(API_VERSION, description="Spec format version.")
    cluster: Cluster = Field(description="The EKS cluster.")
    vpc: Vpc = Field(default_factory=Vpc, description="The network: a new VPC or an existing one.")
    managed_node_groups: list[ManagedNodeGroup] = Field(default_factory=list, description="EKS managed node groups.")
    node_groups: list[SelfManagedNodeGroup] = Field(
        default_factory=list, description="Self-managed node groups (Auto Scaling groups)."
    )
    fargate_profiles: list[FargateProfile] = Field(default_factory=list, description="Fargate profiles.")
    karpenter: Karpenter | None = Field(None, description="Karpenter's controller role, queue and node role.")
    addons: dict[str, Addon] | None = Field(
        None, description="EKS addons by name; default coredns, eks-pod-identity-agent, kube-proxy, vpc-cni."
    )
    addons_defaults: Literal["keep", "replace"] | None = Field(
        None,
        description="With an `addons` map: `keep` adds the default addons to it (the map's entries win), `replace` "
        "installs only the map's addons. Unset behaves like `replace`, with a warning when a default is missing.",
    )
    service_accounts: list[ServiceAccount] = Field(default_factory=list, description="IRSA roles.")
    pod_identities: list[PodIdentity] = Field(default_factory=list, description="Pod Identity associations.")
    terraform: TerraformSettings = Field(default_factory=TerraformSettings, description="Terraform settings.")

    def node_version(self, group: NodeGroupBase) -> str:
        """The Kubernetes version a node group runs: its own pin, else the control plane's."""
        return group.version or self.cluster.version

    @property
    def fargate_only(self) -> bool:
        """Fargate profiles and no EC2 node group: CoreDNS must run on Fargate, and Pod Identity cannot work."""
        return bool(self.fargate_profiles) and not (self.managed_node_groups or self.node_groups)
