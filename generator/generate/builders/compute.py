"""Node groups: their entries in module "eks", one explicit launch template each, user data, node IAM.

Managed groups use a launch template ekstf writes (eks-facts §4): no instance profile, no instance type and no
subnets in it; the group keeps those. Self-managed groups need an instance profile in their template, so their node
role comes from terraform-aws-iam outside module "eks" (using the module's own per-group role would be a cycle).
"""

from __future__ import annotations

from typing import Any

from generator.generate import names
from generator.generate.builders.common import (
    bottlerocket_admin_for_ssh,
    cluster_tags,
    group_subnets,
    needs_user_data,
    root_device_name,
)
from generator.generate.builders.contexts import (
    AmiParameter,
    LaunchTemplate,
    LaunchTemplatesContext,
    ModuleCall,
    NodeRole,
    NodeRolesContext,
    SshGroup,
    SshRule,
)
from generator.generate.hcl import Block, Expr
from generator.spec import catalog
from generator.spec.models import ManagedNodeGroup, NodeGroupBase, SelfManagedNodeGroup, Spec

USER_DATA_MODULE_SOURCE = "./modules/node-user-data"
# terraform-aws-eks renders its own user data for every managed group, even one whose launch template ekstf writes;
# with ami_type CUSTOM that needs a template path (modules/_user_data: coalesce(user_data_template_path, ...)).
# This shipped template renders nothing: the group's user data is in ekstf's launch template.
BOTTLEROCKET_ADMIN_TOML = "[settings.host-containers.admin]\nenabled = true\n"
NO_MODULE_USER_DATA_TEMPLATE = Expr('"${path.root}/modules/node-user-data/templates/no-module-user-data.tpl"')
_TAGGED_RESOURCES = ("instance", "volume", "network-interface")
_SELF_MANAGED_POLICIES = {
    "AmazonEKSWorkerNodePolicy": catalog.MANAGED_POLICY_ARNS["AmazonEKSWorkerNodePolicy"],
    "AmazonEC2ContainerRegistryPullOnly": catalog.MANAGED_POLICY_ARNS["AmazonEC2ContainerRegistryPullOnly"],
    "AmazonSSMManagedInstanceCore": catalog.MANAGED_POLICY_ARNS["AmazonSSMManagedInstanceCore"],
    "AmazonEKS_CNI_Policy": catalog.MANAGED_POLICY_ARNS["AmazonEKS_CNI_Policy"],
}


def _ref(address: str, attribute: str) -> Expr:
    return Expr(f"{address}.{attribute}")


def _additional_policies(group: NodeGroupBase) -> dict[str, str]:
    policies = {"AmazonSSMManagedInstanceCore": catalog.MANAGED_POLICY_ARNS["AmazonSSMManagedInstanceCore"]}
    for index, arn in enumerate(group.iam.additional_policy_arns):
        policies[f"additional_{index}"] = arn
    return policies


# --- entries of module "eks" ---------------------------------------------------------------------------


def managed_node_groups(spec: Spec) -> dict[str, Any]:
    if not spec.managed_node_groups:
        return {}
    return {"eks_managed_node_groups": {g.name: _managed(spec, g) for g in spec.managed_node_groups}}


def _managed(spec: Spec, group: ManagedNodeGroup) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if not group.name_prefix:
        body["use_name_prefix"] = False
    body |= _managed_image(group)
    template = group.launch_template
    body |= {
        # A launch template that sets the instance type: EKS rejects a node group that sends one too.
        "instance_types": None if template is not None and template.sets_instance_type else list(group.instance_types),
        "capacity_type": group.capacity_type,
        # A pinned group stays at its Kubernetes version while the control plane moves on (default: the cluster's).
        "kubernetes_version": group.version,
        "min_size": group.min_size,
        "max_size": group.max_size,
        "desired_size": group.desired_size,
        "subnet_ids": group_subnets(spec, group),
    }
    if group.labels:
        body["labels"] = dict(group.labels)
    if group.taints:
        body["taints"] = _taints(group)
    update = group.update_config
    body["update_config"] = {
        "max_unavailable": update.max_unavailable,
        "max_unavailable_percentage": update.max_unavailable_percentage,
    }
    if group.node_repair is not None:
        body["node_repair_config"] = {"enabled": group.node_repair}
    body.update(_managed_launch_template(group))
    body.update(_managed_role(group))
    if group.tags:
        body["tags"] = dict(group.tags)
    return body


