"""Does a generated Terraform repo declare what an `import { to = ... }` address points at?

Reads the repo with python-hcl2 and resolves an address against it: a root resource block, a module call, or a
resource inside module "eks" that exists for the map key in the module's inputs (node groups, addons, access
entries...) with the settings that make the module create it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

from generator.generate import names

_IMPORT_TO = re.compile(r"^\s*to\s*=\s*(\S+)\s*$", re.MULTILINE)
_SEGMENT = re.compile(r'(module\.[A-Za-z0-9_-]+(?:\["[^"]+"\])?|[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[[^\]]+\])?)\.?')


def import_addresses(imports_tf: Path) -> list[str]:
    return _IMPORT_TO.findall(imports_tf.read_text(encoding="utf-8"))


def _unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _plain(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals and keys; drop them so keys compare with spec names."""
    if isinstance(value, dict):
        return {_unquote(k): _plain(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _unquote(value)


@dataclass
class Config:
    resources: set[tuple[str, str]] = field(default_factory=set)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_config(repo: Path) -> Config:
    config = Config()
    for path in sorted(repo.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            data = _plain(hcl2.load(handle))
        for block in data.get("resource", []):
            for kind, named in block.items():
                config.resources.update((kind, name) for name in named)
        for block in data.get("module", []):
            config.modules.update(block)
    return config


def _split(address: str) -> list[str]:
    parts = _SEGMENT.findall(address)
    assert ".".join(parts) == address, f"cannot parse address {address}"
    return parts


def _key(segment: str) -> str | None:
    match = re.search(r'\["([^"]+)"\]$', segment)
    return match.group(1) if match else None


def undeclared(address: str, config: Config) -> str | None:
    """None when the configuration declares the addressed resource, else why not."""
    parts = _split(address)
    if not parts[0].startswith("module."):
        kind, name = re.sub(r"\[.*\]$", "", parts[0]).split(".")
        return None if (kind, name) in config.resources else f"no resource {kind}.{name} in the root module"
    module = re.sub(r"\[.*\]$", "", parts[0]).removeprefix("module.")
    if module not in config.modules:
        return f"no module {module!r}"
    if module != names.EKS_MODULE:
        return None if len(parts) == 2 else f"unexpected nesting in {address}"
    return _in_eks(parts[1:], config.modules[module])


_SUBMODULE_INPUTS = {
    "eks_managed_node_group": "eks_managed_node_groups",
    "self_managed_node_group": "self_managed_node_groups",
    "fargate_profile": "fargate_profiles",
}


def _in_eks(parts: list[str], eks: dict[str, Any]) -> str | None:
    head = parts[0]
    key = _key(head)
    if head.startswith("module."):
        submodule = re.sub(r"\[.*\]$", "", head).removeprefix("module.")
        groups = eks.get(_SUBMODULE_INPUTS.get(submodule, ""), {})
        if key not in groups:
            return f"module.eks has no {submodule} key {key!r}"
        if submodule != "fargate_profile" and groups[key].get("use_name_prefix") is not False:
            return f"{submodule} {key!r} gets a generated name suffix: the imported group would be replaced"
        return None
    resource = re.sub(r"\[.*\]$", "", head)
    if resource == "aws_eks_cluster.this":
        return None
    if resource == "aws_iam_openid_connect_provider.oidc_provider":
        return None if eks.get("enable_irsa", True) is not False else "enable_irsa is false"
    if resource == "aws_cloudwatch_log_group.this":
        return None if eks.get("create_cloudwatch_log_group", True) is not False else "no log group"
    if resource in ("aws_eks_addon.this", "aws_eks_addon.before_compute"):
        addon = eks.get("addons", {}).get(key)
        if addon is None:
            return f"no addon {key!r}"
        before = bool(addon.get("before_compute", False))
        return None if before == resource.endswith("before_compute") else f"addon {key!r}: before_compute is {before}"
    entries = eks.get("access_entries") or {}
    if resource == "aws_eks_access_entry.this":
        return None if key in entries else f"no access entry {key!r}"
    if resource == "aws_eks_access_policy_association.this":
        for entry_key, entry in entries.items():
            for policy_key in entry.get("policy_associations", {}):
                if key == f"{entry_key}_{policy_key}":
                    return None
        return f"no access policy association {key!r}"
    return f"module.eks address not known to this check: {head}"
