"""One pure builder per concern: the completed spec → the context of one output file (no I/O).

`FILES` is the ordered registry: output path, template, builder. A builder returning None means the file is not
part of this repository (no self-managed groups → no node_iam.tf).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.generate.builders import cluster, compute, docs, karpenter, network, outputs, terraform, workload_iam
from generator.spec.models import Spec


@dataclass(frozen=True)
class OutputFile:
    path: str
    template: str
    build: Callable[[Spec], Mapping[str, Any] | None]


def _network_template(spec: Spec) -> str:
    return "network_existing.tf.j2" if spec.vpc.existing else "vpc.tf.j2"


FILES: tuple[OutputFile, ...] = (
    OutputFile("versions.tf", "versions.tf.j2", terraform.versions),
    OutputFile("providers.tf", "providers.tf.j2", terraform.providers),
    OutputFile("backend.tf", "backend.tf.j2", terraform.backend),
    OutputFile("vpc.tf", "{network}", network.network),
    OutputFile("eks.tf", "eks.tf.j2", cluster.eks),
    OutputFile("launch_templates.tf", "launch_templates.tf.j2", compute.launch_templates),
    OutputFile("node_iam.tf", "node_iam.tf.j2", compute.node_roles),
    OutputFile("irsa.tf", "irsa.tf.j2", workload_iam.irsa),
    OutputFile("pod_identity.tf", "pod_identity.tf.j2", workload_iam.pod_identity),
    OutputFile("karpenter.tf", "karpenter.tf.j2", karpenter.karpenter),
    OutputFile("outputs.tf", "outputs.tf.j2", outputs.outputs),
    OutputFile("kubernetes/service-accounts.yaml", "service-accounts.yaml.j2", workload_iam.service_accounts),
    OutputFile("README.md", "README.md.j2", docs.readme),
    OutputFile(".gitignore", "gitignore.j2", docs.gitignore),
)


def template_for(entry: OutputFile, spec: Spec) -> str:
    return _network_template(spec) if entry.template == "{network}" else entry.template