def _managed_image(group: ManagedNodeGroup) -> dict[str, Any]:
    """A custom AMI: its id goes to the module too, so that the node group sends no Kubernetes version and no AMI
    type next to the template's image (EKS rejects both, terraform-aws-eks #3459)."""
    if group.ami is None:
        return {"ami_type": group.ami_type}
    return {
        "ami_type": "CUSTOM",
        "ami_id": group.ami.id,
        "use_latest_ami_release_version": False,
        "user_data_template_path": NO_MODULE_USER_DATA_TEMPLATE,
    }


def _managed_launch_template(group: ManagedNodeGroup) -> dict[str, Any]:
    """The group's own template when the spec names one (switching template ids replaces the group), else ekstf's."""
    existing = group.launch_template
    if existing is not None:
        return {
            "create_launch_template": False,
            "use_custom_launch_template": True,
            "launch_template_id": existing.id,
            "launch_template_version": existing.version,
        }
    template = names.launch_template_resource(group.name)
    return {
        "create_launch_template": False,
        "use_custom_launch_template": True,
        "launch_template_id": _ref(template, "id"),
        "launch_template_version": _ref(template, "latest_version"),
    }


def _managed_role(group: ManagedNodeGroup) -> dict[str, Any]:
    if group.iam.role_arn is not None:
        return {"create_iam_role": False, "iam_role_arn": group.iam.role_arn}
    return {
        "iam_role_additional_policies": _additional_policies(group),
        "iam_role_permissions_boundary": group.iam.permissions_boundary,
    }


def _taints(group: NodeGroupBase) -> dict[str, Any]:
    keys = [t.key for t in group.taints]
    taints: dict[str, Any] = {}
    for taint in group.taints:
        map_key = taint.key if keys.count(taint.key) == 1 else f"{taint.key}:{taint.effect}"
        taints[map_key] = {"key": taint.key, "value": taint.value, "effect": taint.eks_effect}
    return taints


def self_managed_node_groups(spec: Spec) -> dict[str, Any]:
    if not spec.node_groups:
        return {}
    return {"self_managed_node_groups": {g.name: _self_managed(spec, g) for g in spec.node_groups}}


def _self_managed(spec: Spec, group: SelfManagedNodeGroup) -> dict[str, Any]:
    template = names.launch_template_resource(group.name)
    role_module = names.self_managed_node_role_module(group.name)
    body: dict[str, Any] = {"use_name_prefix": False} if not group.name_prefix else {}
    body |= {
        # Decides the type of the node role's access entry (EC2_LINUX or EC2_WINDOWS) the module creates.
        "ami_type": _access_ami_type(group),
        "min_size": group.min_size,
        "max_size": group.max_size,
        "desired_size": group.desired_size,
        "subnet_ids": group_subnets(spec, group),
        "create_launch_template": False,
        "launch_template_id": _ref(template, "id"),
        "launch_template_version": _ref(template, "latest_version"),
        "create_iam_instance_profile": False,
        "iam_instance_profile_arn": Expr(f"module.{role_module}.instance_profile_arn"),
        "iam_role_arn": Expr(f"module.{role_module}.arn"),
        # A CONFIG_MAP (Outposts local) cluster has no access entries: the node role goes in aws-auth instead.
        "create_access_entry": spec.cluster.authentication_mode != "CONFIG_MAP",
    }
    distribution = group.instances_distribution
    if distribution is not None or len(group.instance_types) > 1:
        dist = distribution
        body["use_mixed_instances_policy"] = True
        body["mixed_instances_policy"] = {
            "instances_distribution": {
                "on_demand_base_capacity": dist.on_demand_base_capacity if dist else 0,
                "on_demand_percentage_above_base_capacity": (
                    dist.on_demand_percentage_above_base_capacity if dist else 100
                ),
                "spot_allocation_strategy": dist.spot_allocation_strategy if dist else "price-capacity-optimized",
                "spot_max_price": dist.spot_max_price if dist else None,
            },
            "launch_template": {"override": [{"instance_type": t} for t in group.instance_types]},
        }
    else:
        body["instance_type"] = group.instance_types[0]
    if distribution is not None and distribution.on_demand_percentage_above_base_capacity < 100:
        # Spot capacity: replace instances EC2 flags for interruption before they go (as eksctl does).
        body["capacity_rebalance"] = True
    if group.placement_group:
        body["placement_group"] = group.placement_group
    if group.tags:
        body["tags"] = dict(group.tags)
    if group.cluster_autoscaler_tags:
        body["autoscaling_group_tags"] = {
            "k8s.io/cluster-autoscaler/enabled": "true",
            f"k8s.io/cluster-autoscaler/{spec.cluster.name}": "owned",
        }
    return body


