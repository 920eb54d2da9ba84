"""Planning and applying one resource the way the (SDKv2) AWS provider does, on plain values.

Plan: on create, every computed attribute the configuration leaves null is unknown, and so is every Optional+Computed
block of the behaviour table; on update the prior values stay (Terraform's proposed state already carries them) and
a change to a ForceNew attribute asks for replacement. `tags_all` is the provider's `default_tags` merged with `tags`.
Apply: the planned values with every unknown made up (fabricate.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.sandbox.contracts import UNKNOWN, AttributePath
from generator.sandbox.fabricate import Context, Fabricator
from generator.sandbox.schemas import NESTING_MAP, BlockShape, TypeSchema
from generator.sandbox.values import is_wholly_known


@dataclass
class Planned:
    values: Any
    requires_replace: list[AttributePath] = field(default_factory=list)


def mark_unknown(shape: BlockShape, proposed: Any, config: Any) -> Any:
    """The create plan of an object: computed attributes the configuration leaves null become unknown."""
    if not isinstance(proposed, dict):
        return proposed
    config = config if isinstance(config, dict) else {}
    result = dict(proposed)
    for name, attribute in shape.attributes.items():
        if attribute.computed and config.get(name) is None and result.get(name) is None:
            result[name] = UNKNOWN
    for name, nested in shape.blocks.items():
        value, configured = result.get(name), config.get(name)
        if isinstance(value, list):
            configured_items = configured if isinstance(configured, list) else []
            result[name] = [
                mark_unknown(nested.block, item, configured_items[i] if i < len(configured_items) else None)
                for i, item in enumerate(value)
            ]
        elif isinstance(value, dict) and nested.nesting == NESTING_MAP:
            configured_map = configured if isinstance(configured, dict) else {}
            result[name] = {
                key: mark_unknown(nested.block, item, configured_map.get(key)) for key, item in value.items()
            }
        elif isinstance(value, dict):
            result[name] = mark_unknown(nested.block, value, configured)
    return result


def _is_empty_block(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _merged_tags(tags: Any, default_tags: dict[str, Any]) -> Any:
    if tags is UNKNOWN or not is_wholly_known(tags) or not is_wholly_known(default_tags):
        return UNKNOWN
    return {**default_tags, **(tags if isinstance(tags, dict) else {})}


def _at(value: Any, path: AttributePath) -> Any:
    """The value at `path`; a step through a list of blocks looks into every element."""
    current = value
    for index, step in enumerate(path):
        if isinstance(current, list) and isinstance(step, str):
            return [_at(item, path[index:]) for item in current]
        if isinstance(current, dict):
            current = current.get(step) if isinstance(step, str) else None
        elif isinstance(current, list) and isinstance(step, int):
            current = current[step] if step < len(current) else None
        else:
            return None
    return current


def _addressable(value: Any, path: AttributePath) -> AttributePath:
    """`path` cut before its first step into a list of blocks (Terraform rejects `launch_template.id` where
    `launch_template` is a list; the block itself is a valid requires-replace path)."""
    current = value
    for index, step in enumerate(path):
        if isinstance(current, list) and isinstance(step, str):
            return path[:index]
        current = current.get(step) if isinstance(current, dict) and isinstance(step, str) else None
    return path


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


@dataclass(frozen=True)
class Behaviour:
    """What the provider source says about a type (see behaviour.py); empty for providers other than aws."""

    force_new: Sequence[AttributePath] = ()
    computed_blocks: Sequence[str] = ()
    nested_computed_blocks: Sequence[str] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)


def plan(
    schema: TypeSchema,
    prior: Any,
    proposed: Any,
    config: Any,
    context: Context,
    behaviour: Behaviour = Behaviour(),
    *,
    imported: bool = False,
) -> Planned:
    if proposed is None:  # destroy
        return Planned(None)
    shape = schema.shape
    config_map = config if isinstance(config, dict) else {}
    if prior is None:
        return Planned(_plan_create(shape, proposed, config_map, context, behaviour))
    planned = _with_defaults(dict(proposed), config_map, behaviour.defaults)
    for name, attribute in shape.attributes.items():  # equivalent policy JSON keeps its stored form
        if attribute.type == "string" and "policy" in name and json_equivalent(prior.get(name), planned.get(name)):
            planned[name] = prior[name]
    _keep_computed_blocks(planned, prior, config_map, shape, behaviour)
    if "tags_all" in shape.attributes:
        planned["tags_all"] = _merged_tags(planned.get("tags"), context.default_tags)
    replace = []
    if not imported:
        for path in behaviour.force_new:
            before, after = _at(prior, path), _at(planned, path)
            # An unknown new value forces replacement too (the SDKv2 provider marks it RequiresNew): the value
            # may differ, as a replaced cluster's name or OIDC url does for what hangs on it.
            if not is_wholly_known(after) or _canonical(before) != _canonical(after):
                replace.append(_addressable(planned, path))
    if replace:
        replanned = _plan_create(shape, {**proposed, "id": None}, config_map, context, behaviour)
        _keep_computed_blocks(replanned, prior, config_map, shape, behaviour)
        return Planned(replanned, replace)
    return Planned(planned)


def _nested_pairs(behaviour: Behaviour) -> list[tuple[str, str]]:
    return [tuple(path.split(".", 1)) for path in behaviour.nested_computed_blocks if "." in path]  # type: ignore[misc]


def _keep_computed_blocks(
    planned: dict[str, Any], prior: dict[str, Any], config: dict[str, Any], shape: BlockShape, behaviour: Behaviour
) -> None:
    """Optional+Computed blocks the configuration leaves out keep what AWS computed before."""
    for name in behaviour.computed_blocks:
        if name in shape.blocks and _is_empty_block(config.get(name)):
            planned[name] = prior.get(name)
    for outer, inner in _nested_pairs(behaviour):
        planned_items, prior_items, config_items = planned.get(outer), prior.get(outer), config.get(outer)
        if not (isinstance(planned_items, list) and isinstance(prior_items, list)):
            continue
        configured = config_items if isinstance(config_items, list) else []
        for index, item in enumerate(planned_items):
            item_config = configured[index] if index < len(configured) and isinstance(configured[index], dict) else {}
            if isinstance(item, dict) and index < len(prior_items) and _is_empty_block(item_config.get(inner)):
                item[inner] = prior_items[index].get(inner) if isinstance(prior_items[index], dict) else None


def _with_defaults(values: dict[str, Any], config: dict[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """SDKv2 `Default`s: an attribute the configuration leaves null plans as its default."""
    for path, default in defaults.items():
        head, _, rest = path.partition(".")
        if not rest:
            if config.get(head) is None and values.get(head) is None and head in values:
                values[head] = default
            continue
        items = values.get(head)
        configured = config.get(head)
        configured_items = (
            configured if isinstance(configured, list) else [configured] if isinstance(configured, dict) else []
        )
        elements = items if isinstance(items, list) else [items] if isinstance(items, dict) else []
        for index, element in enumerate(elements):
            element_config = configured_items[index] if index < len(configured_items) else {}
            unset = (element_config or {}).get(rest) is None
            if (
                isinstance(element, dict)
                and "." not in rest
                and rest in element
                and unset
                and element.get(rest) is None
            ):
                element[rest] = default
    return values


def _plan_create(
    shape: BlockShape, proposed: dict[str, Any], config: dict[str, Any], context: Context, behaviour: Behaviour
) -> dict[str, Any]:
    cleared = {
        name: (None if shape.attributes[name].computed and config.get(name) is None else value)
        for name, value in proposed.items()
        if name in shape.attributes
    }
    planned = _with_defaults(dict(mark_unknown(shape, {**proposed, **cleared}, config)), config, behaviour.defaults)
    for name in behaviour.computed_blocks:
        if name in shape.blocks and _is_empty_block(config.get(name)):
            planned[name] = UNKNOWN
    for outer, inner in _nested_pairs(behaviour):
        items, configured = planned.get(outer), config.get(outer)
        configured_items = configured if isinstance(configured, list) else []
        if isinstance(items, list):
            for index, item in enumerate(items):
                item_config = configured_items[index] if index < len(configured_items) else {}
                if isinstance(item, dict) and _is_empty_block((item_config or {}).get(inner)):
                    item[inner] = UNKNOWN
    if "tags_all" in shape.attributes:
        planned["tags_all"] = _merged_tags(planned.get("tags"), context.default_tags)
    if "region" in shape.attributes and planned.get("region") is UNKNOWN:
        planned["region"] = context.region
    return planned


def request_view(shape: BlockShape, values: Any, config: Any, *, applying: bool = False) -> Any:
    """What the configuration asks AWS for: `values` without what AWS computes (computed, not configured).

    The rules judge this view, so a value the double made up on an earlier apply never reads as the user's. While
    planning such an attribute is UNKNOWN (the configuration may still be partly unknown); at ApplyResourceChange the
    configuration is wholly known, so an attribute it leaves out is None: not sent in the request."""
    if not isinstance(values, dict):
        return values
    config = config if isinstance(config, dict) else {}
    view = dict(values)
    not_sent = None if applying else UNKNOWN
    for name, attribute in shape.attributes.items():
        if attribute.computed and config.get(name) is None:
            view[name] = not_sent
    for name, nested in shape.blocks.items():
        value, configured = view.get(name), config.get(name)
        if isinstance(value, list):
            items = configured if isinstance(configured, list) else []
            view[name] = [
                request_view(nested.block, v, items[i] if i < len(items) else None, applying=applying)
                for i, v in enumerate(value)
            ]
        elif isinstance(value, dict) and nested.nesting != NESTING_MAP:
            view[name] = request_view(nested.block, value, configured, applying=applying)
    return view


def json_equivalent(before: Any, after: Any) -> bool:
    """Whether two policy JSON strings say the same (the provider suppresses such diffs)."""
    if not (isinstance(before, str) and isinstance(after, str)):
        return False
    try:
        return bool(_normal_policy(json.loads(before)) == _normal_policy(json.loads(after)))
    except ValueError:
        return False


def _normal_policy(value: Any) -> Any:
    if isinstance(value, list):
        items = [_normal_policy(item) for item in value]
        return items[0] if len(items) == 1 else sorted(items, key=_canonical)
    if isinstance(value, dict):
        return {key: _normal_policy(item) for key, item in value.items()}
    return value


def seed_of(type_name: str, values: Any) -> str:
    return f"{type_name}|{_canonical(_known_only(values))}"


def _known_only(value: Any) -> Any:
    if value is UNKNOWN:
        return "?"
    if isinstance(value, dict):
        return {key: _known_only(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_known_only(item) for item in value]
    return value


def apply(
    type_name: str,
    schema: TypeSchema,
    prior: Any,
    planned: Any,
    context: Context,
    *,
    taken: Callable[[str], bool] = lambda object_id: False,
) -> Any:
    """The new state after applying `planned`; `taken` says whether an id already exists (it must not twice)."""
    if planned is None:
        return None
    if isinstance(prior, dict) and isinstance(prior.get("id"), str) and planned.get("id") == prior.get("id"):
        return Fabricator(context, type_name, f"{type_name}|{prior['id']}").fill(schema.shape, planned)
    seed = seed_of(type_name, planned)
    for attempt in range(100):
        values = Fabricator(context, type_name, seed if attempt == 0 else f"{seed}|{attempt}").fill(
            schema.shape, planned
        )
        object_id = values.get("id") if isinstance(values, dict) else None
        if not isinstance(object_id, str) or planned.get("id") is not UNKNOWN or not taken(object_id):
            return values
    return values
