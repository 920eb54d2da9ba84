"""Which managed node groups use a launch template: by id/name in the plan, by the configuration's references,
or (last resort) by living in the same module instance (the eks-managed-node-group submodule pattern)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.review.model import ResourceChange

NODE_GROUP = "aws_eks_node_group"
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


def _config_path(module_address: str) -> tuple[str, ...]:
    """'module.eks.module.ng["a"]' → ('eks', 'ng')."""
    if not module_address:
        return ()
    parts = _INSTANCE_KEY.sub("", module_address).split(".")
    return tuple(parts[i + 1] for i in range(0, len(parts) - 1, 2) if parts[i] == "module")


def _references(expressions: Any) -> Iterator[str]:
    if isinstance(expressions, dict):
        refs = expressions.get("references")
        if isinstance(refs, list):
            yield from (r for r in refs if isinstance(r, str))
        for key, child in expressions.items():
            if key != "references":
                yield from _references(child)
    elif isinstance(expressions, list):
        for child in expressions:
            yield from _references(child)


def _as_dict(val: Any) -> dict[str, Any]:
    """`configuration` is read as found: a key of the wrong type counts as absent."""
    return val if isinstance(val, dict) else {}


def _as_list(val: Any) -> list[Any]:
    return val if isinstance(val, list) else []


def _module_config(configuration: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
    module = configuration.get("root_module") if isinstance(configuration, dict) else None
    for name in path:
        if not isinstance(module, dict):
            return None
        call = _as_dict(module.get("module_calls")).get(name)
        module = call.get("module") if isinstance(call, dict) else None
    return module if isinstance(module, dict) else None


def _refers_to(refs: Iterator[str], targets: tuple[str, ...]) -> bool:
    return any(ref == t or ref.startswith((t + ".", t + "[")) for ref in refs for t in targets)


def _ids(resource: ResourceChange) -> set[str]:
    found: set[str] = set()
    for obj in (resource.before_value(), resource.after_value()):
        if isinstance(obj, dict):
            for key in ("id", "name"):
                if isinstance(obj.get(key), str) and obj[key]:
                    found.add(obj[key])
    return found


def _template_refs_of(node_group: ResourceChange) -> set[str]:
    found: set[str] = set()
    for obj in (node_group.before_value(), node_group.after_value()):
        blocks = obj.get("launch_template") if isinstance(obj, dict) else None
        for block in blocks if isinstance(blocks, list) else ():
            if isinstance(block, dict):
                found.update(v for k in ("id", "name") if isinstance(v := block.get(k), str) and v)
    return found


def _in_module_subtree(module_address: str, prefix: str) -> bool:
    return module_address == prefix or module_address.startswith((prefix + ".", prefix + "["))


def node_groups_using(
    template: ResourceChange, node_groups: list[ResourceChange], configuration: Any
) -> tuple[list[str], str]:
    """Addresses of node groups using `template`, and how they were found."""
    template_ids = _ids(template)
    by_id = [ng.address for ng in node_groups if template_ids & _template_refs_of(ng)]
    targets = (f"aws_launch_template.{template.name}",)
    module = _module_config(configuration, _config_path(template.module_address))
    direct: list[str] = []
    via_calls: list[str] = []
    if module is not None:
        wired_names = {
            r.get("name")
            for r in _as_list(module.get("resources"))
            if isinstance(r, dict)
            and r.get("type") == NODE_GROUP
            and _refers_to(_references(r.get("expressions")), targets)
        }
        direct = [
            ng.address for ng in node_groups if ng.module_address == template.module_address and ng.name in wired_names
        ]
        for call_name, call in _as_dict(module.get("module_calls")).items():
            if isinstance(call, dict) and _refers_to(_references(call.get("expressions")), targets):
                prefix = (
                    f"{template.module_address}.module.{call_name}"
                    if template.module_address
                    else f"module.{call_name}"
                )
                via_calls.extend(ng.address for ng in node_groups if _in_module_subtree(ng.module_address, prefix))
    precise = sorted(set(by_id) | set(direct))
    if precise:
        return precise, "by launch template id and configuration references"
    if via_calls:
        return sorted(set(via_calls)), "through module inputs that reference it"
    same_module = [ng.address for ng in node_groups if ng.module_address == template.module_address]
    return sorted(same_module), "in the same module"
