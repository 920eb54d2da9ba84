"""The input interface of a module a repo calls: pinned registry modules (bundled JSON) or local modules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from generator import resources
from generator.conformance.hcl_reader import Block, HclFile, Literal, Unknown
from generator.conformance.typeexpr import ANY, TypeExprError, TypeNode, parse_type

REGISTRY_PREFIX = "registry.terraform.io/"
EKS_SOURCE = "terraform-aws-modules/eks/aws"
VPC_SOURCE = "terraform-aws-modules/vpc/aws"
IAM_SOURCE = "terraform-aws-modules/iam/aws"
META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
# Inputs the module declares as `any` but reads with a fixed shape (from the module's main.tf): checked as this type.
SHAPES_OF_ANY_INPUTS = {
    (IAM_SOURCE, "iam-role-for-service-accounts", "oidc_providers"): (
        "map(object({ provider_arn = string, namespace_service_accounts = list(string) }))"
    ),
}


@dataclass(frozen=True)
class ModuleVariable:
    type: TypeNode
    required: bool


@dataclass(frozen=True)
class ModuleInterface:
    label: str  # for messages, e.g. "terraform-aws-modules/eks/aws//modules/karpenter 21.19.0"
    variables: dict[str, ModuleVariable]
    version: str | None  # the version the interface describes (registry modules only)


class UnknownSubmodule(LookupError):
    pass


def split_registry_source(source: str) -> tuple[str, str] | None:
    """`terraform-aws-modules/eks/aws//modules/karpenter` -> (`terraform-aws-modules/eks/aws`, `karpenter`)."""
    address = source.removeprefix(REGISTRY_PREFIX)
    base, _, subdir = address.partition("//")
    if base not in (EKS_SOURCE, VPC_SOURCE, IAM_SOURCE):
        return None
    subdir = subdir.strip("/")
    if not subdir:
        return base, "root"
    if subdir.startswith("modules/") and subdir.count("/") == 1:
        return base, subdir.removeprefix("modules/")
    return base, subdir  # not a known layout: reported as an unknown submodule


def normalise_version(version: str) -> str:
    return version.strip().lstrip("=").strip().removeprefix("v")


def _interface_data(base: str, version: str | None) -> Any:
    if base == EKS_SOURCE:
        pinned = normalise_version(version) if version else ""
        shipped = {"20.37.2"}
        return resources.eks_interface(pinned) if pinned in shipped else resources.eks_interface()
    if base == VPC_SOURCE:
        return resources.vpc_interface()
    return resources.iam_interface()


def registry_interface(base: str, submodule: str, version: str | None) -> ModuleInterface:
    data = _interface_data(base, version)
    modules: dict[str, Any] = data["modules"]
    if submodule not in modules:
        known = ", ".join(sorted(modules))
        raise UnknownSubmodule(f"`{submodule}` is not a submodule of {base} {data['tag']} (known: {known})")
    tag = normalise_version(str(data["tag"]))
    variables = {}
    for name, spec in modules[submodule]["variables"].items():
        type_text = str(spec.get("type") or "any")
        if type_text.strip() == "any":
            type_text = SHAPES_OF_ANY_INPUTS.get((base, submodule, name), type_text)
        variables[name] = ModuleVariable(type=_parsed_type(type_text), required=not spec.get("has_default"))
    where = base if submodule == "root" else f"{base}//modules/{submodule}"
    return ModuleInterface(label=f"{where} {tag}", variables=variables, version=tag)


@cache
def _parsed_type(text: str) -> TypeNode:
    return parse_type(text)


def local_interface(directory: Path, files: list[HclFile]) -> tuple[ModuleInterface, list[tuple[HclFile, int, str]]]:
    """Variables declared in a local module; also returns (file, line, message) for type expressions we cannot read."""
    variables: dict[str, ModuleVariable] = {}
    problems: list[tuple[HclFile, int, str]] = []
    for hcl_file in files:
        for block in hcl_file.walk_blocks("variable"):
            if not block.labels:
                continue
            variables[block.labels[0]] = ModuleVariable(
                type=_variable_type(block, hcl_file, problems), required=block.attribute("default") is None
            )
    return ModuleInterface(label=f"local module {directory.name}", variables=variables, version=None), problems


def _variable_type(block: Block, hcl_file: HclFile, problems: list[tuple[HclFile, int, str]]) -> TypeNode:
    attribute = block.attribute("type")
    if attribute is None:
        return ANY
    value = attribute.value
    if isinstance(value, Unknown):
        text = value.text
    elif isinstance(value, Literal) and isinstance(value.value, str):
        text = value.value  # legacy quoted type, e.g. type = "string"
    else:
        text = ""
    try:
        return _parsed_type(text)
    except TypeExprError as exc:
        problems.append((hcl_file, attribute.line, f"cannot read the type of variable `{block.labels[0]}`: {exc}"))
        return ANY
