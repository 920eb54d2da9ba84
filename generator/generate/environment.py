"""The one Jinja environment that renders every template (strict, no autoescape, HCL filters)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2

from generator.generate import hcl
from generator.resources import templates_dir


def _hcl(item: Any, level: int = 0) -> str:
    return hcl.value(item, level)


def _attributes(items: dict[str, Any], level: int = 1) -> str:
    return hcl.attributes(items, level)


def _block(block: hcl.Block, level: int = 0) -> str:
    return hcl.render_block(block, level)


def _json(item: Any) -> str:
    """A JSON scalar; also a valid YAML flow scalar, used for names in the Kubernetes manifests."""
    return json.dumps(item, ensure_ascii=False)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["hcl"] = _hcl
    env.filters["attributes"] = _attributes
    env.filters["block"] = _block
    env.filters["quote"] = hcl.quote
    env.filters["json"] = _json
    return env