def _access_ami_type(group: NodeGroupBase) -> str:
    if group.ami_type and group.ami_type != "CUSTOM":
        return str(group.ami_type)
    return catalog.DEFAULT_WINDOWS_AMI_TYPE if group.os_family == "windows" else catalog.DEFAULT_AMI_TYPE


# --- launch_templates.tf ------------------------------------------------------------------------------


def launch_templates(spec: Spec) -> LaunchTemplatesContext | None:
    groups: list[tuple[NodeGroupBase, bool]] = [
        (g, False) for g in spec.managed_node_groups if g.launch_template is None
    ]
    groups += [(g, True) for g in spec.node_groups]
    if not groups:
        return None
    return {
        "user_data_modules": [_user_data_module(spec, g, s) for g, s in groups if needs_user_data(g, s)],
        "ami_parameters": [_ami_parameter(spec, g) for g in spec.node_groups if g.ami is None],
        "ssh_groups": [
            _ssh_group(spec, g) for g, _ in groups if g.ssh and (g.ssh.source_cidrs or g.ssh.source_security_group_ids)
        ],
        "templates": [_launch_template(spec, g, s) for g, s in groups],
    }


def _launch_template(spec: Spec, group: NodeGroupBase, self_managed: bool) -> LaunchTemplate:
    cluster = spec.cluster.name
    resource = names.launch_template_resource(group.name)
    disk = group.disk
    ebs: dict[str, Any] = {
        "volume_size": disk.size,
        "volume_type": disk.type,
        "iops": disk.iops,
        "throughput": disk.throughput,
        "encrypted": disk.encrypted,
        "kms_key_id": disk.kms_key_id,
        "delete_on_termination": True,
    }
    security_groups: list[Expr | str] = [Expr(f"module.{names.EKS_MODULE}.node_security_group_id")]
    if group.ssh and (group.ssh.source_cidrs or group.ssh.source_security_group_ids):
        security_groups.append(_ref(names.ssh_security_group_resource(group.name), "id"))
    security_groups += group.security_group_ids
    body: dict[str, Any] = {
        "name_prefix": f"{cluster}-{group.name}-",
        "description": f"Nodes of {cluster}/{group.name} (generated by ekstf)",
        "update_default_version": True,
    }
    if group.ami is not None:
        body["image_id"] = group.ami.id
    elif self_managed:
        body["image_id"] = Expr(f"nonsensitive({names.ami_parameter_data(group.name)}.value)")
    if self_managed and not _mixed(group):
        body["instance_type"] = group.instance_types[0]
    if group.ssh and group.ssh.key_name:
        body["key_name"] = group.ssh.key_name
    if needs_user_data(group, self_managed):
        body["user_data"] = Expr(f"module.{names.user_data_module(group.name)}.user_data_base64")
    if not group.efa:
        body["vpc_security_group_ids"] = security_groups
    blocks: dict[str, Any] = {}
    if self_managed:
        blocks["iam_instance_profile"] = Block(
            "iam_instance_profile",
            {"arn": Expr(f"module.{names.self_managed_node_role_module(group.name)}.instance_profile_arn")},
        )
    blocks["metadata_options"] = Block(
        "metadata_options",
        {
            "http_endpoint": "enabled",
            "http_tokens": "required",
            "http_put_response_hop_limit": group.imds_hop_limit,
        },
    )
    bdm = [Block("block_device_mappings", {"device_name": root_device_name(group), "ebs": Block("ebs", ebs)})]
    blocks["block_device_mappings"] = bdm
    blocks["monitoring"] = Block("monitoring", {"enabled": group.detailed_monitoring})
    if group.efa:
        blocks["network_interfaces"] = [
            Block(
                "network_interfaces",
                {
                    "device_index": 0,
                    "network_card_index": 0,
                    "interface_type": "efa",
                    "delete_on_termination": True,
                    "security_groups": security_groups,
                },
            )
        ]
    if group.placement_group and not self_managed:
        blocks["placement"] = Block("placement", {"group_name": group.placement_group})
    # Provider default_tags never reach tag_specifications (terraform-provider-aws #19387): write them here.
    name_tags = {**cluster_tags(spec), "Name": f"{cluster}-{group.name}", **group.tags}
    blocks["tag_specifications"] = [
        Block("tag_specifications", {"resource_type": kind, "tags": name_tags}) for kind in _TAGGED_RESOURCES
    ]
    blocks["lifecycle"] = Block("lifecycle", {"create_before_destroy": True})
    skips = []
    if group.imds_hop_limit > 1:
        skips.append("CKV_AWS_341: imdsHopLimit 2 is set in the spec so that pods can reach the instance metadata")
    return {
        "name": resource.split(".", 1)[1],
        "group": group.name,
        "checkov_skips": skips,
        "self_managed": self_managed,
        "attributes": body,
        "blocks": blocks,
        "tags": {"NodeGroup": group.name},
    }


