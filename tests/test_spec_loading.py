"""What the loader makes of the spellings users write: versions, shorthands, free text, defaults."""

from __future__ import annotations

from generator.spec import load_spec_text
from generator.spec.catalog import OFFERED_KUBERNETES_VERSIONS
from generator.spec.positions import load_yaml

OFFERED = OFFERED_KUBERNETES_VERSIONS[-1]

HEAD = "cluster:\n  name: demo\n  region: eu-west-1\n"


def test_unquoted_version_is_read_as_written() -> None:
    """`version: 1.30` is the text 1.30, not the number 1.3 (which EKS support it has is another question)."""
    assert str(load_yaml("version: 1.30\n", "x.yaml").data["version"]) == "1.30"
    assert str(load_yaml("version: 1.3\n", "x.yaml").data["version"]) == "1.3"
    assert (
        load_spec_text(f"cluster: {{name: a, region: eu-west-1, version: {OFFERED}}}\n").spec.cluster.version == OFFERED
    )


def test_user_data_reaches_the_node_byte_for_byte() -> None:
    text = (
        HEAD + "managedNodeGroups:\n  - name: ng\n    userData:\n      shell: |\n"
        "        #!/bin/bash\n          indented  \n\n        echo done\n"
    )
    user_data = load_spec_text(text).spec.managed_node_groups[0].user_data
    assert user_data is not None
    assert user_data.shell == "#!/bin/bash\n  indented  \n\necho done\n"


def test_other_strings_are_trimmed() -> None:
    spec = load_spec_text(HEAD + "managedNodeGroups:\n  - name: ng\n    labels: {team: ' platform '}\n").spec
    assert spec.managed_node_groups[0].labels == {"team": "platform"}


def test_addon_shorthands() -> None:
    spec = load_spec_text(HEAD + "addons:\n  coredns: v1.11.4-eksbuild.2\n  vpc-cni:\n  kube-proxy: latest\n").spec
    assert spec.addons is not None
    assert spec.addons["coredns"].version == "v1.11.4-eksbuild.2"
    assert spec.addons["vpc-cni"].version == "latest"
    assert list(spec.addons) == ["coredns", "kube-proxy", "vpc-cni"]


def test_key_arn_implies_existing_key() -> None:
    arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    spec = load_spec_text(HEAD + f"  secretsEncryption: {{kmsKeyArn: '{arn}'}}\n").spec
    assert spec.cluster.secrets_encryption.mode == "existing"


def test_capacity_type_accepts_eksctl_spelling() -> None:
    spec = load_spec_text(
        HEAD + "managedNodeGroups:\n  - {name: a, capacityType: spot, instanceTypes: [m6i.large, m5.large]}\n"
    )
    assert spec.spec.managed_node_groups[0].capacity_type == "SPOT"


def test_minimal_spec_gets_secure_complete_defaults() -> None:
    spec = load_spec_text(HEAD).spec
    assert spec.vpc.az_count == 3 and spec.vpc.subnet_prefix_length == 19 and spec.vpc.nat == "single"
    assert spec.cluster.secrets_encryption.mode == "create"
    assert spec.cluster.creator_admin is True
    assert spec.cluster.authentication_mode == "API"
    assert sorted(spec.addons or {}) == ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]
    assert spec.terraform.modules.eks.startswith("21.")


def test_node_group_defaults_follow_the_instance_types() -> None:
    spec = load_spec_text(
        HEAD + "managedNodeGroups:\n"
        "  - {name: arm, instanceTypes: [m7g.large], minSize: 2}\n"
        "  - {name: gpu, instanceTypes: [g5.xlarge]}\n"
        "  - {name: neuron, instanceTypes: [inf2.xlarge]}\n"
    ).spec
    arm, gpu, neuron = spec.managed_node_groups
    assert (arm.ami_type, arm.desired_size) == ("AL2023_ARM_64_STANDARD", 2)
    assert gpu.ami_type == "AL2023_x86_64_NVIDIA"
    assert neuron.ami_type == "AL2023_x86_64_NEURON"
