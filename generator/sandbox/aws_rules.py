"""What AWS refuses for the resources EKS repos use: the simulated account's API rules.

`check_resource` gets a resource's values as Terraform sends them to the API — the resource's *configuration*, where
an attribute the configuration leaves out is None (or UNKNOWN while planning) — and the `World` of what the account
holds so far. It returns one `Refusal` per broken rule, with AWS's own error text. A rule whose inputs are not yet
known (UNKNOWN at plan time, or an object the world does not hold) is skipped, never guessed.

Every rule is listed in `RULES` with its source; docs/sandbox.md carries the same table (a test keeps them in step).
"""

from __future__ import annotations

import base64
import binascii
import email
import gzip
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.sandbox.contracts import UNKNOWN, AttributePath, Refusal, World
from generator.spec.catalog import OFFERED_KUBERNETES_VERSIONS


@dataclass(frozen=True)
class Rule:
    rule_id: str
    resource_types: tuple[str, ...]
    refuses: str  # what AWS refuses, in plain words
    error: str  # AWS's error text; `{name}` fields are filled per refusal
    source: str  # where the rule and its text come from
    verbatim: bool  # True: the text as AWS returns it (quoted in the source); False: written from the API reference


_EKS_LT_DOC = "https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html"
_CREATE_NODEGROUP = "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html"
_CREATE_ACCESS_ENTRY = "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html"
_ASSOCIATE_ACCESS_POLICY = "https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateAccessPolicy.html"
_CREATE_FARGATE = "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateFargateProfile.html"
_IAM_GRAMMAR = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"