def _mixed(group: NodeGroupBase) -> bool:
    return isinstance(group, SelfManagedNodeGroup) and (
        group.instances_distribution is not None or len(group.instance_types) > 1
    )


def _user_data_module(spec: Spec, group: NodeGroupBase, self_managed: bool) -> ModuleCall:
    eks = names.EKS_MODULE
    full = self_managed or group.ami is not None
    args: dict[str, Any] = {"ami_family": group.os_family, "full_bootstrap": full}
    if full:
        args.update(
            {
                "cluster_name": Expr(f"module.{eks}.cluster_name"),
                "cluster_endpoint": Expr(f"module.{eks}.cluster_endpoint"),
                "cluster_ca_data": Expr(f"module.{eks}.cluster_certificate_authority_data"),
                "cluster_service_cidr": Expr(f"module.{eks}.cluster_service_cidr"),
            }
        )
    user_data = group.user_data
    if user_data is not None:
        args["pre_bootstrap_script"] = _as_file(user_data.shell)
        args["node_config"] = user_data.node_config or None
        args["bottlerocket_settings_toml"] = _as_file(user_data.bottlerocket_toml)
        args["bootstrap_extra_args"] = user_data.bootstrap_extra_args
        args["bootstrap_script"] = _as_file(user_data.bootstrap_script)
    if bottlerocket_admin_for_ssh(group):
        # Bottlerocket has no sshd on the host: SSH reaches the admin host container, off unless enabled.
        toml = args.get("bottlerocket_settings_toml") or ""
        args["bottlerocket_settings_toml"] = toml + ("\n" if toml else "") + BOTTLEROCKET_ADMIN_TOML
    if group.kubelet is not None:
        args["kubelet_max_pods"] = group.kubelet.max_pods
        args["kubelet_extra_config"] = dict(group.kubelet.extra_config) or None
    if self_managed:
        # Managed groups get labels and taints through the EKS API; self-managed nodes register them at boot.
        args["node_labels"] = dict(group.labels) or None
        args["node_taints"] = [{"key": t.key, "value": t.value or "", "effect": t.effect} for t in group.taints] or None
    return {"name": names.user_data_module(group.name), "source": USER_DATA_MODULE_SOURCE, "arguments": args}


