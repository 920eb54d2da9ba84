"""The double's calls into its AWS knowledge (aws_rules, policy_documents, behaviour), in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.sandbox.behaviour import ResourceBehaviour, behaviour_for
from generator.sandbox.contracts import Refusal, World

__all__ = ["ResourceBehaviour", "behaviour", "check", "render_policy"]


def behaviour(type_name: str) -> ResourceBehaviour:
    return behaviour_for(type_name)


def check(type_name: str, values: Mapping[str, Any], world: World) -> list[Refusal]:
    """What AWS would refuse in `values` of a `type_name` create or update."""
    from generator.sandbox.aws_rules import check_resource

    return list(check_resource(type_name, values, world))


def render_policy(config: Mapping[str, Any]) -> str:
    """The JSON of an aws_iam_policy_document data source."""
    from generator.sandbox.policy_documents import render_policy_document

    return render_policy_document(config)
