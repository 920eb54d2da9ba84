"""The double's calls into its AWS knowledge (aws_rules, policy_documents, behaviour), in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.sandbox.aws_rules import check_resource
from generator.sandbox.behaviour import ResourceBehaviour, behaviour_for
from generator.sandbox.contracts import Refusal, World
from generator.sandbox.policy_documents import policy_document_attributes

__all__ = ["ResourceBehaviour", "behaviour", "check", "policy_document"]


def behaviour(type_name: str) -> ResourceBehaviour:
    return behaviour_for(type_name)


def check(type_name: str, values: Mapping[str, Any], world: World) -> list[Refusal]:
    """What AWS would refuse in `values` of a `type_name` create or update."""
    return list(check_resource(type_name, values, world))


def policy_document(config: Mapping[str, Any]) -> dict[str, str]:
    """The computed attributes (`json`, `minified_json`, `id`) of an aws_iam_policy_document data source.

    Raises policy_documents.PolicyDocumentError when the provider would refuse the configuration."""
    return policy_document_attributes(config)