def _as_file(text: str | None) -> str | None:
    """Scripts and TOML end with a newline (the spec loader strips it); multi-line ones then render as heredocs."""
    if not text:
        return None
    return text if text.endswith("\n") else text + "\n"


def _ami_parameter(spec: Spec, group: NodeGroupBase) -> AmiParameter:
    return {
        "name": names.ami_parameter_data(group.name).split(".", 2)[2],
        "parameter": ami_ssm_parameter(group.ami_type or catalog.DEFAULT_AMI_TYPE, spec.node_version(group)),
    }


def ami_ssm_parameter(ami_type: str, version: str) -> str:
    """The public SSM parameter with the latest EKS-optimized AMI id for an AMI type and Kubernetes version."""
    arch = "arm64" if "ARM_64" in ami_type else "x86_64"
    if ami_type.startswith("AL2023"):
        flavour = "nvidia" if "NVIDIA" in ami_type else "neuron" if "NEURON" in ami_type else "standard"
        return f"/aws/service/eks/optimized-ami/{version}/amazon-linux-2023/{arch}/{flavour}/recommended/image_id"
    if ami_type.startswith("BOTTLEROCKET"):
        variant = f"aws-k8s-{version}-nvidia" if "NVIDIA" in ami_type else f"aws-k8s-{version}"
        return f"/aws/service/bottlerocket/{variant}/{arch}/latest/image_id"
    if ami_type.startswith("AL2_"):
        suffix = "-arm64" if arch == "arm64" else "-gpu" if "GPU" in ami_type else ""
        return f"/aws/service/eks/optimized-ami/{version}/amazon-linux-2{suffix}/recommended/image_id"
    edition = "Full" if "FULL" in ami_type else "Core"
    year = "2019" if "2019" in ami_type else "2022"
    return f"/aws/service/ami-windows-latest/Windows_Server-{year}-English-{edition}-EKS_Optimized-{version}/image_id"


def _ssh_group(spec: Spec, group: NodeGroupBase) -> SshGroup:
    assert group.ssh is not None
    resource = names.ssh_security_group_resource(group.name).split(".", 1)[1]
    rules: list[SshRule] = []
    if group.ssh.source_cidrs:
        rules.append({"name": f"{resource}_cidrs", "cidr_blocks": list(group.ssh.source_cidrs), "source": None})
    for index, sg in enumerate(group.ssh.source_security_group_ids):
        rules.append({"name": f"{resource}_sg_{index}", "cidr_blocks": None, "source": sg})
    return {
        "resource": resource,
        "name_prefix": f"{spec.cluster.name}-{group.name}-ssh-",
        "group": group.name,
        "rules": rules,
    }


# --- node_iam.tf ----------------------------------------------------------------------------------------


def node_roles(spec: Spec) -> NodeRolesContext | None:
    if not spec.node_groups:
        return None
    roles: list[NodeRole] = []
    for group in spec.node_groups:
        policies = dict(_SELF_MANAGED_POLICIES)
        for index, arn in enumerate(group.iam.additional_policy_arns):
            policies[f"additional_{index}"] = arn
        roles.append(
            {
                "module": names.self_managed_node_role_module(group.name),
                "group": group.name,
                "name": f"{spec.cluster.name}-{group.name}-node"[:64],
                "policies": policies,
                "permissions_boundary": group.iam.permissions_boundary,
            }
        )
    return {"version": spec.terraform.modules.iam, "roles": roles}
