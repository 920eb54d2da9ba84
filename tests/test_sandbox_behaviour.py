"""The sandbox's table of provider behaviour (ForceNew, Optional+Computed blocks, defaults) against the real schema."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, shared_path

from generator.sandbox.behaviour import ResourceBehaviour, behaviour_for, not_yet_reviewed_types, reviewed_types

_RESOURCE = re.compile(r'^\s*resource\s+"(aws_[a-z0-9_]+)"', re.MULTILINE)


def _declared_types(*roots: Path) -> set[str]:
    found: set[str] = set()
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.suffix in {".tf", ".j2"}:
                found.update(_RESOURCE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


@cache
def _aws_schema() -> dict[str, Any]:
    with gzip.open(shared_path("provider-schemas", "aws-6.47.0.json.gz"), "rt", encoding="utf-8") as stream:
        schemas: dict[str, Any] = json.load(stream)["resource_schemas"]
    return schemas


def _block_at(block: dict[str, Any], path: list[str]) -> dict[str, Any] | None:
    for step in path:
        nested = block.get("block_types", {}).get(step)
        if nested is None:
            return None
        block = nested["block"]
    return block


def _resolves(block: dict[str, Any], path: list[str]) -> bool:
    parent = _block_at(block, path[:-1])
    if parent is None:
        return False
    return path[-1] in parent.get("attributes", {}) or path[-1] in parent.get("block_types", {})


def test_every_aws_type_the_templates_and_modules_declare_is_reviewed_or_listed_as_not_yet() -> None:
    declared = _declared_types(REPO_ROOT / "hcl_templates", REPO_ROOT / "modules")
    declared |= _declared_types(shared_path("tf-modules"))
    reviewed, pending = reviewed_types(), not_yet_reviewed_types()
    assert reviewed & pending == set()
    assert declared - reviewed - pending == set(), "add these to generator/data/sandbox/aws-resource-behaviour.json"
    assert pending - declared == set(), "listed as not yet reviewed but no longer declared anywhere"


def test_the_eks_types_the_generated_repos_use_are_reviewed() -> None:
    declared = _declared_types(REPO_ROOT / "hcl_templates", REPO_ROOT / "modules")
    eks_and_iam = {t for t in declared if t.startswith(("aws_eks_", "aws_iam_role", "aws_launch_template"))}
    assert eks_and_iam <= reviewed_types()
    assert {"aws_eks_cluster", "aws_eks_node_group", "aws_launch_template", "aws_iam_role"} <= reviewed_types()


@pytest.mark.parametrize("type_name", sorted(reviewed_types()))
def test_every_recorded_path_exists_in_the_provider_schema(type_name: str) -> None:
    schema = _aws_schema().get(type_name)
    assert schema is not None, f"{type_name} is not an aws 6.47.0 resource"
    block = schema["block"]
    behaviour = behaviour_for(type_name)
    assert behaviour.source and behaviour.source.startswith("internal/service/")
    for path in behaviour.force_new:
        assert _resolves(block, [str(step) for step in path]), (type_name, path)
    for name in behaviour.computed_blocks:
        assert name in block.get("block_types", {}), (type_name, name)
    for dotted in behaviour.nested_computed_blocks:
        assert _block_at(block, dotted.split(".")) is not None, (type_name, dotted)
    for dotted in behaviour.defaults:
        assert _resolves(block, dotted.split(".")), (type_name, dotted)


def test_the_known_optional_computed_blocks_are_there() -> None:
    cluster = behaviour_for("aws_eks_cluster")
    assert "kubernetes_network_config" in cluster.computed_blocks  # eks-facts §9: Outposts local clusters omit it
    assert ("name",) in cluster.force_new and ("role_arn",) in cluster.force_new
    assert ("version",) not in cluster.force_new  # upgraded in place
    assert "metadata_options" in behaviour_for("aws_launch_template").computed_blocks
    assert "update_config" in behaviour_for("aws_eks_node_group").computed_blocks
    assert behaviour_for("aws_eks_cluster").defaults["vpc_config.endpoint_public_access"] is True


def test_the_data_and_registry_types_beside_the_cluster_plan_as_the_provider_does() -> None:
    secret = behaviour_for("aws_secretsmanager_secret")
    assert ("name",) in secret.force_new and secret.defaults["recovery_window_in_days"] == 30
    assert "replica" in secret.computed_blocks
    assert ("name",) in behaviour_for("aws_ecr_repository").force_new
    assert "force_delete" not in behaviour_for("aws_ecr_repository").defaults  # no Default: plans as null
    assert ("cluster_identifier",) in behaviour_for("aws_rds_cluster").force_new
    instance = behaviour_for("aws_db_instance")
    assert ("engine",) in instance.force_new and instance.defaults["skip_final_snapshot"] is False
    # Since provider v5 a new identifier renames the instance in place (the id is the DBI resource id).
    assert ("identifier",) not in instance.force_new and ("identifier_prefix",) not in instance.force_new
    for rule in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
        assert behaviour_for(rule).force_new == (("security_group_id",),)


def test_unreviewed_and_unknown_types_have_no_behaviour() -> None:
    assert behaviour_for("aws_no_such_thing") == ResourceBehaviour()
    for type_name in not_yet_reviewed_types():
        assert behaviour_for(type_name).source is None


def test_defaults_cannot_be_changed_through_the_cache() -> None:
    with pytest.raises(TypeError):
        behaviour_for("aws_eks_cluster").defaults["bootstrap_self_managed_addons"] = False  # type: ignore[index]


def test_loading_the_table_is_lean() -> None:
    code = (
        "import sys\nfrom generator.sandbox.behaviour import behaviour_for\nbehaviour_for('aws_eks_cluster')\n"
        "print(sorted(m for m in ('moto', 'boto3', 'pydantic', 'jinja2') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert result.stdout.strip() == "[]"
