"""Instance-type facts the AMI defaults rest on: ARM (Graviton), GPU, Neuron."""

from __future__ import annotations

import pytest

from generator.spec import catalog


@pytest.mark.parametrize(
    ("instance_type", "arm"),
    [
        ("m7g.large", True),
        ("c6gn.xlarge", True),
        ("t4g.small", True),
        ("r8gd.2xlarge", True),
        ("a1.medium", True),
        ("g5g.xlarge", True),  # Graviton with NVIDIA T4G GPUs
        ("g5.xlarge", False),
        ("g6e.2xlarge", False),
        ("gr6.4xlarge", False),
        ("m7i.large", False),
        ("m7a.large", False),
        ("inf2.xlarge", False),
        ("mac2.metal", False),
    ],
)
def test_arm_instance_types(instance_type: str, arm: bool) -> None:
    assert catalog.is_arm_instance_type(instance_type) is arm


@pytest.mark.parametrize("instance_type", ["g5.xlarge", "g5g.xlarge", "p5.48xlarge", "gr6.4xlarge"])
def test_gpu_instance_types(instance_type: str) -> None:
    assert catalog.is_gpu_instance_type(instance_type)


def test_managed_policy_arns_are_aws_managed() -> None:
    for arn in catalog.MANAGED_POLICY_ARNS.values():
        assert arn.startswith("arn:aws:iam::aws:policy/")
    assert catalog.POD_IDENTITY_WELL_KNOWN_POLICIES["ebsCSI"].endswith("service-role/AmazonEBSCSIDriverPolicy")
    assert set(catalog.POD_IDENTITY_WELL_KNOWN_POLICIES) <= set(catalog.WELL_KNOWN_POLICIES)


@pytest.mark.parametrize(
    ("instance_types", "ami_type"),
    [
        (["m7i.large"], "AL2023_x86_64_STANDARD"),
        (["m7g.large"], "AL2023_ARM_64_STANDARD"),
        (["g5g.xlarge"], "AL2023_ARM_64_NVIDIA"),
        (["g5.xlarge"], "AL2023_x86_64_NVIDIA"),
        (["inf2.xlarge"], "AL2023_x86_64_NEURON"),
    ],
)
def test_default_ami_type_follows_the_first_instance_type(instance_types: list[str], ami_type: str) -> None:
    from generator.spec.defaults import default_ami_type

    assert default_ami_type(instance_types) == ami_type
