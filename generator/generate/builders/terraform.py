"""versions.tf, providers.tf and backend.tf: Terraform settings, pinned providers, the state backend."""

from __future__ import annotations

from generator.generate.builders.common import cluster_tags
from generator.generate.builders.contexts import BackendContext, ProvidersContext, VersionsContext
from generator.spec.models import Spec

# S3-native state locking (`use_lockfile`) arrived in Terraform 1.10.
LOCKFILE_TERRAFORM = ">= 1.10"


def required_terraform(spec: Spec) -> str:
    """The spec's pin, raised to what the generated repo uses (unless the user chose their own pin)."""
    pins = spec.terraform.versions
    backend = spec.terraform.backend
    if backend.type == "s3" and backend.use_lockfile and "terraform" not in pins.model_fields_set:
        return LOCKFILE_TERRAFORM
    return pins.terraform


def versions(spec: Spec) -> VersionsContext:
    pins = spec.terraform.versions
    return {
        "required_version": required_terraform(spec),
        "providers": {
            "aws": {"source": "hashicorp/aws", "version": pins.aws},
            "time": {"source": "hashicorp/time", "version": pins.time},
            "tls": {"source": "hashicorp/tls", "version": pins.tls},
        },
    }


def providers(spec: Spec) -> ProvidersContext:
    return {
        "region": spec.cluster.region,
        "tags": cluster_tags(spec),
    }


def backend(spec: Spec) -> BackendContext:
    settings = spec.terraform.backend
    if settings.type == "local":
        return {"type": "local", "attributes": {"path": "terraform.tfstate"}}
    return {
        "type": "s3",
        "attributes": {
            "bucket": settings.bucket,
            "key": settings.key,
            "region": settings.region,
            "encrypt": True,
            "kms_key_id": settings.kms_key_id,
            "use_lockfile": settings.use_lockfile,
        },
    }
