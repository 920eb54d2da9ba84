"""Synthetic plan JSON for the review tests and benchmark: N resource changes shaped like a real EKS plan.

Besides `resource_changes` the plan carries `planned_values` and `prior_state` with the same objects, as
`terraform show -json` does, so file sizes are realistic.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

ACTION_MIX = (
    (["update"], 40),
    (["create"], 25),
    (["no-op"], 20),
    (["delete"], 8),
    (["delete", "create"], 4),
    (["create", "delete"], 3),
)
CRITICAL_ADDRESSES = (
    "module.eks.aws_eks_cluster.this[0]",
    "module.eks.aws_iam_openid_connect_provider.oidc_provider[0]",
)


def _attributes(rng: random.Random, index: int) -> dict[str, Any]:
    return {
        "id": f"i-{index:012x}",
        "ami": f"ami-{rng.randrange(16**8):08x}",
        "instance_type": rng.choice(["m6i.large", "m6i.xlarge", "c6i.large", "r6i.large"]),
        "subnet_id": f"subnet-{rng.randrange(16**8):08x}",
        "vpc_security_group_ids": [f"sg-{rng.randrange(16**8):08x}" for _ in range(2)],
        "monitoring": rng.random() < 0.5,
        "root_block_device": [{"volume_size": rng.choice([20, 50, 100]), "volume_type": "gp3", "encrypted": True}],
        "metadata_options": [{"http_tokens": "required", "http_put_response_hop_limit": 2}],
        "tags": {"Name": f"worker-{index}", "team": rng.choice(["platform", "data", "web"]), "env": "prod"},
        "user_data": "#!/bin/bash\necho hello " + "x" * rng.randrange(20, 200),
    }


def _critical_changes() -> list[dict[str, Any]]:
    cluster = {"name": "prod", "version": "1.31", "role_arn": "arn:aws:iam::111122223333:role/prod"}
    return [
        {
            "address": CRITICAL_ADDRESSES[0],
            "module_address": "module.eks",
            "mode": "managed",
            "type": "aws_eks_cluster",
            "name": "this",
            "index": 0,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["delete", "create"],
                "before": cluster,
                "after": {**cluster, "name": "prod-2"},
                "after_unknown": {},
                "before_sensitive": {},
                "after_sensitive": {},
                "replace_paths": [["name"]],
            },
            "action_reason": "replace_because_cannot_update",
        },
        {
            "address": CRITICAL_ADDRESSES[1],
            "module_address": "module.eks",
            "mode": "managed",
            "type": "aws_iam_openid_connect_provider",
            "name": "oidc_provider",
            "index": 0,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["delete"],
                "before": {"url": "oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
                "after": None,
                "after_unknown": {},
                "before_sensitive": {},
                "after_sensitive": False,
            },
            "action_reason": "delete_because_count_index",
        },
    ]


def synthetic_plan(count: int, seed: int = 7) -> dict[str, Any]:
    """A plan with `count` resource changes (2 of them critical EKS dangers) spread over 50 modules."""
    rng = random.Random(seed)
    actions = [a for a, weight in ACTION_MIX for _ in range(weight)]
    changes = _critical_changes()
    planned: list[dict[str, Any]] = []
    prior: list[dict[str, Any]] = []
    for index in range(count - len(changes)):
        module = f'module.workers["pool-{index % 50}"]'
        address = f"{module}.aws_instance.this[{index}]"
        action = rng.choice(actions)
        before = None if action == ["create"] else _attributes(rng, index)
        after = None if action == ["delete"] else _attributes(rng, index)
        if before is not None and after is not None:
            # no-ops keep the object, updates change a few attributes, replacements the AMI (as in real plans)
            after = before if action == ["no-op"] else {**before, "tags": {**before["tags"], "team": "platform-2"}}
            if action == ["update"]:
                after["instance_type"] = "m7i.large"
            elif len(action) == 2:
                after["ami"] = "ami-0new"
        unknown: dict[str, Any] = {"id": True} if action[-1] == "create" or action == ["create"] else {}
        change = {
            "address": address,
            "module_address": module,
            "mode": "managed",
            "type": "aws_instance",
            "name": "this",
            "index": index,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": action,
                "before": before,
                "after": after,
                "after_unknown": unknown,
                "before_sensitive": {} if before is not None else False,
                "after_sensitive": ({"user_data": True} if index % 100 == 0 else {}) if after is not None else False,
            },
        }
        if len(action) == 2:
            change["change"]["replace_paths"] = [["ami"]]
            change["action_reason"] = "replace_because_cannot_update"
        changes.append(change)
        if after is not None:
            planned.append({"address": address, "mode": "managed", "type": "aws_instance", "values": after})
        if before is not None:
            prior.append({"address": address, "mode": "managed", "type": "aws_instance", "values": before})
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "output_changes": {},
        "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": prior}}},
        "configuration": {"root_module": {}},
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def write_synthetic_plan(path: Path, count: int) -> Path:
    path.write_text(json.dumps(synthetic_plan(count)), encoding="utf-8")
    return path
