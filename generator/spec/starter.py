"""The commented starter spec `ekstf init` writes: valid as it stands, with the main sections shown commented out."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from generator.errors import ConflictError, Problem, UserInputError
from generator.spec import catalog

DEFAULT_NAME = "my-cluster"
DEFAULT_REGION = "us-east-1"

_TEMPLATE = """\
# ekstf cluster spec. Generate the Terraform repository with:
#   ekstf validate {file} && ekstf generate {file} -o infra/
# Every key is described in docs/spec.md. For completion in your editor, run
# `ekstf schema -o ekstf.schema.json` and make this the first line:
#   # yaml-language-server: $schema=ekstf.schema.json
# Uncomment what you need.
apiVersion: ekstf.io/v1alpha1

cluster:
  name: {name}
  region: {region}
  version: "{version}"          # quote it: 1.30 unquoted is still read as "1.30", but quoting is clearer
  # tags:
  #   team: platform
  # endpoint:
  #   public: true
  #   private: true
  #   publicCidrs: [203.0.113.0/24]   # restrict the public API endpoint to your networks
  # logging:
  #   types: [api, audit, authenticator]
  #   retentionDays: 90
  # secretsEncryption:
  #   mode: create                    # create | existing (with kmsKeyArn) | off
  # authenticationMode: API
  # creatorAdmin: true                # the identity running Terraform gets cluster-admin
  # accessEntries:
  #   - principalArn: arn:aws:iam::123456789012:role/platform-admins
  #     policies:
  #       - policy: AmazonEKSClusterAdminPolicy
  #   - principalArn: arn:aws:iam::123456789012:role/team-a
  #     policies:
  #       - policy: AmazonEKSEditPolicy
  #         scope: namespace
  #         namespaces: [team-a]

# A new VPC (the default). For an existing VPC set `id` and the subnet ids instead.
vpc:
  cidr: 10.0.0.0/16
  azCount: 3                          # or pin them: availabilityZones: [{region}a, {region}b, {region}c]
  nat: single                         # single | per-az | none
  # id: vpc-0123456789abcdef0
  # privateSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
  # publicSubnetIds: [subnet-0123456789abcdef2, subnet-0123456789abcdef3]

managedNodeGroups:
  - name: default
    instanceTypes: [m6i.large]
    minSize: 2
    maxSize: 4
    # capacityType: SPOT              # ON_DEMAND | SPOT
    # amiType: AL2023_x86_64_STANDARD # default follows the instance types (ARM, GPU, ...)
    # disk: {{size: 80, type: gp3}}
    # labels: {{workload: general}}
    # taints:
    #   - {{key: dedicated, value: gpu, effect: NoSchedule}}
    # kubelet: {{maxPods: 110}}

# Self-managed node groups (Auto Scaling groups), e.g. mixing spot and on-demand:
# nodeGroups:
#   - name: batch
#     instanceTypes: [m6i.xlarge, m5.xlarge]
#     minSize: 0
#     maxSize: 10
#     instancesDistribution:
#       onDemandBaseCapacity: 0
#       onDemandPercentageAboveBaseCapacity: 20

# fargateProfiles:
#   - name: system
#     selectors:
#       - namespace: karpenter

# karpenter:
#   enabled: true

# EKS addons: name -> `latest`, a pinned version, or a mapping with configuration and an IAM role.
# addons:
#   coredns: latest
#   kube-proxy: latest
#   vpc-cni: latest
#   eks-pod-identity-agent: latest
#   aws-ebs-csi-driver:
#     version: latest
#     podIdentity:
#       wellKnownPolicies: [ebsCSI]

# IAM roles for Kubernetes service accounts (IRSA) and Pod Identity associations:
# serviceAccounts:
#   - name: aws-load-balancer-controller
#     namespace: kube-system
#     wellKnownPolicies: [loadBalancerController]
# podIdentities:
#   - namespace: default
#     serviceAccount: app
#     policyArns: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]

# terraform:
#   engine: terraform                 # terraform | tofu
#   backend:
#     type: s3
#     bucket: my-terraform-state
#     useLockfile: true
"""


def starter_spec(name: str = DEFAULT_NAME, region: str = DEFAULT_REGION, file: str = "ekstf.yaml") -> str:
    """The starter text for a cluster `name` in `region`, its header naming `file` in the commands it shows
    (checked by the caller with the spec loader)."""
    shown = "SPEC" if re.search(r"[\x00-\x1f\x7f]", file) else shlex.quote(file)  # a comment line stays one line
    return _TEMPLATE.format(name=name, region=region, version=catalog.DEFAULT_KUBERNETES_VERSION, file=shown)


def write_starter(path: Path, name: str = DEFAULT_NAME, region: str = DEFAULT_REGION, *, force: bool = False) -> None:
    """Write the starter spec to `path` atomically; refuses to replace an existing file unless `force`."""
    from generator.fsutil import atomic_write_text
    from generator.spec.loader import load_spec_text

    if path.exists() and not force:
        raise ConflictError(f"{path} already exists; not overwriting it (use --force to replace it)")
    if path.is_dir():
        raise UserInputError(Problem(f"{path} is a directory", hint="pass a file name with -o"))
    text = starter_spec(name, region, str(path))
    try:
        load_spec_text(text, str(path))
    except UserInputError as error:
        flags = {"cluster.name": "--name", "cluster.region": "--region"}
        raise UserInputError(
            [
                Problem(
                    f"{flags.get(p.key_path, p.key_path)} {p.message}",
                    key_path=p.key_path,
                    expected=p.expected,
                    hint=p.hint,
                )
                for p in error.errors
            ]
        ) from None
    try:
        atomic_write_text(path, text)
    except OSError as error:
        raise UserInputError(Problem(f"cannot write {path}: {error.strerror or error}")) from None
