"""The typed contexts builders hand to templates: one per output file, and the pieces they share.

`HclBody` is an ordered map of Terraform argument name → value for `hcl.attributes` (a `None` value is left out);
its values are plain Python data plus `hcl.Expr`, `hcl.Call` and `hcl.Block`.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from generator.generate.builders.common import WorkloadIdentity
from generator.spec.models import ModuleVersions

HclBody = dict[str, Any]


class VersionsContext(TypedDict):
    required_version: str
    providers: dict[str, dict[str, str]]


class ProvidersContext(TypedDict):
    region: str
    tags: dict[str, str]


class BackendContext(TypedDict):
    type: Literal["local", "s3"]
    attributes: HclBody


class NewVpcContext(TypedDict):
    existing: Literal[False]
    module: str
    version: str
    lookup_azs: bool
    az_count: int
    arguments: HclBody
    subnets: HclBody
    nat: HclBody
    nat_comment: str
    dual_stack: HclBody
    public_ips: HclBody
    subnet_tags: HclBody


class ExistingVpcContext(TypedDict):
    existing: Literal[True]
    vpc_id: str | None
    vpc_subnet: str | None  # no vpc.id: the VPC is read from this subnet
    public_only: bool
    private_subnet_ids: list[str]
    public_subnet_ids: list[str]
    control_plane_subnet_ids: list[str]


class EksContext(TypedDict):
    module: str
    version: str
    sections: list[tuple[str, HclBody]]  # (banner comment, arguments)


class ModuleCall(TypedDict):
    name: str
    source: str
    arguments: HclBody


class AmiParameter(TypedDict):
    name: str
    parameter: str


class SshRule(TypedDict):
    name: str
    cidr_blocks: list[str] | None
    source: str | None


class SshGroup(TypedDict):
    resource: str
    name_prefix: str
    group: str
    rules: list[SshRule]


class LaunchTemplate(TypedDict):
    name: str
    group: str
    self_managed: bool
    checkov_skips: list[str]
    attributes: HclBody
    blocks: HclBody
    tags: dict[str, str]


class LaunchTemplatesContext(TypedDict):
    user_data_modules: list[ModuleCall]
    ami_parameters: list[AmiParameter]
    ssh_groups: list[SshGroup]
    templates: list[LaunchTemplate]


class NodeRole(TypedDict):
    module: str
    group: str
    name: str
    policies: dict[str, str]
    permissions_boundary: str | None


class NodeRolesContext(TypedDict):
    version: str
    roles: list[NodeRole]


class Association(TypedDict):
    resource: str
    arguments: HclBody


class WorkloadModule(TypedDict):
    module: str
    identity: WorkloadIdentity
    arguments: HclBody | None  # None: the role exists already (`roleArn`), only the association is generated
    association: NotRequired[Association | None]


class WorkloadModulesContext(TypedDict):
    source: str
    version: str
    modules: list[WorkloadModule]


class ServiceAccountEntry(TypedDict):
    name: str
    namespace: str
    irsa: bool
    output: str
    role_name: str
    existing_role_arn: str | None
    labels: dict[str, str]
    annotations: dict[str, str]


class ServiceAccountsContext(TypedDict):
    namespaces: list[str]
    accounts: list[ServiceAccountEntry]


class KarpenterContext(TypedDict):
    module: str
    version: str
    arguments: HclBody


class Output(TypedDict):
    name: str
    description: str
    value: Any


class OutputsContext(TypedDict):
    outputs: list[Output]


class ReadmeContext(TypedDict):
    version: str
    cluster: str
    region: str
    kubernetes_version: str
    engine: str
    existing_vpc: bool
    backend: str
    managed_groups: list[str]
    self_managed_groups: list[str]
    fargate_profiles: list[str]
    karpenter: bool
    irsa: bool
    pod_identity: bool
    service_accounts: bool
    user_data_module: bool
    private_only: bool
    creator_admin: bool
    local_cluster: bool
    modules: ModuleVersions
    notes: list[str]  # things the reader must know about this cluster (security, networking), one paragraph each


class EmptyContext(TypedDict):
    pass
