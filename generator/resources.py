"""Locations of the data ekstf ships: HCL templates, Terraform modules, interface data.

In a wheel, `hcl_templates/` and `modules/` are installed inside the package; in a checkout they sit at
the repository root. Both layouts are supported so that tests run against either.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"

EKS_MODULE_VERSION = "21.19.0"
VPC_MODULE_VERSION = "6.6.0"
IAM_MODULE_VERSION = "6.5.0"


def _shipped_dir(name: str) -> Path:
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"ekstf installation is missing its {name}/ directory")


def templates_dir() -> Path:
    return _shipped_dir("hcl_templates")


def modules_dir() -> Path:
    return _shipped_dir("modules")


@cache
def load_data(name: str) -> Any:
    """A JSON file from the package's data directory (parsed once per process)."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def eks_interface(version: str = EKS_MODULE_VERSION) -> Any:
    return load_data(f"tf-aws-eks-v{version}.json")


def vpc_interface() -> Any:
    return load_data(f"tf-aws-vpc-v{VPC_MODULE_VERSION}.json")


def iam_interface() -> Any:
    return load_data(f"tf-aws-iam-v{IAM_MODULE_VERSION}.json")


def aws_provider_schema() -> Any:
    return load_data("aws-provider-schema.json")


def eksctl_schema() -> Any:
    return load_data("eksctl-schema.json")
