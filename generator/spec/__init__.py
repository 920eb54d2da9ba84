"""The ekstf spec: models, loading with positions, validation and defaults."""

from generator.spec.loader import LoadedSpec, load_spec, load_spec_text
from generator.spec.models import Spec

__all__ = ["LoadedSpec", "Spec", "load_spec", "load_spec_text"]