RULES: tuple[Rule, ...] = (
    Rule(
        "eks-ng-image-with-version",
        ("aws_eks_node_group",),
        "a managed node group sends `version` while its launch template sets `image_id`",
        "InvalidParameterException: You cannot specify a kubernetes version to use when specifying an image id "
        "to use within the launch template.",
        "terraform-aws-eks #3459; " + _CREATE_NODEGROUP,
        True,
    ),
    Rule(
        "eks-ng-image-with-release-version",
        ("aws_eks_node_group",),
        "a managed node group sends `release_version` while its launch template sets `image_id`",
        "InvalidParameterException: You cannot specify a release version to use when specifying an image id "
        "to use within the launch template.",
        _CREATE_NODEGROUP + " (releaseVersion)",
        False,
    ),
    Rule(
        "eks-ng-image-with-ami-type",
        ("aws_eks_node_group",),
        "a managed node group sends an `ami_type` other than CUSTOM while its launch template sets `image_id`",
        "InvalidParameterException: You cannot specify an AMI Type other than CUSTOM, when specifying an image id "
        "in your launch template.",
        "pulumi/pulumi-eks #1463; rancher/eks-operator #185; " + _CREATE_NODEGROUP,
        True,
    ),
    Rule(
        "eks-ng-custom-ami-without-image",
        ("aws_eks_node_group",),
        "`ami_type = CUSTOM` without a launch template whose `image_id` names the AMI",
        "InvalidParameterException: A launch template with an image id is required when amiType is CUSTOM.",
        _CREATE_NODEGROUP + " (amiType); " + _EKS_LT_DOC,
        False,
    ),
    Rule(
        "eks-ng-custom-ami-no-bootstrap",
        ("aws_eks_node_group",),
        "a CUSTOM-AMI node group whose launch template user data does not join the node to the cluster "
        "(no bootstrap.sh, nodeadm NodeConfig, Bottlerocket settings or Windows bootstrap script)",
        "NodeCreationFailure: Instances failed to join the kubernetes cluster",
        _EKS_LT_DOC + " (custom AMI: user data must bootstrap); "
        "https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting.html",
        True,
    ),
    Rule(
        "eks-ng-lt-instance-profile",
        ("aws_eks_node_group",),
        "the launch template of a managed node group sets `iam_instance_profile`",
        "InvalidParameterException: Launch template should not specify an instance profile. The noderole in your "
        "request will be used to construct an instance profile.",
        _EKS_LT_DOC + " (prohibited: IAM instance profile)",
        False,
    ),
    Rule(
        "eks-ng-instance-type-twice",
        ("aws_eks_node_group",),
        "an instance type in both the launch template and the node group's `instance_types`",
        "InvalidRequestException: Cannot specify instance types in launch template and API Request",
        "terraform-aws-eks #1386; " + _EKS_LT_DOC,
        True,
    ),
    Rule(
        "eks-ng-remote-access-with-lt",
        ("aws_eks_node_group",),
        "`remote_access` together with a launch template",
        "InvalidParameterException: Remote access configuration cannot be specified with a launch template.",
        "terraform-aws-eks #2219; " + _EKS_LT_DOC,
        True,
    ),
    Rule(
        "eks-ng-disk-size-with-lt",
        ("aws_eks_node_group",),
        "`disk_size` together with a launch template",
        "InvalidParameterException: Disk size must be specified within the launch template.",
        "crossplane-contrib/provider-upjet-aws #866; " + _CREATE_NODEGROUP + " (diskSize)",
        True,
    ),
    Rule(
        "eks-cluster-subnet-azs",
        ("aws_eks_cluster",),
        "cluster subnets in fewer than two Availability Zones (Outposts local clusters excepted)",
        "InvalidParameterException: Subnets specified must be in at least two different AZs",
        "awsdocs/amazon-eks-user-guide #795; https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html",
        True,
    ),
    Rule(
        "eks-cluster-version",
        ("aws_eks_cluster",),
        "a Kubernetes version EKS does not offer (generator/spec/catalog.py OFFERED_KUBERNETES_VERSIONS)",
        "InvalidParameterException: unsupported Kubernetes version",
        "hashicorp/terraform-provider-aws #21410; "
        "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
        True,
    ),
    Rule(
        "eks-cluster-role-trust",
        ("aws_eks_cluster",),
        "a cluster role whose trust policy does not let eks.amazonaws.com assume it",
        "InvalidParameterException: Role could not be assumed because the trusted entity is not correct",
        "terraform-provider-aws internal/service/eks/cluster.go (CreateCluster retry on this error); "
        "https://docs.aws.amazon.com/eks/latest/userguide/cluster-iam-role.html",
        True,
    ),
    Rule(
        "eks-fargate-role-trust",
        ("aws_eks_fargate_profile",),
        "a pod execution role whose trust policy does not let eks-fargate-pods.amazonaws.com assume it",
        "InvalidParameterException: Misconfigured PodExecutionRole Trust Policy; Please add the "
        "eks-fargate-pods.amazonaws.com Service Principal",
        "terraform-provider-aws internal/service/eks/fargate_profile.go (CreateFargateProfile retry on this error); "
        "https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html",
        True,
    ),
    Rule(
        "eks-fargate-selector-count",
        ("aws_eks_fargate_profile",),
        "a Fargate profile with more than five selectors",
        "InvalidParameterException: A Fargate profile can have at most 5 selectors, got {count}.",
        _CREATE_FARGATE + " (selectors: up to five)",
        False,
    ),
    Rule(
        "eks-fargate-selector-namespace",
        ("aws_eks_fargate_profile",),
        "a Fargate profile selector without a namespace",
        "InvalidParameterException: Every Fargate profile selector must specify a namespace.",
        _CREATE_FARGATE + " (a namespace is required for every selector)",
        False,
    ),
    Rule(
        "eks-access-entry-type",
        ("aws_eks_access_entry",),
        "an access entry type EKS does not know",
        "InvalidParameterException: The type {type} is invalid. Valid types are {valid}.",
        _CREATE_ACCESS_ENTRY + " (type)",
        False,
    ),
    Rule(
        "eks-access-entry-node-groups",
        ("aws_eks_access_entry",),
        "`kubernetes_groups` on an access entry of a node type (EC2, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, "
        "HYBRID_LINUX, HYPERPOD_LINUX)",
        "InvalidParameterException: Kubernetes groups can't be specified for an access entry of type {type}.",
        _CREATE_ACCESS_ENTRY + " (type: no kubernetesGroups for EC2_LINUX or EC2_WINDOWS)",
        False,
    ),
    Rule(
        "eks-access-entry-system-group",
        ("aws_eks_access_entry",),
        "a Kubernetes group starting with `system:` on a STANDARD access entry",
        "InvalidParameterException: The kubernetes group name {group} is invalid, it cannot start with system:",
        "terraform-aws-eks #2915; eksctl-io/eksctl #7446",
        True,
    ),
    Rule(
        "eks-access-policy-arn",
        ("aws_eks_access_policy_association",),
        "a policy ARN that is not an EKS cluster access policy (arn:PARTITION:eks::aws:cluster-access-policy/NAME)",
        "InvalidParameterException: The policy ARN {arn} is not a valid EKS access policy ARN.",
        _ASSOCIATE_ACCESS_POLICY + " (policyArn)",
        False,
    ),
    Rule(
        "eks-access-policy-scope",
        ("aws_eks_access_policy_association",),
        "an access scope of type `namespace` without namespaces, or of type `cluster` with namespaces",
        "InvalidParameterException: {detail}",
        _ASSOCIATE_ACCESS_POLICY + " (accessScope)",
        False,
    ),
    Rule(
        "eks-access-policy-node-entry",
        ("aws_eks_access_policy_association",),
        "an access policy associated with an EC2_LINUX or EC2_WINDOWS access entry",
        "InvalidParameterException: Access policies can't be associated with an access entry of type {type}.",
        _CREATE_ACCESS_ENTRY + " (type: no access policy for EC2_LINUX or EC2_WINDOWS)",
        False,
    ),
    Rule(
        "eks-access-entry-auth-mode",
        ("aws_eks_access_entry", "aws_eks_access_policy_association"),
        "an access entry or access policy on a cluster whose authentication mode is CONFIG_MAP",
        "InvalidRequestException: The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] "
        "to perform this operation.",
        "alphagov/govuk-infrastructure #1917; " + _CREATE_ACCESS_ENTRY,
        False,
    ),
    Rule(
        "eks-addon-coredns-fargate-only",
        ("aws_eks_addon",),
        'the coredns addon on a cluster whose only compute is Fargate, without `computeType = "Fargate"` in its '
        "configuration values or without a Fargate profile selecting kube-system: its pods never schedule and "
        "the addon stays DEGRADED until the provider gives up",
        "waiting for EKS Add-On ({cluster}:coredns) create: timeout while waiting for state to become 'ACTIVE' "
        "(last state: 'DEGRADED', timeout: 20m0s)",
        "terraform-aws-eks #3549; https://docs.aws.amazon.com/eks/latest/userguide/fargate-getting-started.html",
        False,
    ),
    Rule(
        "iam-policy-malformed",
        ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"),
        "an identity policy (managed, inline) that is not valid JSON, lacks Action or Resource, names a "
        "Principal, or breaks the policy grammar (moto's IAM policy validator)",
        "MalformedPolicyDocument: {detail}",
        "terraform-aws-iam #603; " + _IAM_GRAMMAR,
        True,
    ),
    Rule(
        "iam-trust-policy-malformed",
        ("aws_iam_role",),
        "a role trust policy that is not valid JSON, lacks Principal or Action, names a Resource, or uses an "
        "action other than the sts: ones a trust policy allows",
        "MalformedPolicyDocument: {detail}",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html; " + _IAM_GRAMMAR,
        True,
    ),
    Rule(
        "resource-policy-malformed",
        ("aws_kms_key", "aws_kms_replica_key", "aws_kms_replica_external_key", "aws_s3_bucket_policy"),
        "a key or bucket policy that is not valid JSON or has a statement without Principal, Action or Resource",
        "{code}: {detail}",
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html; "
        "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html",
        False,
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.rule_id: rule for rule in RULES}

ACCESS_ENTRY_TYPES = ("STANDARD", "EC2", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "HYPERPOD_LINUX")
_NO_POLICY_ACCESS_ENTRY_TYPES = frozenset({"EC2_LINUX", "EC2_WINDOWS"})
_ACCESS_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:eks::aws:cluster-access-policy/[A-Za-z0-9]+$")
_MAX_FARGATE_SELECTORS = 5

# What makes a node's user data join it to a cluster: AL2 / Ubuntu bootstrap.sh, AL2023 nodeadm NodeConfig,
# Bottlerocket's TOML settings, the Windows bootstrap script.
_BOOTSTRAP_MARKERS = (
    "bootstrap.sh",
    "node.eks.aws/",
    "NodeConfig",
    "settings.kubernetes",
    "EKSBootstrap",
)


_Checker = Callable[[Mapping[str, Any], World], Iterator[Refusal]]


def _refusal(rule_id: str, attribute: AttributePath = (), **fields: object) -> Refusal:
    return Refusal(rule_id, RULES_BY_ID[rule_id].error.format(**fields), attribute)


# --- plain-value helpers (UNKNOWN-aware) -----------------------------------------------------------------------


def _is_set(value: object) -> bool:
    """Known and given: not UNKNOWN, not None, not an empty string or collection."""
    if value is UNKNOWN or value is None:
        return False
    if isinstance(value, str | list | tuple | dict | set | frozenset):
        return len(value) > 0
    return True


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _blocks(value: object) -> list[Mapping[str, Any]] | None:
    """A nested block's objects; None while unknown. Single nesting (a dict) counts as one block."""
    if value is UNKNOWN:
        return None
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def _strings(value: object) -> list[str] | None:
    """A list/set of strings; None while it (or any element) is unknown."""
    if value is UNKNOWN:
        return None
    if value is None:
        return []
    if not isinstance(value, list | tuple | set | frozenset):
        return []
    if any(item is UNKNOWN for item in value):
        return None
    return [item for item in value if isinstance(item, str)]


def _find(world: World, type_name: str, object_id: str | None, name: str | None) -> Mapping[str, Any] | None:
    if object_id:
        found = world.by_id(type_name, object_id)
        if found is not None:
            return found
    if name:
        for candidate in world.resources(type_name):
            if candidate.get("name") == name:
                return candidate
    return None


def _read_from_account(obj: Mapping[str, Any]) -> bool:
    """Whether `obj` was read by a data source: beyond what the query named, its values are the sandbox's inventions.

    The data sources of subnets and launch templates have a `filter` block their resources lack.
    """
    return "filter" in obj


# --- EKS managed node groups -----------------------------------------------------------------------------------


def _check_node_group(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    lt_blocks = _blocks(values.get("launch_template"))
    has_template = lt_blocks is None or bool(lt_blocks)  # unknown block list: a template may be there
    template: Mapping[str, Any] | None = None
    if lt_blocks:
        spec = lt_blocks[0]
        template = _find(world, "aws_launch_template", _text(spec.get("id")), _text(spec.get("name")))

    if lt_blocks:
        if _is_set(values.get("remote_access")):
            yield _refusal("eks-ng-remote-access-with-lt", ("remote_access",))
        if _is_set(values.get("disk_size")):
            yield _refusal("eks-ng-disk-size-with-lt", ("disk_size",))

    ami_type = values.get("ami_type")
    if template is not None and _read_from_account(template):
        return  # an existing template the sandbox has not seen: its image and profile are unknown
    if template is None:
        if not has_template and ami_type == "CUSTOM":
            yield _refusal("eks-ng-custom-ami-without-image", ("ami_type",))
        return

    image_id = template.get("image_id")
    if image_id is UNKNOWN:
        return
    if _is_set(image_id):
        if _is_set(values.get("version")):
            yield _refusal("eks-ng-image-with-version", ("version",))
        if _is_set(values.get("release_version")):
            yield _refusal("eks-ng-image-with-release-version", ("release_version",))
        if isinstance(ami_type, str) and ami_type and ami_type != "CUSTOM":
            yield _refusal("eks-ng-image-with-ami-type", ("ami_type",))
        if ami_type == "CUSTOM" and not _user_data_bootstraps(template.get("user_data")):
            yield _refusal("eks-ng-custom-ami-no-bootstrap", ("launch_template", 0))
    elif ami_type == "CUSTOM":
        yield _refusal("eks-ng-custom-ami-without-image", ("ami_type",))

    if _is_set(template.get("iam_instance_profile")):
        yield _refusal("eks-ng-lt-instance-profile", ("launch_template", 0))
    if _is_set(template.get("instance_type")) and _is_set(values.get("instance_types")):
        yield _refusal("eks-ng-instance-type-twice", ("instance_types",))


def _user_data_bootstraps(user_data: object) -> bool:
    """Whether launch template user data (base64, maybe gzip or MIME multipart) joins the node to a cluster.

    Unknown user data is given the benefit of the doubt.
    """
    if user_data is UNKNOWN:
        return True
    if not isinstance(user_data, str) or not user_data:
        return False
    text = _decoded_text(user_data)
    return any(marker in part for part in _mime_parts(text) for marker in _BOOTSTRAP_MARKERS)


def _decoded_text(data: str) -> str:
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return data
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except OSError:
            return ""
    return raw.decode("utf-8", errors="replace")


def _mime_parts(text: str) -> Iterator[str]:
    yield text
    if "MIME-Version" not in text and "Content-Type: multipart" not in text:
        return
    message = email.message_from_string(text)
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            yield payload.decode("utf-8", errors="replace")


# --- EKS clusters ----------------------------------------------------------------------------------------------


def _check_cluster(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    version = values.get("version")
    if isinstance(version, str) and version and version not in OFFERED_KUBERNETES_VERSIONS:
        yield _refusal("eks-cluster-version", ("version",))

    if _is_set(values.get("outpost_config")) or values.get("outpost_config") is UNKNOWN:
        return  # local clusters on Outposts run in one subnet of the Outpost
    vpc_blocks = _blocks(values.get("vpc_config"))
    if not vpc_blocks:
        return
    subnet_ids = _strings(vpc_blocks[0].get("subnet_ids"))
    if subnet_ids is None or not subnet_ids:
        return
    zones: set[str] = set()
    for subnet_id in subnet_ids:
        subnet = world.by_id("aws_subnet", subnet_id)
        zone = None
        if subnet is not None and not _read_from_account(subnet):  # a read subnet's zone is made up
            zone = _text(subnet.get("availability_zone")) or _text(subnet.get("availability_zone_id"))
        if zone is None:
            if len(set(subnet_ids)) >= 2:
                return  # an unknown subnet may well be in another zone
            continue
        zones.add(zone)
    if len(zones) < 2:
        yield _refusal("eks-cluster-subnet-azs", ("vpc_config", 0, "subnet_ids"))


def _role_with_arn(world: World, arn: str | None) -> Mapping[str, Any] | None:
    if not arn:
        return None
    for role in world.resources("aws_iam_role"):
        if role.get("arn") == arn and "force_detach_policies" in role:  # the resource, not a read of the account
            return role
    return None


def _trusts_service(trust_policy: object, service: str) -> bool | None:
    """Whether the trust policy lets `service` call sts:AssumeRole; None when it cannot be read."""
    if not isinstance(trust_policy, str):
        return None
    try:
        document = json.loads(trust_policy)
    except ValueError:
        return None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return None
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else actions if isinstance(actions, list) else []
        if not any(action in ("sts:AssumeRole", "sts:*", "*") for action in actions):
            continue
        principal = statement.get("Principal")
        if principal == "*":
            return True
        services = principal.get("Service") if isinstance(principal, dict) else None
        services = [services] if isinstance(services, str) else services if isinstance(services, list) else []
        if service in services:
            return True
    return False


def _check_role_trust(rule_id: str, attribute: str, service: str) -> _Checker:
    def check(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
        role = _role_with_arn(world, _text(values.get(attribute)))
        if role is not None and _trusts_service(role.get("assume_role_policy"), service) is False:
            yield _refusal(rule_id, (attribute,))

    return check


# --- Fargate profiles ------------------------------------------------------------------------------------------


def _check_fargate_profile(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    selectors = _blocks(values.get("selector"))
    if selectors is None:
        return
    if len(selectors) > _MAX_FARGATE_SELECTORS:
        yield _refusal("eks-fargate-selector-count", ("selector",), count=len(selectors))
    for index, selector in enumerate(selectors):
        namespace = selector.get("namespace")
        if namespace is not UNKNOWN and not _is_set(namespace):
            yield _refusal("eks-fargate-selector-namespace", ("selector", index, "namespace"))


# --- EKS access entries and policy associations -----------------------------------------------------------------


def _check_access_entry(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    entry_type = values.get("type")
    if entry_type is UNKNOWN:
        return
    entry_type = entry_type if isinstance(entry_type, str) and entry_type else "STANDARD"
    if entry_type not in ACCESS_ENTRY_TYPES:
        yield _refusal("eks-access-entry-type", ("type",), type=entry_type, valid=", ".join(ACCESS_ENTRY_TYPES))
        return
    groups = _strings(values.get("kubernetes_groups"))
    if groups is None:
        return
    if entry_type != "STANDARD" and groups:
        yield _refusal("eks-access-entry-node-groups", ("kubernetes_groups",), type=entry_type)
    if entry_type == "STANDARD":
        for index, group in enumerate(groups):
            if group.startswith("system:"):
                yield _refusal("eks-access-entry-system-group", ("kubernetes_groups", index), group=group)


def _check_access_policy_association(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    arn = values.get("policy_arn")
    if isinstance(arn, str) and not _ACCESS_POLICY_ARN.match(arn):
        yield _refusal("eks-access-policy-arn", ("policy_arn",), arn=arn)

    scopes = _blocks(values.get("access_scope"))
    if scopes:
        scope = scopes[0]
        scope_type, namespaces = scope.get("type"), _strings(scope.get("namespaces"))
        if scope_type == "namespace" and namespaces == []:
            yield _refusal(
                "eks-access-policy-scope",
                ("access_scope", 0, "namespaces"),
                detail="Namespaces must be specified for an access scope of type namespace.",
            )
        if scope_type == "cluster" and namespaces:
            yield _refusal(
                "eks-access-policy-scope",
                ("access_scope", 0, "namespaces"),
                detail="Namespaces can't be specified for an access scope of type cluster.",
            )

    cluster, principal = _text(values.get("cluster_name")), _text(values.get("principal_arn"))
    if cluster and principal:
        for entry in world.resources("aws_eks_access_entry"):
            if entry.get("cluster_name") == cluster and entry.get("principal_arn") == principal:
                entry_type = entry.get("type")
                if isinstance(entry_type, str) and entry_type in _NO_POLICY_ACCESS_ENTRY_TYPES:
                    yield _refusal("eks-access-policy-node-entry", ("principal_arn",), type=entry_type)


def _cluster_named(world: World, name: str | None) -> Mapping[str, Any] | None:
    if not name:
        return None
    for cluster in world.resources("aws_eks_cluster"):
        if cluster.get("name") == name and "bootstrap_self_managed_addons" in cluster:  # the resource, not a read
            return cluster
    return None


def _check_cluster_auth_mode(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    cluster = _cluster_named(world, _text(values.get("cluster_name")))
    access = _blocks(cluster.get("access_config")) if cluster is not None else None
    if access and access[0].get("authentication_mode") == "CONFIG_MAP":
        yield _refusal("eks-access-entry-auth-mode", ("cluster_name",))


def _check_addon(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    cluster_name = _text(values.get("cluster_name"))
    if values.get("addon_name") != "coredns" or cluster_name is None:
        return
    cluster = _cluster_named(world, cluster_name)
    if cluster is None or _auto_mode(cluster):
        return
    profiles = [p for p in world.resources("aws_eks_fargate_profile") if p.get("cluster_name") == cluster_name]
    node_groups = [g for g in world.resources("aws_eks_node_group") if g.get("cluster_name") == cluster_name]
    if not profiles or node_groups or any(True for _ in world.resources("aws_autoscaling_group")):
        return  # EC2 compute runs CoreDNS, or there is no Fargate compute to judge
    configuration = values.get("configuration_values")
    if configuration is UNKNOWN:
        return
    on_fargate = _configured_compute_type(configuration) == "Fargate"
    selects_kube_system = any(
        selector.get("namespace") == "kube-system"
        for profile in profiles
        for selector in (_blocks(profile.get("selector")) or [])
    )
    if not (on_fargate and selects_kube_system):
        yield _refusal("eks-addon-coredns-fargate-only", ("configuration_values",), cluster=cluster_name)


def _auto_mode(cluster: Mapping[str, Any]) -> bool:
    compute = _blocks(cluster.get("compute_config")) or []
    return bool(compute) and compute[0].get("enabled") is True


def _configured_compute_type(configuration: object) -> object:
    if not isinstance(configuration, str) or not configuration:
        return None
    try:
        parsed = json.loads(configuration)
    except ValueError:
        return None
    return parsed.get("computeType") if isinstance(parsed, dict) else None


# --- policy documents ------------------------------------------------------------------------------------------


def identity_policy_error(document: str) -> str | None:
    """IAM's MalformedPolicyDocument message for an identity policy, or None when IAM accepts it."""
    from moto.iam.exceptions import MalformedPolicyDocument
    from moto.iam.policy_validation import IAMPolicyDocumentValidator

    try:
        IAMPolicyDocumentValidator(document).validate()
    except MalformedPolicyDocument as refused:
        return str(refused.message)
    if any("Principal" in s or "NotPrincipal" in s for s in _statements(document)):
        return "Policy document should not specify a principal."
    return None


def trust_policy_error(document: str) -> str | None:
    """IAM's MalformedPolicyDocument message for a role trust policy, or None when IAM accepts it."""
    from moto.iam.exceptions import MalformedPolicyDocument
    from moto.iam.policy_validation import IAMTrustPolicyDocumentValidator

    try:
        IAMTrustPolicyDocumentValidator(document).validate()
    except MalformedPolicyDocument as refused:
        return str(refused.message)
    if any("Principal" not in s and "NotPrincipal" not in s for s in _statements(document)):
        return "Missing required field Principal"
    return None


def resource_policy_error(document: str) -> str | None:
    """Why a resource policy (key, bucket) is malformed, or None."""
    try:
        parsed = json.loads(document)
    except ValueError:
        return "Policies must be valid JSON."
    if not isinstance(parsed, dict) or "Statement" not in parsed:
        return "Missing required field Statement"
    for statement in _statements(document):
        for element, alternative in (
            ("Principal", "NotPrincipal"),
            ("Action", "NotAction"),
            ("Resource", "NotResource"),
        ):
            if element not in statement and alternative not in statement:
                return f"Missing required field {element}"
    return None


def _statements(document: str) -> list[Mapping[str, Any]]:
    try:
        parsed = json.loads(document)
    except ValueError:
        return []
    statements = parsed.get("Statement") if isinstance(parsed, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if isinstance(s, Mapping)] if isinstance(statements, list) else []


_RESOURCE_POLICY_CODES = {
    "aws_kms_key": "MalformedPolicyDocumentException",
    "aws_kms_replica_key": "MalformedPolicyDocumentException",
    "aws_kms_replica_external_key": "MalformedPolicyDocumentException",
    "aws_s3_bucket_policy": "MalformedPolicy",
}


def _check_identity_policy(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    document = values.get("policy")
    if isinstance(document, str) and document:
        detail = identity_policy_error(document)
        if detail:
            yield _refusal("iam-policy-malformed", ("policy",), detail=detail)


def _check_role(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
    trust = values.get("assume_role_policy")
    if isinstance(trust, str) and trust:
        detail = trust_policy_error(trust)
        if detail:
            yield _refusal("iam-trust-policy-malformed", ("assume_role_policy",), detail=detail)
    for index, inline in enumerate(_blocks(values.get("inline_policy")) or []):
        document = inline.get("policy")
        if isinstance(document, str) and document:
            detail = identity_policy_error(document)
            if detail:
                yield _refusal("iam-policy-malformed", ("inline_policy", index, "policy"), detail=detail)


def _check_resource_policy(type_name: str) -> Callable[[Mapping[str, Any], World], Iterator[Refusal]]:
    def check(values: Mapping[str, Any], world: World) -> Iterator[Refusal]:
        document = values.get("policy")
        if isinstance(document, str) and document:
            detail = resource_policy_error(document)
            if detail:
                yield _refusal(
                    "resource-policy-malformed", ("policy",), code=_RESOURCE_POLICY_CODES[type_name], detail=detail
                )

    return check


_CHECKERS: dict[str, Sequence[_Checker]] = {
    "aws_eks_node_group": (_check_node_group,),
    "aws_eks_cluster": (_check_cluster, _check_role_trust("eks-cluster-role-trust", "role_arn", "eks.amazonaws.com")),
    "aws_eks_fargate_profile": (
        _check_fargate_profile,
        _check_role_trust("eks-fargate-role-trust", "pod_execution_role_arn", "eks-fargate-pods.amazonaws.com"),
    ),
    "aws_eks_access_entry": (_check_access_entry, _check_cluster_auth_mode),
    "aws_eks_access_policy_association": (_check_access_policy_association, _check_cluster_auth_mode),
    "aws_eks_addon": (_check_addon,),
    "aws_iam_policy": (_check_identity_policy,),
    "aws_iam_role_policy": (_check_identity_policy,),
    "aws_iam_user_policy": (_check_identity_policy,),
    "aws_iam_group_policy": (_check_identity_policy,),
    "aws_iam_role": (_check_role,),
    **{name: (_check_resource_policy(name),) for name in _RESOURCE_POLICY_CODES},
}


def check_resource(type_name: str, values: Mapping[str, Any], world: World) -> list[Refusal]:
    """Every AWS rule `values` (the resource's configuration as sent to AWS) breaks; [] when AWS would accept it."""
    checkers = _CHECKERS.get(type_name)
    if not checkers:
        return []
    return [refusal for checker in checkers for refusal in checker(values, world)]


def checked_resource_types() -> frozenset[str]:
    return frozenset(_CHECKERS)


def rules_markdown_table() -> str:
    """The rule table of docs/sandbox.md ("## AWS rules"), one row per rule."""
    rows = [
        "| Rule | Resource | What AWS refuses | AWS error | Source |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in RULES:
        types = ", ".join(f"`{name}`" for name in rule.resource_types)
        text = f"`{rule.error}`" + ("" if rule.verbatim else " (not verbatim: written from the API reference)")
        rows.append(f"| `{rule.rule_id}` | {types} | {rule.refuses} | {text} | {rule.source} |")
    return "\n".join(rows) + "\n"
